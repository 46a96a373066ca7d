//! The ingest API over real HTTP: success and error cases, idempotency,
//! ordering, the unmatched queue, webhook signatures and SSE resume.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::auth::api_key::Scope;
use milepost::auth::webhook_signature;
use serde_json::{json, Value};
use std::time::Duration as StdDuration;

fn order_body() -> Value {
    json!({
        "customer_po": "PO-42",
        "placed_at": Utc::now() - Duration::days(2),
        "promised_date": (Utc::now() + Duration::days(3)).date_naive(),
        "contact": { "name": "Robin", "email": "robin@example.com" },
        "ship_to": { "name": "Robin", "line1": "5 Elm St", "city": "Austin", "region": "TX", "postcode": "78701",
                     "country": "US", "time_zone": "America/Chicago" },
        "lines": [
            { "sku": "A-1", "description": "Anvil", "quantity": 3 },
            { "sku": "B-2", "description": "Bucket", "quantity": 5, "unit": "BX" }
        ]
    })
}

async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    body
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

struct Setup {
    app: TestApp,
    admin: String,
    tenant: milepost::domain::TenantId,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let admin = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    Setup { app, admin, tenant }
}

async fn create_order(s: &Setup, number: &str) {
    let response = s.app.put(&format!("/api/v1/orders/{number}"), &s.admin, order_body()).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn oms_creates_updates_confirms_and_cancels_orders() {
    let s = setup().await;
    let oms = api_key(&s.app.pool, s.tenant, &[Scope::Oms]).await;
    let created: Value = s.app.put("/api/v1/orders/SO-1", &oms, order_body()).await.json().await.unwrap();
    assert_eq!(created["created"], true);
    assert_eq!(created["status"], "Order placed");

    let mut changed = order_body();
    changed["lines"][0]["quantity"] = json!(4);
    let updated = s.app.put("/api/v1/orders/SO-1", &oms, changed).await;
    assert_eq!(updated.status(), 200);

    let confirmed: Value =
        s.app.send(reqwest::Method::POST, "/api/v1/orders/SO-1/confirm", &oms, None).await.json().await.unwrap();
    assert_eq!(confirmed["result"], "created");
    assert_eq!(confirmed["order"]["status"], "Order confirmed");
    let again: Value =
        s.app.send(reqwest::Method::POST, "/api/v1/orders/SO-1/confirm", &oms, None).await.json().await.unwrap();
    assert_eq!(again["result"], "duplicate", "a repeated confirm changes nothing");

    let no_reason = s.app.post("/api/v1/orders/SO-1/cancel", &oms, json!({})).await;
    assert_eq!(fields(&problem(no_reason, 422).await), ["reason"]);
    let cancelled: Value =
        s.app.post("/api/v1/orders/SO-1/cancel", &oms, json!({"reason": "customer asked"})).await.json().await.unwrap();
    assert_eq!(cancelled["order"]["status"], "Cancelled");

    let detail: Value = s.app.send(reqwest::Method::GET, "/api/v1/orders/SO-1", &oms, None).await.json().await.unwrap();
    let codes: Vec<&str> = detail["events"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["ORDER_PLACED", "ORDER_CONFIRMED", "ORDER_CANCELLED"]);
    assert_eq!(detail["events"][2]["details"]["reason"], "customer asked");

    let link: Value =
        s.app.send(reqwest::Method::POST, "/api/v1/orders/SO-1/tracking-links", &oms, None).await.json().await.unwrap();
    let url = link["url"].as_str().unwrap();
    assert!(url.starts_with(&s.app.base_url));
    let page = s.app.client.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Cancelled"));
}

#[tokio::test]
async fn errors_are_problem_documents_naming_the_field() {
    let s = setup().await;
    let mut bad = order_body();
    bad["ship_to"]["time_zone"] = json!("Mars/Olympus");
    bad["lines"][1]["quantity"] = json!(0);
    bad["contact"]["email"] = json!("not-an-email");
    let body = problem(s.app.put("/api/v1/orders/SO-9", &s.admin, bad).await, 422).await;
    assert_eq!(fields(&body), ["ship_to.time_zone", "contact.email", "lines[1].quantity"]);

    let mut wrong_type = order_body();
    wrong_type["lines"][0]["quantity"] = json!("three");
    let body = problem(s.app.put("/api/v1/orders/SO-9", &s.admin, wrong_type).await, 422).await;
    assert_eq!(fields(&body), ["lines[0].quantity"]);

    let mut unknown_field = order_body();
    unknown_field["colour"] = json!("red");
    problem(s.app.put("/api/v1/orders/SO-9", &s.admin, unknown_field).await, 422).await;

    let broken = s
        .app
        .client
        .put(format!("{}/api/v1/orders/SO-9", s.app.base_url))
        .bearer_auth(&s.admin)
        .header("content-type", "application/json")
        .body("{\"lines\": [")
        .send()
        .await
        .unwrap();
    assert!(problem(broken, 422).await["errors"][0]["message"].as_str().unwrap().contains("not valid JSON"));

    let not_json = s
        .app
        .client
        .put(format!("{}/api/v1/orders/SO-9", s.app.base_url))
        .bearer_auth(&s.admin)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    problem(not_json, 415).await;

    let huge = json!({ "events": vec![json!({"event_id": "x".repeat(1000)}); 3000] });
    problem(s.app.post("/api/v1/events", &s.admin, huge).await, 413).await;

    let unauthenticated =
        s.app.client.put(format!("{}/api/v1/orders/SO-9", s.app.base_url)).json(&order_body()).send().await.unwrap();
    assert_eq!(unauthenticated.headers()["www-authenticate"], "Bearer");
    problem(unauthenticated, 401).await;
    problem(s.app.put("/api/v1/orders/SO-9", "mp_000000000000_forged", order_body()).await, 401).await;

    let carrier = api_key(&s.app.pool, s.tenant, &[Scope::Carrier]).await;
    problem(s.app.put("/api/v1/orders/SO-9", &carrier, order_body()).await, 403).await;
    let wms_event =
        json!({"source": "wms", "event_id": "w1", "code": "PICKED", "occurred_at": Utc::now(), "order_number": "SO-9"});
    problem(s.app.post("/api/v1/events", &carrier, wms_event).await, 403).await;

    let missing =
        problem(s.app.send(reqwest::Method::POST, "/api/v1/orders/NOPE/confirm", &s.admin, None).await, 404).await;
    assert_eq!(fields(&missing), ["order_number"]);
    problem(s.app.send(reqwest::Method::GET, "/api/v1/nowhere", &s.admin, None).await, 404).await;
}

#[tokio::test]
async fn revoked_keys_stop_working() {
    let s = setup().await;
    let (id, key) = milepost::auth::api_key::create(&s.app.pool, s.tenant, "soon gone", &[Scope::Oms]).await.unwrap();
    assert_eq!(s.app.put("/api/v1/orders/SO-1", &key, order_body()).await.status(), 201);
    milepost::store::revoke_api_key(&s.app.pool, id).await.unwrap();
    problem(s.app.put("/api/v1/orders/SO-1", &key, order_body()).await, 401).await;
}

#[tokio::test]
async fn another_tenants_orders_do_not_exist() {
    let s = setup().await;
    create_order(&s, "SO-1").await;
    let other = tenant(&s.app.pool, "other").await;
    let their_key = api_key(&s.app.pool, other, &[Scope::Admin]).await;
    problem(s.app.send(reqwest::Method::GET, "/api/v1/orders/SO-1", &their_key, None).await, 404).await;
    let event = json!({"source": "carrier", "event_id": "x", "code": "DELIVERED", "occurred_at": Utc::now(), "order_number": "SO-1"});
    problem(s.app.post("/api/v1/events", &their_key, event).await, 404).await;
}

#[tokio::test]
async fn warehouse_steps_and_split_shipments() {
    let s = setup().await;
    create_order(&s, "SO-2").await;
    let wms = api_key(&s.app.pool, s.tenant, &[Scope::Wms]).await;
    for step in ["release", "pick", "pack"] {
        let r = s.app.send(reqwest::Method::POST, &format!("/api/v1/orders/SO-2/warehouse/{step}"), &wms, None).await;
        assert_eq!(r.status(), 200, "{step}");
    }
    problem(s.app.send(reqwest::Method::POST, "/api/v1/orders/SO-2/warehouse/teleport", &wms, None).await, 404).await;

    let too_many = json!({"carrier": "UPS", "tracking_number": "1Z1", "lines": [{"line_number": 1, "quantity": 9}, {"line_number": 7, "quantity": 1}]});
    let body = problem(s.app.post("/api/v1/orders/SO-2/shipments", &wms, too_many).await, 422).await;
    assert_eq!(fields(&body), ["lines[0].quantity", "lines[1].line_number"]);

    let first = json!({"carrier": "UPS", "tracking_number": "1Z1", "lines": [{"line_number": 1, "quantity": 3}, {"line_number": 2, "quantity": 2}]});
    let shipped: Value = s.app.post("/api/v1/orders/SO-2/shipments", &wms, first.clone()).await.json().await.unwrap();
    assert_eq!(shipped["order"]["status"], "Shipped, more items to follow");
    problem(s.app.post("/api/v1/orders/SO-2/shipments", &wms, first).await, 409).await;
    let rest = json!({"carrier": "UPS", "tracking_number": "1Z2", "lines": [{"line_number": 2, "quantity": 4}]});
    problem(s.app.post("/api/v1/orders/SO-2/shipments", &wms, rest).await, 422).await;
    let rest = json!({"carrier": "UPS", "tracking_number": "1Z2", "lines": [{"line_number": 2, "quantity": 3}]});
    assert_eq!(s.app.post("/api/v1/orders/SO-2/shipments", &wms, rest).await.status(), 201);

    let carrier = api_key(&s.app.pool, s.tenant, &[Scope::Carrier]).await;
    let delivered = json!({"source": "ups", "event_id": "d1", "code": "DELIVERED", "occurred_at": Utc::now(), "tracking_number": "1Z1"});
    s.app.post("/api/v1/events", &carrier, delivered).await;
    let detail: Value =
        s.app.send(reqwest::Method::GET, "/api/v1/orders/SO-2", &carrier, None).await.json().await.unwrap();
    assert_eq!(detail["status"], "1 of 2 shipments delivered");
}

#[tokio::test]
async fn events_are_idempotent_and_ordered_by_when_they_happened() {
    let s = setup().await;
    create_order(&s, "SO-3").await;
    let now = Utc::now();
    let batch = json!({"events": [
        {"source": "carrier", "event_id": "c-2", "code": "DELIVERED", "occurred_at": now - Duration::hours(1), "order_number": "SO-3"},
        {"source": "carrier", "event_id": "c-1", "code": "IN_TRANSIT", "occurred_at": now - Duration::hours(20), "order_number": "SO-3", "location": "Dallas, TX"},
        {"source": "carrier", "event_id": "c-0", "code": "SOMETHING_NEW", "occurred_at": now - Duration::hours(21), "order_number": "SO-3"},
    ]});
    let first: Value = s.app.post("/api/v1/events", &s.admin, batch.clone()).await.json().await.unwrap();
    let statuses: Vec<&str> =
        first["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["created", "created", "created"]);

    let second: Value = s.app.post("/api/v1/events", &s.admin, batch).await.json().await.unwrap();
    for (a, b) in first["results"].as_array().unwrap().iter().zip(second["results"].as_array().unwrap()) {
        assert_eq!(b["status"], "duplicate");
        assert_eq!(a["event_id"], b["event_id"], "a repeat reports the first id");
    }

    // A late scan that happened before delivery does not move the order back.
    let late = json!({"source": "carrier", "event_id": "c-3", "code": "IN_TRANSIT", "occurred_at": now - Duration::hours(10), "order_number": "SO-3"});
    s.app.post("/api/v1/events", &s.admin, late).await;
    let detail: Value =
        s.app.send(reqwest::Method::GET, "/api/v1/orders/SO-3", &s.admin, None).await.json().await.unwrap();
    assert_eq!(detail["status"], "Delivered");
    let order: Vec<&str> =
        detail["events"].as_array().unwrap().iter().map(|e| e["source_event_id"].as_str().unwrap()).collect();
    assert_eq!(order, ["placed:SO-3", "c-0", "c-1", "c-3", "c-2"]);
    assert_eq!(detail["events"][1]["milestone"], "unmapped", "unknown codes are kept and flagged");

    let too_many = json!({"events": vec![json!({"source": "carrier", "event_id": "x", "code": "X", "occurred_at": now, "order_number": "SO-3"}); 1001]});
    assert_eq!(fields(&problem(s.app.post("/api/v1/events", &s.admin, too_many).await, 422).await), ["events"]);
    let future = json!({"events": [{"source": "carrier", "event_id": "f", "code": "X", "occurred_at": now + Duration::days(1), "order_number": "SO-3"}]});
    assert_eq!(
        fields(&problem(s.app.post("/api/v1/events", &s.admin, future).await, 422).await),
        ["events[0].occurred_at"]
    );
}

/// Requests that arrive together are written together (one transaction),
/// yet each is answered as if alone: an unknown order fails only the
/// request naming it, a repeat within and across requests is a duplicate
/// with the first id, and every event lands on its own order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_written_together_and_answered_apart() {
    let s = setup().await;
    for number in ["SO-A", "SO-B", "SO-C"] {
        create_order(&s, number).await;
    }
    let now = Utc::now();
    let event = |id: &str, order: &str| json!({"source": "carrier", "event_id": id, "code": "IN_TRANSIT", "occurred_at": now - Duration::hours(2), "order_number": order});
    let mut bodies: Vec<Value> = (0..40).map(|i| event(&format!("t-{i}"), ["SO-A", "SO-B", "SO-C"][i % 3])).collect();
    bodies.push(json!({"events": [event("t-0", "SO-A"), event("u-1", "SO-B"), event("u-1", "SO-B")]}));
    bodies.push(json!({"events": [event("u-2", "SO-C"), event("u-3", "SO-NOPE")]}));
    let answers =
        futures::future::join_all(bodies[..40].iter().map(|b| s.app.post("/api/v1/events", &s.admin, b.clone()))).await;
    let mut created = std::collections::BTreeMap::new();
    for (i, answer) in answers.into_iter().enumerate() {
        assert_eq!(answer.status(), 200);
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["results"][0]["status"], "created", "request {i}");
        created.insert(format!("t-{i}"), body["results"][0]["event_id"].as_i64().unwrap());
    }
    let answers =
        futures::future::join_all(bodies[40..].iter().map(|b| s.app.post("/api/v1/events", &s.admin, b.clone()))).await;
    let mut answers = answers.into_iter();
    let mixed: Value = answers.next().unwrap().json().await.unwrap();
    let results = mixed["results"].as_array().unwrap();
    assert_eq!(results[0]["status"], "duplicate");
    assert_eq!(results[0]["event_id"].as_i64(), Some(created["t-0"]), "a repeat reports the first id");
    assert_eq!(results[1]["status"], "created");
    assert_eq!(results[2]["status"], "duplicate");
    assert_eq!(results[2]["event_id"], results[1]["event_id"]);
    let refused = problem(answers.next().unwrap(), 404).await;
    assert_eq!(fields(&refused), ["events[1].order_number"]);
    // Nothing of the refused request was written; the others all were, each on its order.
    for (number, expected) in [("SO-A", 14), ("SO-B", 13 + 1), ("SO-C", 13)] {
        let path = format!("/api/v1/orders/{number}");
        let detail: Value = s.app.send(reqwest::Method::GET, &path, &s.admin, None).await.json().await.unwrap();
        let carrier = detail["events"].as_array().unwrap().iter().filter(|e| e["source"] == "carrier").count();
        assert_eq!(carrier, expected, "{number}");
    }
}

