//! Test harness: a fresh database and the real HTTP server on port 0.
//!
//! The database is a new SQLite file, or, when `MILEPOST_TEST_POSTGRES_URL`
//! names a PostgreSQL server (scripts/with-postgres.sh sets it), a new
//! database on that server: the same suite runs on both backends.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use milepost::application::{Application, Background};
use milepost::config::Config;
use milepost::domain::{AccountId, BrandColor, OrderId, OrderLineId, Quantity, ShipmentId, StatusDictionary, TenantId};
use milepost::state::AppState;
use milepost::store::{self, NewEvent, NewOrder, NewOrderLine, NewShipment, NewTenant, Pool, ShipTo};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use tempfile::TempDir;

pub struct TestApp {
    pub base_url: String,
    pub pool: Pool,
    pub state: AppState,
    pub client: reqwest::Client,
    _dir: TempDir,
}

/// The production server (`Application::build`): the HTTP server, the
/// notification worker, the retention task and, on PostgreSQL, the listener
/// that hears other nodes.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// As [`spawn_app`], with extra configuration variables (SMTP, retry timings...).
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    start(vars, Background::default()).await
}

/// The server without its notification worker, for a test that delivers
/// by hand (`notify::deliver_due`) to see each attempt, or as another node
/// would; with the worker running the two would race for each message.
pub async fn spawn_app_without_notification_worker(vars: &[(&str, &str)]) -> TestApp {
    start(vars, Background { notification_worker: false }).await
}

async fn start(vars: &[(&str, &str)], background: Background) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database_url(&dir).await;
    let data_dir = dir.path().join("data").display().to_string();
    let config = Config::from_lookup(|name| match name {
        "MILEPOST_DATABASE_URL" => Some(url.clone()),
        "MILEPOST_ADDR" => Some("127.0.0.1:0".into()),
        "MILEPOST_DATA_DIR" => Some(data_dir.clone()),
        // Many tests run at once, each with its own database.
        "MILEPOST_DB_MAX_CONNECTIONS" => Some(var(vars, name).unwrap_or("4").into()),
        // Tests write through the store directly as often as through the
        // hub; `page_cache.rs` turns the cache on to test it.
        "MILEPOST_PAGE_CACHE_MS" => Some(var(vars, name).unwrap_or("off").into()),
        other => var(vars, other).map(str::to_string),
    })
    .expect("config");
    let application = Application::build_with(config, background).await.expect("build the application");
    let base_url = format!("http://{}", application.address());
    let state = application.state().clone();
    assert_eq!(state.public_url(), base_url);
    tokio::spawn(async move { application.run_until_stopped().await.expect("server") });
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { base_url, pool: state.pool.clone(), client, state, _dir: dir }
}

fn var<'a>(vars: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    vars.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
}

/// Waits for what the server does in the background (a notification
/// delivered, a retry come due), checking every 20 ms. The minute is only
/// there so a test that is wrong fails instead of hanging.
pub async fn eventually<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while !condition().await {
        assert!(tokio::time::Instant::now() < deadline, "still waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Waits until the notification worker has nothing left to do (every
/// message sent or dead, none waiting for a retry or being sent).
pub async fn notifications_settled(app: &TestApp) {
    eventually("every notification sent or dead", || async {
        let pending: i64 = milepost::on_pool!(&app.pool, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE state IN ('pending', 'sending')"
        )
        .fetch_one(c)
        .await
        .unwrap());
        pending == 0
    })
    .await
}

/// A database nobody else uses: a file in `dir`, or a new PostgreSQL database.
pub async fn fresh_database_url(dir: &TempDir) -> String {
    match std::env::var("MILEPOST_TEST_POSTGRES_URL") {
        Ok(server) => {
            use sqlx::Connection;
            let name = format!("milepost_test_{:016x}", rand::random::<u64>());
            let mut admin = sqlx::PgConnection::connect(&server).await.expect("connect to the test PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create database");
            let (base, _) = server.rsplit_once('/').expect("a database URL");
            format!("{base}/{name}")
        }
        Err(_) => format!("sqlite://{}", dir.path().join("milepost.db").display()),
    }
}

impl TestApp {
    pub fn is_postgres(&self) -> bool {
        self.pool.is_postgres()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base_url)).send().await.expect("request")
    }
}

pub async fn tenant(pool: &Pool, slug: &str) -> TenantId {
    store::create_tenant(
        pool,
        &NewTenant {
            slug: slug.into(),
            brand_name: format!("{slug} brand"),
            logo_url: None,
            primary_color: BrandColor::parse("#123456").unwrap(),
            accent_color: BrandColor::parse("#abcdef").unwrap(),
            support_email: Some(format!("help@{slug}.example")),
            support_phone: Some("+1 555 0100".into()),
            locale: "en-US".into(),
            time_zone: "America/Chicago".into(),
        },
    )
    .await
    .unwrap()
}

pub struct TestOrder {
    pub id: OrderId,
    pub lines: Vec<OrderLineId>,
}

pub async fn order(pool: &Pool, tenant: TenantId, number: &str, promised: Option<NaiveDate>) -> TestOrder {
    order_in(pool, tenant, None, number, promised).await
}

