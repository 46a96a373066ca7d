//! `make bench`, customer service's work queue at a million orders.
//! Writes 1,000,000 generated orders with their shipments into the demo's
//! Northwind tenant next to the release server: a year of history, almost
//! all delivered, a few days' worth under way (some late, some silent, some
//! with an open exception, some owned by the demo's CS person), 1%
//! cancelled. Then times the queue page's server function (HTTP, session,
//! policy, candidates, classification, counts) with varied filters and
//! groupings, and the store's candidate read alone. p50/p99; shared 2-core
//! machine.
//!
//! `MILEPOST_BENCH_ORDERS` changes the number of orders.

mod support;

use chrono::{Duration, Utc};
use milepost::domain::TenantId;
use milepost::store::{self, Pool};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;
use support::{backend, insert_rows, next_id, print_latencies, sign_in_as_cs, start_server, Cell};

const CARRIERS: [&str; 4] = ["UPS", "FedEx", "USPS", "OnTrac"];
const EXCEPTIONS: [&str; 5] = ["delayed", "failed_attempt", "address_issue", "damaged", "held"];

/// Writes `count` orders and a shipment each. Returns how many are under way.
async fn generate(
    pool: &Pool,
    tenant: TenantId,
    accounts: &[i64],
    owner: i64,
    count: usize,
    rng: &mut StdRng,
) -> usize {
    let now = Utc::now();
    let today = now.date_naive();
    let mut order_id = next_id(pool, "orders").await;
    let mut shipment_id = next_id(pool, "shipments").await;
    let mut under_way = 0;
    for start in (0..count).step_by(10_000) {
        let (mut orders, mut shipments) = (Vec::new(), Vec::new());
        for i in start..(start + 10_000).min(count) {
            let kind: f64 = rng.gen();
            let (placed, milestone, open, last_event, since, promised) = if kind < 0.01 {
                let placed = now - Duration::minutes(rng.gen_range(60..60 * 24 * 365));
                (placed, Some("placed"), "cancelled".to_string(), Some(placed), Some(placed), today)
            } else if kind < 0.035 {
                under_way += 1;
                let placed = now - Duration::minutes(rng.gen_range(60..60 * 24 * 5));
                let late = rng.gen_bool(0.15);
                let silent = rng.gen_bool(0.1);
                let promised = if late {
                    today - Duration::days(rng.gen_range(1..4))
                } else {
                    today + Duration::days(rng.gen_range(0..5))
                };
                let heard = if silent {
                    now - Duration::hours(rng.gen_range(50..120))
                } else {
                    now - Duration::minutes(rng.gen_range(5..1200))
                };
                let exception = rng.gen_bool(0.2).then(|| EXCEPTIONS[rng.gen_range(0..EXCEPTIONS.len())]);
                (
                    placed,
                    Some("in_transit"),
                    exception.unwrap_or_default().to_string(),
                    Some(heard),
                    exception.map(|_| heard),
                    promised,
                )
            } else {
                let placed = now - Duration::minutes(rng.gen_range(60 * 24 * 6..60 * 24 * 365));
                let delivered = placed + Duration::hours(rng.gen_range(30..150));
                let open = if rng.gen_ratio(1, 1000) { "receiving_discrepancy" } else { "" };
                let since = (!open.is_empty()).then_some(delivered);
                (
                    placed,
                    Some("delivered"),
                    open.to_string(),
                    Some(delivered),
                    since,
                    (placed + Duration::days(5)).date_naive(),
                )
            };
            let assigned = (!open.is_empty() && open != "cancelled" && rng.gen_bool(0.3)).then_some(owner);
            let account = rng.gen_ratio(4, 5).then(|| accounts[rng.gen_range(0..accounts.len())]);
            let number = format!("WQ-{:07}", i + 1);
            let text = |s: &str| Cell::Text(s.to_string());
            orders.push(vec![
                Cell::Int(order_id),
                Cell::Int(tenant.0),
                Cell::OptInt(account),
                Cell::Text(number.clone()),
                Cell::Time(placed),
                Cell::Date(promised),
                text("Dana"),
                text("1 Main St"),
                text("Springfield"),
                text("IL"),
                text("62701"),
                text("US"),
                text("America/Chicago"),
                Cell::OptText(milestone.map(String::from)),
                Cell::Text(open),
                Cell::OptTime(last_event),
                Cell::OptTime(since),
                Cell::OptInt(assigned),
                Cell::Time(placed),
                Cell::Time(now),
            ]);
            shipments.push(vec![
                Cell::Int(shipment_id),
                Cell::Int(tenant.0),
                Cell::Int(order_id),
                text(CARRIERS[rng.gen_range(0..CARRIERS.len())]),
                Cell::Text(format!("{number}-1")),
                Cell::Time(placed),
            ]);
            order_id += 1;
            shipment_id += 1;
        }
        let columns = [
            "id",
            "tenant_id",
            "account_id",
            "order_number",
            "placed_at",
            "promised_date",
            "ship_to_name",
            "ship_to_line1",
            "ship_to_city",
            "ship_to_region",
            "ship_to_postcode",
            "ship_to_country",
            "ship_to_time_zone",
            "status_milestone",
            "open_exceptions",
            "last_event_at",
            "exception_since",
            "assigned_to",
            "created_at",
            "updated_at",
        ];
        insert_rows(pool, "orders", &columns, orders).await;
        let columns = ["id", "tenant_id", "order_id", "carrier", "tracking_number", "created_at"];
        insert_rows(pool, "shipments", &columns, shipments).await;
    }
    if pool.is_postgres() {
        for table in ["orders", "shipments"] {
            let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
            milepost::on_pool!(pool, |c| sqlx::query(&sql).execute(c).await.map(|_| ())).unwrap();
        }
    }
    under_way
}