#[tokio::test]
async fn idempotency_keys_return_the_first_response() {
    let s = setup().await;
    let send = |key: &'static str, body: Value| {
        s.app
            .client
            .put(format!("{}/api/v1/orders/SO-4", s.app.base_url))
            .bearer_auth(&s.admin)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let body = order_body();
    let first = send("k-1", body.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    let first_body = first.text().await.unwrap();
    let replay = send("k-1", body.clone()).await.unwrap();
    assert_eq!(replay.status(), 201, "the first status, not 200 for an update");
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.text().await.unwrap(), first_body);

    let mut different = body;
    different["customer_po"] = json!("PO-other");
    problem(send("k-1", different).await.unwrap(), 422).await;
}

#[tokio::test]
async fn events_for_unknown_tracking_numbers_wait_for_their_shipment() {
    let s = setup().await;
    create_order(&s, "SO-5").await;
    let early = json!({"source": "ups", "event_id": "u-1", "code": "IN_TRANSIT", "occurred_at": Utc::now() - Duration::minutes(5), "tracking_number": "1ZEARLY"});
    let parked: Value = s.app.post("/api/v1/events", &s.admin, early.clone()).await.json().await.unwrap();
    assert_eq!(parked["results"][0]["status"], "unmatched");
    assert_eq!(milepost::store::unmatched_count(&s.app.pool, s.tenant).await.unwrap(), 1);

    let ship = json!({"carrier": "UPS", "tracking_number": "1ZEARLY", "shipped_at": Utc::now() - Duration::minutes(30),
                      "lines": [{"line_number": 1, "quantity": 3}, {"line_number": 2, "quantity": 5}]});
    let shipped: Value = s.app.post("/api/v1/orders/SO-5/shipments", &s.admin, ship).await.json().await.unwrap();
    assert_eq!(shipped["attached_events"], 1);
    assert_eq!(shipped["order"]["status"], "In transit");
    assert_eq!(milepost::store::unmatched_count(&s.app.pool, s.tenant).await.unwrap(), 0);

    let again: Value = s.app.post("/api/v1/events", &s.admin, early).await.json().await.unwrap();
    assert_eq!(again["results"][0]["status"], "duplicate", "the attached event is known now");
}