/// An order of a customer account.
pub async fn order_in(
    pool: &Pool,
    tenant: TenantId,
    account: Option<AccountId>,
    number: &str,
    promised: Option<NaiveDate>,
) -> TestOrder {
    let saved = store::upsert_order(
        pool,
        &NewOrder {
            tenant,
            account,
            order_number: number.into(),
            customer_po: Some("PO-777".into()),
            placed_at: Utc::now() - Duration::days(2),
            promised_date: promised,
            contact_name: Some("Dana Receiver".into()),
            contact_email: Some("dana@example.com".into()),
            contact_phone: None,
            ship_to: ShipTo {
                name: "Dana Receiver".into(),
                line1: "1 Main St".into(),
                line2: None,
                city: "Denver".into(),
                region: Some("CO".into()),
                postcode: "80202".into(),
                country: "United States".into(),
                time_zone: milepost::domain::TimeZone::parse("America/Denver").unwrap(),
                latitude: Some(39.7392),
                longitude: Some(-104.9903),
            },
            lines: vec![
                NewOrderLine {
                    sku: "SKU-A".into(),
                    description: "Widget".into(),
                    quantity: Quantity::whole(10),
                    unit: "EA".into(),
                },
                NewOrderLine {
                    sku: "SKU-B".into(),
                    description: "Gadget".into(),
                    quantity: Quantity::whole(4),
                    unit: "BX".into(),
                },
            ],
        },
        None,
    )
    .await
    .unwrap();
    TestOrder { id: saved.id, lines: saved.lines }
}

/// A UPS Ground shipment carrying whole units of each line.
pub async fn shipment(pool: &Pool, order: OrderId, tracking: &str, lines: Vec<(OrderLineId, i64)>) -> ShipmentId {
    let lines = lines.into_iter().map(|(line, units)| (line, Quantity::whole(units))).collect();
    store::create_shipment(
        pool,
        &NewShipment {
            order,
            carrier: "UPS".into(),
            service: Some("Ground".into()),
            tracking_number: tracking.into(),
            lines,
            packs: Vec::new(),
            product_class: None,
        },
        None,
    )
    .await
    .unwrap()
    .id
}

pub fn event(source: &str, code: &str, id: &str, at: DateTime<Utc>, shipment: Option<ShipmentId>) -> NewEvent {
    NewEvent {
        shipment,
        source: source.into(),
        source_event_id: id.into(),
        raw_code: code.into(),
        canonical: StatusDictionary::global().map(source, code),
        occurred_at: at,
        occurred_offset_minutes: None,
        location: Some("Denver, CO, US".into()),
        details: serde_json::json!({}),
    }
}

pub async fn api_key(pool: &Pool, tenant: TenantId, scopes: &[milepost::auth::api_key::Scope]) -> String {
    milepost::auth::api_key::create(pool, tenant, "test", scopes).await.unwrap().1
}

impl TestApp {
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        key: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, format!("{}{path}", self.base_url)).bearer_auth(key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    pub async fn post(&self, path: &str, key: &str, body: serde_json::Value) -> reqwest::Response {
        self.send(reqwest::Method::POST, path, key, Some(body)).await
    }

    pub async fn put(&self, path: &str, key: &str, body: serde_json::Value) -> reqwest::Response {
        self.send(reqwest::Method::PUT, path, key, Some(body)).await
    }
}

/// One parsed server-sent event.
#[derive(Debug, Clone, Default)]
pub struct SseMessage {
    pub event: String,
    pub id: String,
    pub data: String,
}

/// Reads server-sent events off a streaming response.
pub struct SseReader {
    stream: std::pin::Pin<Box<dyn futures_core::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl SseReader {
    pub fn new(response: reqwest::Response) -> Self {
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        SseReader { stream: Box::pin(response.bytes_stream()), buffer: String::new() }
    }

    /// The next message that has data (keep-alive comments are skipped).
    pub async fn next(&mut self, timeout: std::time::Duration) -> Option<SseMessage> {
        use futures_util::StreamExt;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut message = SseMessage::default();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        message.event = v.trim().into();
                    } else if let Some(v) = line.strip_prefix("id:") {
                        message.id = v.trim().into();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        message.data.push_str(v.strip_prefix(' ').unwrap_or(v));
                    }
                }
                if !message.data.is_empty() {
                    return Some(message);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.stream.next()).await.ok()??.ok()?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

/// A local SMTP server (aiosmtpd) writing each message to a file.
pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    pub fn start(refuse_first: u32) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path())
            .args(["--fail", &refuse_first.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup.sh installs it)");
        let mut ready = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut ready).unwrap();
        assert_eq!(ready.trim(), "ready", "the SMTP sink did not start");
        SmtpSink { port, dir, child }
    }

    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A signed-in browser: its session cookie and the CSRF token its forms carry.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A person with a password; returns the password.
