//! Returns (RMA) on the order's thread through the real server: the
//! policy, requests and their refusals line by line, decisions, return
//! parcels whose carrier events move the return and never the order, the
//! warehouse's receipt, accounting's credit, the KPIs, scopes, tenants
//! and repeats.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::auth::api_key::Scope;
use milepost::on_pool;
use serde_json::{json, Value};

struct Keys {
    admin: String,
    oms: String,
    wms: String,
    carrier: String,
}

async fn keys(app: &TestApp, tenant: milepost::domain::TenantId) -> Keys {
    Keys {
        admin: api_key(&app.pool, tenant, &[Scope::Admin]).await,
        oms: api_key(&app.pool, tenant, &[Scope::Oms]).await,
        wms: api_key(&app.pool, tenant, &[Scope::Wms]).await,
        carrier: api_key(&app.pool, tenant, &[Scope::Carrier]).await,
    }
}

/// An order of ten widgets and a gift card, shipped together and
/// delivered `days_ago` days ago under `tracking`.
async fn delivered_order(app: &TestApp, keys: &Keys, number: &str, tracking: &str, days_ago: i64) {
    let order = json!({
        "placed_at": Utc::now() - Duration::days(days_ago + 5),
        "contact": {"name": "Robin", "email": "robin@example.com"},
        "ship_to": {"name": "Robin", "line1": "5 Elm St", "city": "Austin", "postcode": "78701", "country": "US",
                    "time_zone": "America/Chicago"},
        "lines": [{"sku": "SKU-A", "description": "Widget", "quantity": 10},
                  {"sku": "GIFT-50", "description": "Gift card", "quantity": 1}]
    });
    assert_eq!(app.put(&format!("/api/v1/orders/{number}"), &keys.oms, order).await.status(), 201);
    let ship = json!({"carrier": "UPS", "tracking_number": tracking, "shipped_at": Utc::now() - Duration::days(days_ago + 2),
                      "lines": [{"line_number": 1, "quantity": 10}, {"line_number": 2, "quantity": 1}]});
    assert_eq!(app.post(&format!("/api/v1/orders/{number}/shipments"), &keys.wms, ship).await.status(), 201);
    let at = Utc::now() - Duration::days(days_ago);
    let results = carrier_event(app, &keys.carrier, tracking, &format!("{tracking}-delivered"), "DELIVERED", at).await;
    assert_eq!(results[0]["status"], "created");
}

/// A carrier event for a tracking number through `POST /api/v1/events`;
/// the per-event results.
async fn carrier_event(
    app: &TestApp,
    key: &str,
    tracking: &str,
    id: &str,
    code: &str,
    at: chrono::DateTime<Utc>,
) -> Value {
    let event = json!({"source": "carrier", "event_id": id, "code": code, "occurred_at": at, "tracking_number": tracking,
                       "location": "Austin, TX, US"});
    let response = app.post("/api/v1/events", key, event).await;
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["results"].clone()
}

async fn get(app: &TestApp, path: &str, key: &str) -> (u16, Value) {
    let response = app.send(reqwest::Method::GET, path, key, None).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn post(app: &TestApp, path: &str, key: &str, body: Value) -> (u16, Value) {
    let response = app.post(path, key, body).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

fn one_widget(quantity: f64, reason: &str) -> Value {
    json!({"resolution": "refund", "lines": [{"line_number": 1, "quantity": quantity, "reason": reason}]})
}

fn errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_string(), e["message"].as_str().unwrap().to_string()))
        .collect()
}

async fn order_state(app: &TestApp, number: &str) -> (Option<String>, String) {
    on_pool!(&app.pool, |c| sqlx::query_as(
        "SELECT status_milestone, open_exceptions FROM orders WHERE order_number = $1"
    )
    .bind(number)
    .fetch_one(c)
    .await
    .unwrap())
}