#[tokio::test]
async fn webhooks_need_a_fresh_valid_signature() {
    let s = setup().await;
    create_order(&s, "SO-6").await;
    let old_secret = webhook_signature::generate_secret();
    let new_secret = webhook_signature::generate_secret();
    milepost::store::add_webhook_secret(&s.app.pool, &s.app.state.secret_key, s.tenant, "ups", &old_secret)
        .await
        .unwrap();
    milepost::store::add_webhook_secret(&s.app.pool, &s.app.state.secret_key, s.tenant, "ups", &new_secret)
        .await
        .unwrap();

    let body =
        json!({"event_id": "wh-1", "code": "OUT_FOR_DELIVERY", "occurred_at": Utc::now(), "order_number": "SO-6"})
            .to_string();
    let deliver = |id: &str, timestamp: i64, signature: String, body: String| {
        s.app
            .client
            .post(format!("{}/api/v1/webhooks/ups?tenant=acme", s.app.base_url))
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
    };
    let now = Utc::now().timestamp();

    let bad = deliver("m1", now, "v1,AAAA".into(), body.clone()).await.unwrap();
    problem(bad, 401).await;
    let tampered_body = body.replace("OUT_FOR_DELIVERY", "DELIVERED");
    problem(
        deliver("m1", now, webhook_signature::sign(&new_secret, "m1", now, body.as_bytes()), tampered_body)
            .await
            .unwrap(),
        401,
    )
    .await;
    let stale = now - 301;
    let expired =
        deliver("m1", stale, webhook_signature::sign(&new_secret, "m1", stale, body.as_bytes()), body.clone())
            .await
            .unwrap();
    assert!(problem(expired, 401).await["detail"].as_str().unwrap().contains("5 minutes"));
    let garbage = "not json at all".to_string();
    problem(deliver("m0", now, "v1,AAAA".into(), garbage).await.unwrap(), 401).await;

    let ok = deliver("m1", now, webhook_signature::sign(&old_secret, "m1", now, body.as_bytes()), body.clone())
        .await
        .unwrap();
    assert_eq!(ok.status(), 200, "the older of two live secrets still verifies");
    let result: Value = ok.json().await.unwrap();
    assert_eq!(result["results"][0]["status"], "created");

    let replay = deliver("m1", now, webhook_signature::sign(&new_secret, "m1", now, body.as_bytes()), body.clone())
        .await
        .unwrap();
    problem(replay, 409).await;

    let wrong_tenant = s
        .app
        .client
        .post(format!("{}/api/v1/webhooks/ups?tenant=nobody", s.app.base_url))
        .header("webhook-id", "m2")
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", webhook_signature::sign(&new_secret, "m2", now, body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap();
    problem(wrong_tenant, 401).await;
}

