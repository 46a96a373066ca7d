//! Notifications against a real SMTP server (aiosmtpd, started here): the
//! outbox row is written with its event, the worker delivers it once, retries
//! transient failures with backoff, dead-letters after the last attempt, and
//! a worker that dies holding a message leaves it for the next one.
//!
//! Most tests leave delivery to the server's own worker and wait for it. A
//! test that watches each attempt (or a second node) starts the server
//! without it and steps deliveries by hand with `drain`.

use crate::common;

use chrono::Utc;
use common::*;
use milepost::auth::api_key::Scope;
use milepost::notify::{self, Channels};
use milepost::on_pool;
use serde_json::json;
use std::time::Duration;

/// The server, its worker sending to `sink` and looking for retries come due every 20 ms.
async fn app_sending_to(sink: &SmtpSink) -> TestApp {
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    spawn_app_with(&[
        ("MILEPOST_SMTP_URL", &url),
        ("MILEPOST_NOTIFY_RETRY_BASE_MS", "20"),
        ("MILEPOST_NOTIFY_MAX_ATTEMPTS", "3"),
        ("MILEPOST_NOTIFY_POLL_MS", "20"),
    ])
    .await
}

/// The server without its worker, and the channels to deliver by hand to `sink`.
async fn app_delivering_by_hand_to(sink: &SmtpSink) -> (TestApp, Channels) {
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let app = spawn_app_without_notification_worker(&[
        ("MILEPOST_SMTP_URL", &url),
        ("MILEPOST_NOTIFY_RETRY_BASE_MS", "20"),
        ("MILEPOST_NOTIFY_MAX_ATTEMPTS", "3"),
    ])
    .await;
    let channels = Channels::from_config(&app.state).unwrap();
    (app, channels)
}

/// An order whose buyer has an email address, shipping to `zone`.
async fn order_for(app: &TestApp, zone: &str) -> String {
    order_with_contact(app, zone, json!({"name": "Robin", "email": "robin@example.com"})).await
}

async fn order_with_contact(app: &TestApp, zone: &str, contact: serde_json::Value) -> String {
    let tenant = tenant(&app.pool, "acme").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    let order = json!({
        "contact": contact,
        "ship_to": {"name": "Robin", "line1": "5 Elm St", "city": "Austin", "postcode": "78701", "country": "US", "time_zone": zone},
        "lines": [{"sku": "A-1", "description": "Anvil", "quantity": 1}]
    });
    assert_eq!(app.put("/api/v1/orders/SO-1", &key, order).await.status(), 201);
    key
}

async fn post_event(app: &TestApp, key: &str, source: &str, id: &str, code: &str) {
    let event =
        json!({"source": source, "event_id": id, "code": code, "occurred_at": Utc::now(), "order_number": "SO-1"});
    assert_eq!(app.post("/api/v1/events", key, event).await.status(), 200);
}

/// Delivers by hand until nothing is due.
async fn drain(app: &TestApp, channels: &Channels) {
    while notify::deliver_due(&app.state, channels).await.unwrap() > 0 {}
}

async fn states(app: &TestApp) -> Vec<(String, String, i64)> {
    on_pool!(&app.pool, |c| sqlx::query_as("SELECT trigger, state, attempts FROM notifications ORDER BY id")
        .fetch_all(c)
        .await
        .unwrap())
}

#[tokio::test]
async fn a_delivery_is_mailed_once_with_a_working_tracking_link() {
    let sink = SmtpSink::start(0);
    let (app, channels) = app_delivering_by_hand_to(&sink).await;
    let key = order_for(&app, zone_where_local_hour(true)).await;
    post_event(&app, &key, "wms", "p-1", "PICKED").await;
    post_event(&app, &key, "carrier", "d-1", "DELIVERED").await;
    // The same news from a second source is not a second message.
    post_event(&app, &key, "ups", "d-2", "DELIVERED").await;
    assert_eq!(states(&app).await, [("delivered".into(), "pending".into(), 0)]);

    drain(&app, &channels).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert!(message.contains("Subject: Your order SO-1 was delivered"), "{message}");
    assert!(message.contains("To: robin@example.com"));
    assert!(message.contains("acme brand"), "sent in the tenant's name");
    assert!(message.contains("Message-ID: <"));
    let link =
        message.lines().find(|l| l.starts_with(&app.base_url) && l.contains("/t/")).expect("a tracking link line");
    let page = app.client.get(link.trim()).send().await.unwrap();
    assert_eq!(page.status(), 200, "the mailed link opens the tracking page");
    assert_eq!(states(&app).await, [("delivered".into(), "sent".into(), 1)]);
    drain(&app, &channels).await;
    assert_eq!(sink.messages().len(), 1, "nothing is sent twice");
}

