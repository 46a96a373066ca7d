//! `make bench`: ingest throughput and publish-to-subscriber latency over SSE
//! at 1,000 and 10,000 concurrent subscribers, against the real release
//! server in its own process (so its memory can be read). On PostgreSQL it
//! also measures across nodes: events posted to one server, subscribers on
//! a second server on the same database.
//!
//! Figures are medians (ingest: of 3 runs) and percentiles over every
//! subscriber and round. The client shares the machine with the server, so
//! read them as ratios more than absolutes.

mod support;

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{backend, median, percentile, start_server, subscriber, Server};
use tokio::sync::Mutex;

const ORDERS: usize = 100;

fn order_body() -> Value {
    json!({
        "ship_to": {"name": "Bench", "line1": "1 Loop Rd", "city": "Chicago", "postcode": "60601", "country": "US", "time_zone": "America/Chicago"},
        "placed_at": chrono::Utc::now() - chrono::Duration::days(1),
        "lines": [{"sku": "B-1", "description": "Bench item", "quantity": 10}]
    })
}

fn event(run: &str, i: usize) -> Value {
    let codes = ["PICKED_UP", "DEPARTED", "ARRIVED", "IN_TRANSIT", "ARRIVED_AT_HUB"];
    json!({
        "source": "carrier", "event_id": format!("{run}-{i}"), "code": codes[i % codes.len()],
        "occurred_at": chrono::Utc::now() - chrono::Duration::minutes((i % 600) as i64),
        "order_number": format!("BENCH-{}", i % ORDERS), "location": "Memphis, TN, US"
    })
}

async fn ingest_single(client: &reqwest::Client, server: &Server, run: &str, count: usize, concurrency: usize) -> f64 {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next, url, key, run) = (
                client.clone(),
                next.clone(),
                format!("{}/api/v1/events", server.base),
                server.key.clone(),
                run.to_string(),
            );
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let response = client.post(&url).bearer_auth(&key).json(&event(&run, i)).send().await.unwrap();
                    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    count as f64 / started.elapsed().as_secs_f64()
}

