//! What both benchmarks share: the release server in its own process, and
//! medians and percentiles.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, Utc};
use milepost::store::Pool;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct Server {
    pub child: Child,
    pub base: String,
    pub key: String,
    pub database_url: String,
    _dir: std::sync::Arc<tempfile::TempDir>,
}

impl Server {
    /// The demo's links, keys and sign-ins, as `serve --links-json` wrote them.
    pub fn links_path(&self) -> PathBuf {
        self._dir.path().join("links.json")
    }

    /// The SQLite file's size (with its WAL), or PostgreSQL's database size.
    pub fn database_size_mib(&self) -> f64 {
        if let Some(path) = self.database_url.strip_prefix("sqlite://") {
            let size = |p: &str| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            return (size(path) + size(&format!("{path}-wal"))) as f64 / 1048576.0;
        }
        let output = Command::new("psql")
            .args([self.database_url.as_str(), "-Atc", "SELECT pg_database_size(current_database())"])
            .output()
            .expect("psql");
        String::from_utf8_lossy(&output.stdout).trim().parse::<f64>().unwrap_or(0.0) / 1048576.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn rss_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// A second node on the same database (PostgreSQL), without demo data.
    pub fn another_node(&self) -> Server {
        let (child, base) = spawn_node(&self.database_url, &[], &[]);
        Server { child, base, key: self.key.clone(), database_url: self.database_url.clone(), _dir: self._dir.clone() }
    }
}

/// "SQLite" or "PostgreSQL": the backend the benchmark runs on. PostgreSQL
/// when MILEPOST_TEST_POSTGRES_URL names a server (`make bench` runs the
/// benchmarks a second time through scripts/with-postgres.sh).
pub fn backend() -> &'static str {
    if std::env::var("MILEPOST_TEST_POSTGRES_URL").is_ok() {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

/// A new SQLite file in `dir`, or a new database on the PostgreSQL server.
fn fresh_database(dir: &Path) -> String {
    let Ok(server) = std::env::var("MILEPOST_TEST_POSTGRES_URL") else {
        return format!("sqlite://{}", dir.join("bench.db").display());
    };
    let name = format!("milepost_bench_{:016x}", rand::random::<u64>());
    let status =
        Command::new("psql").args([server.as_str(), "-qc", &format!("CREATE DATABASE {name}")]).status().expect("psql");
    assert!(status.success(), "could not create the benchmark database");
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// Starts `milepost serve ARGS` on a free port and returns it with its URL.
fn spawn_node(database_url: &str, args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> (Child, String) {
    let binary =
        std::env::var("MILEPOST_BIN").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("target/release/milepost"));
    let mut child = Command::new(&binary)
        .arg("serve")
        .args(args)
        .env("MILEPOST_DATABASE_URL", database_url)
        .env("MILEPOST_ADDR", "127.0.0.1:0")
        .env("MILEPOST_LOG", "info,sqlx=warn")
        .env("NO_COLOR", "1")
        // Benchmarks are one address opening thousands of streams on purpose.
        .env("MILEPOST_RATE_LIMITS", "off")
        .env("MILEPOST_MAX_CONNECTIONS", "100000")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e} (run `make bench`, which builds it)", binary.display()));
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if let Some(url) = line.split("listening on ").nth(1).and_then(|rest| rest.split_whitespace().next()) {
                let _ = tx.send(url.to_string());
            } else if line.contains("WARN") || line.contains("ERROR") {
                eprintln!("server: {line}");
            }
        }
    });
    let base = rx.recv_timeout(Duration::from_secs(120)).expect("server did not start");
    (child, base)
}

/// The release server with demo data, in its own process, with extra
/// environment variables. `MILEPOST_BENCH_KEEP=1` keeps its database (the
/// path is printed) for looking at query plans afterwards.
pub fn start_server(env: &[(&str, &str)]) -> Server {
    let keep = std::env::var_os("MILEPOST_BENCH_KEEP").is_some();
    let dir = tempfile::Builder::new().disable_cleanup(keep).tempdir().unwrap();
    if keep {
        eprintln!("the database stays in {}", dir.path().display());
    }
    let links = dir.path().join("links.json");
    let database_url = fresh_database(dir.path());
    let args = [std::ffi::OsStr::new("--demo"), std::ffi::OsStr::new("--links-json"), links.as_os_str()];
    let (child, base) = spawn_node(&database_url, &args, env);
    let demo: Value = serde_json::from_slice(&std::fs::read(&links).unwrap()).unwrap();
    Server {
        child,
        base,
        key: demo["api_keys"]["northwind"].as_str().unwrap().to_string(),
        database_url,
        _dir: std::sync::Arc::new(dir),
    }
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A latency table: p50, p90, p99 and max in milliseconds per row, each row
/// sorted here.
pub fn print_latencies(rows: Vec<(String, Vec<f64>)>) {
    println!("| path | p50 | p90 | p99 | max |");
    println!("|---|---|---|---|---|");
    for (name, mut v) in rows {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "| {name} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
            percentile(&v, 0.5),
            percentile(&v, 0.9),
            percentile(&v, 0.99),
            v[v.len() - 1]
        );
    }
}