#[tokio::test]
async fn a_refused_message_is_retried_and_then_delivered() {
    let sink = SmtpSink::start(1);
    let (app, channels) = app_delivering_by_hand_to(&sink).await;
    let key = order_for(&app, zone_where_local_hour(true)).await;
    post_event(&app, &key, "carrier", "x-1", "DAMAGED").await;
    drain(&app, &channels).await;
    let (_, state, attempts) = states(&app).await.remove(0);
    assert_eq!((state.as_str(), attempts), ("pending", 1), "refused once, waiting for its retry");
    tokio::time::sleep(Duration::from_millis(60)).await;
    drain(&app, &channels).await;
    assert_eq!(states(&app).await, [("exception:damaged".into(), "sent".into(), 2)]);
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn a_message_that_keeps_failing_is_dead_lettered_with_its_error() {
    let sink = SmtpSink::start(100);
    let app = app_sending_to(&sink).await;
    let key = order_for(&app, zone_where_local_hour(true)).await;
    post_event(&app, &key, "carrier", "o-1", "OUT_FOR_DELIVERY").await;
    notifications_settled(&app).await;
    assert_eq!(states(&app).await, [("out_for_delivery".into(), "dead".into(), 3)]);
    let error: String =
        on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT last_error FROM notifications").fetch_one(c).await.unwrap());
    assert!(error.contains("451"), "{error}");
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn a_worker_that_dies_holding_a_message_leaves_it_to_the_next_one() {
    let sink = SmtpSink::start(0);
    let (app, channels) = app_delivering_by_hand_to(&sink).await;
    let key = order_for(&app, zone_where_local_hour(true)).await;
    post_event(&app, &key, "carrier", "s-1", "PICKED_UP").await;
    // A worker claims the message with a short lease and dies before sending.
    let now = Utc::now();
    let claimed =
        milepost::store::claim_notifications(&app.pool, &["email"], now, now + chrono::Duration::milliseconds(200), 10)
            .await
            .unwrap();
    assert_eq!(claimed.len(), 1);
    drain(&app, &channels).await;
    assert!(sink.messages().is_empty(), "still leased to the dead worker");
    tokio::time::sleep(Duration::from_millis(250)).await;
    drain(&app, &channels).await;
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(states(&app).await, [("shipped".into(), "sent".into(), 2)]);
}

#[tokio::test]
async fn quiet_hours_hold_good_news_and_rules_can_turn_a_trigger_off() {
    let sink = SmtpSink::start(0);
    let (app, channels) = app_delivering_by_hand_to(&sink).await;
    let key = order_for(&app, zone_where_local_hour(false)).await;
    let rule = json!({"trigger": "confirmed", "channel": "email", "enabled": false});
    assert_eq!(app.put("/api/v1/notification-rules", &key, rule).await.status(), 204);
    let bad = app
        .put("/api/v1/notification-rules", &key, json!({"trigger": "teleported", "channel": "fax", "enabled": true}))
        .await;
    assert_eq!(bad.status(), 422);
    let problem: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][1]["field"].as_str()),
        (Some("trigger"), Some("channel"))
    );
    post_event(&app, &key, "oms", "c-1", "CONFIRMED").await;
    post_event(&app, &key, "carrier", "o-1", "OUT_FOR_DELIVERY").await;
    post_event(&app, &key, "carrier", "a-1", "ATTEMPT_FAIL").await;
    drain(&app, &channels).await;
    let rows: Vec<(String, String, bool)> = on_pool!(&app.pool, |c| sqlx::query_as(
        "SELECT trigger, state, next_attempt_at > $1 FROM notifications ORDER BY id"
    )
    .bind(Utc::now())
    .fetch_all(c)
    .await
    .unwrap());
    assert_eq!(
        rows,
        [
            ("out_for_delivery".into(), "pending".into(), true),
            ("exception:failed_attempt".into(), "sent".into(), false),
        ],
        "confirmed is switched off; good news waits for morning; bad news goes now"
    );
    assert_eq!(sink.messages().len(), 1);

    // A tenant without quiet hours: good news goes at night too.
    let none = json!({"start": "00:00", "end": "00:00"});
    assert_eq!(app.put("/api/v1/notification-settings/quiet-hours", &key, none).await.status(), 204);
    let bad = app.put("/api/v1/notification-settings/quiet-hours", &key, json!({"start": "9pm", "end": "8am"})).await;
    assert_eq!(bad.status(), 422);
    post_event(&app, &key, "carrier", "d-1", "DELIVERED").await;
    drain(&app, &channels).await;
    assert_eq!(sink.messages().len(), 2);
}

