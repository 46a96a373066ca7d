//! `make bench`, customer-service search: one search box over a million
//! orders. Loads 1,000,000 generated orders (order number, PO, tracking
//! number, email, phone, names, postcode) into the demo's Northwind tenant
//! next to the release server in its own process, signs in as the demo's
//! customer-service person and times searches of every kind through the
//! page's server function (HTTP, session, policy, store), and the store's
//! search alone. p50/p99 over 2,000 queries; shared 2-core machine.
//!
//! `MILEPOST_BENCH_ORDERS` changes the number of orders.

mod support;

use chrono::{Duration, Utc};
use milepost::domain::search::SearchQuery;
use milepost::store::{self, ImportedOrder, NewOrder, NewOrderLine, ShipTo};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;
use support::{backend, percentile, print_latencies, sign_in_as_cs, start_server};

const FIRST: [&str; 24] = [
    "james",
    "mary",
    "robert",
    "patricia",
    "john",
    "jennifer",
    "michael",
    "linda",
    "david",
    "elizabeth",
    "william",
    "barbara",
    "richard",
    "susan",
    "joseph",
    "jessica",
    "thomas",
    "sarah",
    "priya",
    "mohammed",
    "wei",
    "olga",
    "kwame",
    "lucia",
];
const LAST: [&str; 24] = [
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "garcia",
    "miller",
    "davis",
    "rodriguez",
    "martinez",
    "hernandez",
    "lopez",
    "gonzalez",
    "wilson",
    "anderson",
    "thomas",
    "taylor",
    "moore",
    "jackson",
    "martin",
    "lee",
    "perez",
    "thompson",
    "okafor",
];
const DOMAINS: [&str; 6] =
    ["example.com", "mail.example", "acme.example", "corp.example", "shop.example", "post.example"];

struct Generated {
    number: String,
    po: Option<String>,
    tracking: Option<String>,
    email: String,
    phone: String,
    last: &'static str,
    postcode: String,
}

fn generate(i: usize, rng: &mut StdRng) -> Generated {
    let first = FIRST[rng.gen_range(0..FIRST.len())];
    let last = LAST[rng.gen_range(0..LAST.len())];
    let alphabet = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    let tracking: String = (0..16).map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char).collect();
    Generated {
        number: format!("BN-{:07}", i + 1),
        po: rng.gen_bool(0.6).then(|| format!("PO-{}", rng.gen_range(100_000..999_999))),
        tracking: rng.gen_bool(0.7).then(|| format!("1Z{tracking}")),
        email: format!("{first}.{last}{}@{}", rng.gen_range(1..999), DOMAINS[rng.gen_range(0..DOMAINS.len())]),
        phone: format!("+1 {} {} {:04}", rng.gen_range(200..999), rng.gen_range(200..999), rng.gen_range(0..10_000)),
        last,
        postcode: format!(
            "{}{} {}{}{}",
            ["LS", "M", "B", "SW", "EC"][rng.gen_range(0..5)],
            rng.gen_range(1..30),
            rng.gen_range(1..9),
            (b'A' + rng.gen_range(0..26)) as char,
            (b'A' + rng.gen_range(0..26)) as char
        ),
    }
}

fn imported(tenant: milepost::domain::TenantId, g: &Generated, rng: &mut StdRng) -> ImportedOrder {
    let name = format!("{} {}", FIRST[rng.gen_range(0..FIRST.len())], g.last);
    ImportedOrder {
        order: NewOrder {
            tenant,
            account: None,
            order_number: g.number.clone(),
            customer_po: g.po.clone(),
            placed_at: Utc::now() - Duration::minutes(rng.gen_range(0..60 * 24 * 365)),
            promised_date: None,
            contact_name: Some(name.clone()),
            contact_email: Some(g.email.clone()),
            contact_phone: Some(g.phone.clone()),
            ship_to: ShipTo {
                name,
                line1: "1 High Street".into(),
                line2: None,
                city: "Leeds".into(),
                region: None,
                postcode: g.postcode.clone(),
                country: "GB".into(),
                time_zone: milepost::domain::TimeZone::parse("Europe/London").unwrap(),
                latitude: None,
                longitude: None,
            },
            lines: vec![NewOrderLine {
                sku: "SKU-1".into(),
                description: "Item".into(),
                quantity: milepost::domain::Quantity::whole(1),
                unit: "EA".into(),
            }],
        },
        shipment: g.tracking.clone().map(|t| ("ups".to_string(), t)),
    }
}

