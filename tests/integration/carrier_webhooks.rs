//! Aggregator webhooks (EasyPost, AfterShip, Shippo) through the real server.

use crate::common;

use base64::Engine;
use chrono::Utc;
use common::*;
use milepost::auth::api_key::Scope;
use milepost::auth::webhook_signature;
use serde_json::{json, Value};

async fn setup_order(app: &TestApp, tenant: milepost::domain::TenantId, tracking: &str) -> String {
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    let order = json!({
        "placed_at": Utc::now() - chrono::Duration::days(3),
        "ship_to": {"name": "R", "line1": "1 St", "city": "Austin", "postcode": "78701", "country": "US", "time_zone": "America/Chicago"},
        "lines": [{"sku": "A", "description": "Anvil", "quantity": 1}]
    });
    assert_eq!(app.put("/api/v1/orders/SO-1", &key, order).await.status(), 201);
    let ship = json!({"carrier": "USPS", "tracking_number": tracking, "shipped_at": Utc::now() - chrono::Duration::days(2),
                      "lines": [{"line_number": 1, "quantity": 1}]});
    assert_eq!(app.post("/api/v1/orders/SO-1/shipments", &key, ship).await.status(), 201);
    key
}

fn easypost_body(event_id: &str, tracking: &str) -> String {
    let at = (Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    json!({
        "object": "Event", "id": event_id, "description": "tracker.updated",
        "result": {"object": "Tracker", "id": "trk_1", "tracking_code": tracking, "carrier": "USPS", "status": "out_for_delivery",
                   "tracking_details": [{"status": "out_for_delivery", "status_detail": "out_for_delivery", "datetime": at,
                                         "message": "Out for Delivery", "tracking_location": {"city": "AUSTIN", "state": "TX"}}]}
    })
    .to_string()
}

#[tokio::test]
async fn easypost_updates_move_the_order_and_bad_signatures_are_refused() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let key = setup_order(&app, tenant, "9400100000000000000001").await;
    let secret = "easypost-webhook-secret";
    milepost::store::add_webhook_secret(&app.pool, &app.state.secret_key, tenant, "easypost", secret).await.unwrap();
    let send = |body: String, signature: String| {
        app.client
            .post(format!("{}/api/v1/webhooks/easypost?tenant=acme", app.base_url))
            .header("content-type", "application/json")
            .header("x-hmac-signature", signature)
            .body(body)
            .send()
    };
    let body = easypost_body("evt_1", "9400100000000000000001");
    let good = format!("hmac-sha256-hex={}", hex::encode(webhook_signature::hmac_sha256(secret, body.as_bytes())));

    let forged = send(body.clone(), "hmac-sha256-hex=00".into()).await.unwrap();
    assert_eq!(forged.status(), 401);
    let accepted = send(body.clone(), good.clone()).await.unwrap();
    assert_eq!(accepted.status(), 200);
    let result: Value = accepted.json().await.unwrap();
    assert_eq!(result["results"][0]["status"], "created");
    assert_eq!(send(body, good).await.unwrap().status(), 409, "a replayed EasyPost event id is refused");

    let detail: Value = app.send(reqwest::Method::GET, "/api/v1/orders/SO-1", &key, None).await.json().await.unwrap();
    assert_eq!(detail["status"], "Out for delivery");
    let last = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["source"].as_str(), last["code"].as_str()),
        (Some("easypost"), Some("OUT_FOR_DELIVERY/OUT_FOR_DELIVERY"))
    );
    assert_eq!(last["location"], "AUSTIN, TX");
}

#[tokio::test]
async fn aftership_checkpoints_for_unknown_parcels_wait_in_the_unmatched_queue() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let secret = "aftership-secret";
    milepost::store::add_webhook_secret(&app.pool, &app.state.secret_key, tenant, "aftership", secret).await.unwrap();
    let body = json!({
        "event": "tracking_update", "event_id": "as-1",
        "msg": {"id": "t1", "tracking_number": "1ZNOTYETKNOWN", "slug": "ups",
                "checkpoints": [{"checkpoint_time": Utc::now().to_rfc3339(), "tag": "InTransit", "subtag": "InTransit_007", "city": "Louisville"}]}
    })
    .to_string();
    let signature =
        base64::engine::general_purpose::STANDARD.encode(webhook_signature::hmac_sha256(secret, body.as_bytes()));
    let response = app
        .client
        .post(format!("{}/api/v1/webhooks/aftership?tenant=acme", app.base_url))
        .header("aftership-hmac-sha256", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let result: Value = response.json().await.unwrap();
    assert_eq!(result["results"][0]["status"], "unmatched");
    assert_eq!(milepost::store::unmatched_count(&app.pool, tenant).await.unwrap(), 1);
}