#[tokio::test]
async fn one_click_unsubscribes_and_cs_can_see_and_resend() {
    let sink = SmtpSink::start(0);
    let (app, channels) = app_delivering_by_hand_to(&sink).await;
    let key = order_for(&app, zone_where_local_hour(true)).await;
    post_event(&app, &key, "carrier", "s-1", "PICKED_UP").await;
    drain(&app, &channels).await;

    // CS sees the message and sends it again.
    let listed: Vec<serde_json::Value> =
        app.send(reqwest::Method::GET, "/api/v1/orders/SO-1/notifications", &key, None).await.json().await.unwrap();
    assert_eq!((listed[0]["state"].as_str(), listed[0]["channel"].as_str()), (Some("sent"), Some("email")));
    let id = listed[0]["id"].as_i64().unwrap();
    let resend = app.send(reqwest::Method::POST, &format!("/api/v1/notifications/{id}/resend"), &key, None).await;
    assert_eq!(resend.status(), 202);
    drain(&app, &channels).await;
    assert_eq!(sink.messages().len(), 2);
    let missing = app.send(reqwest::Method::POST, "/api/v1/notifications/999/resend", &key, None).await;
    assert_eq!(missing.status(), 404);

    let message = sink.messages().remove(0);
    assert!(message.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{message}");
    let link = message
        .lines()
        .find(|l| l.starts_with(&app.base_url) && l.contains("/unsubscribe/"))
        .expect("an unsubscribe line")
        .trim()
        .to_string();
    // Following the link (as a mail scanner would) changes nothing.
    let ask = app.client.get(&link).send().await.unwrap();
    assert_eq!(ask.status(), 200);
    assert!(ask.text().await.unwrap().contains("<form method=\"post\""));
    post_event(&app, &key, "carrier", "o-1", "OUT_FOR_DELIVERY").await;
    assert_eq!(states(&app).await.len(), 2, "still subscribed after a GET");

    let done = app.client.post(&link).send().await.unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("no more updates about order SO-1"));
    assert_eq!(states(&app).await[1].1, "cancelled", "what was still queued is cancelled");
    post_event(&app, &key, "carrier", "d-1", "DELIVERED").await;
    assert_eq!(states(&app).await.len(), 2, "nothing new is queued");
    assert_eq!(app.client.post(format!("{}/unsubscribe/nope", app.base_url)).send().await.unwrap().status(), 404);
}