/// A webhook endpoint on this machine that records what it receives.
async fn receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Value>>>) {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |body: String| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(serde_json::from_str(&body).unwrap_or(Value::Null));
            axum::http::StatusCode::OK
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn a_return_goes_from_request_to_refund_on_the_order_thread() {
    let app = spawn_app_with(&[("MILEPOST_WEBHOOK_ALLOW_HTTP", "1"), ("MILEPOST_WEBHOOK_ALLOW_PRIVATE", "1")]).await;
    let tenant = tenant(&app.pool, "acme").await;
    let keys = keys(&app, tenant).await;
    delivered_order(&app, &keys, "SO-1", "1Z-OUT-1", 3).await;
    let (hook, seen) = receiver().await;
    assert_eq!(app.post("/api/v1/webhook-endpoints", &keys.admin, json!({"url": hook})).await.status(), 201);

    // The policy: final-sale gift cards, requests reviewed, one return address.
    let policy = json!({"non_returnable": ["GIFT-*"], "requires_approval": true,
                        "return_addresses": [{"name": "Returns dock", "line1": "9 Dock Rd", "city": "Austin",
                                              "postcode": "78701", "country": "US"}]});
    let (status, saved) = (
        app.put("/api/v1/return-policy", &keys.admin, policy).await.status(),
        get(&app, "/api/v1/return-policy", &keys.oms).await.1,
    );
    assert_eq!(status, 200);
    assert_eq!(saved["non_returnable"], json!(["GIFT-*"]));
    assert_eq!(saved["requires_approval"], true);
    assert_eq!(saved["window_days"], 30);
    assert_eq!(saved["reasons"].as_array().unwrap().len(), 7);
    assert_eq!(saved["return_addresses"][0]["name"], "Returns dock");
    assert!(saved["updated_at"].is_string());

    // Requested, waiting for review.
    let body = json!({"resolution": "refund", "comment": "Ordered too many",
                      "lines": [{"line_number": 1, "quantity": 2, "reason": "no_longer_needed"}]});
    let (status, created) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, body).await;
    assert_eq!(status, 201, "{created}");
    let rma = created["rma"].as_str().unwrap().to_string();
    assert!(milepost::domain::RmaNumber::parse(&rma).is_ok(), "{rma}");
    assert_eq!((created["status"].as_str(), created["requested_by"].as_str()), (Some("requested"), Some("api")));
    assert_eq!(created["lines"][0]["sku"], "SKU-A");
    assert_eq!(created["lines"][0]["quantity"], 2);
    assert_eq!(created["comment"], "Ordered too many");

    // Approved; the same decision again is harmless, the other one a conflict.
    let decision = |d: &str| json!({"decision": d, "reason": "worn"});
    let (status, approved) =
        post(&app, &format!("/api/v1/returns/{rma}/decision"), &keys.oms, decision("approve")).await;
    assert_eq!((status, approved["status"].as_str()), (200, Some("approved")));
    assert!(approved["decided_at"].is_string());
    let (status, _) = post(&app, &format!("/api/v1/returns/{rma}/decision"), &keys.oms, decision("approve")).await;
    assert_eq!(status, 200);
    let (status, conflict) =
        post(&app, &format!("/api/v1/returns/{rma}/decision"), &keys.oms, decision("decline")).await;
    assert_eq!(status, 409, "{conflict}");
    assert!(conflict["detail"].as_str().unwrap().contains("approved cannot become declined"), "{conflict}");

    // The label provider attaches the parcel: the label is out.
    let parcel = json!({"carrier": "UPS", "tracking_number": "1Z-RET-1"});
    let (status, labelled) =
        post(&app, &format!("/api/v1/returns/{rma}/shipments"), &keys.carrier, parcel.clone()).await;
    assert_eq!((status, labelled["status"].as_str()), (201, Some("label_issued")), "{labelled}");
    assert_eq!(labelled["shipments"][0]["tracking_number"], "1Z-RET-1");
    let (status, again) = post(&app, &format!("/api/v1/returns/{rma}/shipments"), &keys.oms, parcel).await;
    assert_eq!((status, again["shipments"].as_array().unwrap().len()), (200, 1));

    // The carrier's scans of the return parcel move the return, not the order.
    let moving = carrier_event(&app, &keys.carrier, "1Z-RET-1", "ret-1", "IN_TRANSIT", Utc::now()).await;
    assert_eq!(moving[0]["status"], "created");
    let late = carrier_event(&app, &keys.carrier, "1Z-RET-1", "ret-2", "DELAYED", Utc::now()).await;
    assert_eq!(late[0]["status"], "created");
    assert_eq!(order_state(&app, "SO-1").await, (Some("delivered".into()), String::new()), "no exception on the order");
    let (_, moving) = get(&app, &format!("/api/v1/returns/{rma}"), &keys.oms).await;
    assert_eq!(moving["status"], "in_transit");
    let arrived = carrier_event(&app, &keys.carrier, "1Z-RET-1", "ret-3", "DELIVERED", Utc::now()).await;
    assert_eq!(arrived[0]["status"], "created");
    // A repeat of the carrier's event changes nothing.
    let repeat = carrier_event(&app, &keys.carrier, "1Z-RET-1", "ret-3", "DELIVERED", Utc::now()).await;
    assert_eq!(repeat[0]["status"], "duplicate");
    let (_, order) = get(&app, "/api/v1/orders/SO-1", &keys.oms).await;
    assert_eq!((order["status"].as_str(), order["milestone"].as_str()), (Some("Delivered"), Some("delivered")));
    let codes: Vec<&str> =
        order["events"].as_array().unwrap().iter().map(|e| e["milestone"].as_str().unwrap()).collect();
    assert!(codes.contains(&"return:requested") && codes.contains(&"return:received"), "{codes:?}");

    // The warehouse's receipt: received already (the carrier said), now inspected.
    let receipt = json!({"lines": [{"line_number": 1, "counted": 2, "condition": "as_new"}]});
    let (status, inspected) = post(&app, &format!("/api/v1/returns/{rma}/receipt"), &keys.wms, receipt.clone()).await;
    assert_eq!((status, inspected["status"].as_str()), (200, Some("inspected")), "{inspected}");
    assert_eq!(
        (inspected["lines"][0]["counted"].as_i64(), inspected["lines"][0]["condition"].as_str()),
        (Some(2), Some("as_new"))
    );
    assert!(inspected["received_at"].is_string() && inspected["inspected_at"].is_string());
    let (status, _) = post(&app, &format!("/api/v1/returns/{rma}/receipt"), &keys.wms, receipt).await;
    assert_eq!(status, 200, "the same receipt again");
    let other = json!({"lines": [{"line_number": 1, "counted": 1, "condition": "damaged"}]});
    let (status, _) = post(&app, &format!("/api/v1/returns/{rma}/receipt"), &keys.wms, other).await;
    assert_eq!(status, 409, "other counts for an inspected return");

    // Accounting's refund closes it; the same memo again is harmless, another is not.
    let memo = json!({"kind": "refund", "amount_minor": 3998, "currency": "EUR", "reference": "CM-1001"});
    let (status, refunded) = post(&app, &format!("/api/v1/returns/{rma}/credit"), &keys.oms, memo.clone()).await;
    assert_eq!((status, refunded["status"].as_str()), (200, Some("refunded")), "{refunded}");
    assert_eq!(
        refunded["credit"],
        json!({"kind": "refund", "amount_minor": 3998, "currency": "EUR", "reference": "CM-1001",
                                          "credited_at": refunded["credit"]["credited_at"]})
    );
    assert_eq!(post(&app, &format!("/api/v1/returns/{rma}/credit"), &keys.oms, memo).await.0, 200);
    let second = json!({"kind": "refund", "amount_minor": 100, "currency": "EUR", "reference": "CM-1002"});
    assert_eq!(post(&app, &format!("/api/v1/returns/{rma}/credit"), &keys.oms, second).await.0, 409);

    // The return's own thread, oldest first.
    let (status, read) = get(&app, &format!("/api/v1/returns/{rma}"), &keys.wms).await;
    assert_eq!(status, 200);
    let steps: Vec<&str> =
        read["events"].as_array().unwrap().iter().map(|e| e["milestone"].as_str().unwrap()).collect();
    assert_eq!(
        steps,
        [
            "return:requested",
            "return:approved",
            "return:label_issued",
            "return:in_transit",
            "exception:delayed",
            "return:received",
            "return:inspected",
            "return:refunded"
        ]
    );
    let (_, listed) = get(&app, "/api/v1/orders/SO-1/returns", &keys.oms).await;
    assert_eq!(listed["returns"].as_array().unwrap().len(), 1);
    assert!(listed["returns"][0].get("events").is_none(), "lists leave the events out");
    assert_eq!(order_state(&app, "SO-1").await, (Some("delivered".into()), String::new()));

    // The buyer is told at the steps that matter, each once; webhooks name the RMA.
    let mut queued: Vec<String> = on_pool!(&app.pool, |c| sqlx::query_scalar(
        "SELECT trigger FROM notifications WHERE channel = 'email' AND trigger LIKE 'return:%' ORDER BY id"
    )
    .fetch_all(c)
    .await
    .unwrap());
    queued.dedup();
    assert_eq!(queued, ["return:approved", "return:label_issued", "return:received", "return:refunded"]);
    eventually("the return's webhooks", || async {
        seen.lock().unwrap().iter().filter(|b| b["type"] == "return.status").count() == 4
    })
    .await;
    let hooks = seen.lock().unwrap().clone();
    let returns: Vec<&Value> = hooks.iter().filter(|b| b["type"] == "return.status").collect();
    assert!(returns.iter().all(|b| b["rma"] == rma.as_str() && b["order_number"] == "SO-1"), "{returns:?}");
    assert!(!hooks.iter().any(|b| b["status"] == "exception:delayed"), "the return parcel's delay is no news");

    // The KPIs: 2 of 10 widgets back, for no longer being needed, refunded.
    let (status, kpis) = get(&app, "/api/v1/kpis/returns", &keys.admin).await;
    assert_eq!(status, 200, "{kpis}");
    assert_eq!((kpis["returns"].as_i64(), kpis["settled"].as_i64()), (Some(1), Some(1)));
    let sku = kpis["by_sku"].as_array().unwrap().iter().find(|r| r["key"] == "SKU-A").unwrap();
    assert_eq!((sku["returned_units"].as_f64(), sku["delivered_units"].as_f64()), (Some(2.0), Some(10.0)));
    assert_eq!(sku["returns_rate"].as_f64(), Some(0.2));
    assert_eq!(sku["top_reasons"][0]["reason"], "no_longer_needed");
    assert_eq!(kpis["by_carrier"][0]["key"], "UPS");
    assert!(kpis["median_hours_to_refund"].as_f64().is_some_and(|h| (0.0..1.0).contains(&h)), "{kpis}");
    assert_eq!(get(&app, "/api/v1/kpis/returns", &keys.oms).await.0, 403);
    assert_eq!(get(&app, "/api/v1/kpis/returns?from=2026-13-01", &keys.admin).await.0, 422);
}