#[tokio::test]
async fn the_order_stream_resumes_after_last_event_id_then_goes_live() {
    let s = setup().await;
    create_order(&s, "SO-7").await;
    let post = |id: &str, code: &str| json!({"source": "carrier", "event_id": id, "code": code, "occurred_at": Utc::now(), "order_number": "SO-7"});
    let first: Value = s.app.post("/api/v1/events", &s.admin, post("e1", "PICKED_UP")).await.json().await.unwrap();
    let first_id = first["results"][0]["event_id"].as_i64().unwrap();
    s.app.post("/api/v1/events", &s.admin, post("e2", "IN_TRANSIT")).await;
    s.app.post("/api/v1/events", &s.admin, post("e3", "ARRIVED_AT_HUB")).await;

    let response = s
        .app
        .client
        .get(format!("{}/api/v1/orders/SO-7/stream", s.app.base_url))
        .bearer_auth(&s.admin)
        .header("last-event-id", first_id.to_string())
        .send()
        .await
        .unwrap();
    let mut stream = SseReader::new(response);
    let missed: Vec<String> =
        [stream.next(StdDuration::from_secs(5)).await.unwrap(), stream.next(StdDuration::from_secs(5)).await.unwrap()]
            .iter()
            .map(|m| serde_json::from_str::<Value>(&m.data).unwrap()["code"].as_str().unwrap().to_string())
            .collect();
    assert_eq!(missed, ["IN_TRANSIT", "ARRIVED_AT_HUB"]);

    s.app.post("/api/v1/events", &s.admin, post("e4", "OUT_FOR_DELIVERY")).await;
    let live = stream.next(StdDuration::from_secs(5)).await.expect("live event");
    assert_eq!(live.event, "event");
    let data: Value = serde_json::from_str(&live.data).unwrap();
    assert_eq!(data["code"], "OUT_FOR_DELIVERY");
    assert_eq!(live.id, data["id"].to_string());

    // A resume point that is not an event id is refused, naming it.
    let stream_url = format!("{}/api/v1/orders/SO-7/stream", s.app.base_url);
    let huge = s.app.client.get(&stream_url).bearer_auth(&s.admin).header("last-event-id", "9223372036854775808");
    let body = problem(huge.send().await.unwrap(), 400).await;
    assert_eq!(body["errors"][0]["field"], "Last-Event-ID");
    let words = s.app.client.get(format!("{stream_url}?after=soon")).bearer_auth(&s.admin).send().await.unwrap();
    assert_eq!(problem(words, 400).await["errors"][0]["field"], "after");
}

