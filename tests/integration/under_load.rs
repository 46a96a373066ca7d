//! Holding up under load and attack, through the real server: half-sent
//! requests and quiet connections are closed, open connections are capped,
//! event streams live on, and tracking pages are rate limited per client.

use crate::common;

use common::*;
use milepost::auth::api_key::Scope;
use milepost::auth::tracking_link;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A bound on how long a test waits for the server to do something it
/// should do much sooner; reaching it fails the test (the server never did).
const PATIENCE: Duration = Duration::from_secs(20);

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base_url.strip_prefix("http://").unwrap()).await.unwrap()
}

/// Reads until the server closes the connection; what it sent meanwhile.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open; it sent {:?}", String::from_utf8_lossy(&received));
    String::from_utf8_lossy(&received).into_owned()
}

/// Reads one whole response to a request that asked to keep the connection.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    tokio::time::timeout(PATIENCE, async {
        let mut buffer = [0u8; 4096];
        while !String::from_utf8_lossy(&received).contains("\r\n\r\nok") {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "closed before answering");
            received.extend_from_slice(&buffer[..n]);
        }
    })
    .await
    .expect("an answer");
    String::from_utf8_lossy(&received).into_owned()
}

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: milepost\r\n\r\n";

#[tokio::test]
async fn half_sent_headers_are_cut_off_after_the_header_read_timeout() {
    let app = spawn_app_with(&[("MILEPOST_HEADER_READ_TIMEOUT_MS", "300")]).await;
    let mut half_sent = connect(&app).await;
    half_sent.write_all(b"GET /healthz HTTP/1.1\r\nHost: milepost\r\nX-Slow: ").await.unwrap();
    read_until_closed(&mut half_sent).await;
    // A connection that never says anything goes the same way.
    let mut silent = connect(&app).await;
    read_until_closed(&mut silent).await;
    // A whole request on a kept-alive connection is answered, and the
    // connection is closed when no next request comes.
    let mut kept = connect(&app).await;
    kept.write_all(HEALTH).await.unwrap();
    assert!(read_response(&mut kept).await.starts_with("HTTP/1.1 200"));
    read_until_closed(&mut kept).await;
}

#[tokio::test]
async fn a_request_whose_body_stops_coming_is_closed_after_the_idle_timeout() {
    let app = spawn_app_with(&[("MILEPOST_IDLE_TIMEOUT_MS", "300")]).await;
    let mut stalled = connect(&app).await;
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntenant=acme&",
        host = app.base_url.strip_prefix("http://").unwrap()
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    read_until_closed(&mut stalled).await;
}

#[tokio::test]
async fn an_event_stream_quiet_for_longer_than_the_idle_timeout_stays_open() {
    let app = spawn_app_with(&[("MILEPOST_IDLE_TIMEOUT_MS", "200")]).await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap();
    let placed = serde_json::json!({"source": "oms", "event_id": "p", "code": "ORDER_PLACED",
        "occurred_at": chrono::Utc::now(), "order_number": "SO-1"});
    assert!(app.post("/api/v1/events", &key, placed).await.status().is_success());
    let response = app.get(&format!("/t/{}/events?after=0", token.as_str())).await;
    let mut stream = SseReader::new(response);
    assert_eq!(stream.next(PATIENCE).await.expect("the current view").event, "tracking");
    // Several idle timeouts with nothing to say.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let out = serde_json::json!({"source": "carrier", "event_id": "o", "code": "OUT_FOR_DELIVERY",
        "occurred_at": chrono::Utc::now(), "order_number": "SO-1"});
    assert!(app.post("/api/v1/events", &key, out).await.status().is_success());
    let next = stream.next(PATIENCE).await.expect("the stream is still open");
    let view: serde_json::Value = serde_json::from_str(&next.data).unwrap();
    assert_eq!(view["headline"], "Out for delivery");
}

#[tokio::test]
async fn past_the_connection_cap_new_connections_wait_until_one_closes() {
    let app = spawn_app_with(&[("MILEPOST_MAX_CONNECTIONS", "2")]).await;
    let mut first = connect(&app).await;
    let mut second = connect(&app).await;
    for held in [&mut first, &mut second] {
        held.write_all(HEALTH).await.unwrap();
        assert!(read_response(held).await.starts_with("HTTP/1.1 200"));
    }
    let mut third = connect(&app).await;
    third.write_all(HEALTH).await.unwrap();
    let mut buffer = [0u8; 64];
    let early = tokio::time::timeout(Duration::from_millis(500), third.read(&mut buffer)).await;
    assert!(early.is_err(), "a third connection was served while two were open");
    drop(first);
    assert!(read_response(&mut third).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn tracking_pages_and_streams_are_rate_limited_per_client() {
    let app = spawn_app_with(&[("MILEPOST_RATE_LIMIT_TRACKING", "3"), ("MILEPOST_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap();
    let page = format!("{}/t/{}", app.base_url, token.as_str());
    let get = |url: String, client: &'static str| app.client.get(url).header("x-forwarded-for", client).send();

    assert_eq!(get(page.clone(), "203.0.113.7").await.unwrap().status(), 200);
    // Guessing other tokens uses up the same allowance.
    assert_eq!(get(format!("{}/t/guessed-token", app.base_url), "203.0.113.7").await.unwrap().status(), 404);
    assert_eq!(get(format!("{page}/events"), "203.0.113.7").await.unwrap().status(), 200);
    let limited = get(page.clone(), "203.0.113.7").await.unwrap();
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    assert_eq!(limited.headers()["cache-control"], "no-store");
    assert!(limited.text().await.unwrap().contains("Please try again"));
    assert_eq!(get(format!("{page}/events"), "203.0.113.7").await.unwrap().status(), 429);
    // A program asking for JSON gets a problem document.
    let problem = app
        .client
        .get(page.clone())
        .header("x-forwarded-for", "203.0.113.7")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(problem.status(), 429);
    assert_eq!(problem.headers()["content-type"], "application/problem+json");
    assert!(problem.headers().contains_key("retry-after"));
    let body: serde_json::Value = problem.json().await.unwrap();
    assert_eq!(body["status"], 429);
    // Another buyer behind the same balancer is not held up.
    assert_eq!(get(page.clone(), "198.51.100.9").await.unwrap().status(), 200);
}