#[tokio::test]
async fn returns_refused_lines_are_named_with_the_reason_and_nothing_is_recorded() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let keys = keys(&app, tenant).await;
    delivered_order(&app, &keys, "SO-1", "1Z-OUT-1", 3).await;
    let policy = json!({"non_returnable": ["gift-*"], "resolutions": ["refund", "store_credit"]});
    assert_eq!(app.put("/api/v1/return-policy", &keys.admin, policy).await.status(), 200);

    let body = json!({"resolution": "refund", "lines": [
        {"line_number": 1, "quantity": 11, "reason": "no_longer_needed"},
        {"line_number": 2, "quantity": 1, "reason": "no_longer_needed"},
        {"line_number": 9, "quantity": 1, "reason": "no_longer_needed"},
        {"line_number": 1, "quantity": 1, "reason": "no_longer_needed"},
        {"line_number": 1, "quantity": 0, "reason": "damaged"}
    ]});
    let (status, problem) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, body).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        errors(&problem),
        [
            ("lines[0].quantity".to_string(), "Only 10 of this item can still be returned.".to_string()),
            ("lines[1]".into(), "This item can't be returned.".into()),
            ("lines[2].line_number".into(), "This item isn't on the order.".into()),
            ("lines[3].line_number".into(), "This item is already in the request.".into()),
            ("lines[4].line_number".into(), "This item is already in the request.".into()),
        ]
    );

    let (status, problem) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(1.0, "damaged")).await;
    assert_eq!(
        (status, errors(&problem)),
        (422, vec![("lines[0].photo_sha256".into(), "Please add a photo for this return reason.".into())])
    );
    let (status, problem) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(0.0, "other")).await;
    assert_eq!((status, errors(&problem)[0].0.as_str()), (422, "lines[0].quantity"));
    let (status, problem) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(1.0, "bored")).await;
    assert_eq!((status, errors(&problem)[0].0.as_str()), (422, "lines[0].reason"));
    let exchange = json!({"resolution": "exchange", "lines": [{"line_number": 1, "quantity": 1, "reason": "other"}]});
    let (status, problem) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, exchange).await;
    assert_eq!(
        (status, errors(&problem)),
        (422, vec![("resolution".into(), "Exchange isn't offered for returns.".into())])
    );
    let (status, problem) =
        post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, json!({"resolution": "refund", "lines": []})).await;
    assert_eq!((status, errors(&problem)[0].0.as_str()), (422, "lines"));
    let (status, problem) = post(&app, "/api/v1/orders/SO-404/returns", &keys.oms, one_widget(1.0, "other")).await;
    assert_eq!((status, errors(&problem)[0].0.as_str()), (404, "order_number"));

    // Nothing of the refused requests was kept.
    let (_, listed) = get(&app, "/api/v1/orders/SO-1/returns", &keys.oms).await;
    assert_eq!(listed["returns"], json!([]));

    // With a photo the damaged widget may come back; photos lose their metadata.
    let png = tiny_png_with_text("GPS 30.26,-97.74");
    let upload = |bytes: Vec<u8>, content_type: &'static str| {
        app.client
            .post(format!("{}/api/v1/return-photos", app.base_url))
            .bearer_auth(&keys.oms)
            .header("content-type", content_type)
            .body(bytes)
            .send()
    };
    assert_eq!(upload(b"not an image".to_vec(), "image/png").await.unwrap().status(), 422);
    assert_eq!(upload(png.clone(), "text/plain").await.unwrap().status(), 415);
    let uploaded = upload(png, "image/png").await.unwrap();
    assert_eq!(uploaded.status(), 201);
    let sha = uploaded.json::<Value>().await.unwrap()["sha256"].as_str().unwrap().to_string();
    let stored = app.state.blobs.get(&sha).await.unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains("GPS"), "the photo's metadata is gone");
    let with_photo = json!({"resolution": "refund", "lines": [{"line_number": 1, "quantity": 1, "reason": "damaged", "photo_sha256": sha}]});
    let (status, created) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, with_photo).await;
    assert_eq!((status, created["status"].as_str()), (201, Some("approved")), "no review: approved at once");
    assert_eq!(created["lines"][0]["photo_sha256"], sha.as_str());
    let unknown = json!({"resolution": "refund", "lines": [{"line_number": 1, "quantity": 1, "reason": "damaged", "photo_sha256": "0".repeat(64)}]});
    let (status, problem) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, unknown).await;
    assert_eq!((status, errors(&problem)[0].0.as_str()), (422, "lines[0].photo_sha256"));

    // Not delivered yet, and outside the window.
    let order = json!({"ship_to": {"name": "R", "line1": "1 St", "city": "Austin", "postcode": "78701", "country": "US"},
                       "lines": [{"sku": "SKU-A", "description": "Widget", "quantity": 1}]});
    assert_eq!(app.put("/api/v1/orders/SO-2", &keys.oms, order).await.status(), 201);
    let ship = json!({"carrier": "UPS", "tracking_number": "1Z-OUT-2", "lines": [{"line_number": 1, "quantity": 1}]});
    assert_eq!(app.post("/api/v1/orders/SO-2/shipments", &keys.wms, ship).await.status(), 201);
    let (status, problem) = post(&app, "/api/v1/orders/SO-2/returns", &keys.oms, one_widget(1.0, "other")).await;
    assert_eq!(
        (status, errors(&problem)),
        (422, vec![("lines[0]".into(), "This item hasn't been delivered yet.".into())])
    );
    assert_eq!(app.put("/api/v1/return-policy", &keys.admin, json!({"window_days": 1})).await.status(), 200);
    let (status, problem) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(1.0, "other")).await;
    assert_eq!(status, 422);
    let (field, message) = errors(&problem).remove(0);
    assert_eq!(field, "lines[0]");
    assert!(message.starts_with("The return window for this item closed on "), "{message}");
}