#[tokio::test]
async fn the_tracking_stream_sends_the_customer_view_and_catches_up() {
    let s = setup().await;
    create_order(&s, "SO-8").await;
    let link: Value = s
        .app
        .send(reqwest::Method::POST, "/api/v1/orders/SO-8/tracking-links", &s.admin, None)
        .await
        .json()
        .await
        .unwrap();
    let token = link["token"].as_str().unwrap();

    // Behind by everything: the first message is the current view.
    let response = s.app.client.get(format!("{}/t/{token}/events?after=0", s.app.base_url)).send().await.unwrap();
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let mut stream = SseReader::new(response);
    let catch_up = stream.next(StdDuration::from_secs(5)).await.unwrap();
    assert_eq!(catch_up.event, "tracking");
    let view: Value = serde_json::from_str(&catch_up.data).unwrap();
    assert_eq!(view["headline"], "Order placed");

    let picked =
        json!({"source": "wms", "event_id": "p", "code": "PICKED", "occurred_at": Utc::now(), "order_number": "SO-8"});
    s.app.post("/api/v1/events", &s.admin, picked).await;
    let ofd = json!({"source": "carrier", "event_id": "o", "code": "OUT_FOR_DELIVERY", "occurred_at": Utc::now(), "order_number": "SO-8"});
    s.app.post("/api/v1/events", &s.admin, ofd).await;
    let mut last = stream.next(StdDuration::from_secs(5)).await.expect("live update");
    if serde_json::from_str::<Value>(&last.data).unwrap()["headline"] != "Out for delivery" {
        last = stream.next(StdDuration::from_secs(5)).await.expect("second live update");
    }
    let view: Value = serde_json::from_str(&last.data).unwrap();
    assert_eq!(view["headline"], "Out for delivery");
    assert_eq!(last.id, view["last_event_id"].to_string());
    let labels: Vec<&str> = view["timeline"].as_array().unwrap().iter().map(|e| e["label"].as_str().unwrap()).collect();
    assert!(!labels.contains(&"Picked"), "internal events never reach the buyer's stream");

    let garbled = s.app.client.get(format!("{}/t/{token}/events?after=x", s.app.base_url)).send().await.unwrap();
    assert_eq!(problem(garbled, 400).await["errors"][0]["field"], "after");

    // Bad tokens get the same 404 as the page.
    let bad = s.app.client.get(format!("{}/t/{}/events", s.app.base_url, "x".repeat(43))).send().await.unwrap();
    assert_eq!(bad.status(), 404);
}