pub async fn person(
    pool: &Pool,
    tenant: TenantId,
    account: Option<AccountId>,
    role: milepost::policy::Role,
    email: &str,
) -> String {
    let password = format!("pw-{email}-long-enough");
    let hash = milepost::auth::password::hash(&password);
    let new = store::NewUser { tenant, account, email, name: email, role, password_hash: Some(&hash) };
    store::create_user(pool, &new).await.expect("create user");
    password
}

impl TestApp {
    /// POSTs a form as our own pages would (same Origin), with the session's
    /// cookie and CSRF token when given.
    pub async fn form(&self, session: Option<&Session>, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut fields: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let mut request = self.client.post(format!("{}{path}", self.base_url)).header("origin", &self.base_url);
        if let Some(s) = session {
            if !fields.iter().any(|(k, _)| k == "csrf") {
                fields.push(("csrf".into(), s.csrf.clone()));
            }
            request = request.header("cookie", &s.cookie);
        }
        request.form(&fields).send().await.expect("request")
    }

    /// POSTs a multipart form (one with file inputs) as our pages would,
    /// with `files` as (field, bytes) parts.
    pub async fn multipart(
        &self,
        session: Option<&Session>,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, Vec<u8>)],
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new();
        let mut request = self.client.post(format!("{}{path}", self.base_url)).header("origin", &self.base_url);
        if let Some(s) = session {
            if !fields.iter().any(|(k, _)| *k == "csrf") {
                form = form.text("csrf", s.csrf.clone());
            }
            request = request.header("cookie", &s.cookie);
        }
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (name, bytes) in files {
            form = form.part(name.to_string(), reqwest::multipart::Part::bytes(bytes.clone()).file_name("upload"));
        }
        request.multipart(form).send().await.expect("request")
    }

    pub async fn page(&self, session: Option<&Session>, path: &str) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base_url));
        if let Some(s) = session {
            request = request.header("cookie", &s.cookie);
        }
        request.send().await.expect("request")
    }

    pub async fn sign_in(&self, tenant: &str, email: &str, password: &str) -> Session {
        let response = self.form(None, "/login", &[("tenant", tenant), ("email", email), ("password", password)]).await;
        assert_eq!(response.status(), 303, "sign-in answers with a redirect");
        session_from(&response)
            .unwrap_or_else(|| panic!("{email} could not sign in: {:?}", response.headers().get("location")))
    }
}

/// The session a response's Set-Cookie started, if any.
pub fn session_from(response: &reqwest::Response) -> Option<Session> {
    let set_cookie = response.headers().get("set-cookie")?.to_str().ok()?;
    let pair = set_cookie.split(';').next()?;
    let token = pair.strip_prefix("milepost_session=")?;
    (!token.is_empty()).then(|| Session { cookie: pair.to_string(), csrf: milepost::auth::session::csrf_token(token) })
}

/// A zone where it is now daytime (10:00-18:59), or night (22:00-05:59), so
/// quiet hours are tested without depending on when the test runs.
pub fn zone_where_local_hour(day: bool) -> &'static str {
    const ZONES: [&str; 12] = [
        "Pacific/Kiritimati",
        "Pacific/Auckland",
        "Asia/Tokyo",
        "Asia/Kolkata",
        "Asia/Dubai",
        "Europe/Berlin",
        "UTC",
        "America/Sao_Paulo",
        "America/New_York",
        "America/Chicago",
        "America/Los_Angeles",
        "Pacific/Honolulu",
    ];
    let now = Utc::now();
    ZONES
        .into_iter()
        .find(|zone| {
            let hour = chrono::Timelike::hour(&now.with_timezone(&zone.parse::<chrono_tz::Tz>().unwrap()));
            if day {
                (10..19).contains(&hour)
            } else {
                !(6..22).contains(&hour)
            }
        })
        .expect("the zones above cover every hour")
}

/// A delivered-order email as the outbox would hand it to the mailer.
pub fn due_email(
    order_number: &str,
    brand: &str,
    language: milepost::domain::language::Language,
) -> store::DueNotification {
    store::DueNotification {
        id: 1,
        tenant_id: TenantId(1),
        order_id: OrderId(1),
        channel: "email".into(),
        recipient: "robin@example.com".into(),
        trigger: "delivered".into(),
        idempotency_key: "k".into(),
        attempts: 0,
        order_number: order_number.into(),
        brand_name: brand.into(),
        support_email: None,
        unsubscribe_token: None,
        sealed_endpoint_secret: None,
        event_id: None,
        occurred_at: None,
        location: None,
        secret: None,
        language,
    }
}

/// The text of a PDF as a PDF reader extracts it (poppler's pdftotext).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pod.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-raw", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils; scripts/setup.sh installs it)");
    assert!(output.status.success(), "pdftotext could not read the PDF");
    String::from_utf8(output.stdout).unwrap()
}

/// A 1×1 PNG carrying `text` in a metadata chunk.
pub fn tiny_png_with_text(text: &str) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], &[0u8, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0][..]),
        (b"tEXt", text.as_bytes()),
        (b"IDAT", &[1, 2, 3]),
        (b"IEND", &[]),
    ] {
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(kind);
        png.extend(data);
        png.extend([0, 0, 0, 0]);
    }
    png
}
