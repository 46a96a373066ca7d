//! The harness starts the server production runs (`Application::build`),
//! so what runs beside the HTTP server runs in the tests too.

use crate::common;

use chrono::Utc;
use common::*;
use milepost::auth::api_key::Scope;
use milepost::store;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn the_tested_server_delivers_notifications_with_its_own_worker() {
    let sink = SmtpSink::start(0);
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let app = spawn_app_with(&[("MILEPOST_SMTP_URL", &smtp)]).await;
    let tenant = tenant(&app.pool, "acme").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    let order = json!({
        "contact": {"name": "Robin", "email": "robin@example.com"},
        "ship_to": {"name": "Robin", "line1": "5 Elm St", "city": "Austin", "postcode": "78701", "country": "US",
                    "time_zone": zone_where_local_hour(true)},
        "lines": [{"sku": "A-1", "description": "Anvil", "quantity": 1}]
    });
    assert_eq!(app.put("/api/v1/orders/SO-1", &key, order).await.status(), 201);
    let event = json!({"source": "carrier", "event_id": "d-1", "code": "DELIVERED", "occurred_at": Utc::now(),
                       "order_number": "SO-1"});
    assert_eq!(app.post("/api/v1/events", &key, event).await.status(), 200);
    // Nothing here delivers: the server does, once the event's commit wakes its worker.
    eventually("the delivered email", || async { !sink.messages().is_empty() }).await;
    let message = sink.messages().remove(0);
    assert!(message.contains("Subject: Your order SO-1 was delivered"), "{message}");
}

/// Another node's commit reaches this node's subscribers only through the
/// PostgreSQL listener the application starts.
#[tokio::test]
async fn on_postgresql_the_tested_server_hears_what_another_node_commits() {
    let app = spawn_app().await;
    if !app.is_postgres() {
        eprintln!("skipped: SQLite has one node (set MILEPOST_TEST_POSTGRES_URL)");
        return;
    }
    // A notification sent before the listener is listening is not for it
    // (it reads what it missed only after a reconnect), so wait for it.
    eventually("the live listener listening", || async {
        let store::Pool::Postgres(pg) = &app.pool else { unreachable!() };
        let listening: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
        )
        .fetch_one(pg)
        .await
        .unwrap();
        listening == 1
    })
    .await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    let stream = app.send(reqwest::Method::GET, "/api/v1/orders/SO-1/stream", &key, None).await;
    assert_eq!(stream.status(), 200);
    let mut stream = SseReader::new(stream);

    // The other node: its own pool on the same database, no hub of ours.
    let other = store::connect(&app.state.config.database_url, 1).await.unwrap();
    let appended =
        store::append(&other, tenant, order.id, &[event("carrier", "IN_TRANSIT", "t-1", Utc::now(), None)]).await;
    let id = appended.unwrap().inserted[0];
    let heard = stream.next(Duration::from_secs(30)).await.expect("the other node's event on this node's stream");
    assert_eq!(heard.id, id.0.to_string());
}
