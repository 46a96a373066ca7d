//! `make bench`, second part: notification delivery through a real SMTP
//! server (aiosmtpd, as in the tests) from the release server. Throughput is
//! messages accepted by SMTP per second while 250 deliveries queue at once;
//! delay is from the event's POST returning (its commit) to the message
//! being accepted, over 50 events posted one at a time.

mod support;

use chrono::Timelike;
use serde_json::json;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{percentile, start_server};

const ORDERS: usize = 300;
const SEQUENTIAL: usize = 50;

fn delivered(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

/// A zone where it is daytime now, so quiet hours hold nothing back.
fn daytime_zone() -> &'static str {
    ["Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Asia/Kolkata", "Pacific/Auckland"]
        .into_iter()
        .find(|z| (9..20).contains(&chrono::Utc::now().with_timezone(&z.parse::<chrono_tz::Tz>().unwrap()).hour()))
        .unwrap_or("Pacific/Kiritimati")
}

async fn wait_for(dir: &Path, count: usize) -> Instant {
    let deadline = Instant::now() + Duration::from_secs(120);
    while delivered(dir) < count {
        assert!(Instant::now() < deadline, "messages did not arrive ({} of {count})", delivered(dir));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Instant::now()
}

#[tokio::main]
async fn main() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mail = tempfile::tempdir().unwrap();
    let mut sink = Command::new("python3")
        .args(["tests/support/smtp_sink.py", &port.to_string()])
        .arg(mail.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with aiosmtpd (make setup installs it)");
    let mut ready = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(sink.stdout.take().unwrap()), &mut ready).unwrap();
    let url = format!("smtp://127.0.0.1:{port}");
    let server = start_server(&[("MILEPOST_SMTP_URL", &url)]);
    // The demo's own fresh events send a few messages first; let them finish.
    let mut settled = delivered(mail.path());
    loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let now = delivered(mail.path());
        if now == settled {
            break;
        }
        settled = now;
    }

    let client = reqwest::Client::new();
    let zone = daytime_zone();
    for i in 0..ORDERS {
        let order = json!({
            "contact": {"email": format!("buyer{i}@example.com")},
            "ship_to": {"name": "Bench", "line1": "1 Loop Rd", "city": "Anytown", "postcode": "10001", "country": "US", "time_zone": zone},
            "lines": [{"sku": "B-1", "description": "Bench item", "quantity": 1}]
        });
        let r =
            client.put(format!("{}/api/v1/orders/MAIL-{i}", server.base)).bearer_auth(&server.key).json(&order).send();
        assert!(r.await.unwrap().status().is_success());
    }
    let post = |i: usize| {
        let event = json!({"source": "carrier", "event_id": format!("mail-{i}"), "code": "DELIVERED",
                           "occurred_at": chrono::Utc::now(), "order_number": format!("MAIL-{i}")});
        client.post(format!("{}/api/v1/events", server.base)).bearer_auth(&server.key).json(&event).send()
    };

    let mut delays = Vec::new();
    for i in 0..SEQUENTIAL {
        assert!(post(i).await.unwrap().status().is_success());
        let committed = Instant::now();
        let accepted = wait_for(mail.path(), settled + i + 1).await;
        delays.push((accepted - committed).as_secs_f64() * 1000.0);
    }
    let base = delivered(mail.path());
    let burst = ORDERS - SEQUENTIAL;
    let started = Instant::now();
    let posts: Vec<_> = (SEQUENTIAL..ORDERS).map(post).collect();
    for p in futures_util::future::join_all(posts).await {
        assert!(p.unwrap().status().is_success());
    }
    let done = wait_for(mail.path(), base + burst).await;
    let throughput = burst as f64 / (done - started).as_secs_f64();
    let _ = sink.kill();
    let _ = sink.wait();

    delays.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!();
    println!("| notifications (email over SMTP to a local aiosmtpd) | result |");
    println!("|---|---|");
    println!("| delivery throughput, {burst} messages queued at once | {throughput:.0} messages/s |");
    println!(
        "| event commit -> message accepted by SMTP, p50 / p99 ({SEQUENTIAL} events) | {:.1} ms / {:.1} ms |",
        percentile(&delays, 0.5),
        percentile(&delays, 0.99)
    );
}
