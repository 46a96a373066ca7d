//! `make bench`, last-mile part: GPS fix ingest throughput against the real
//! release server in its own process, for the demo van (whose fixes update
//! its route's shipments, check the arriving-soon geofence and publish to
//! the live hub). Medians of 3 runs; shared 2-core machine, so read ratios.

mod support;

use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use support::{backend, median, start_server, Server};

/// Fixes circling 5 km out from Chicago's Loop, outside any geofence.
fn fix(vehicle: &str, i: usize) -> Value {
    let angle = i as f64 / 50.0;
    json!({
        "vehicle_id": vehicle,
        "latitude": 41.88 + 0.045 * angle.sin(), "longitude": -87.63 + 0.06 * angle.cos(),
        "speed_mps": 11.0, "recorded_at": chrono::Utc::now() - chrono::Duration::seconds(10),
    })
}

async fn single(client: &reqwest::Client, server: &Server, vehicle: &str, count: usize) -> f64 {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let (client, next, url, key, vehicle) = (
                client.clone(),
                next.clone(),
                format!("{}/api/v1/positions", server.base),
                server.key.clone(),
                vehicle.to_string(),
            );
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let response = client.post(&url).bearer_auth(&key).json(&fix(&vehicle, i)).send().await.unwrap();
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

async fn batched(client: &reqwest::Client, server: &Server, vehicle: &str, batches: usize) -> f64 {
    let started = Instant::now();
    for b in 0..batches {
        let fixes: Vec<Value> = (0..1000).map(|i| fix(vehicle, b * 1000 + i)).collect();
        let response = client
            .post(format!("{}/api/v1/positions", server.base))
            .bearer_auth(&server.key)
            .json(&json!({ "positions": fixes }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
    }
    (batches * 1000) as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let server = start_server(&[("MILEPOST_DEMO_REPLAY", "off")]);
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    let vehicle = "NW-VAN-1";
    let mut one = Vec::new();
    let mut thousand = Vec::new();
    for _ in 0..3 {
        one.push(single(&client, &server, vehicle, 2000).await);
        thousand.push(batched(&client, &server, vehicle, 10).await);
    }
    println!();
    println!("Milepost last-mile benchmark ({}, release build, one 2-core machine)", backend());
    println!();
    println!("| measure | result |");
    println!("|---|---|");
    println!("| GPS fixes, 1 per request, 16 concurrent (median of 3 x 2,000) | {:.0} fixes/s |", median(one));
    println!("| GPS fixes, 1,000 per request (median of 3 x 10) | {:.0} fixes/s |", median(thousand));
}
