//! `Idempotency-Key` under concurrency: one key does the work once, a key
//! reused for a different request is refused, keys expire, and the layer
//! honours each route's own body limit.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::auth::api_key::Scope;
use milepost::store::{self, IdempotencyClaim, StoredResponse};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

struct Setup {
    app: TestApp,
    key: String,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    order(&app.pool, tenant, "SO-1", None).await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    Setup { app, key }
}

/// Sends the same request twenty times at once; returns (status, body) of each.
async fn twenty_at_once(request: impl Fn(usize) -> reqwest::RequestBuilder) -> Vec<(u16, Value)> {
    let requests = (0..20).map(|i| {
        let request = request(i);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
            let body: Value = response.json().await.unwrap();
            if status >= 400 {
                assert_eq!(content_type, "application/problem+json", "{status} {body}");
            }
            (status, body)
        }
    });
    futures_util::future::join_all(requests).await
}

#[tokio::test]
async fn twenty_concurrent_retries_create_one_tracking_link() {
    let s = setup().await;
    let url = format!("{}/api/v1/orders/SO-1/tracking-links", s.app.base_url);
    let answers = twenty_at_once(|_| {
        s.app.client.post(&url).bearer_auth(&s.key).header("idempotency-key", "link-once").json(&json!({}))
    })
    .await;
    let mut tokens: Vec<&str> =
        answers.iter().filter(|(status, _)| *status == 201).map(|(_, body)| body["token"].as_str().unwrap()).collect();
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "one tracking link, every success names it: {answers:?}");
    for (status, body) in &answers {
        assert!(*status == 201 || *status == 409, "{status} {body}");
        if *status == 409 {
            assert!(body["detail"].as_str().unwrap().contains("in progress"), "{body}");
        }
    }

    // Afterwards the key answers with the stored link.
    let replay = s.app.client.post(&url).bearer_auth(&s.key).header("idempotency-key", "link-once").json(&json!({}));
    let replay: Value = replay.send().await.unwrap().json().await.unwrap();
    assert_eq!(replay["token"], tokens[0]);
}

#[tokio::test]
async fn twenty_different_requests_under_one_key_do_one_thing() {
    let s = setup().await;
    let url = format!("{}/api/v1/events", s.app.base_url);
    let answers = twenty_at_once(|i| {
        let event = json!({"source": "carrier", "event_id": format!("e-{i}"), "code": "IN_TRANSIT",
                           "occurred_at": Utc::now() - Duration::minutes(5), "order_number": "SO-1"});
        s.app.client.post(&url).bearer_auth(&s.key).header("idempotency-key", "one-event").json(&event)
    })
    .await;
    let succeeded = answers.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(succeeded, 1, "{answers:?}");
    for (status, body) in &answers {
        assert!([200, 409, 422].contains(status), "{status} {body}");
    }
    let order: Value =
        s.app.send(reqwest::Method::GET, "/api/v1/orders/SO-1", &s.key, None).await.json().await.unwrap();
    let carrier_events = order["events"].as_array().unwrap().iter().filter(|e| e["source"] == "carrier").count();
    assert_eq!(carrier_events, 1, "{order}");
}

#[tokio::test]
async fn refusals_are_remembered_like_successes() {
    let s = setup().await;
    let send = |number: &str| {
        s.app
            .client
            .post(format!("{}/api/v1/orders/{number}/tracking-links", s.app.base_url))
            .bearer_auth(&s.key)
            .header("idempotency-key", "retry-me")
            .json(&json!({}))
            .send()
    };
    // A refusal is an answer and is kept: the same request gets it again.
    assert_eq!(send("SO-404").await.unwrap().status(), 404);
    let again = send("SO-404").await.unwrap();
    assert_eq!((again.status().as_u16(), again.headers().contains_key("idempotent-replayed")), (404, true));
}

