//! `make bench`, KPI dashboard: `GET /api/v1/kpis` at a million orders.
//! Writes 1,000,000 generated orders (a year of them: shipments on four
//! carriers from three warehouses to twelve states, thirty accounts,
//! promised dates, predicted windows on half, exceptions, unmapped codes)
//! with their events straight into the database of the demo's Northwind
//! tenant next to the release server, lets the real rollup fold the event
//! log (timed), then times the API with varied filters and date ranges
//! over HTTP (key, policy, rollup reads, JSON), and the report alone.
//! p50/p99 over 1,000 requests; shared 2-core machine.
//!
//! `MILEPOST_BENCH_ORDERS` changes the number of orders.

mod support;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use milepost::domain::kpi::KpiFilter;
use milepost::store::{self, Pool};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;
use support::{backend, insert_rows, next_id, print_latencies, start_server, Cell};

const CARRIERS: [&str; 4] = ["UPS", "FedEx", "USPS", "OnTrac"];
const SITES: [&str; 3] = ["Columbus DC, OH, US", "Reno DC, NV, US", "Allentown DC, PA, US"];
const STATES: [&str; 12] = ["CA", "TX", "FL", "NY", "IL", "PA", "OH", "GA", "NC", "MI", "WA", "CO"];

/// Writes `count` orders with their shipments and events. Returns the number of events.
async fn generate(pool: &Pool, tenant: i64, accounts: &[i64], count: usize, rng: &mut StdRng) -> usize {
    let now = Utc::now();
    let mut order_id = next_id(pool, "orders").await;
    let mut shipment_id = next_id(pool, "shipments").await;
    let mut events_written = 0;
    for start in (0..count).step_by(10_000) {
        let (mut orders, mut shipments, mut events) = (Vec::new(), Vec::new(), Vec::new());
        for i in start..(start + 10_000).min(count) {
            let placed = now - Duration::minutes(rng.gen_range(60 * 24 * 2..60 * 24 * 365));
            let site = rng.gen_range(0..SITES.len());
            let carrier = CARRIERS[rng.gen_range(0..CARRIERS.len())];
            let state = STATES[rng.gen_range(0..STATES.len())];
            let account = (rng.gen_ratio(4, 5)).then(|| accounts[rng.gen_range(0..accounts.len())]);
            let promised = (placed + Duration::days(rng.gen_range(3..7))).date_naive();
            let confirmed = placed + Duration::minutes(rng.gen_range(5..180));
            let picked = confirmed + Duration::minutes(rng.gen_range(60..1800));
            let shipped = picked + Duration::minutes(rng.gen_range(60..600));
            let transit_hours = rng.gen_range(20..160) + if site == 1 && state == "FL" { 48 } else { 0 };
            let delivered = shipped + Duration::hours(transit_hours);
            let is_delivered = delivered < now - Duration::hours(1);
            let window = rng.gen_bool(0.5).then(|| {
                let likely = (shipped + Duration::hours(rng.gen_range(40..120))).date_naive();
                (likely - Duration::days(1), likely + Duration::days(1))
            });
            let number = format!("KPI-{:07}", i + 1);
            let text = |s: &str| Cell::Text(s.to_string());
            orders.push(vec![
                Cell::Int(order_id),
                Cell::Int(tenant),
                Cell::OptInt(account),
                Cell::Text(number.clone()),
                Cell::Time(placed),
                Cell::Date(promised),
                text("Dana"),
                text("1 Main St"),
                text("Springfield"),
                text(state),
                text("12345"),
                text("US"),
                text("America/Chicago"),
                Cell::OptText(Some(if is_delivered { "delivered" } else { "shipped" }.into())),
                Cell::Time(placed),
                Cell::Time(now),
                Cell::OptDate(window.map(|w| w.0)),
                Cell::OptDate(window.map(|w| w.1)),
            ]);
            shipments.push(vec![
                Cell::Int(shipment_id),
                Cell::Int(tenant),
                Cell::Int(order_id),
                text(carrier),
                Cell::Text(format!("{number}-1")),
                Cell::Time(shipped),
            ]);
            let trouble: f64 = rng.gen();
            let mut event = |source: &str,
                             code: &str,
                             canonical: &str,
                             at: DateTime<Utc>,
                             shipment: bool,
                             location: Option<&str>| {
                let recorded = at + Duration::seconds(rng.gen_range(1..if source == "carrier" { 7200 } else { 120 }));
                events.push(vec![
                    Cell::Int(tenant),
                    Cell::Int(order_id),
                    Cell::OptInt(shipment.then_some(shipment_id)),
                    text(source),
                    Cell::Text(format!("{number}-{code}")),
                    text(code),
                    text(canonical),
                    Cell::Time(at),
                    Cell::Time(recorded.min(now)),
                    Cell::OptText(location.map(String::from)),
                ]);
            };
            event("oms", "ORDER_PLACED", "placed", placed, false, None);
            event("oms", "ORDER_CONFIRMED", "confirmed", confirmed, false, None);
            event("wms", "PICKED", "picked", picked, false, Some(SITES[site]));
            event("carrier", "PICKED_UP", "shipped", shipped, true, None);
            if trouble < 0.04 {
                event("carrier", "DELAYED", "exception:delayed", shipped + Duration::hours(18), true, None);
            } else if trouble < 0.07 {
                event(
                    "carrier",
                    "ATTEMPT_FAIL",
                    "exception:failed_attempt",
                    delivered - Duration::hours(24),
                    true,
                    None,
                );
            } else if trouble < 0.09 {
                event("carrier", "ZZ_CODE", "unmapped", shipped + Duration::hours(5), true, None);
            }
            if is_delivered {
                event("carrier", "DELIVERED", "delivered", delivered, true, None);
            }
            order_id += 1;
            shipment_id += 1;
        }
        events_written += events.len();
        let order_columns = [
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
            "created_at",
            "updated_at",
            "handover_window_earliest",
            "handover_window_latest",
        ];
        insert_rows(pool, "orders", &order_columns, orders).await;
        insert_rows(
            pool,
            "shipments",
            &["id", "tenant_id", "order_id", "carrier", "tracking_number", "created_at"],
            shipments,
        )
        .await;
        let event_columns = [
            "tenant_id",
            "order_id",
            "shipment_id",
            "source",
            "source_event_id",
            "raw_code",
            "canonical",
            "occurred_at",
            "recorded_at",
            "location",
        ];
        insert_rows(pool, "events", &event_columns, events).await;
    }
    if pool.is_postgres() {
        // Explicit ids were given: move the identity sequences past them.
        for table in ["orders", "shipments"] {
            let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
            milepost::on_pool!(pool, |c| sqlx::query(&sql).execute(c).await.map(|_| ())).unwrap();
        }
    }
    events_written
}