#[tokio::test]
async fn the_api_is_documented() {
    let s = setup().await;
    let doc: Value = s.app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    // Quantities are decimals in thousandths of the unit.
    let quantity = &doc["components"]["schemas"]["LineIn"]["properties"]["quantity"];
    assert_eq!(
        (quantity["type"].as_str(), quantity["multipleOf"].as_f64()),
        (Some("number"), Some(0.001)),
        "{quantity}"
    );
    let page = s.app.get("/api/docs").await.text().await.unwrap();
    for text in ["/api/v1/events", "/api/v1/webhooks/{source}", "problem-validation", "schema-EventIn"] {
        assert!(page.contains(text), "reference page lacks {text}");
    }
}

#[tokio::test]
async fn a_carrier_event_for_an_order_with_one_shipment_lands_on_that_shipment() {
    let s = setup().await;
    create_order(&s, "SO-10").await;
    let ship = json!({"carrier": "UPS", "tracking_number": "1Z10", "lines": [{"line_number": 1, "quantity": 3}, {"line_number": 2, "quantity": 5}]});
    let shipped: Value = s.app.post("/api/v1/orders/SO-10/shipments", &s.admin, ship).await.json().await.unwrap();
    let delivered = json!({"source": "ups", "event_id": "d", "code": "DELIVERED", "occurred_at": Utc::now(), "order_number": "SO-10"});
    s.app.post("/api/v1/events", &s.admin, delivered).await;
    let detail: Value =
        s.app.send(reqwest::Method::GET, "/api/v1/orders/SO-10", &s.admin, None).await.json().await.unwrap();
    assert_eq!(detail["status"], "Delivered");
    let last = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["shipment_id"], shipped["shipment_id"]);
}