/// What a person at the CS desk types, one kind per query in turn:
/// (kind, query).
fn query_for(g: &Generated, turn: usize, rng: &mut StdRng) -> (&'static str, String) {
    match turn % 9 {
        0 => ("order number", g.number.clone()),
        1 => ("order number, partial", g.number[3..8].to_string()),
        2 => ("PO", g.po.clone().unwrap_or_else(|| g.number.to_lowercase())),
        3 => {
            ("tracking, last 6", g.tracking.as_ref().map_or_else(|| g.number.clone(), |t| t[t.len() - 6..].to_string()))
        }
        4 => ("email, partial", g.email.split('@').next().unwrap().to_uppercase()),
        5 => ("phone, last 4", g.phone[g.phone.len() - 4..].to_string()),
        6 => ("surname", g.last.to_string()),
        7 => ("postcode", g.postcode.clone()),
        _ => ("no match", format!("zz{}", rng.gen_range(0..1_000_000))),
    }
}

fn main() {
    let orders: usize = std::env::var("MILEPOST_BENCH_ORDERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let server = start_server(&[("MILEPOST_DEMO_REPLAY", "off")]);
        let links: serde_json::Value = serde_json::from_slice(&std::fs::read(server.links_path()).unwrap()).unwrap();
        let pool = store::connect(&server.database_url, 4).await.unwrap();
        let tenant = store::tenant_by_slug(&pool, "northwind").await.unwrap().unwrap();

        let mut rng = StdRng::seed_from_u64(7);
        let started = Instant::now();
        let mut samples = Vec::new();
        for chunk_start in (0..orders).step_by(5_000) {
            let chunk: Vec<Generated> =
                (chunk_start..(chunk_start + 5_000).min(orders)).map(|i| generate(i, &mut rng)).collect();
            let batch: Vec<ImportedOrder> = chunk.iter().map(|g| imported(tenant, g, &mut rng)).collect();
            store::import_orders(&pool, &batch).await.unwrap();
            samples.extend(chunk.into_iter().filter(|_| rng.gen_ratio(1, (orders / 2_500).max(1) as u32)));
        }
        let load_seconds = started.elapsed().as_secs_f64();
        let size_mib = server.database_size_mib();

        let (client, cookie) = sign_in_as_cs(&server, &links).await;

        let queries: Vec<(&str, String)> =
            samples.iter().take(2_000).enumerate().map(|(i, g)| query_for(g, i, &mut rng)).collect();
        let reach = milepost::policy::Reach { tenant, account: None };
        let mut http = Vec::new();
        let mut in_store = Vec::new();
        let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
        let mut found_first = 0;
        for (kind, q) in &queries {
            let t = Instant::now();
            let response = client
                .post(format!("{}/portal/fn/search", server.base))
                .header("origin", &server.base)
                .header("cookie", &cookie)
                .form(&[("q", q.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let body: serde_json::Value = response.json().await.unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            http.push(ms);
            by_kind.entry(kind).or_default().push(ms);
            if body["Ready"]["rows"].as_array().is_some_and(|r| !r.is_empty()) {
                found_first += 1;
            }
            let t = Instant::now();
            store::search_orders(&pool, reach, &SearchQuery::parse(q).unwrap(), 50).await.unwrap();
            in_store.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!("\n## Customer-service search ({}), {orders} generated orders + demo", backend());
        println!(
            "loaded in {load_seconds:.0} s ({:.0} orders/s); database {size_mib:.0} MiB",
            orders as f64 / load_seconds
        );
        println!("{} queries, {found_first} with results", queries.len());
        print_latencies(vec![
            ("HTTP server function (session, policy, store)".to_string(), http),
            ("store search alone".to_string(), in_store),
        ]);
        println!("\n| query kind (HTTP) | p50 | p99 |");
        println!("|---|---|---|");
        for (kind, mut v) in by_kind {
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            println!("| {kind} | {:.2} ms | {:.2} ms |", percentile(&v, 0.5), percentile(&v, 0.99));
        }
    });
}
