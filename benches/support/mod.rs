//! What both benchmarks share: the release server in its own process, and
//! medians and percentiles.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub base: String,
    pub key: String,
    _dir: tempfile::TempDir,
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
}

/// The release server with demo data, in its own process, with extra
/// environment variables.
pub fn start_server(env: &[(&str, &str)]) -> Server {
    let binary =
        std::env::var("MILEPOST_BIN").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("target/release/milepost"));
    let dir = tempfile::tempdir().unwrap();
    let links = dir.path().join("links.json");
    let child = Command::new(&binary)
        .args(["serve", "--demo", "--links-json"])
        .arg(&links)
        .env("MILEPOST_DATABASE_URL", format!("sqlite://{}", dir.path().join("bench.db").display()))
        .env("MILEPOST_ADDR", "127.0.0.1:0")
        .env("MILEPOST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e} (run `make bench`, which builds it)", binary.display()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !links.exists() || std::fs::metadata(&links).map(|m| m.len()).unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(100));
    let demo: Value = serde_json::from_slice(&std::fs::read(&links).unwrap()).unwrap();
    Server {
        child,
        base: demo["base_url"].as_str().unwrap().to_string(),
        key: demo["api_keys"]["northwind"].as_str().unwrap().to_string(),
        _dir: dir,
    }
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