#[tokio::test]
async fn shippo_payloads_are_signed_per_standard_webhooks_and_validated() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    setup_order(&app, tenant, "9205590175547700027199").await;
    let secret = webhook_signature::generate_secret();
    milepost::store::add_webhook_secret(&app.pool, &app.state.secret_key, tenant, "shippo", &secret).await.unwrap();
    let deliver = |id: &str, body: String| {
        let now = Utc::now().timestamp();
        app.client
            .post(format!("{}/api/v1/webhooks/shippo?tenant=acme", app.base_url))
            .header("webhook-id", id)
            .header("webhook-timestamp", now.to_string())
            .header("webhook-signature", webhook_signature::sign(&secret, id, now, body.as_bytes()))
            .body(body)
            .send()
    };
    let delivered = json!({"event": "track_updated", "data": {"carrier": "usps", "tracking_number": "9205590175547700027199",
        "tracking_status": {"object_id": "s1", "status": "DELIVERED", "status_date": Utc::now().to_rfc3339(), "substatus": null, "location": null}}});
    assert_eq!(deliver("m1", delivered.to_string()).await.unwrap().status(), 200);

    let broken = json!({"event": "track_updated", "data": {"tracking_number": "9205590175547700027199",
        "tracking_status": {"status": "TRANSIT", "status_date": "last tuesday"}}});
    let response = deliver("m2", broken.to_string()).await.unwrap();
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "data.tracking_status.status_date");
}

async fn stored_secrets(app: &TestApp) -> Vec<String> {
    milepost::on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT secret FROM webhook_secrets ORDER BY id")
        .fetch_all(c)
        .await
        .unwrap())
}

#[tokio::test]
async fn carrier_webhook_secrets_are_sealed_at_rest_and_still_verify() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    setup_order(&app, tenant, "9400100000000000000001").await;
    let secret = "easypost-webhook-secret";
    milepost::store::add_webhook_secret(&app.pool, &app.state.secret_key, tenant, "easypost", secret).await.unwrap();
    let stored = stored_secrets(&app).await;
    assert!(stored[0].starts_with("v1:") && !stored[0].contains(secret), "in clear: {stored:?}");

    let body = easypost_body("evt_1", "9400100000000000000001");
    let signature = format!("hmac-sha256-hex={}", hex::encode(webhook_signature::hmac_sha256(secret, body.as_bytes())));
    let response = app
        .client
        .post(format!("{}/api/v1/webhooks/easypost?tenant=acme", app.base_url))
        .header("x-hmac-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the sealed secret still verifies the carrier's signature");
}

#[tokio::test]
async fn secrets_left_in_clear_are_sealed_at_start_and_a_wrong_key_stops_the_start() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    setup_order(&app, tenant, "9400100000000000000001").await;
    // What an older version left: a carrier secret and an endpoint secret in clear.
    let secret = "easypost-webhook-secret";
    milepost::on_pool!(&app.pool, |c| {
        sqlx::query(
            "INSERT INTO webhook_secrets (tenant_id, source, secret, created_at) VALUES ($1, 'easypost', $2, $3)",
        )
        .bind(tenant)
        .bind(secret)
        .bind(Utc::now())
        .execute(c)
        .await
        .unwrap();
        sqlx::query("INSERT INTO webhook_endpoints (tenant_id, url, secret, created_at) VALUES ($1, $2, $3, $4)")
            .bind(tenant)
            .bind("https://hooks.example.com/in")
            .bind("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .bind(Utc::now())
            .execute(c)
            .await
            .unwrap();
    });
    let key = &app.state.secret_key;
    assert_eq!(milepost::store::seal_clear_secrets(&app.pool, key).await.unwrap(), 2);
    assert_eq!(milepost::store::seal_clear_secrets(&app.pool, key).await.unwrap(), 0, "sealed once");
    let endpoint: String =
        milepost::on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT secret FROM webhook_endpoints")
            .fetch_one(c)
            .await
            .unwrap());
    let stored = stored_secrets(&app).await;
    assert!(stored[0].starts_with("v1:") && !stored[0].contains(secret), "{stored:?}");
    assert!(endpoint.starts_with("v1:") && !endpoint.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "{endpoint}");

    let body = easypost_body("evt_1", "9400100000000000000001");
    let signature = format!("hmac-sha256-hex={}", hex::encode(webhook_signature::hmac_sha256(secret, body.as_bytes())));
    let response = app
        .client
        .post(format!("{}/api/v1/webhooks/easypost?tenant=acme", app.base_url))
        .header("x-hmac-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the secret sealed at start still verifies");

    let wrong = milepost::secret_box::SecretKey::generate();
    let refused = milepost::store::seal_clear_secrets(&app.pool, &wrong).await.unwrap_err().to_string();
    assert!(refused.contains("MILEPOST_SECRET_KEY"), "{refused}");
    assert_eq!(stored_secrets(&app).await, stored, "nothing rewritten under the wrong key");
}

#[tokio::test]
async fn a_server_with_another_key_fails_loudly_instead_of_accepting_forgeries() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    setup_order(&app, tenant, "9400100000000000000001").await;
    let secret = "easypost-webhook-secret";
    let other = milepost::secret_box::SecretKey::generate();
    milepost::store::add_webhook_secret(&app.pool, &other, tenant, "easypost", secret).await.unwrap();
    let body = easypost_body("evt_1", "9400100000000000000001");
    let signature = format!("hmac-sha256-hex={}", hex::encode(webhook_signature::hmac_sha256(secret, body.as_bytes())));
    let response = app
        .client
        .post(format!("{}/api/v1/webhooks/easypost?tenant=acme", app.base_url))
        .header("x-hmac-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500, "an unreadable secret is a server fault, not a bad signature");
}