#[tokio::test]
async fn a_tenants_dictionary_overrides_apply_to_its_events_only() {
    let s = setup().await;
    // Set before the tenant's first request: a node reads a tenant's
    // overrides at most every few seconds (`AppState::dictionary_for`).
    let held = milepost::domain::DictionaryEntry {
        source: "dpd".into(),
        code: "PARCELSHOP".into(),
        canonical: milepost::domain::Canonical::Milestone(milepost::domain::Milestone::ArrivedAtHub),
        meaning: "waiting at a parcel shop".into(),
    };
    milepost::store::set_status_override(&s.app.pool, s.tenant, &held).await.unwrap();
    create_order(&s, "SO-11").await;
    let event = json!({"source": "dpd", "event_id": "p", "code": "parcelshop", "occurred_at": Utc::now(), "order_number": "SO-11"});
    s.app.post("/api/v1/events", &s.admin, event.clone()).await;
    let detail: Value =
        s.app.send(reqwest::Method::GET, "/api/v1/orders/SO-11", &s.admin, None).await.json().await.unwrap();
    assert_eq!(detail["events"].as_array().unwrap().last().unwrap()["milestone"], "arrived_at_hub");

    // The same code from another tenant is not mapped by our override.
    let other = tenant(&s.app.pool, "other").await;
    let key = api_key(&s.app.pool, other, &[Scope::Admin]).await;
    s.app.put("/api/v1/orders/SO-11", &key, order_body()).await;
    s.app.post("/api/v1/events", &key, event).await;
    let theirs: Value =
        s.app.send(reqwest::Method::GET, "/api/v1/orders/SO-11", &key, None).await.json().await.unwrap();
    assert_eq!(theirs["events"].as_array().unwrap().last().unwrap()["milestone"], "unmapped");
}

#[tokio::test]
async fn health_and_readiness_probes_answer() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");
    app.pool.close().await;
    assert_eq!(app.get("/readyz").await.status(), 503, "a node without its database is not ready");
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn json_with_anything_after_the_document_is_refused() {
    let s = setup().await;
    let mut body = serde_json::to_vec(&order_body()).unwrap();
    body.extend_from_slice(b" xyz");
    let response = s
        .app
        .client
        .put(format!("{}/api/v1/orders/SO-TRAIL", s.app.base_url))
        .bearer_auth(&s.admin)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(fields(&problem(response, 422).await), ["body"]);
    let order = s.app.send(reqwest::Method::GET, "/api/v1/orders/SO-TRAIL", &s.admin, None).await;
    assert_eq!(order.status(), 404, "nothing was saved");
}