/// One request's filters: a date range and some dimensions.
fn pick(rng: &mut StdRng, today: NaiveDate, accounts: &[String], turn: usize) -> (&'static str, String) {
    let weeks = [4, 12, 26, 52][rng.gen_range(0..4)];
    let from = today - Duration::weeks(weeks);
    let range = format!("from={from}&to={today}");
    let carrier = CARRIERS[rng.gen_range(0..CARRIERS.len())];
    let lane = format!("{} → {}", ["OH", "NV", "PA"][rng.gen_range(0..3)], STATES[rng.gen_range(0..STATES.len())]);
    let site = SITES[rng.gen_range(0..SITES.len())];
    let account = &accounts[rng.gen_range(0..accounts.len())];
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    match turn % 7 {
        0 => ("no filter", range),
        1 => ("carrier", format!("{range}&carrier={}", enc(carrier))),
        2 => ("lane", format!("{range}&lane={}", enc(&lane))),
        3 => ("ship-from", format!("{range}&ship_from={}", enc(site))),
        4 => ("account", format!("{range}&account={}", enc(account))),
        5 => ("carrier + account", format!("{range}&carrier={}&account={}", enc(carrier), enc(account))),
        _ => (
            "carrier + lane + ship-from",
            format!("{range}&carrier={}&lane={}&ship_from={}", enc(carrier), enc(&lane), enc(site)),
        ),
    }
}