#[tokio::test]
async fn concurrent_returns_for_the_same_line_never_exceed_what_was_delivered() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let keys = keys(&app, tenant).await;
    delivered_order(&app, &keys, "SO-1", "1Z-OUT-1", 3).await;

    // Eight requests for 3 of the 10 widgets at once: three fit.
    let requests = (0..8).map(|_| {
        let (client, url, key) =
            (app.client.clone(), format!("{}/api/v1/orders/SO-1/returns", app.base_url), keys.oms.clone());
        tokio::spawn(async move {
            let response =
                client.post(url).bearer_auth(key).json(&one_widget(3.0, "no_longer_needed")).send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        })
    });
    let answers: Vec<(u16, Value)> =
        futures_util::future::join_all(requests).await.into_iter().map(Result::unwrap).collect();
    let created = answers.iter().filter(|(status, _)| *status == 201).count();
    assert_eq!(created, 3, "{answers:?}");
    for (_, problem) in answers.iter().filter(|(status, _)| *status != 201) {
        assert_eq!(
            errors(problem),
            [("lines[0].quantity".to_string(), "Only 1 of this item can still be returned.".to_string())],
            "{problem}"
        );
    }
    let held: i64 =
        on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT CAST(SUM(quantity) AS BIGINT) FROM return_lines")
            .fetch_one(c)
            .await
            .unwrap());
    assert_eq!(held, 9_000, "thousandths: 9 of the 10 delivered");
    let (_, listed) = get(&app, "/api/v1/orders/SO-1/returns", &keys.oms).await;
    let rmas: std::collections::BTreeSet<&str> =
        listed["returns"].as_array().unwrap().iter().map(|r| r["rma"].as_str().unwrap()).collect();
    assert_eq!(rmas.len(), 3, "each return its own RMA");
}