async fn ingest_batched(client: &reqwest::Client, server: &Server, run: &str, batches: usize) -> f64 {
    let started = Instant::now();
    for b in 0..batches {
        let events: Vec<Value> = (0..1000).map(|i| event(&format!("{run}-{b}"), i)).collect();
        let response = client
            .post(format!("{}/api/v1/events", server.base))
            .bearer_auth(&server.key)
            .json(&json!({"events": events}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
    }
    (batches * 1000) as f64 / started.elapsed().as_secs_f64()
}

/// Posts `rounds` events to `server` and times their arrival at `subscribers`
/// streams held on `listening` (the same server, or another node).
async fn fan_out(
    client: &reqwest::Client,
    server: &Server,
    listening: &Server,
    subscribers: usize,
    rounds: usize,
) -> (f64, f64, usize) {
    let cross = if std::ptr::eq(server, listening) { "" } else { "-cross" };
    let order = format!("FAN-{subscribers}{cross}");
    client
        .put(format!("{}/api/v1/orders/{order}", server.base))
        .bearer_auth(&server.key)
        .json(&order_body())
        .send()
        .await
        .unwrap();
    let link: Value = client
        .post(format!("{}/api/v1/orders/{order}/tracking-links", server.base))
        .bearer_auth(&server.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = link["token"].as_str().unwrap().to_string();
    let addr = listening.base.trim_start_matches("http://").to_string();
    let detail: Value = client
        .get(format!("{}/api/v1/orders/{order}", server.base))
        .bearer_auth(&server.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let after = detail["events"].as_array().unwrap().iter().filter_map(|e| e["id"].as_i64()).max().unwrap_or(0);

    let arrivals = Arc::new(Mutex::new(Vec::new()));
    // The headers arrive as soon as the stream opens: a permit per subscriber.
    let ready = Arc::new(tokio::sync::Semaphore::new(0));
    let mut tasks = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        tasks.push(tokio::spawn(subscriber(
            addr.clone(),
            format!("/t/{token}/events?after={after}"),
            arrivals.clone(),
            ready.clone(),
        )));
    }
    let _all = tokio::time::timeout(Duration::from_secs(120), ready.acquire_many(subscribers as u32))
        .await
        .expect("subscribers connected");
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut latencies = Vec::new();
    let mut peak = 0;
    for round in 0..rounds {
        let sent = Instant::now();
        let body = json!({"source": "carrier", "event_id": format!("fan-{subscribers}{cross}-{round}"), "code": "IN_TRANSIT", "occurred_at": chrono::Utc::now(), "order_number": order});
        let result: Value = client
            .post(format!("{}/api/v1/events", server.base))
            .bearer_auth(&server.key)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = result["results"][0]["event_id"].as_i64().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let received: Vec<Instant> =
                arrivals.lock().await.iter().filter(|(i, _)| *i == id).map(|(_, t)| *t).collect();
            if received.len() >= subscribers || Instant::now() > deadline {
                latencies.extend(received.iter().map(|t| t.duration_since(sent).as_secs_f64() * 1000.0));
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        peak = peak.max(listening.rss_kib("VmRSS:"));
        eprintln!("  {subscribers} subscribers, round {round}: {} deliveries so far", latencies.len());
        arrivals.lock().await.clear();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for task in tasks {
        task.abort();
    }
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let expected = subscribers * rounds;
    assert!(latencies.len() * 100 >= expected * 99, "only {} of {expected} deliveries arrived", latencies.len());
    (percentile(&latencies, 0.5), percentile(&latencies, 0.99), peak as usize / 1024)
}

#[tokio::main]
async fn main() {
    let server = start_server(&[]);
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    for i in 0..ORDERS {
        let r = client
            .put(format!("{}/api/v1/orders/BENCH-{i}", server.base))
            .bearer_auth(&server.key)
            .json(&order_body())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }

    // MILEPOST_BENCH_FANOUT_ONLY=N[,M..]: only fan-outs at these sizes (for profiling).
    if let Ok(list) = std::env::var("MILEPOST_BENCH_FANOUT_ONLY") {
        for n in list.split(',').filter_map(|v| v.trim().parse().ok()) {
            let (p50, p99, rss) = fan_out(&client, &server, &server, n, 3).await;
            println!("{n} subscribers: p50 {p50:.1} ms, p99 {p99:.1} ms, RSS {rss} MiB");
        }
        return;
    }
    let mut single = Vec::new();
    for run in 0..3 {
        single.push(ingest_single(&client, &server, &format!("single{run}"), 2000, 16).await);
    }
    let mut batched = Vec::new();
    for run in 0..3 {
        batched.push(ingest_batched(&client, &server, &format!("batch{run}"), 10).await);
    }
    let rss_after_ingest = server.rss_kib("VmRSS:") / 1024;
    let (p50_1k, p99_1k, rss_1k) = fan_out(&client, &server, &server, 1_000, 10).await;
    let (p50_10k, p99_10k, rss_10k) = fan_out(&client, &server, &server, 10_000, 5).await;
    let peak = server.rss_kib("VmHWM:") / 1024;
    let cross_node = if server.database_url.starts_with("postgres") {
        let other = server.another_node();
        Some((
            fan_out(&client, &server, &other, 1, 50).await,
            fan_out(&client, &server, &other, 1_000, 10).await,
            fan_out(&client, &server, &other, 10_000, 5).await,
        ))
    } else {
        None
    };

    println!();
    println!(
        "Milepost benchmark ({}, release build, server and client on one {}-core machine)",
        backend(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!("| measure | result |");
    println!("|---|---|");
    println!("| ingest, 1 event per request, 16 concurrent (median of 3 x 2,000) | {:.0} events/s |", median(single));
    println!(
        "| ingest, 1,000-event batches over {ORDERS} orders (median of 3 x 10) | {:.0} events/s |",
        median(batched)
    );
    println!("| POST -> SSE subscriber, 1,000 subscribers, p50 / p99 (10 rounds) | {p50_1k:.1} ms / {p99_1k:.1} ms |");
    println!(
        "| POST -> SSE subscriber, 10,000 subscribers, p50 / p99 (5 rounds) | {p50_10k:.1} ms / {p99_10k:.1} ms |"
    );
    println!(
        "| server RSS after ingest / during 1k / during 10k fan-out | {rss_after_ingest} / {rss_1k} / {rss_10k} MiB |"
    );
    println!("| server peak RSS (VmHWM) | {peak} MiB |");
    if let Some(((p50_1, p99_1, _), (p50_a, p99_a, _), (p50_b, p99_b, _))) = cross_node {
        println!(
            "| POST on node A -> SSE on node B, 1 subscriber, p50 / p99 (50 rounds) | {p50_1:.1} ms / {p99_1:.1} ms |"
        );
        println!("| POST on node A -> SSE on node B, 1,000 subscribers, p50 / p99 (10 rounds) | {p50_a:.1} ms / {p99_a:.1} ms |");
        println!("| POST on node A -> SSE on node B, 10,000 subscribers, p50 / p99 (5 rounds) | {p50_b:.1} ms / {p99_b:.1} ms |");
    }
}
