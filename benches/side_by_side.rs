//! `make bench`, side by side: Milepost's release server against what the
//! same 2-core machine does with the same work, in one run.
//!
//! - the tracking page and the not-found page under wrk (c=64), against
//!   nginx serving the page's saved bytes;
//! - SSE fan-out to 1,000 and 10,000 subscribers, against nginx + nchan
//!   fanning out messages of the same size to the same client;
//! - ingest (1,000-event batches from 4 clients, single events from 16, on a
//!   server of its own),
//!   against SQLite's raw insert rate for the same rows: into a bare table,
//!   and into Milepost's own `events` table with its indexes;
//! - the tracking page under wrk while 5,000 SSE streams stay open;
//! - the wasm bundle's size, raw, gzip and brotli.
//!
//! Client and servers share the 2 cores, so read the ratios more than the
//! absolutes. Needs wrk, nginx and libnginx-mod-nchan (`scripts/setup.sh
//! bench` installs them) and the release site (`make release`).

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{percentile, start_server, subscriber, Server};
use tokio::sync::{Mutex, Semaphore};

/// wrk's summary of one run.
#[derive(Default)]
struct Wrk {
    requests_per_s: f64,
    failed: u64,
    requests: u64,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
}

/// Makes wrk print the percentiles it does not print by itself.
const PERCENTILES_LUA: &str = r#"done = function(summary, latency, requests)
  io.write(string.format("percentiles %f %f %f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"#;

impl Wrk {
    /// For a not-found page every answer is a 404 (wrk counts them as non-2xx).
    fn all_not_found(mut self) -> Wrk {
        self.failed = self.requests.saturating_sub(self.failed);
        self
    }

    fn cell(&self) -> String {
        let failed = if self.failed == 0 {
            "0 failed".to_string()
        } else {
            format!("{:.1}% failed", self.failed as f64 * 100.0 / self.requests.max(1) as f64)
        };
        format!(
            "{:.0} req/s, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, {failed}",
            self.requests_per_s, self.p50_ms, self.p95_ms, self.p99_ms
        )
    }
}

/// `wrk -t2 -c{connections} -d{seconds}s url`, parsed.
fn wrk(url: &str, connections: usize, seconds: u64) -> Wrk {
    let script = std::env::temp_dir().join("milepost-wrk-percentiles.lua");
    std::fs::write(&script, PERCENTILES_LUA).unwrap();
    let output = Command::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "-s"])
        .arg(&script)
        .arg(url)
        .output()
        .expect("wrk (scripts/setup.sh bench installs it)");
    let text = String::from_utf8_lossy(&output.stdout);
    let mut result = Wrk::default();
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", v] => result.requests_per_s = v.parse().unwrap_or(0.0),
            ["percentiles", p50, p95, p99] => {
                [result.p50_ms, result.p95_ms, result.p99_ms] = [p50, p95, p99].map(|v| v.parse().unwrap_or(f64::NAN))
            }
            [n, "requests", "in", ..] => result.requests = n.parse().unwrap_or(0),
            ["Non-2xx", "or", "3xx", "responses:", n] => result.failed += n.parse::<u64>().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => {
                result.failed += rest.iter().filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok()).sum::<u64>()
            }
            _ => {}
        }
    }
    result
}

/// nginx serving `page.html` at `/page` and nchan's publisher and
/// EventSource subscriber at `/pub/{channel}` and `/sub/{channel}`, from
/// its own prefix directory, two workers like the two cores.
struct Nginx {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

impl Nginx {
    fn start(page: &[u8]) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("page.html"), page).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let prefix = dir.path().display();
        let config = format!(
            r#"load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
user root;
worker_processes 2;
worker_rlimit_nofile 100000;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 40000; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location = /page {{ default_type "text/html; charset=utf-8"; alias {prefix}/page.html; }}
        location ~ ^/pub/(\w+)$ {{ nchan_publisher; nchan_channel_id $1; nchan_message_buffer_length 5; }}
        location ~ ^/sub/(\w+)$ {{ nchan_subscriber eventsource; nchan_channel_id $1; }}
    }}
}}
"#
        );
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, config).unwrap();
        let child = Command::new("nginx")
            .args(["-p", &prefix.to_string(), "-c", &conf.display().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx (scripts/setup.sh bench installs it)");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx { child, base, dir }
    }

    /// The master's and the workers' resident memory, in KiB.
    fn rss_kib(&self) -> u64 {
        let master = self.child.id();
        let mut total = 0;
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // The parent pid is the second field after the command's closing parenthesis.
            let parent = stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().nth(1));
            if pid == master || parent == Some(&master.to_string()) {
                total += rss_of(pid, "VmRSS:");
            }
        }
        total
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("nginx")
            .args(["-p", &self.dir.path().display().to_string(), "-c", "nginx.conf", "-s", "stop"])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until the server has used under a tenth of a core for a second:
/// its workers (promise windows, KPI rollups) catch up after ingest, and a
/// measurement taken meanwhile would time them, not the path under test.
async fn wait_until_idle(server: &Server) {
    let cpu_ticks = || {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", server.child.id())).unwrap_or_default();
        // utime and stime: the 12th and 13th fields after the command's ")".
        let fields: Vec<u64> =
            stat.rsplit(')').next().unwrap_or_default().split_whitespace().filter_map(|f| f.parse().ok()).collect();
        fields.get(10).copied().unwrap_or(0) + fields.get(11).copied().unwrap_or(0)
    };
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut before = cpu_ticks();
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = cpu_ticks();
        // Ticks are hundredths of a second: under 10 in a second is under a tenth of a core.
        if now - before < 10 {
            return;
        }
        before = now;
    }
    eprintln!("the server was still busy after five minutes; measuring anyway");
}

fn rss_of(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// What a fan-out measured: publish-to-arrival percentiles, memory per
/// open stream, and memory left after they closed.
struct FanOut {
    p50_ms: f64,
    p99_ms: f64,
    kib_per_subscriber: f64,
    kib_kept_after_close: f64,
}

impl FanOut {
    fn cell(&self) -> String {
        format!(
            "p50 {:.0} ms, p99 {:.0} ms; {:.1} KiB per subscriber, {:.0}% of it kept after close",
            self.p50_ms,
            self.p99_ms,
            self.kib_per_subscriber,
            (self.kib_kept_after_close / self.kib_per_subscriber.max(0.001) * 100.0).max(0.0)
        )
    }
}

/// Where a fan-out publishes and subscribes.
enum Target<'a> {
    Milepost { server: &'a Server, order: String, token: String },
    Nchan { nginx: &'a Nginx, payload: usize },
}

impl Target<'_> {
    fn addr(&self) -> String {
        match self {
            Target::Milepost { server, .. } => server.base.trim_start_matches("http://").to_string(),
            Target::Nchan { nginx, .. } => nginx.base.trim_start_matches("http://").to_string(),
        }
    }

    fn path(&self, after: i64) -> String {
        match self {
            Target::Milepost { token, .. } => format!("/t/{token}/events?after={after}"),
            Target::Nchan { .. } => "/sub/bench".to_string(),
        }
    }

    fn rss_kib(&self) -> u64 {
        match self {
            Target::Milepost { server, .. } => server.rss_kib("VmRSS:"),
            Target::Nchan { nginx, .. } => nginx.rss_kib(),
        }
    }

    /// Publishes message `n` (new each time); returns the key subscribers will see.
    async fn publish(&self, client: &reqwest::Client, n: usize) -> i64 {
        match self {
            Target::Milepost { server, order, .. } => {
                let body = json!({"source": "carrier", "event_id": format!("side-{order}-{n}"), "code": "IN_TRANSIT",
                    "occurred_at": chrono::Utc::now(), "order_number": order, "location": "Memphis, TN, US"});
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
                result["results"][0]["event_id"].as_i64().unwrap()
            }
            Target::Nchan { nginx, payload } => {
                // The key first, padded to the size of Milepost's message.
                let key = 1_000_000 + n as i64;
                let body = format!("{key}{}", " ".repeat(payload.saturating_sub(8)));
                let status = client.post(format!("{}/pub/bench", nginx.base)).body(body).send().await.unwrap().status();
                assert!(status.is_success(), "nchan publish: {status}");
                key
            }
        }
    }
}

/// `rounds` messages to `subscribers` streams; messages are numbered from
/// `first` so that no two fan-outs publish the same one.
async fn fan_out(
    client: &reqwest::Client,
    target: &Target<'_>,
    after: i64,
    subscribers: usize,
    (first, rounds): (usize, usize),
) -> FanOut {
    let before = target.rss_kib();
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let ready = Arc::new(Semaphore::new(0));
    let tasks: Vec<_> = (0..subscribers)
        .map(|_| tokio::spawn(subscriber(target.addr(), target.path(after), arrivals.clone(), ready.clone())))
        .collect();
    tokio::time::timeout(Duration::from_secs(120), ready.acquire_many(subscribers as u32))
        .await
        .expect("subscribers connected")
        .unwrap()
        .forget();
    tokio::time::sleep(Duration::from_millis(500)).await;
    arrivals.lock().await.clear();
    let open = target.rss_kib();

    let mut latencies = Vec::new();
    for round in 0..rounds {
        let sent = Instant::now();
        let key = target.publish(client, first + round).await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let received: Vec<Instant> =
                arrivals.lock().await.iter().filter(|(k, _)| *k == key).map(|(_, t)| *t).collect();
            if received.len() >= subscribers || Instant::now() > deadline {
                latencies.extend(received.iter().map(|t| t.duration_since(sent).as_secs_f64() * 1000.0));
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        arrivals.lock().await.clear();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for task in tasks {
        task.abort();
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let closed = target.rss_kib();
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert!(latencies.len() * 100 >= subscribers * rounds * 99, "only {} deliveries arrived", latencies.len());
    FanOut {
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        kib_per_subscriber: open.saturating_sub(before) as f64 / subscribers as f64,
        kib_kept_after_close: closed.saturating_sub(before) as f64 / subscribers as f64,
    }
}

fn event(run: &str, i: usize, orders: usize) -> Value {
    let codes = ["PICKED_UP", "DEPARTED", "ARRIVED", "IN_TRANSIT", "ARRIVED_AT_HUB"];
    json!({
        "source": "carrier", "event_id": format!("{run}-{i}"), "code": codes[i % codes.len()],
        "occurred_at": chrono::Utc::now() - chrono::Duration::minutes((i % 600) as i64),
        "order_number": format!("SIDE-{}", i % orders), "location": "Memphis, TN, US"
    })
}

/// `clients` workers posting `requests` bodies from `body(i)`; events per
/// second and the per-request latencies.
async fn ingest(
    client: &reqwest::Client,
    server: &Server,
    clients: usize,
    requests: usize,
    events_per_request: usize,
    body: impl Fn(usize) -> Value + Send + Sync + 'static,
) -> (f64, Vec<f64>) {
    let body = Arc::new(body);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (client, next, body) = (client.clone(), next.clone(), body.clone());
            let (url, key) = (format!("{}/api/v1/events", server.base), server.key.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= requests {
                        return latencies;
                    }
                    let t = Instant::now();
                    let response = client.post(&url).bearer_auth(&key).json(&body(i)).send().await.unwrap();
                    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                }
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let rate = (requests * events_per_request) as f64 / started.elapsed().as_secs_f64();
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (rate, latencies)
}

/// SQLite's own insert rate for Milepost's event rows, through sqlx on a
/// fresh file with Milepost's pragmas: `(bare table, events table with its
/// indexes)` in rows per second, in transactions of `per_transaction` rows.
async fn sqlite_raw(dir: &Path, rows: usize, per_transaction: usize) -> (f64, f64) {
    let url = format!("sqlite://{}", dir.join(format!("raw-{per_transaction}.db")).display());
    let pool = milepost::store::connect(&url, 1).await.unwrap();
    milepost::store::migrate(&pool).await.unwrap();
    let milepost::store::Pool::Sqlite(pool) = pool else { unreachable!("a SQLite URL") };
    let mut c = pool.acquire().await.unwrap();
    sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut *c).await.unwrap();
    sqlx::query("CREATE TABLE bare AS SELECT * FROM events WHERE 0").execute(&mut *c).await.unwrap();
    let mut rates = Vec::new();
    for table in ["bare", "events"] {
        let sql = format!(
            "INSERT INTO {table} (tenant_id, order_id, shipment_id, source, source_event_id, raw_code, canonical,
                 occurred_at, occurred_offset_minutes, recorded_at, location, details)
             VALUES (1, $1, NULL, 'carrier', $2, 'IN_TRANSIT', 'in_transit', $3, 0, $4, 'Memphis, TN, US', '{{}}')"
        );
        let started = Instant::now();
        for chunk in (0..rows).collect::<Vec<_>>().chunks(per_transaction) {
            let mut tx = sqlx::Connection::begin(&mut *c).await.unwrap();
            for &i in chunk {
                let now = chrono::Utc::now();
                sqlx::query(&sql)
                    .bind((i % 100) as i64 + 1)
                    .bind(format!("raw-{table}-{i}"))
                    .bind(now - chrono::Duration::minutes((i % 600) as i64))
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        rates.push(rows as f64 / started.elapsed().as_secs_f64());
    }
    (rates[0], rates[1])
}

/// Raw, gzip and brotli bytes of the release site's main wasm, the one
/// every page loads (`make release` precompresses it; a debug site has no
/// compressed files and no figures). The split build's other wasm files
/// (`chunk_*`, `split_*`) are loaded only by the pages that need them.
fn wasm_sizes(site: &Path) -> Option<(u64, u64, u64)> {
    let pkg = site.join("pkg");
    let wasm: PathBuf = std::fs::read_dir(&pkg).ok()?.flatten().map(|e| e.path()).find(|p| {
        p.extension().is_some_and(|e| e == "wasm")
            && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("milepost"))
    })?;
    let size = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let with = |ext: &str| {
        let mut name = wasm.clone().into_os_string();
        name.push(ext);
        size(PathBuf::from(name))
    };
    let (gz, br) = (with(".gz"), with(".br"));
    (gz > 0 && br > 0).then(|| (size(wasm.clone()), gz, br))
}

/// The bytes of the first `data:` message on an SSE stream.
async fn first_message_size(client: &reqwest::Client, url: &str) -> usize {
    let mut response = client.get(url).send().await.unwrap();
    let mut text = String::new();
    while let Ok(Ok(Some(chunk))) = tokio::time::timeout(Duration::from_secs(5), response.chunk()).await {
        text.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(message) = text.split("\n\n").find(|m| m.contains("data:")) {
            return message.len();
        }
    }
    panic!("no message on {url}: {text:?}")
}

fn ratio(ours: f64, anchor: f64) -> String {
    format!("{:.2}", ours / anchor)
}

/// A hundred orders, the first with a timeline of twenty events, and a
/// tracking link to it: `(token, page URL)`.
async fn prepare_orders(client: &reqwest::Client, server: &Server, orders: usize) -> (String, String) {
    // A buyer's page with a timeline of twenty events.
    for i in 0..orders {
        let r = client
            .put(format!("{}/api/v1/orders/SIDE-{i}", server.base))
            .bearer_auth(&server.key)
            .json(&json!({
                "ship_to": {"name": "Bench", "line1": "1 Loop Rd", "city": "Chicago", "postcode": "60601", "country": "US", "time_zone": "America/Chicago"},
                "placed_at": chrono::Utc::now() - chrono::Duration::days(1),
                "lines": [{"sku": "B-1", "description": "Bench item", "quantity": 10}]
            }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
    let timeline: Vec<Value> = (0..20).map(|i| event("page", i * orders, orders)).collect();
    let r = client
        .post(format!("{}/api/v1/events", server.base))
        .bearer_auth(&server.key)
        .json(&json!({"events": timeline}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let link: Value = client
        .post(format!("{}/api/v1/orders/SIDE-0/tracking-links", server.base))
        .bearer_auth(&server.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = link["token"].as_str().unwrap().to_string();
    let page_url = format!("{}/t/{token}", server.base);
    (token, page_url)
}

/// Which sections to run: `MILEPOST_BENCH_ONLY=page,fan-out,ingest` (any
/// of them, comma-separated) runs those alone, for a by-hand look at one
/// path; unset, all of them.
fn runs(section: &str) -> bool {
    std::env::var("MILEPOST_BENCH_ONLY").map_or(true, |only| only.split(',').any(|s| s.trim() == section))
}

#[tokio::main]
async fn main() {
    let site = std::env::var("MILEPOST_SITE_ROOT").unwrap_or_else(|_| "target/site".to_string());
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    let orders = 100;
    let seconds = 10;
    let mut rows = Vec::new();
    if runs("page") || runs("fan-out") {
        rows.extend(page_and_fan_out(&client, &site, orders, seconds).await);
    }
    if runs("ingest") {
        rows.extend(ingest_rows(&client, &site, orders).await);
    }
    rows.push(match wasm_sizes(Path::new(&site)) {
        Some((raw, gz, br)) => format!(
            "| wasm bundle (main) | {} KiB raw, {} KiB gzip, {} KiB brotli | the buyer page's whole first visit: <= 350 KB (`make bench-page`) | {} |",
            raw / 1024,
            gz / 1024,
            br / 1024,
            ratio(br as f64, 350.0 * 1024.0)
        ),
        None => format!("| wasm bundle | no precompressed release site in {site} (`make release`) | | |"),
    });

    println!("\n## Side by side (SQLite, release build; client and servers share the machine's 2 cores)\n");
    println!("| path | Milepost | anchor | ratio |");
    println!("|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
}

/// The tracking page, the not-found page and SSE fan-out, against nginx
/// (and nchan) on the same bytes; the table's rows.
async fn page_and_fan_out(client: &reqwest::Client, site: &str, orders: usize, seconds: u64) -> Vec<String> {
    let mut rows = Vec::new();
    let server = start_server(&[("MILEPOST_DEMO_REPLAY", "off"), ("MILEPOST_SITE_ROOT", site)]);
    let (token, page_url) = prepare_orders(client, &server, orders).await;
    let page = client.get(&page_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.bytes().await.unwrap();
    let nginx = Nginx::start(&page);

    if runs("page") {
        wait_until_idle(&server).await;
        let page_ours = wrk(&page_url, 64, seconds);
        eprintln!("tracking page, Milepost: {}", page_ours.cell());
        let page_nginx = wrk(&format!("{}/page", nginx.base), 64, seconds);
        eprintln!("tracking page, nginx: {}", page_nginx.cell());
        // Every request rendered from the store: what a page no one else opened
        // in the last moments costs (a second server, its page cache off).
        let page_rendered = {
            let uncached = start_server(&[
                ("MILEPOST_DEMO_REPLAY", "off"),
                ("MILEPOST_SITE_ROOT", site),
                ("MILEPOST_PAGE_CACHE_MS", "off"),
            ]);
            let (_, url) = prepare_orders(client, &uncached, orders).await;
            wait_until_idle(&uncached).await;
            wrk(&url, 64, seconds)
        };
        eprintln!("tracking page, every request rendered: {}", page_rendered.cell());
        // Failed here means answered with anything but the 404.
        let missing_ours = wrk(&format!("{}/no-such-page", server.base), 64, seconds).all_not_found();
        let missing_nginx = wrk(&format!("{}/no-such-page", nginx.base), 64, seconds).all_not_found();
        rows.push(format!(
            "| tracking page ({} bytes), wrk c=64 {seconds} s | {} | nginx, same bytes: {} | {} |",
            page.len(),
            page_ours.cell(),
            page_nginx.cell(),
            ratio(page_ours.requests_per_s, page_nginx.requests_per_s)
        ));
        rows.push(format!(
            "| tracking page, page cache off (every request rendered) | {} | nginx, same bytes: {} | {} |",
            page_rendered.cell(),
            page_nginx.cell(),
            ratio(page_rendered.requests_per_s, page_nginx.requests_per_s)
        ));
        rows.push(format!(
            "| not-found page (a 404 expected), wrk c=64 {seconds} s | {} | nginx: {} | {} |",
            missing_ours.cell(),
            missing_nginx.cell(),
            ratio(missing_ours.requests_per_s, missing_nginx.requests_per_s)
        ));
    }
    if !runs("fan-out") {
        return rows;
    }

    // One SSE message as Milepost sends it for this order, for nchan's payload size.
    let detail: Value = client
        .get(format!("{}/api/v1/orders/SIDE-0", server.base))
        .bearer_auth(&server.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let after = detail["events"].as_array().unwrap().iter().filter_map(|e| e["id"].as_i64()).max().unwrap_or(0);
    let payload = first_message_size(client, &format!("{page_url}/events?after={}", after - 1)).await;
    let ours = Target::Milepost { server: &server, order: "SIDE-0".to_string(), token: token.clone() };
    let theirs = Target::Nchan { nginx: &nginx, payload };
    for subscribers in [1_000, 10_000] {
        wait_until_idle(&server).await;
        let a = fan_out(client, &ours, after, subscribers, (subscribers, 5)).await;
        eprintln!("fan-out to {subscribers}, Milepost: {}", a.cell());
        let b = fan_out(client, &theirs, after, subscribers, (subscribers, 5)).await;
        eprintln!("fan-out to {subscribers}, nchan: {}", b.cell());
        rows.push(format!(
            "| SSE fan-out, {subscribers} subscribers, 5 messages of {payload} bytes | {} | nginx + nchan: {} | p99 {} |",
            a.cell(),
            b.cell(),
            ratio(a.p99_ms, b.p99_ms)
        ));
    }

    eprintln!("tracking page with 5,000 open streams");
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let ready = Arc::new(Semaphore::new(0));
    let streams: Vec<_> = (0..5_000)
        .map(|_| tokio::spawn(subscriber(ours.addr(), ours.path(after + 1_000_000), arrivals.clone(), ready.clone())))
        .collect();
    tokio::time::timeout(Duration::from_secs(120), ready.acquire_many(5_000)).await.unwrap().unwrap().forget();
    wait_until_idle(&server).await;
    let page_under_streams = tokio::task::spawn_blocking(move || wrk(&page_url, 64, seconds)).await.unwrap();
    for stream in streams {
        stream.abort();
    }
    rows.push(format!(
        "| tracking page with 5,000 open SSE streams, wrk c=64 | {} | Rage, published, 2 vCPU: 5,000 req/s, p95 120 ms, 0 errors | {} |",
        page_under_streams.cell(),
        ratio(page_under_streams.requests_per_s, 5_000.0)
    ));
    rows
}

/// Ingest on a server of its own (a page server's KPI signals would still
/// be written behind its idle moments, and timed with ingest), against
/// SQLite's raw insert rate; the table's rows.
async fn ingest_rows(client: &reqwest::Client, site: &str, orders: usize) -> Vec<String> {
    let server = start_server(&[("MILEPOST_DEMO_REPLAY", "off"), ("MILEPOST_SITE_ROOT", site)]);
    prepare_orders(client, &server, orders).await;
    wait_until_idle(&server).await;
    let (batch_rate, batch_latency) = ingest(
        client,
        &server,
        4,
        40,
        1_000,
        move |i| json!({"events": (0..1_000).map(|j| event(&format!("batch-{i}"), j, orders)).collect::<Vec<_>>()}),
    )
    .await;
    eprintln!("ingest, batches: {batch_rate:.0} events/s");
    wait_until_idle(&server).await;
    let (single_rate, single_latency) =
        ingest(client, &server, 16, 5_000, 1, move |i| event("single", i, orders)).await;
    eprintln!(
        "ingest, single: {single_rate:.0} events/s, p50 {:.1} ms, p99 {:.1} ms",
        percentile(&single_latency, 0.5),
        percentile(&single_latency, 0.99)
    );
    let raw_dir = tempfile::tempdir().unwrap();
    let (raw_batch_bare, raw_batch_indexed) = sqlite_raw(raw_dir.path(), 100_000, 1_000).await;
    let (raw_single_bare, raw_single_indexed) = sqlite_raw(raw_dir.path(), 10_000, 1).await;
    vec![
        format!(
            "| ingest, 1,000-event batches, 4 clients | {batch_rate:.0} events/s, p99 {:.0} ms per request | SQLite raw, 1,000 rows per transaction: {raw_batch_bare:.0} rows/s bare, {raw_batch_indexed:.0} rows/s into `events` | {} of indexed |",
            percentile(&batch_latency, 0.99),
            ratio(batch_rate, raw_batch_indexed)
        ),
        format!(
            "| ingest, single events, 16 clients | {single_rate:.0} events/s, p50 {:.1} ms, p99 {:.1} ms | SQLite raw, one row per transaction: {raw_single_bare:.0} rows/s bare, {raw_single_indexed:.0} rows/s into `events` | {} of indexed |",
            percentile(&single_latency, 0.5),
            percentile(&single_latency, 0.99),
            ratio(single_rate, raw_single_indexed)
        ),
    ]
}