fn main() {
    let orders: usize = std::env::var("MILEPOST_BENCH_ORDERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let requests = 1_000;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let server = start_server(&[("MILEPOST_DEMO_REPLAY", "off")]);
        let pool = store::connect(&server.database_url, 4).await.unwrap();
        let tenant = store::tenant_by_slug(&pool, "northwind").await.unwrap().unwrap();
        let mut refs = Vec::new();
        let mut accounts = Vec::new();
        for i in 0..30 {
            let reference = format!("KPI-ACC-{i:02}");
            accounts.push(store::create_account(&pool, tenant, &format!("Bench account {i}"), &reference).await.unwrap().0);
            refs.push(reference);
        }

        // The generated history is there for the dashboard, not for the
        // promise worker: park its cursor beyond any event id while writing,
        // then just past the history, or the server would spend the load and
        // the measurement recomputing a million predicted windows.
        milepost::on_pool!(&pool, |c| sqlx::query("UPDATE promise_cursor SET position = $1 WHERE name = 'events'")
            .bind(i64::MAX / 2)
            .execute(c)
            .await
            .map(|_| ()))
        .unwrap();
        let mut rng = StdRng::seed_from_u64(16);
        let started = Instant::now();
        let events = generate(&pool, tenant.0, &accounts, orders, &mut rng).await;
        let load_seconds = started.elapsed().as_secs_f64();
        milepost::on_pool!(&pool, |c| sqlx::query(
            "UPDATE promise_cursor SET position = (SELECT COALESCE(MAX(id), 0) FROM events) WHERE name = 'events'"
        )
        .execute(c)
        .await
        .map(|_| ()))
        .unwrap();

        let started = Instant::now();
        let mut rolled = 0;
        loop {
            let n = milepost::kpis::catch_up(&pool, Utc::now()).await.unwrap();
            rolled += n;
            if n == 0 {
                break;
            }
        }
        let rollup_seconds = started.elapsed().as_secs_f64();
        let rollup_rows: i64 = milepost::on_pool!(&pool, |c| sqlx::query_scalar("SELECT COUNT(*) FROM kpi_weekly")
            .fetch_one(c)
            .await)
        .unwrap();
        let size_mib = server.database_size_mib();

        eprintln!("timing {requests} requests");
        let client = reqwest::Client::new();
        let today = Utc::now().date_naive();
        let mut http = Vec::new();
        let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
        let mut report_alone = Vec::new();
        let mut delivered_seen = 0;
        for turn in 0..requests {
            let (kind, query) = pick(&mut rng, today, &refs, turn);
            let t = Instant::now();
            let response =
                client.get(format!("{}/api/v1/kpis?{query}", server.base)).bearer_auth(&server.key).send().await.unwrap();
            assert_eq!(response.status(), 200, "{query}");
            let body: serde_json::Value = response.json().await.unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            http.push(ms);
            by_kind.entry(kind).or_default().push(ms);
            if body["summary"]["delivered"].as_i64().unwrap_or(0) > 0 {
                delivered_seen += 1;
            }
            if turn % 5 == 0 {
                let input = milepost::kpis::FilterInput {
                    from: query.split("from=").nth(1).map(|v| v[..10].to_string()),
                    to: Some(today.to_string()),
                    ..Default::default()
                };
                let filter: KpiFilter = input.parse(&pool, tenant, today).await.ok().unwrap();
                let t = Instant::now();
                milepost::kpis::report(&pool, tenant, &filter, None).await.unwrap();
                report_alone.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        println!("\n## KPI dashboard ({}), {orders} generated orders + demo", backend());
        println!(
            "orders and {events} events written in {load_seconds:.0} s; rollup folded {rolled} events in {rollup_seconds:.0} s \
             ({:.0} events/s) into {rollup_rows} weekly rows; database {size_mib:.0} MiB",
            rolled as f64 / rollup_seconds.max(0.001)
        );
        println!("{requests} requests, {delivered_seen} with deliveries in range; 4, 12, 26 or 52 weeks each");
        let mut rows = vec![
            ("GET /api/v1/kpis over HTTP (key, policy, rollups, JSON)".to_string(), http),
            ("kpis::report alone, no filter".to_string(), report_alone),
        ];
        rows.extend(by_kind.into_iter().map(|(kind, v)| (format!("HTTP, filter: {kind}"), v)));
        print_latencies(rows);
    });
}
