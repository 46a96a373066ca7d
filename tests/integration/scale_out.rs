//! Two Milepost server processes on one PostgreSQL: an event posted to one
//! reaches a stream held on the other, and a node whose database
//! connections are killed loses no event for its subscribers.
//!
//! Runs when MILEPOST_TEST_POSTGRES_URL names a server (`make test` runs
//! the suites through scripts/with-postgres.sh); on SQLite there is one node.

use crate::common;

use common::*;
use milepost::auth::api_key::Scope;
use milepost::store;
use serde_json::json;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `milepost serve` process on a free port.
struct Node {
    url: String,
    child: Child,
}

impl Node {
    /// Starts a node that connects as its own role, `name`, so the test can
    /// lock that node out of the database and let it back in.
    async fn start(pool: &store::Pool, database_url: &str, name: &str) -> Node {
        execute(pool, &format!("CREATE ROLE {name} LOGIN SUPERUSER")).await;
        let url = database_url.replacen("postgres@", &format!("{name}@"), 1);
        let mut child = Command::new(env!("CARGO_BIN_EXE_milepost"))
            .arg("serve")
            .env("MILEPOST_DATABASE_URL", format!("{url}?application_name={name}"))
            .env("MILEPOST_ADDR", "127.0.0.1:0")
            .env("MILEPOST_LOG", "info,sqlx=warn")
            .env_remove("MILEPOST_PUBLIC_URL")
            .stderr(Stdio::piped())
            .spawn()
            .expect("start milepost");
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let name = name.to_string();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                if let Some(url) = line.split("listening on ").nth(1).and_then(|rest| rest.split_whitespace().next()) {
                    let _ = tx.send(url.to_string());
                }
                eprintln!("[{name}] {line}");
            }
        });
        let url = rx.recv_timeout(Duration::from_secs(30)).expect("the node did not start listening");
        Node { url, child }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn post_event(client: &reqwest::Client, node: &Node, key: &str, id: &str) -> i64 {
    let event = json!({"source": "carrier", "event_id": id, "code": "IN_TRANSIT",
                       "occurred_at": chrono::Utc::now(), "order_number": "SO-1"});
    let response =
        client.post(format!("{}/api/v1/events", node.url)).bearer_auth(key).json(&event).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    body["results"][0]["event_id"].as_i64().unwrap_or_else(|| panic!("an event id in {body}"))
}

async fn next_event_id(stream: &mut SseReader) -> i64 {
    let message = stream.next(Duration::from_secs(15)).await.expect("an event on the other node's stream");
    message.id.parse().unwrap()
}

#[tokio::test]
async fn events_cross_nodes_and_survive_a_lost_database_connection() {
    if std::env::var("MILEPOST_TEST_POSTGRES_URL").is_err() {
        eprintln!("skipped: needs PostgreSQL (MILEPOST_TEST_POSTGRES_URL)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(&dir).await;
    let pool = store::connect(&url, 2).await.unwrap();
    store::migrate(&pool).await.unwrap();
    let tenant = tenant(&pool, "acme").await;
    order(&pool, tenant, "SO-1", None).await;
    let key = api_key(&pool, tenant, &[Scope::Admin]).await;

    let a = Node::start(&pool, &url, "node_a").await;
    let b = Node::start(&pool, &url, "node_b").await;
    let client = reqwest::Client::new();
    let stream = client.get(format!("{}/api/v1/orders/SO-1/stream", b.url)).bearer_auth(&key).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    let mut stream = SseReader::new(stream);

    let first = post_event(&client, &a, &key, "e-1").await;
    assert_eq!(next_event_id(&mut stream).await, first, "posted on A, heard on B");

    // Node B loses every database connection, its listener's included, and
    // cannot connect again while events arrive on A.
    execute(&pool, "ALTER ROLE node_b NOLOGIN").await;
    execute(&pool, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'node_b'").await;
    let mut during = Vec::new();
    for n in 0..5 {
        during.push(post_event(&client, &a, &key, &format!("during-{n}")).await);
    }
    assert!(stream.next(Duration::from_secs(1)).await.is_none(), "B is cut off and cannot have heard");
    // Let B back in: its listener reconnects and catches up without any
    // further event to prompt it.
    execute(&pool, "ALTER ROLE node_b LOGIN").await;
    for expected in &during {
        assert_eq!(next_event_id(&mut stream).await, *expected, "nothing lost while B was cut off");
    }
    let after = post_event(&client, &a, &key, "after").await;
    assert_eq!(next_event_id(&mut stream).await, after, "and B listens again");
}

async fn execute(pool: &store::Pool, sql: &str) {
    let store::Pool::Postgres(pg) = pool else { unreachable!("PostgreSQL only") };
    sqlx::query(sql).execute(pg).await.unwrap();
}