/// An HTTP server that records what it receives and answers the first
/// `fail_first` requests with 500.
async fn receiver(
    fail_first: usize,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>>) {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>> = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: String| {
        let record = record.clone();
        async move {
            let mut all = record.lock().unwrap();
            all.push((headers, body));
            if all.len() <= fail_first {
                axum::http::StatusCode::INTERNAL_SERVER_ERROR
            } else {
                axum::http::StatusCode::OK
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn webhooks_are_signed_and_retried_and_sms_go_through_the_provider() {
    let (base, seen) = receiver(1).await;
    let sms_url = format!("{base}/sms");
    let app = spawn_app_with(&[
        LOCAL_RECEIVERS[0],
        LOCAL_RECEIVERS[1],
        ("MILEPOST_SMS_URL", &sms_url),
        ("MILEPOST_SMS_USER", "AC123"),
        ("MILEPOST_SMS_PASSWORD", "secret"),
        ("MILEPOST_SMS_FROM", "+15550100"),
        ("MILEPOST_NOTIFY_RETRY_BASE_MS", "20"),
        ("MILEPOST_NOTIFY_POLL_MS", "20"),
    ])
    .await;
    let key = order_with_contact(&app, zone_where_local_hour(true), json!({"phone": "+15125550123"})).await;
    let endpoint: serde_json::Value =
        app.post("/api/v1/webhook-endpoints", &key, json!({"url": format!("{base}/hook")})).await.json().await.unwrap();
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    let refused = app.post("/api/v1/webhook-endpoints", &key, json!({"url": "http://169.254.169.254/x"})).await;
    assert_eq!(refused.status(), 422);

    post_event(&app, &key, "carrier", "d-1", "DELIVERED").await;
    notifications_settled(&app).await;

    let requests = seen.lock().unwrap().clone();
    let sms: Vec<_> = requests.iter().filter(|(_, body)| body.contains("Body=")).collect();
    let hooks: Vec<_> = requests.iter().filter(|(_, body)| body.starts_with('{')).collect();
    assert_eq!(requests.len(), 3, "one refused attempt, then the SMS and the webhook");
    let (headers, body) = sms.last().unwrap();
    assert!(body.contains("To=%2B15125550123") && body.contains("From=%2B15550100"), "{body}");
    assert!(body.contains("%2Ft%2F"), "the text carries the tracking link: {body}");
    assert!(headers["authorization"].to_str().unwrap().starts_with("Basic "));
    let (headers, body) = hooks.last().unwrap();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    milepost::auth::webhook_signature::verify(
        &[secret],
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
        body.as_bytes(),
        Utc::now().timestamp(),
    )
    .expect("a valid Standard Webhooks signature");
    let payload: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!((payload["order_number"].as_str(), payload["status"].as_str()), (Some("SO-1"), Some("delivered")));
    let log: Vec<(String, String, i64, Option<i64>)> = on_pool!(&app.pool, |c| sqlx::query_as(
        "SELECT channel, state, attempts, response_status FROM notifications ORDER BY channel"
    )
    .fetch_all(c)
    .await
    .unwrap());
    let retried = log.iter().filter(|(_, _, attempts, _)| *attempts == 2).count();
    assert_eq!(retried, 1, "the refused one was retried: {log:?}");
    assert!(log.iter().all(|(_, state, _, status)| state == "sent" && *status == Some(200)), "{log:?}");
}

async fn server_fn(app: &TestApp, path: &str, form: &[(&str, &str)]) -> serde_json::Value {
    let response = app.client.post(format!("{}/api/{path}", app.base_url)).form(form).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_buyer_signs_up_on_the_tracking_page_with_a_code() {
    let sink = SmtpSink::start(0);
    let app = app_sending_to(&sink).await;
    let key = order_with_contact(&app, zone_where_local_hour(true), json!({"name": "Robin"})).await;
    let link: serde_json::Value =
        app.send(reqwest::Method::POST, "/api/v1/orders/SO-1/tracking-links", &key, None).await.json().await.unwrap();
    let token = link["token"].as_str().unwrap();

    let refused = server_fn(&app, "updates/request", &[("token", token), ("address", "robin@nowhere")]).await;
    assert!(refused["Refused"].as_str().unwrap().contains("valid email"), "{refused}");
    let stale = server_fn(&app, "updates/request", &[("token", "not-a-token"), ("address", "robin@example.com")]).await;
    assert!(stale["Refused"].as_str().unwrap().contains("no longer valid"));

    let sent = server_fn(&app, "updates/request", &[("token", token), ("address", "Robin@Example.com")]).await;
    assert_eq!(sent, json!({"CodeSent": ["We sent a code to robin@example.com.", "robin@example.com"]}));
    notifications_settled(&app).await;
    let message = sink.messages().pop().expect("the code message");
    assert!(message.contains("Subject: Your code for updates on order SO-1"), "{message}");
    let code: String = message
        .split("Your code is ")
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .expect("a code in the message");
    assert_eq!(code.len(), 6);
    let secret: Option<String> =
        on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT secret FROM notifications").fetch_one(c).await.unwrap());
    assert_eq!(secret, None, "the code is not kept once sent");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let no = server_fn(&app, "updates/confirm", &[("token", token), ("address", "robin@example.com"), ("code", wrong)])
        .await;
    assert!(no["Refused"].as_str().unwrap().contains("not right"));
    let yes =
        server_fn(&app, "updates/confirm", &[("token", token), ("address", "robin@example.com"), ("code", &code)])
            .await;
    assert_eq!(yes, json!("Confirmed"));

    post_event(&app, &key, "carrier", "o-1", "OUT_FOR_DELIVERY").await;
    notifications_settled(&app).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    assert!(messages[1].contains("To: robin@example.com") && messages[1].contains("arrives today"));
    let again = server_fn(&app, "updates/request", &[("token", token), ("address", "robin@example.com")]).await;
    assert!(again["Refused"].as_str().unwrap().contains("already gets updates"));
    for _ in 0..3 {
        server_fn(&app, "updates/request", &[("token", token), ("address", "+15125550123")]).await;
    }
    let limited = server_fn(&app, "updates/request", &[("token", token), ("address", "+15125550123")]).await;
    assert!(limited["Refused"].as_str().unwrap().contains("try again in an hour"), "{limited}");
}

#[tokio::test]
async fn two_workers_on_one_outbox_deliver_each_message_once() {
    let sink = SmtpSink::start(0);
    let (app, channels) = app_delivering_by_hand_to(&sink).await;
    let tenant = tenant(&app.pool, "acme").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    const ORDERS: usize = 40;
    for n in 0..ORDERS {
        let order = json!({
            "contact": {"name": "Robin", "email": format!("robin{n}@example.com")},
            "ship_to": {"name": "Robin", "line1": "5 Elm St", "city": "Austin", "postcode": "78701", "country": "US",
                        "time_zone": zone_where_local_hour(true)},
            "lines": [{"sku": "A-1", "description": "Anvil", "quantity": 1}]
        });
        assert_eq!(app.put(&format!("/api/v1/orders/SO-{n}"), &key, order).await.status(), 201);
        let event = json!({"source": "carrier", "event_id": format!("x-{n}"), "code": "OUT_FOR_DELIVERY",
                           "occurred_at": Utc::now(), "order_number": format!("SO-{n}")});
        assert_eq!(app.post("/api/v1/events", &key, event).await.status(), 200);
    }
    // A second node: its own pool on the same database, its own worker.
    let pool = milepost::store::connect(&app.state.config.database_url, 4).await.unwrap();
    let other = milepost::state::AppState::new((*app.state.config).clone(), pool);
    drop(channels);
    let worker = |state: milepost::state::AppState| {
        let channels = Channels::from_config(&state).unwrap();
        async move {
            let mut delivered = 0;
            loop {
                match notify::deliver_due(&state, &channels).await.unwrap() {
                    0 => return delivered,
                    n => delivered += n,
                }
            }
        }
    };
    let (first, second) = tokio::join!(worker(app.state.clone()), worker(other));
    eprintln!("worker one delivered {first}, worker two {second}");
    assert_eq!(first + second, ORDERS, "every message attempted once in all");
    let rows = states(&app).await;
    assert_eq!(rows.len(), ORDERS);
    assert!(rows.iter().all(|(_, state, attempts)| state == "sent" && *attempts == 1), "{rows:?}");
    let mut ids: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| m.lines().find(|l| l.to_ascii_lowercase().starts_with("message-id:")).unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), ORDERS, "one email per message");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), ORDERS, "no message sent twice");
}

/// The dev escape hatches the local receivers above need: plain http, and
/// addresses on this machine.
const LOCAL_RECEIVERS: [(&str, &str); 2] =
    [("MILEPOST_WEBHOOK_ALLOW_HTTP", "1"), ("MILEPOST_WEBHOOK_ALLOW_PRIVATE", "1")];

async fn register(app: &TestApp, key: &str, url: &str) -> (u16, serde_json::Value) {
    let response = app.post("/api/v1/webhook-endpoints", key, json!({ "url": url })).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn webhook_endpoints_cannot_target_internal_addresses() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    let internal = [
        "http://127.0.0.1@evil.example/",
        "https://127.0.0.1@evil.example/",
        "https://user:pass@example.com/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/",
        "https://172.16.5.4/",
        "https://192.168.1.1/",
        "https://100.64.0.1/",
        "https://127.0.0.1:8443/hook",
        "https://0.0.0.0/",
        "https://224.0.0.1/",
        "https://255.255.255.255/",
        "https://192.0.2.10/",
        // The same loopback address written as the WHATWG parser reads it.
        "https://0x7f.1/",
        "https://2130706433/",
        "https://[::1]/",
        "https://[::]/",
        "https://[fe80::1]/",
        "https://[fd00:ec2::254]/",
        "https://[fc00::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:a9fe:a9fe]/",
        "https://[64:ff9b::a00:1]/",
        "https://[2001:db8::1]/",
        "https://[ff02::1]/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://METADATA.google.internal./",
        // A name that resolves to this machine.
        "https://localhost/hook",
        // Plain http to a public host, and not a URL at all.
        "http://example.com/hook",
        "ftp://example.com/hook",
        "not a url",
    ];
    for url in internal {
        let (status, problem) = register(&app, &key, url).await;
        assert_eq!(status, 422, "{url} was accepted: {problem}");
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.len() > 20 && message.contains(' '), "{url}: a sentence, not a code: {message}");
    }
    let stored: i64 = on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT COUNT(*) FROM webhook_endpoints")
        .fetch_one(c)
        .await
        .unwrap());
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn the_development_escape_hatches_never_open_cloud_metadata_or_credentials_in_urls() {
    let app = spawn_app_with(&LOCAL_RECEIVERS).await;
    let tenant = tenant(&app.pool, "acme").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://metadata.google.internal/",
        "http://127.0.0.1@evil.example/",
    ] {
        let (status, problem) = register(&app, &key, url).await;
        assert_eq!((status, problem["errors"][0]["field"].as_str()), (422, Some("url")), "{url}: {problem}");
    }
    let (status, _) = register(&app, &key, "http://127.0.0.1:9/hook").await;
    assert_eq!(status, 201, "a local receiver is allowed in development");
}