/// Signs in as the demo's Northwind customer-service person: a client that
/// does not follow redirects, and the session cookie.
pub async fn sign_in_as_cs(server: &Server, links: &serde_json::Value) -> (reqwest::Client, String) {
    let cs =
        links["sign_ins"].as_array().unwrap().iter().find(|s| s["tenant"] == "northwind" && s["role"] == "cs").unwrap();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client
        .post(format!("{}/login", server.base))
        .header("origin", &server.base)
        .form(&[
            ("tenant", "northwind"),
            ("email", cs["email"].as_str().unwrap()),
            ("password", cs["password"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    (client, cookie)
}

/// Inserts rows of `columns` in statements of at most ~2,000 parameters.
pub async fn insert_rows(pool: &Pool, table: &str, columns: &[&str], rows: Vec<Vec<Cell>>) {
    // SQLite finds a numbered parameter by walking its list: binding n of
    // them costs n², so a few hundred rows per statement, not thousands.
    let per_statement = (2_000 / columns.len()).max(1);
    for chunk in rows.chunks(per_statement) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 1;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let marks: Vec<String> = (0..columns.len()).map(|j| format!("${}", n + j)).collect();
            n += columns.len();
            sql.push_str(&format!("({})", marks.join(", ")));
        }
        milepost::on_pool!(pool, |c| {
            let mut q = sqlx::query(&sql);
            for row in chunk {
                for value in row {
                    q = match value {
                        Cell::Int(v) => q.bind(*v),
                        Cell::OptInt(v) => q.bind(*v),
                        Cell::Text(v) => q.bind(v.clone()),
                        Cell::OptText(v) => q.bind(v.clone()),
                        Cell::Time(v) => q.bind(*v),
                        Cell::OptTime(v) => q.bind(*v),
                        Cell::Date(v) => q.bind(*v),
                        Cell::OptDate(v) => q.bind(*v),
                    };
                }
            }
            q.execute(c).await.map(|_| ())
        })
        .unwrap();
    }
}

/// A value of a generated row.
pub enum Cell {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Time(DateTime<Utc>),
    OptTime(Option<DateTime<Utc>>),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
}

pub async fn next_id(pool: &Pool, table: &str) -> i64 {
    let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
    milepost::on_pool!(pool, |c| sqlx::query_scalar::<_, i64>(&sql).fetch_one(c).await).unwrap()
}

/// One raw SSE subscriber: records when each message arrives, keyed by
/// its `id:` (Milepost's event id) or, failing that, its `data:` when that
/// is a number (what the bench published to nchan).
pub async fn subscriber(
    addr: String,
    path: String,
    arrivals: std::sync::Arc<tokio::sync::Mutex<Vec<(i64, std::time::Instant)>>>,
    ready: std::sync::Arc<tokio::sync::Semaphore>,
) {
    let mut stream = match tokio::net::TcpStream::connect(&addr).await {
        Ok(s) => s,
        Err(e) => panic!("subscriber could not connect: {e} (is `ulimit -n` high enough?)"),
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buffer = vec![0u8; 16 * 1024];
    let mut pending = Vec::new();
    let mut announced = false;
    loop {
        let n = match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let now = std::time::Instant::now();
        if !announced {
            announced = true;
            ready.add_permits(1);
        }
        pending.extend_from_slice(&buffer[..n]);
        // Only the id and data lines matter; drop everything before the last newline.
        let text = String::from_utf8_lossy(&pending);
        for line in text.lines() {
            let value = line.strip_prefix("id: ").or_else(|| line.strip_prefix("data: "));
            if let Some(key) = value.and_then(|v| v.trim().parse::<i64>().ok()) {
                arrivals.lock().await.push((key, now));
            }
        }
        let keep_from = pending.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        pending.drain(..keep_from);
    }
}