#[tokio::test]
async fn a_declined_or_cancelled_return_frees_its_quantity_and_stops() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let keys = keys(&app, tenant).await;
    delivered_order(&app, &keys, "SO-1", "1Z-OUT-1", 3).await;
    assert_eq!(app.put("/api/v1/return-policy", &keys.admin, json!({"requires_approval": true})).await.status(), 200);
    let (_, first) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(10.0, "wrong_item")).await;
    let rma = first["rma"].as_str().unwrap().to_string();
    let (status, _) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(1.0, "wrong_item")).await;
    assert_eq!(status, 422, "all ten are in the first return");

    let decision = format!("/api/v1/returns/{rma}/decision");
    let decide = |body: Value| post(&app, &decision, &keys.oms, body);
    let (status, problem) = decide(json!({"decision": "decline"})).await;
    assert_eq!((status, errors(&problem)[0].0.as_str()), (422, "reason"));
    let (status, problem) = decide(json!({"decision": "maybe"})).await;
    assert_eq!((status, errors(&problem)[0].0.as_str()), (422, "decision"));
    let (status, declined) = decide(json!({"decision": "decline", "reason": "Outside our terms"})).await;
    assert_eq!((status, declined["status"].as_str()), (200, Some("declined")));
    assert_eq!(declined["decline_reason"], "Outside our terms");
    assert_eq!(decide(json!({"decision": "decline", "reason": "Outside our terms"})).await.0, 200);

    // Nothing more happens to a declined return.
    let receipt = json!({"lines": [{"line_number": 1, "counted": 10, "condition": "as_new"}]});
    assert_eq!(post(&app, &format!("/api/v1/returns/{rma}/receipt"), &keys.wms, receipt).await.0, 409);
    let parcel = json!({"carrier": "UPS", "tracking_number": "1Z-RET-9"});
    assert_eq!(post(&app, &format!("/api/v1/returns/{rma}/shipments"), &keys.oms, parcel).await.0, 409);
    let memo = json!({"kind": "store_credit", "amount_minor": 500, "currency": "USD", "reference": "SC-1"});
    assert_eq!(post(&app, &format!("/api/v1/returns/{rma}/credit"), &keys.oms, memo).await.0, 409);

    // Its widgets can be asked for again; a return not yet decided can
    // be received only once approved.
    let (status, second) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(10.0, "wrong_item")).await;
    assert_eq!((status, second["status"].as_str()), (201, Some("requested")));
    let second = second["rma"].as_str().unwrap().to_string();
    let receipt = json!({"lines": [{"line_number": 1, "counted": 10, "condition": "as_new"}]});
    assert_eq!(post(&app, &format!("/api/v1/returns/{second}/receipt"), &keys.wms, receipt).await.0, 409);

    // An outbound parcel's tracking number cannot be a return parcel's.
    assert_eq!(
        post(&app, &format!("/api/v1/returns/{second}/decision"), &keys.oms, json!({"decision": "approve"})).await.0,
        200
    );
    let outbound = json!({"carrier": "UPS", "tracking_number": "1Z-OUT-1"});
    let (status, problem) = post(&app, &format!("/api/v1/returns/{second}/shipments"), &keys.oms, outbound).await;
    assert_eq!(status, 409, "{problem}");

    // Customer service's queue by status.
    let (_, queue) = get(&app, "/api/v1/returns?status=approved", &keys.oms).await;
    assert_eq!(queue["returns"].as_array().unwrap().len(), 1);
    assert_eq!(queue["returns"][0]["rma"], second.as_str());
    let (_, all) = get(&app, "/api/v1/returns", &keys.oms).await;
    assert_eq!(all["returns"].as_array().unwrap().len(), 2);
    assert_eq!(get(&app, "/api/v1/returns?status=lost", &keys.oms).await.0, 422);

    // The buyer changes their mind: cancelled (once), its widgets free again.
    let cancel = |rma: &str| format!("/api/v1/returns/{rma}/cancel");
    assert_eq!(app.post(&cancel(&second), &keys.wms, json!({})).await.status(), 403, "the OMS cancels");
    let (status, cancelled) = post(&app, &cancel(&second), &keys.oms, json!({})).await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")), "{cancelled}");
    assert_eq!(post(&app, &cancel(&second), &keys.oms, json!({})).await.0, 200, "cancelling again changes nothing");
    assert_eq!(post(&app, &cancel(&rma), &keys.oms, json!({})).await.0, 409, "a declined return stays declined");
    assert_eq!(post(&app, &cancel("RMA-NOPE"), &keys.oms, json!({})).await.0, 404);
    let (status, third) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(10.0, "wrong_item")).await;
    assert_eq!(status, 201, "{third}");
    let third = third["rma"].as_str().unwrap().to_string();

    // Once its parcel is moving, it can no longer be cancelled.
    post(&app, &format!("/api/v1/returns/{third}/decision"), &keys.oms, json!({"decision": "approve"})).await;
    let parcel = json!({"carrier": "UPS", "tracking_number": "1Z-RET-10"});
    assert_eq!(post(&app, &format!("/api/v1/returns/{third}/shipments"), &keys.oms, parcel).await.0, 201);
    carrier_event(&app, &keys.carrier, "1Z-RET-10", "ret-10", "IN_TRANSIT", Utc::now()).await;
    let (status, problem) = post(&app, &cancel(&third), &keys.oms, json!({})).await;
    assert_eq!(status, 409, "{problem}");
}