/// A receiver whose `/hook` answers 302 to its own `/elsewhere`, recording
/// every path it is asked for.
async fn redirecting_receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::response::IntoResponse;
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(uri.path().to_string());
            if uri.path() == "/hook" {
                (axum::http::StatusCode::FOUND, [("location", "/elsewhere")]).into_response()
            } else {
                axum::http::StatusCode::OK.into_response()
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}
#[tokio::test]
async fn a_redirecting_webhook_endpoint_is_not_followed_and_the_delivery_fails() {
    let (base, seen) = redirecting_receiver().await;
    let mut vars = LOCAL_RECEIVERS.to_vec();
    vars.push(("MILEPOST_NOTIFY_MAX_ATTEMPTS", "1"));
    let app = spawn_app_with(&vars).await;
    let key = order_with_contact(&app, zone_where_local_hour(true), json!({"name": "Robin"})).await;
    let (status, _) = register(&app, &key, &format!("{base}/hook")).await;
    assert_eq!(status, 201);
    post_event(&app, &key, "carrier", "d-1", "DELIVERED").await;
    notifications_settled(&app).await;
    assert_eq!(*seen.lock().unwrap(), ["/hook"], "the redirect target is never asked");
    let (state, status, error): (String, Option<i64>, Option<String>) = on_pool!(&app.pool, |c| sqlx::query_as(
        "SELECT state, response_status, last_error FROM notifications WHERE channel = 'webhook'"
    )
    .fetch_one(c)
    .await
    .unwrap());
    assert_eq!((state.as_str(), status), ("dead", Some(302)), "{error:?}");
    assert!(error.unwrap_or_default().contains("302"));
}