#[tokio::test]
async fn every_error_is_a_problem_document() {
    let s = setup().await;
    create_order(&s, "SO-P").await;
    let url = |path: &str| format!("{}{path}", s.app.base_url);
    let client = &s.app.client;

    // A path parameter that does not parse.
    let response = client.get(url("/api/v1/shipments/not-a-number/pod")).bearer_auth(&s.admin).send().await.unwrap();
    assert_eq!(fields(&problem(response, 400).await), ["path"]);
    // A query string that does not parse.
    let response =
        client.get(url("/api/v1/shipments/1/positions?hours=yesterday")).bearer_auth(&s.admin).send().await.unwrap();
    assert_eq!(fields(&problem(response, 400).await), ["hours"]);
    // A method the endpoint does not take; the allowed ones are still named.
    let response = client.delete(url("/api/v1/orders/SO-P")).bearer_auth(&s.admin).send().await.unwrap();
    assert!(response.headers()["allow"].to_str().unwrap().contains("PUT"));
    problem(response, 405).await;
    // JSON sent as something else.
    let response = client
        .put(url("/api/v1/orders/SO-P"))
        .bearer_auth(&s.admin)
        .header("content-type", "text/plain")
        .body(serde_json::to_vec(&order_body()).unwrap())
        .send()
        .await
        .unwrap();
    problem(response, 415).await;
    // A proof of delivery that is not a multipart form.
    let response = client.post(url("/api/v1/shipments/1/pod")).bearer_auth(&s.admin).json(&json!({})).send().await;
    let response = response.unwrap();
    assert!(response.status().is_client_error());
    let status = response.status().as_u16();
    problem(response, status).await;
    // An EDI interchange over the limit.
    let response = client
        .post(url("/api/v1/edi"))
        .bearer_auth(&s.admin)
        .header("content-type", "application/edi-x12")
        .body(vec![b'A'; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    let too_large = problem(response, 413).await;
    assert!(too_large["detail"].as_str().unwrap().contains(&(2 * 1024 * 1024).to_string()), "{too_large}");
    // A body that is not one object, though serde would read a struct from a list.
    let response =
        client.post(url("/api/v1/orders/SO-P/tracking-links")).bearer_auth(&s.admin).json(&json!([null])).send().await;
    assert_eq!(fields(&problem(response.unwrap(), 422).await), ["body"]);
    // No API key at all.
    let response = client.get(url("/api/v1/orders/SO-P")).send().await.unwrap();
    problem(response, 401).await;
    // An Idempotency-Key that is not a header value we take.
    let response = client
        .put(url("/api/v1/orders/SO-P"))
        .bearer_auth(&s.admin)
        .header("idempotency-key", "k".repeat(300))
        .json(&order_body())
        .send()
        .await
        .unwrap();
    assert_eq!(fields(&problem(response, 422).await), ["Idempotency-Key"]);
}

#[tokio::test]
async fn optional_bodies_may_be_null_and_whole_numbers_may_have_a_fraction() {
    let s = setup().await;
    create_order(&s, "SO-N").await;
    let response = s.app.post("/api/v1/orders/SO-N/tracking-links", &s.admin, Value::Null).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let mut body = order_body();
    body["lines"][0]["quantity"] = json!(3.0);
    let response = s.app.put("/api/v1/orders/SO-F", &s.admin, body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let mut too_fine = order_body();
    too_fine["lines"][0]["quantity"] = json!(2.5005);
    let refused = problem(s.app.put("/api/v1/orders/SO-H", &s.admin, too_fine).await, 422).await;
    assert_eq!(fields(&refused), ["lines[0].quantity"]);
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("at most three decimals"), "{refused}");
}

#[tokio::test]
async fn decimal_quantities_are_ordered_shipped_and_shown_exactly() {
    let s = setup().await;
    let mut body = order_body();
    body["lines"][1] = json!({ "sku": "FLOUR", "description": "Rye flour", "quantity": 2.5, "unit": "KG" });
    let response = s.app.put("/api/v1/orders/SO-D", &s.admin, body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());

    let ship = |tracking: &str, quantity: Value| json!({"carrier": "UPS", "tracking_number": tracking, "lines": [{"line_number": 1, "quantity": 3}, {"line_number": 2, "quantity": quantity}]});
    let over =
        problem(s.app.post("/api/v1/orders/SO-D/shipments", &s.admin, ship("1ZD0", json!(2.501))).await, 422).await;
    assert_eq!(fields(&over), ["lines[1].quantity"]);
    assert!(over["errors"][0]["message"].as_str().unwrap().contains("the 2.5 still to ship"), "{over}");
    let first: Value =
        s.app.post("/api/v1/orders/SO-D/shipments", &s.admin, ship("1ZD1", json!(1.25))).await.json().await.unwrap();
    assert_eq!(first["order"]["status"], "Shipped, more items to follow", "1.25 of 2.5 KG is still to come: {first}");
    let rest = json!({"carrier": "UPS", "tracking_number": "1ZD2", "lines": [{"line_number": 2, "quantity": 1.25}]});
    let shipped: Value = s.app.post("/api/v1/orders/SO-D/shipments", &s.admin, rest).await.json().await.unwrap();
    assert_eq!(shipped["order"]["status"], "Shipped (2 shipments)", "1.25 + 1.25 ships all of 2.5: {shipped}");

    let link: Value =
        s.app.post("/api/v1/orders/SO-D/tracking-links", &s.admin, Value::Null).await.json().await.unwrap();
    let page = s.app.client.get(link["url"].as_str().unwrap()).send().await.unwrap().text().await.unwrap();
    // Leptos marks where one text node ends and the next begins.
    let text = page.replace("<!>", "");
    assert!(text.contains("2.5 KG") && text.contains("1.25 KG"), "the buyer reads the exact quantities");
}