/// One request's filters, in turn.
fn filters(turn: usize, rng: &mut StdRng, accounts: &[String]) -> (&'static str, Vec<(&'static str, String)>) {
    let carrier = CARRIERS[rng.gen_range(0..CARRIERS.len())].to_string();
    match turn % 7 {
        0 => ("whole queue, by reason", vec![]),
        1 => ("one reason", vec![("reason", ["late", "stuck", "delayed", "failed_attempt"][turn % 4].to_string())]),
        2 => ("carrier", vec![("carrier", carrier)]),
        3 => ("mine", vec![("owner", "me".into())]),
        4 => (
            "account, grouped by carrier",
            vec![("account", accounts[rng.gen_range(0..accounts.len())].clone()), ("group", "carrier".into())],
        ),
        5 => ("open a day or more", vec![("age", "24".into())]),
        _ => ("unassigned, no grouping", vec![("owner", "nobody".into()), ("group", "none".into())]),
    }
}

fn main() {
    let orders: usize = std::env::var("MILEPOST_BENCH_ORDERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let requests = 350;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let server = start_server(&[("MILEPOST_DEMO_REPLAY", "off")]);
        let links: serde_json::Value = serde_json::from_slice(&std::fs::read(server.links_path()).unwrap()).unwrap();
        let pool = store::connect(&server.database_url, 4).await.unwrap();
        let tenant = store::tenant_by_slug(&pool, "northwind").await.unwrap().unwrap();
        let cs = links["sign_ins"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["tenant"] == "northwind" && s["role"] == "cs")
            .unwrap()
            .clone();
        let owner = store::list_users(&pool, tenant)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.email == cs["email"].as_str().unwrap())
            .unwrap()
            .id
            .0;
        let mut accounts = Vec::new();
        let mut names = Vec::new();
        for i in 0..30 {
            let name = format!("Queue account {i}");
            accounts.push(store::create_account(&pool, tenant, &name, &format!("WQ-ACC-{i:02}")).await.unwrap().0);
            names.push(name);
        }
        let mut rng = StdRng::seed_from_u64(20);
        let started = Instant::now();
        let under_way = generate(&pool, tenant, &accounts, owner, orders, &mut rng).await;
        let load_seconds = started.elapsed().as_secs_f64();
        let size_mib = server.database_size_mib();

        let (client, cookie) = sign_in_as_cs(&server, &links).await;

        let mut http = Vec::new();
        let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
        let mut queued = 0;
        for turn in 0..requests {
            let (kind, fields) = filters(turn, &mut rng, &names);
            let t = Instant::now();
            let response = client
                .post(format!("{}/portal/fn/exceptions", server.base))
                .header("origin", &server.base)
                .header("cookie", &cookie)
                .form(&fields)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let body: serde_json::Value = response.json().await.unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if turn % 7 == 0 {
                queued = body["Ready"]["matching"].as_u64().unwrap();
            }
            http.push(ms);
            by_kind.entry(kind).or_default().push(ms);
        }
        let now = Utc::now();
        let mut alone = Vec::new();
        let mut candidates = 0;
        for _ in 0..100 {
            let t = Instant::now();
            candidates = store::queue_candidates(&pool, tenant, now.date_naive(), now - Duration::hours(48)).await.unwrap().len();
            alone.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!("\n## Customer service's work queue ({}), {orders} generated orders + demo", backend());
        println!(
            "written in {load_seconds:.0} s; {under_way} under way; {candidates} candidates read, {queued} in the queue; database {size_mib:.0} MiB"
        );
        let mut rows = vec![
            ("queue page server function over HTTP (all filters)".to_string(), http),
            ("store::queue_candidates alone".to_string(), alone),
        ];
        rows.extend(by_kind.into_iter().map(|(kind, v)| (format!("HTTP, {kind}"), v)));
        print_latencies(rows);
    });
}