#[tokio::test]
async fn an_endpoint_that_became_internal_is_refused_at_send_time() {
    let (base, seen) = receiver(0).await;
    let port = base.rsplit(':').next().unwrap().to_string();
    // Only the strict node below delivers: this one may reach local addresses.
    let app = spawn_app_without_notification_worker(&LOCAL_RECEIVERS).await;
    let key = order_with_contact(&app, zone_where_local_hour(true), json!({"name": "Robin"})).await;
    // Registered while local targets were allowed (or before the check
    // existed): one by address, one by a name that resolves to loopback.
    for url in [format!("{base}/by-address"), format!("http://localhost:{port}/by-name")] {
        assert_eq!(register(&app, &key, &url).await.0, 201, "{url}");
    }
    // The same database served without the escape hatch.
    let mut config = (*app.state.config).clone();
    config.webhook_allow_private = false;
    let strict = milepost::state::AppState::new(config, app.pool.clone());
    let channels = Channels::from_config(&strict).unwrap();
    post_event(&app, &key, "carrier", "d-1", "DELIVERED").await;
    while notify::deliver_due(&strict, &channels).await.unwrap() > 0 {}
    assert!(seen.lock().unwrap().is_empty(), "nothing reached the internal receiver");
    let rows: Vec<(String, Option<String>)> = on_pool!(&app.pool, |c| sqlx::query_as(
        "SELECT state, last_error FROM notifications WHERE channel = 'webhook' ORDER BY recipient"
    )
    .fetch_all(c)
    .await
    .unwrap());
    assert_eq!(rows.len(), 2);
    for (state, error) in rows {
        let error = error.unwrap_or_default();
        assert_eq!(state, "pending", "failed, waiting for a retry");
        assert!(error.contains("loopback"), "{error}");
    }
}