#[tokio::test]
async fn keys_expire_and_can_then_be_used_again() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let t0 = Utc::now();
    let ttl = Duration::hours(24);
    let response = |body: &str| StoredResponse {
        request_hash: "first".into(),
        status_code: 201,
        response_body: body.as_bytes().to_vec(),
        content_type: "application/json".into(),
    };

    assert!(matches!(
        store::claim_idempotency_key(&app.pool, tenant, "k", "first", t0, ttl).await.unwrap(),
        IdempotencyClaim::Claimed
    ));
    store::complete_idempotency_key(&app.pool, tenant, "k", &response("{}")).await.unwrap();
    match store::claim_idempotency_key(&app.pool, tenant, "k", "second", t0 + Duration::hours(23), ttl).await.unwrap() {
        IdempotencyClaim::Taken { request_hash, response: Some(stored) } => {
            assert_eq!((request_hash.as_str(), stored.status_code), ("first", 201));
        }
        other => panic!("within a day the key is taken: {other:?}"),
    }
    // A day later the key is new again, for any request.
    assert!(matches!(
        store::claim_idempotency_key(&app.pool, tenant, "k", "second", t0 + Duration::hours(25), ttl).await.unwrap(),
        IdempotencyClaim::Claimed
    ));
    // A pending claim released (a server error) frees the key at once.
    store::release_idempotency_key(&app.pool, tenant, "k").await.unwrap();
    assert!(matches!(
        store::claim_idempotency_key(&app.pool, tenant, "k", "third", t0 + Duration::hours(25), ttl).await.unwrap(),
        IdempotencyClaim::Claimed
    ));
}

#[tokio::test]
async fn the_ttl_is_configurable_and_checked() {
    let config = |value: &str| {
        milepost::config::Config::from_lookup(|name| (name == "MILEPOST_IDEMPOTENCY_TTL_HOURS").then(|| value.into()))
    };
    assert_eq!(config("48").unwrap().idempotency_ttl, Duration::hours(48));
    assert!(config("soon").is_err());
    let default = milepost::config::Config::from_lookup(|_| None).unwrap();
    assert_eq!(default.idempotency_ttl, Duration::hours(24));
}

/// A JPEG of about `size` bytes (one long scan).
fn big_jpeg(size: usize) -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend([0xFF, 0xE0, 0, 7, b'J', b'F', b'I', b'F', 0]);
    jpeg.extend([0xFF, 0xDA, 0, 4, 1, 1]);
    jpeg.extend(std::iter::repeat_n(0x55, size));
    jpeg.extend([0xFF, 0xD9]);
    jpeg
}

#[tokio::test]
async fn a_large_proof_of_delivery_photo_is_accepted_with_a_key() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let shipment = shipment(&app.pool, order.id, "1Z1", vec![(order.lines[0], 10)]).await;
    let key = api_key(&app.pool, tenant, &[Scope::Carrier]).await;
    let form = || {
        Form::new()
            .text("receiver_name", "Dana")
            .text("delivered_at", (Utc::now() - Duration::minutes(1)).to_rfc3339())
            .part("photo", Part::bytes(big_jpeg(3 * 1024 * 1024)).file_name("door.jpg").mime_str("image/jpeg").unwrap())
    };
    let url = format!("{}/api/v1/shipments/{}/pod", app.base_url, shipment.0);
    let first = app.client.post(&url).bearer_auth(&key).header("idempotency-key", "pod-1").multipart(form());
    let first = first.send().await.unwrap();
    let status = first.status();
    let first: Value = first.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 201, "{first}");
    // A retry of the same upload (new multipart boundary, so new bytes) is a different request.
    let retry = app.client.post(&url).bearer_auth(&key).header("idempotency-key", "pod-2").multipart(form());
    assert_eq!(retry.send().await.unwrap().status(), 409, "one proof per shipment");
    assert!(first["files"][0]["size_bytes"].as_i64().unwrap() > 3 * 1024 * 1024);
}