#[tokio::test]
async fn carrier_webhooks_for_a_return_parcel_land_on_the_return_even_before_it_is_attached() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let keys = keys(&app, tenant).await;
    delivered_order(&app, &keys, "SO-1", "9400100000000000000001", 3).await;
    let (_, created) =
        post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(1.0, "defective_not_offered")).await;
    assert!(created["errors"].is_array(), "an unknown reason code is refused");
    let (_, created) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(1.0, "wrong_item")).await;
    let rma = created["rma"].as_str().unwrap().to_string();

    // The parcel is scanned before anyone attaches it: the scan waits.
    let early = carrier_event(
        &app,
        &keys.carrier,
        "9400100000000000000099",
        "ret-early",
        "IN_TRANSIT",
        Utc::now() - Duration::hours(3),
    )
    .await;
    assert_eq!(early[0]["status"], "unmatched");
    let parcel = json!({"carrier": "USPS", "tracking_number": "9400100000000000000099"});
    let (status, attached) = post(&app, &format!("/api/v1/returns/{rma}/shipments"), &keys.oms, parcel).await;
    assert_eq!((status, attached["status"].as_str()), (201, Some("in_transit")), "{attached}");
    assert_eq!(milepost::store::unmatched_count(&app.pool, tenant).await.unwrap(), 0);

    // An EasyPost webhook delivers it to the warehouse: received.
    let secret = "easypost-webhook-secret";
    milepost::store::add_webhook_secret(&app.pool, &app.state.secret_key, tenant, "easypost", secret).await.unwrap();
    let at = Utc::now().to_rfc3339();
    let body = json!({
        "object": "Event", "id": "evt_ret_1", "description": "tracker.updated",
        "result": {"object": "Tracker", "id": "trk_9", "tracking_code": "9400100000000000000099", "carrier": "USPS", "status": "delivered",
                   "tracking_details": [{"status": "delivered", "status_detail": "arrived_at_destination", "datetime": at,
                                         "message": "Delivered", "tracking_location": {"city": "AUSTIN", "state": "TX"}}]}
    })
    .to_string();
    let signature = format!(
        "hmac-sha256-hex={}",
        hex::encode(milepost::auth::webhook_signature::hmac_sha256(secret, body.as_bytes()))
    );
    let response = app
        .client
        .post(format!("{}/api/v1/webhooks/easypost?tenant=acme", app.base_url))
        .header("content-type", "application/json")
        .header("x-hmac-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (_, received) = get(&app, &format!("/api/v1/returns/{rma}"), &keys.oms).await;
    assert_eq!(received["status"], "received", "{received}");
    let last = received["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["source"].as_str(), last["milestone"].as_str()), (Some("easypost"), Some("return:received")));
    assert_eq!(last["details"]["rma"], rma.as_str());

    // The order: still delivered, its outbound shipment untouched, no exception.
    assert_eq!(order_state(&app, "SO-1").await, (Some("delivered".into()), String::new()));
    let (_, order) = get(&app, "/api/v1/orders/SO-1", &keys.oms).await;
    assert_eq!(order["shipments"].as_array().unwrap().len(), 1);
    assert_eq!(order["shipments"][0]["milestone"], "delivered");

    // A late in-transit scan does not move the received return back.
    let stray =
        carrier_event(&app, &keys.carrier, "9400100000000000000099", "ret-stray", "IN_TRANSIT", Utc::now()).await;
    assert_eq!(stray[0]["status"], "created");
    assert_eq!(get(&app, &format!("/api/v1/returns/{rma}"), &keys.oms).await.1["status"], "received");
}

/// The text inside the element carrying `testid`, tags stripped.
fn testid_text(html: &str, testid: &str) -> Option<String> {
    let start = html.find(&format!("data-testid=\"{testid}\""))?;
    let body = &html[start + html[start..].find('>')? + 1..];
    let mut text = String::new();
    let mut depth = 0usize;
    let mut in_tag = false;
    for (i, c) in body.char_indices() {
        match c {
            '<' if body[i..].starts_with("</") && depth == 0 => break,
            '<' => {
                in_tag = true;
                if body[i..].starts_with("</") {
                    depth = depth.saturating_sub(1);
                } else if !body[i..].starts_with("<!") {
                    depth += 1;
                }
            }
            '>' => {
                in_tag = false;
                if body[..i].ends_with('/') {
                    depth = depth.saturating_sub(1);
                }
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[tokio::test]
async fn a_problem_with_the_return_parcel_is_the_returns_not_the_delivered_orders() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let keys = keys(&app, tenant).await;
    delivered_order(&app, &keys, "SO-1", "9400100000000000000001", 3).await;
    let (_, created) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(1.0, "wrong_item")).await;
    let rma = created["rma"].as_str().unwrap().to_string();
    let parcel = json!({"carrier": "USPS", "tracking_number": "9400100000000000000077"});
    assert_eq!(post(&app, &format!("/api/v1/returns/{rma}/shipments"), &keys.oms, parcel).await.0, 201);
    let damaged =
        carrier_event(&app, &keys.carrier, "9400100000000000000077", "ret-damaged", "DAMAGED", Utc::now()).await;
    assert_eq!(damaged[0]["status"], "created");

    // The buyer's page still leads with the delivery and shows no problem
    // banner; the damage scan is on the timeline, tagged as the return's.
    let order = milepost::store::find_order_by_number(&app.pool, tenant, "SO-1").await.unwrap().unwrap();
    let token = milepost::auth::tracking_link::issue(&app.pool, tenant, order, None).await.unwrap();
    let html = app.get(&format!("/t/{}", token.as_str())).await.text().await.unwrap();
    assert_eq!(testid_text(&html, "headline").as_deref(), Some("Delivered"));
    assert!(!html.contains("data-testid=\"exception\""), "no order problem on the page");
    let entries: Vec<String> = html
        .match_indices("data-testid=\"timeline-entry\"")
        .filter_map(|(i, _)| testid_text(&html[i - 40.min(i)..], "timeline-entry"))
        .collect();
    let damage = entries.iter().find(|e| e.contains("damaged")).expect("the damage scan is on the timeline");
    assert!(damage.contains("Return"), "{damage}");
    assert_eq!(order_state(&app, "SO-1").await, (Some("delivered".into()), String::new()));
}

#[tokio::test]
async fn another_tenants_returns_do_not_exist_for_a_key() {
    let app = spawn_app().await;
    let acme = tenant(&app.pool, "acme").await;
    let keys = keys(&app, acme).await;
    delivered_order(&app, &keys, "SO-1", "1Z-OUT-1", 3).await;
    let (_, created) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(1.0, "other")).await;
    let rma = created["rma"].as_str().unwrap().to_string();

    let globex = tenant(&app.pool, "globex").await;
    let theirs = api_key(&app.pool, globex, &[Scope::Admin]).await;
    let (status, problem) = get(&app, &format!("/api/v1/returns/{rma}"), &theirs).await;
    assert_eq!((status, errors(&problem)[0].0.as_str()), (404, "rma"));
    let (status, _) =
        post(&app, &format!("/api/v1/returns/{rma}/decision"), &theirs, json!({"decision": "approve"})).await;
    assert_eq!(status, 404);
    let receipt = json!({"lines": [{"line_number": 1, "counted": 1, "condition": "as_new"}]});
    assert_eq!(post(&app, &format!("/api/v1/returns/{rma}/receipt"), &theirs, receipt).await.0, 404);
    let parcel = json!({"carrier": "UPS", "tracking_number": "1Z-THEIRS"});
    assert_eq!(post(&app, &format!("/api/v1/returns/{rma}/shipments"), &theirs, parcel).await.0, 404);
    assert_eq!(get(&app, "/api/v1/orders/SO-1/returns", &theirs).await.0, 404);
    assert_eq!(get(&app, "/api/v1/returns", &theirs).await.1["returns"], json!([]));
    // Their carrier's scan of our tracking number is theirs: parked, not ours.
    let scan = carrier_event(&app, &theirs, "1Z-OUT-1", "x-1", "DELIVERED", Utc::now()).await;
    assert_eq!(scan[0]["status"], "unmatched");
    // A number that cannot be an RMA is a return that does not exist.
    assert_eq!(get(&app, "/api/v1/returns/not-an-rma", &keys.oms).await.0, 404);
    assert_eq!(get(&app, "/api/v1/returns/RMA-ZZZZZZZZ", &keys.oms).await.0, 404);
}

#[tokio::test]
async fn returns_endpoints_need_their_scopes_and_name_bad_fields() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let keys = keys(&app, tenant).await;
    delivered_order(&app, &keys, "SO-1", "1Z-OUT-1", 3).await;

    assert_eq!(app.post("/api/v1/orders/SO-1/returns", &keys.wms, one_widget(1.0, "other")).await.status(), 403);
    assert_eq!(app.put("/api/v1/return-policy", &keys.oms, json!({})).await.status(), 403);
    let (_, created) = post(&app, "/api/v1/orders/SO-1/returns", &keys.oms, one_widget(1.0, "other")).await;
    let rma = created["rma"].as_str().unwrap().to_string();
    let path = |step: &str| format!("/api/v1/returns/{rma}/{step}");
    assert_eq!(app.post(&path("decision"), &keys.wms, json!({"decision": "approve"})).await.status(), 403);
    assert_eq!(
        app.post(&path("shipments"), &keys.wms, json!({"carrier": "UPS", "tracking_number": "R-1"})).await.status(),
        403
    );
    let receipt = json!({"lines": [{"line_number": 1, "counted": 1, "condition": "as_new"}]});
    assert_eq!(app.post(&path("receipt"), &keys.oms, receipt).await.status(), 403);
    let memo = json!({"kind": "refund", "amount_minor": 100, "currency": "EUR", "reference": "CM-1"});
    assert_eq!(app.post(&path("credit"), &keys.wms, memo).await.status(), 403);
    for key in [&keys.oms, &keys.wms, &keys.carrier] {
        assert_eq!(get(&app, &format!("/api/v1/returns/{rma}"), key).await.0, 200, "reading needs no particular scope");
    }

    // Bad policies name the field.
    let bad = [
        (json!({"window_days": 0}), "window_days"),
        (json!({"reasons": ["damaged", "bored"]}), "reasons[1]"),
        (json!({"reasons": ["other"], "photo_required": ["damaged"]}), "photo_required"),
        (json!({"non_returnable": ["GIFT-*", "*"]}), "non_returnable[1]"),
        (json!({"resolutions": []}), "resolutions"),
        (
            json!({"return_addresses": [{"name": " ", "line1": "1", "city": "A", "postcode": "1", "country": "US"}]}),
            "return_addresses[0].name",
        ),
        (json!({"surprise": true}), "surprise"),
    ];
    for (policy, field) in bad {
        let response = app.put("/api/v1/return-policy", &keys.admin, policy.clone()).await;
        let status = response.status();
        let problem: Value = response.json().await.unwrap();
        assert_eq!(status, 422, "{policy}");
        let (named, message) = errors(&problem).remove(0);
        assert!(named.contains(field) || message.contains(field), "{policy}: {problem}");
    }

    // Bad steps name the field too.
    let receipt = json!({"lines": [{"line_number": 2, "counted": 1, "condition": "as_new"}, {"line_number": 1, "counted": 1, "condition": "soggy"}]});
    let (status, problem) = post(&app, &path("receipt"), &keys.wms, receipt).await;
    assert_eq!(status, 422);
    let fields: Vec<String> = errors(&problem).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["lines[0].line_number", "lines[1].condition"]);
    let missing = json!({"lines": [{"line_number": 1, "counted": 1, "condition": "missing"}]});
    let (status, problem) = post(&app, &path("receipt"), &keys.wms, missing).await;
    assert_eq!((status, errors(&problem)[0].0.as_str()), (422, "lines[0].condition"));
    for (memo, field) in [
        (json!({"kind": "refund", "amount_minor": 0, "currency": "EUR", "reference": "CM-1"}), "amount_minor"),
        (json!({"kind": "refund", "amount_minor": 100, "currency": "eur", "reference": "CM-1"}), "currency"),
        (json!({"kind": "refund", "amount_minor": 100, "currency": "EUR", "reference": " "}), "reference"),
        (json!({"kind": "voucher", "amount_minor": 100, "currency": "EUR", "reference": "CM-1"}), "kind"),
    ] {
        let (status, problem) = post(&app, &path("credit"), &keys.oms, memo).await;
        assert_eq!((status, errors(&problem)[0].0.as_str()), (422, field));
    }
    // Credit before inspection: the return is not there yet.
    let memo = json!({"kind": "refund", "amount_minor": 100, "currency": "EUR", "reference": "CM-1"});
    assert_eq!(post(&app, &path("credit"), &keys.oms, memo).await.0, 409);
}

#[tokio::test]
async fn a_retried_return_request_with_an_idempotency_key_is_recorded_once() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let keys = keys(&app, tenant).await;
    delivered_order(&app, &keys, "SO-1", "1Z-OUT-1", 3).await;
    let send = || {
        app.client
            .post(format!("{}/api/v1/orders/SO-1/returns", app.base_url))
            .bearer_auth(&keys.oms)
            .header("idempotency-key", "return-attempt-1")
            .json(&one_widget(4.0, "not_as_described"))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let second = send().await.unwrap();
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second: Value = second.json().await.unwrap();
    assert_eq!(first["rma"], second["rma"]);
    let (_, listed) = get(&app, "/api/v1/orders/SO-1/returns", &keys.oms).await;
    assert_eq!(listed["returns"].as_array().unwrap().len(), 1);
    let events: i64 = on_pool!(&app.pool, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE return_id IS NOT NULL AND canonical = 'return:requested'"
    )
    .fetch_one(c)
    .await
    .unwrap());
    assert_eq!(events, 1);
}