#[tokio::test]
async fn endpoint_signing_secrets_are_sealed_at_rest_and_still_sign() {
    let (base, seen) = receiver(0).await;
    let app = spawn_app_with(&LOCAL_RECEIVERS).await;
    let key = order_with_contact(&app, zone_where_local_hour(true), json!({"name": "Robin"})).await;
    let (status, endpoint) = register(&app, &key, &format!("{base}/hook")).await;
    assert_eq!(status, 201);
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    let stored: String =
        on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT secret FROM webhook_endpoints").fetch_one(c).await.unwrap());
    let bare = secret.trim_start_matches("whsec_");
    assert!(!stored.contains(bare), "the secret is in clear in the database: {stored}");
    assert!(stored.starts_with("v1:"), "{stored}");

    post_event(&app, &key, "carrier", "d-1", "DELIVERED").await;
    notifications_settled(&app).await;
    let (headers, body) = seen.lock().unwrap().pop().expect("the webhook arrived");
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    milepost::auth::webhook_signature::verify(
        &[secret],
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
        body.as_bytes(),
        Utc::now().timestamp(),
    )
    .expect("signed with the secret handed out at registration");
}

#[tokio::test]
async fn an_approved_returns_email_carries_its_printable_label() {
    let sink = SmtpSink::start(0);
    let (app, channels) = app_delivering_by_hand_to(&sink).await;
    let key = order_for(&app, zone_where_local_hour(true)).await;
    let ship = json!({"carrier": "UPS", "tracking_number": "1Z-OUT-9", "lines": [{"line_number": 1, "quantity": 1}]});
    assert_eq!(app.post("/api/v1/orders/SO-1/shipments", &key, ship).await.status(), 201);
    let delivered = json!({"source": "carrier", "event_id": "d-9", "code": "DELIVERED", "occurred_at": Utc::now(),
                           "tracking_number": "1Z-OUT-9"});
    assert_eq!(app.post("/api/v1/events", &key, delivered).await.status(), 200);
    drain(&app, &channels).await;
    let before = sink.messages().len();

    // The policy needs no review: the request is approved at once.
    let request = json!({"resolution": "refund", "lines": [{"line_number": 1, "quantity": 1, "reason": "wrong_item"}]});
    let response = app.post("/api/v1/orders/SO-1/returns", &key, request).await;
    assert_eq!(response.status(), 201);
    let created: serde_json::Value = response.json().await.unwrap();
    assert_eq!(created["status"], "approved", "{created}");
    let rma = created["rma"].as_str().unwrap().to_string();
    drain(&app, &channels).await;

    let messages = sink.messages();
    assert_eq!(messages.len(), before + 1, "one message: approved, label attached");
    let message = &messages[before];
    assert!(message.contains("Your return label is attached"), "{message}");
    assert!(message.contains(&format!("filename=\"{rma}-label.pdf\"")), "{message}");
    // The attachment is the label: its text names the RMA.
    let part = &message[message.find("Content-Type: application/pdf").expect("a PDF part")..];
    let body = &part[part.find("\r\n\r\n").or_else(|| part.find("\n\n")).unwrap()..];
    let base64: String = body
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty() && !l.starts_with("--"))
        .collect();
    use base64::Engine;
    let pdf = base64::engine::general_purpose::STANDARD.decode(base64).unwrap();
    assert!(pdf_text(&pdf).contains(&rma), "the label names {rma}");
    // Mailing the label does not issue it: the buyer's first print does.
    let (status, read) = {
        let r = app.send(reqwest::Method::GET, &format!("/api/v1/returns/{rma}"), &key, None).await;
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    assert_eq!((status.as_u16(), read["status"].as_str()), (200, Some("approved")));
}
