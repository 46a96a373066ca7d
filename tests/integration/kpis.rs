//! The KPI dashboard's numbers against a small fixture worked out by hand,
//! through the real server: orders and events into the store, the rollup
//! worker's pass, then `GET /api/v1/kpis`, its CSV tables and the page.
//! Also who may read them, and problem+json naming a bad filter.

use crate::common;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use common::{event, person, spawn_app, tenant, TestApp};
use milepost::domain::{Canonical, OrderId, ShipmentId, TenantId};
use milepost::policy::Role;
use milepost::store::{self, NewEvent, NewOrder, NewOrderLine, NewShipment, ShipTo};
use serde_json::Value;

/// Monday of last week (UTC): every fixture moment is in that week, at
/// least two days before any time the test can run.
fn last_monday() -> NaiveDate {
    let today = Utc::now().date_naive();
    today - Duration::days(i64::from(today.weekday().num_days_from_monday()) + 7)
}

fn at(day: i64, hour: u32) -> DateTime<Utc> {
    let date = last_monday() + Duration::days(day);
    Utc.from_utc_datetime(&date.and_hms_opt(hour, 0, 0).unwrap())
}

async fn fixture_order(
    app: &TestApp,
    tenant: TenantId,
    account: Option<milepost::domain::AccountId>,
    number: &str,
    placed: DateTime<Utc>,
    promised: Option<NaiveDate>,
    carrier: &str,
) -> (OrderId, ShipmentId) {
    let saved = store::upsert_order(
        &app.pool,
        &NewOrder {
            tenant,
            account,
            order_number: number.into(),
            customer_po: None,
            placed_at: placed,
            promised_date: promised,
            contact_name: None,
            contact_email: None,
            contact_phone: None,
            ship_to: ShipTo {
                name: "Dana Receiver".into(),
                line1: "1 Main St".into(),
                line2: None,
                city: "Denver".into(),
                region: Some("CO".into()),
                postcode: "80202".into(),
                country: "US".into(),
                time_zone: milepost::domain::TimeZone::parse("America/Denver").unwrap(),
                latitude: None,
                longitude: None,
            },
            lines: vec![NewOrderLine {
                sku: "SKU-A".into(),
                description: "Widget".into(),
                quantity: milepost::domain::Quantity::whole(1),
                unit: "EA".into(),
            }],
        },
        None,
    )
    .await
    .unwrap();
    let shipment = store::create_shipment(
        &app.pool,
        &NewShipment {
            order: saved.id,
            carrier: carrier.into(),
            service: Some("Ground".into()),
            tracking_number: format!("{number}-T"),
            lines: vec![(saved.lines[0], milepost::domain::Quantity::whole(1))],
            packs: Vec::new(),
            product_class: None,
        },
        None,
    )
    .await
    .unwrap()
    .id;
    (saved.id, shipment)
}

fn located(mut e: NewEvent, location: &str) -> NewEvent {
    e.location = Some(location.into());
    e
}

fn order_event(source: &str, code: &str, id: &str, when: DateTime<Utc>) -> NewEvent {
    let mut e = event(source, code, id, when, None);
    e.location = None;
    e
}

struct Fixture {
    a: TenantId,
    b: TenantId,
    a1: OrderId,
    a2: OrderId,
}

/// Tenant A: three orders last week, worked out below; tenant B: one
/// delivered order that A must never see.
///
/// | order | account | carrier | ship-from | placed | confirmed | handed over | delivered | promised | window |
/// |---|---|---|---|---|---|---|---|---|---|
/// | A1 | ACC-1 | UPS | Columbus DC, OH | Mon 10:00 | Mon 12:00 | Tue 12:00 | Thu 18:00 (11:00 Denver) | Thu | Wed–Fri |
/// | A2 | — | FedEx | Reno, NV | Mon 10:00 | Mon 11:00 | Tue 10:00 | Fri 16:00, after a failed attempt Wed 20:00 | Wed | — |
/// | A3 | ACC-1 | UPS | Columbus DC, OH | Tue 09:00 | Tue 10:00 | Wed 09:00 | — (delayed Thu 09:00) | — | — |
async fn fixture(app: &TestApp) -> Fixture {
    let a = tenant(&app.pool, "acme").await;
    let b = tenant(&app.pool, "globex").await;
    let account = store::create_account(&app.pool, a, "Account One", "ACC-1").await.unwrap();
    let monday = last_monday();
    let columbus = "Columbus DC, OH, US";
    let reno = "Reno, NV, US";

    let (a1, s1) = fixture_order(app, a, Some(account), "A1", at(0, 10), Some(monday + Duration::days(3)), "UPS").await;
    let events = vec![
        order_event("oms", "ORDER_PLACED", "a1-1", at(0, 10)),
        order_event("oms", "ORDER_CONFIRMED", "a1-2", at(0, 12)),
        located(order_event("wms", "PICKED", "a1-3", at(0, 14)), columbus),
        event("carrier", "PICKED_UP", "a1-4", at(1, 12), Some(s1)),
        event("carrier", "DELIVERED", "a1-5", at(3, 18), Some(s1)),
    ];
    store::append(&app.pool, a, a1, &events).await.unwrap();
    milepost::on_pool!(&app.pool, |c| sqlx::query(
        "UPDATE orders SET handover_window_earliest = $1, handover_window_latest = $2 WHERE id = $3"
    )
    .bind(monday + Duration::days(2))
    .bind(monday + Duration::days(4))
    .bind(a1)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();

    let (a2, s2) = fixture_order(app, a, None, "A2", at(0, 10), Some(monday + Duration::days(2)), "FedEx").await;
    let events = vec![
        order_event("oms", "ORDER_PLACED", "a2-1", at(0, 10)),
        order_event("oms", "ORDER_CONFIRMED", "a2-2", at(0, 11)),
        located(order_event("wms", "PICKED", "a2-3", at(0, 13)), reno),
        event("carrier", "PICKED_UP", "a2-4", at(1, 10), Some(s2)),
        event("carrier", "ATTEMPT_FAIL", "a2-5", at(2, 20), Some(s2)),
        event("carrier", "DELIVERED", "a2-6", at(4, 16), Some(s2)),
    ];
    store::append(&app.pool, a, a2, &events).await.unwrap();
    // The promise engine's window at hand-over: Wednesday to Thursday; A2
    // came on Friday, outside it.
    milepost::on_pool!(&app.pool, |c| sqlx::query(
        "INSERT INTO delivery_predictions (tenant_id, order_id, shipment_id, earliest, likely, latest, basis, reason,
                                           computed_at, handover_on, handover_earliest, handover_likely, handover_latest)
         VALUES ($1, $2, 0, $3, $4, $4, '{\"kind\": \"history\"}', 'test', $5, $6, $3, $4, $4)"
    )
    .bind(a)
    .bind(a2)
    .bind(monday + Duration::days(2))
    .bind(monday + Duration::days(3))
    .bind(at(1, 10))
    .bind(monday + Duration::days(1))
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();

    let (a3, s3) = fixture_order(app, a, Some(account), "A3", at(1, 9), None, "UPS").await;
    let mut note = order_event("service", "NOTE", "a3-7", at(3, 11));
    note.canonical = Canonical::Note;
    let events = vec![
        order_event("oms", "ORDER_PLACED", "a3-1", at(1, 9)),
        order_event("oms", "ORDER_CONFIRMED", "a3-2", at(1, 10)),
        located(order_event("wms", "PICKED", "a3-3", at(1, 12)), columbus),
        event("carrier", "PICKED_UP", "a3-4", at(2, 9), Some(s3)),
        event("carrier", "DELAYED", "a3-5", at(3, 9), Some(s3)),
        event("carrier", "ZZ_NOBODY_KNOWS", "a3-6", at(3, 10), Some(s3)),
        note,
    ];
    store::append(&app.pool, a, a3, &events).await.unwrap();
    // Arrives after scans that happened later: out of order.
    store::append(&app.pool, a, a3, &[event("carrier", "DEPARTED", "a3-8", at(2, 20), Some(s3))]).await.unwrap();

    let (b1, t1) = fixture_order(app, b, None, "B1", at(0, 10), Some(monday + Duration::days(1)), "DHL").await;
    let events = vec![
        order_event("oms", "ORDER_PLACED", "b1-1", at(0, 10)),
        event("carrier", "PICKED_UP", "b1-2", at(0, 12), Some(t1)),
        event("carrier", "DELIVERED", "b1-3", at(1, 12), Some(t1)),
    ];
    store::append(&app.pool, b, b1, &events).await.unwrap();
    Fixture { a, b, a1, a2 }
}

fn range() -> String {
    format!("from={}&to={}", last_monday(), Utc::now().date_naive())
}

async fn get_json(app: &TestApp, path: &str, key: Option<&str>, cookie: Option<&str>) -> (u16, Value) {
    let mut request = app.client.get(format!("{}{path}", app.base_url));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-6)
}

#[tokio::test]
async fn the_dashboard_matches_the_fixture_worked_out_by_hand() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let key = common::api_key(&app.pool, f.a, &[milepost::auth::api_key::Scope::Admin]).await;

    // WISMO: the buyer opens A1's tracking page twice; CS searches for A1
    // (one order found); a buyer signs up for updates on A2.
    let token = milepost::auth::tracking_link::issue(&app.pool, f.a, f.a1, None).await.unwrap();
    for _ in 0..2 {
        assert_eq!(app.get(&format!("/t/{}", token.as_str())).await.status(), 200);
    }
    let password = person(&app.pool, f.a, None, Role::Cs, "cs@acme.example").await;
    let cs = app.sign_in("acme", "cs@acme.example", &password).await;
    let search = app.form(Some(&cs), "/portal/fn/search", &[("q", "A1")]).await;
    assert_eq!(search.status(), 200);
    store::request_opt_in(
        &app.pool,
        f.a,
        f.a2,
        "email",
        "buyer@example.com",
        "123456",
        milepost::domain::language::Language::English,
    )
    .await
    .unwrap()
    .unwrap();

    let path = format!("/api/v1/kpis?{}", range());
    common::eventually("the page views and the search rolled up", || {
        let (app, path, key) = (&app, &path, &key);
        async move {
            milepost::kpis::catch_up(&app.pool, Utc::now()).await.unwrap();
            let (status, body) = get_json(app, path, Some(key), None).await;
            assert_eq!(status, 200, "{body}");
            body["summary"]["tracking_views"] == 2 && body["summary"]["cs_searches"] == 1
        }
    })
    .await;
    let (_, report) = get_json(&app, &path, Some(&key), None).await;

    let s = &report["summary"];
    assert_eq!(s["orders"], 3, "{s}");
    assert_eq!(s["delivered"], 2);
    // A1 on its promised Thursday (11:00 in Denver); A2 two days late; A3 has no promise.
    assert_eq!((s["on_time"]["numerator"].clone(), s["on_time"]["denominator"].clone()), (1.into(), 2.into()));
    assert!(close(&s["on_time"]["rate"], 0.5));
    // A1's window (set on the order) held its delivery; A2's, from the
    // promise engine, did not; A3 has none and is not counted.
    assert_eq!(
        (s["promise_accuracy"]["numerator"].clone(), s["promise_accuracy"]["denominator"].clone()),
        (1.into(), 2.into())
    );
    assert!(close(&s["first_attempt"]["rate"], 0.5));
    // Click-to-door: A1 80 h (bucket 72–96), A2 102 h (96–120). p50 is the
    // first value: the top of its bucket, 96; p90 is 0.8 into the next: 115.2.
    assert_eq!(s["click_to_door_hours"]["count"], 2);
    assert!(close(&s["click_to_door_hours"]["p50"], 96.0), "{}", s["click_to_door_hours"]);
    assert!(close(&s["click_to_door_hours"]["high"], 115.2));
    // Handling (confirmed → handed over): 24 h, 23 h, 23 h, all in 12–24.
    assert_eq!(s["handling_hours"]["count"], 3);
    assert!(close(&s["handling_hours"]["p50"], 18.0), "{}", s["handling_hours"]);
    assert!(close(&s["handling_hours"]["high"], 22.8));
    // Transit: A1 54 h (48–72), A2 78 h (72–96).
    assert!(close(&s["transit_hours"]["p50"], 72.0), "{}", s["transit_hours"]);
    assert!(close(&s["transit_hours"]["high"], 91.2));
    // Exceptions: A2's failed attempt and A3's delay, per 1,000 of 3 orders.
    assert_eq!(s["exceptions"], 2);
    assert!(close(&s["exceptions_per_1000_orders"], 2000.0 / 3.0));
    assert!(close(&s["tracking_views_per_order"], 2.0 / 3.0));
    assert!(close(&s["cs_searches_per_order"], 1.0 / 3.0));
    assert!(close(&s["notes_per_order"], 1.0 / 3.0));
    assert_eq!(s["notification_signups"], 1);

    let exceptions = report["exceptions"].as_array().unwrap();
    let kind = |k: &str| exceptions.iter().find(|e| e["kind"] == k).unwrap().clone();
    let failed = kind("failed_attempt");
    assert_eq!((failed["opened"].clone(), failed["resolved"].clone()), (1.into(), 1.into()));
    // Resolved by the delivery 44 h later (bucket 36–48): p50 halfway, 42.
    assert!(close(&failed["time_to_resolve_hours"]["p50"], 42.0), "{failed}");
    assert!(close(&failed["per_1000_orders"], 1000.0 / 3.0));
    let delayed = kind("delayed");
    assert_eq!((delayed["opened"].clone(), delayed["resolved"].clone()), (1.into(), 0.into()));
    assert_eq!(delayed["time_to_resolve_hours"]["p50"], Value::Null, "not enough data");

    let carriers = report["carriers"].as_array().unwrap();
    let card = |rows: &[Value], name: &str| {
        rows.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name}")).clone()
    };
    let ups = card(carriers, "UPS");
    assert_eq!((ups["orders"].clone(), ups["delivered"].clone()), (2.into(), 1.into()));
    assert!(close(&ups["on_time"]["rate"], 1.0));
    assert!(close(&ups["exception_rates"]["delayed"], 500.0));
    let fedex = card(carriers, "FedEx");
    assert!(close(&fedex["on_time"]["rate"], 0.0));
    assert!(close(&fedex["first_attempt"]["rate"], 0.0));
    assert!(close(&fedex["exception_rates"]["failed_attempt"], 1000.0));
    assert_eq!(carriers.len(), 2, "only tenant A's carriers: {carriers:?}");
    let lanes = report["lanes"].as_array().unwrap();
    assert_eq!(card(lanes, "OH → CO")["orders"], 2);
    assert_eq!(card(lanes, "NV → CO")["orders"], 1);
    let sites = report["ship_from"].as_array().unwrap();
    assert_eq!(card(sites, "Columbus DC, OH, US")["orders"], 2);
    assert_eq!(card(sites, "Reno, NV, US")["orders"], 1);

    // Status accuracy: 19 events, received this week, all more than a day
    // after they happened; one carrier code unmapped; one scan out of order.
    let quality = report["event_quality"].as_array().unwrap();
    let source = |name: &str| quality.iter().find(|q| q["source"] == name).unwrap().clone();
    let total: i64 = quality.iter().map(|q| q["events"].as_i64().unwrap()).sum();
    assert_eq!(total, 19, "{quality:?}");
    let carrier = source("carrier");
    assert_eq!(carrier["events"], 9);
    assert_eq!(carrier["unmapped"]["numerator"], 1);
    assert_eq!(carrier["out_of_order"]["numerator"], 1);
    assert_eq!(carrier["backdated"]["numerator"], 9);
    assert_eq!(source("oms")["events"], 6);
    assert_eq!(source("oms")["out_of_order"]["numerator"], 0);
    assert_eq!(
        report["notifications"].as_array().unwrap().iter().map(|n| n["queued"].as_i64().unwrap()).sum::<i64>(),
        1
    );

    // The weekly trend: last week holds all three orders.
    let weekly = report["weekly"].as_array().unwrap();
    assert_eq!(weekly[0]["week"], last_monday().to_string());
    assert_eq!(weekly[0]["orders"], 3);

    // Filters: one dimension reads small grains, two the full one.
    let filtered = |query: String| {
        let (app, key) = (&app, &key);
        async move {
            let (status, body) = get_json(app, &format!("/api/v1/kpis?{}&{query}", range()), Some(key), None).await;
            assert_eq!(status, 200, "{body}");
            body["summary"].clone()
        }
    };
    let ups_only = filtered("carrier=UPS".into()).await;
    assert_eq!((ups_only["orders"].clone(), ups_only["delivered"].clone()), (2.into(), 1.into()));
    assert_eq!(filtered("account=ACC-1".into()).await["orders"], 2);
    assert_eq!(filtered("carrier=UPS&account=ACC-1".into()).await["orders"], 2);
    assert_eq!(filtered("carrier=FedEx&account=ACC-1".into()).await["orders"], 0);
    assert_eq!(filtered("carrier=UPS&lane=NV%20%E2%86%92%20CO".into()).await["orders"], 0);
    assert_eq!(filtered("ship_from=Reno%2C%20NV%2C%20US".into()).await["delivered"], 1);
    // Both UPS orders are ACC-1's: the report under UPS alone (small
    // grains, one read per question) and under UPS + ACC-1 (one read of the
    // full grain, folded in Rust) must be the same in every table.
    let whole = |query: &'static str| {
        let (app, key) = (&app, &key);
        async move {
            let mut body = get_json(app, &format!("/api/v1/kpis?{}&{query}", range()), Some(key), None).await.1;
            body.as_object_mut().unwrap().remove("filters");
            body
        }
    };
    let (small_grains, one_read) = (whole("carrier=UPS").await, whole("carrier=UPS&account=ACC-1").await);
    assert_eq!(small_grains, one_read);
    assert_eq!(one_read["lanes"][0]["orders"], 2, "{}", one_read["lanes"]);
    assert_eq!(one_read["exceptions"][0]["kind"], "delayed", "{}", one_read["exceptions"]);
    let fedex_quality = get_json(&app, &format!("/api/v1/kpis?{}&carrier=FedEx", range()), Some(&key), None).await.1;
    assert_eq!(fedex_quality["event_quality"][0]["events"], 3, "FedEx's carrier scans only");

    // Rolling up again changes nothing.
    milepost::kpis::catch_up(&app.pool, Utc::now()).await.unwrap();
    let (_, again) = get_json(&app, &path, Some(&key), None).await;
    assert_eq!(again["summary"], report["summary"]);

    // Tenant B sees only its own order.
    let b_key = common::api_key(&app.pool, f.b, &[milepost::auth::api_key::Scope::Admin]).await;
    let (_, theirs) = get_json(&app, &path, Some(&b_key), None).await;
    assert_eq!(theirs["summary"]["orders"], 1);
    assert_eq!(theirs["carriers"][0]["name"], "DHL");
    assert_eq!(theirs["summary"]["tracking_views"], 0);
}

#[tokio::test]
async fn a_later_delivery_takes_the_order_out_of_its_old_rows_and_counts_it_once() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    milepost::kpis::catch_up(&app.pool, Utc::now()).await.unwrap();
    let key = common::api_key(&app.pool, f.a, &[milepost::auth::api_key::Scope::Admin]).await;
    let path = format!("/api/v1/kpis?{}", range());
    // A3, delayed on Thursday, is delivered on Sunday; the carrier then
    // sends the same scan again.
    let a3 = store::find_order_by_number(&app.pool, f.a, "A3").await.unwrap().unwrap();
    let shipment = store::shipment_ids(&app.pool, a3).await.unwrap()[0];
    for _ in 0..2 {
        store::append(&app.pool, f.a, a3, &[event("carrier", "DELIVERED", "a3-9", at(6, 12), Some(shipment))])
            .await
            .unwrap();
        milepost::kpis::catch_up(&app.pool, Utc::now()).await.unwrap();
    }
    let (_, after) = get_json(&app, &path, Some(&key), None).await;
    let s = &after["summary"];
    assert_eq!(s["orders"], 3);
    assert_eq!(s["delivered"], 3);
    assert_eq!(s["click_to_door_hours"]["count"], 3);
    assert_eq!(s["exceptions"], 2, "the delay is still one exception");
    let ups = after["carriers"].as_array().unwrap().iter().find(|c| c["name"] == "UPS").unwrap().clone();
    assert_eq!(ups["delivered"], 2);
    let delayed = after["exceptions"].as_array().unwrap().iter().find(|e| e["kind"] == "delayed").unwrap().clone();
    // Thursday 09:00 to Sunday 12:00: 75 h, bucket 72-96, p50 halfway: 84.
    assert_eq!(delayed["resolved"], 1);
    assert!(close(&delayed["time_to_resolve_hours"]["p50"], 84.0), "{delayed}");
    // The rows at every grain agree: the per-account total is the sum too.
    let (_, acc) = get_json(&app, &format!("{path}&account=ACC-1"), Some(&key), None).await;
    assert_eq!(acc["summary"]["delivered"], 2);
}

#[tokio::test]
async fn csv_tables_carry_the_same_numbers() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    milepost::kpis::catch_up(&app.pool, Utc::now()).await.unwrap();
    let password = person(&app.pool, f.a, None, Role::Admin, "admin@acme.example").await;
    let admin = app.sign_in("acme", "admin@acme.example", &password).await;
    let response = app.page(Some(&admin), &format!("/portal/dashboard/csv/carriers?{}", range())).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("kpis-carriers-"));
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("carrier,orders,delivered,on_time_rate,first_attempt_rate,"), "{}", lines[0]);
    assert!(lines.iter().any(|l| l.starts_with("UPS,2,1,1.0000,1.0000,")), "{csv}");
    assert!(lines.iter().any(|l| l.starts_with("FedEx,1,1,0.0000,0.0000,")), "{csv}");
    assert_eq!(lines.len(), 3);

    let summary =
        app.page(Some(&admin), &format!("/portal/dashboard/csv/summary?{}", range())).await.text().await.unwrap();
    assert!(summary.contains("\r\non_time_rate,0.5000,1,2\r\n"), "{summary}");
    assert!(summary.contains("\r\npromise_accuracy,0.5000,1,2\r\n"));
    let lanes = app
        .page(Some(&admin), &format!("/portal/dashboard/csv/lanes?{}&carrier=UPS", range()))
        .await
        .text()
        .await
        .unwrap();
    assert!(lanes.contains("\r\nOH → CO,2,1,"), "{lanes}");
    assert!(!lanes.contains("NV → CO"), "the filter applies to the CSV too");

    let missing = app.page(Some(&admin), "/portal/dashboard/csv/orders").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn only_admins_and_customer_service_of_the_tenant_see_kpis() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let account = store::account_by_ref(&app.pool, f.a, "ACC-1").await.unwrap();
    let password = person(&app.pool, f.a, account, Role::Buyer, "buyer@acme.example").await;
    let buyer = app.sign_in("acme", "buyer@acme.example", &password).await;

    let (status, body) = get_json(&app, "/api/v1/kpis", None, None).await;
    assert_eq!(status, 401, "{body}");
    // A session opens no API route, whoever holds it.
    let (status, _) = get_json(&app, "/api/v1/kpis", None, Some(&buyer.cookie)).await;
    assert_eq!(status, 401);
    let csv = app.page(Some(&buyer), "/portal/dashboard/csv/summary").await;
    assert_eq!(csv.status(), 403);
    let oms = common::api_key(&app.pool, f.a, &[milepost::auth::api_key::Scope::Oms]).await;
    let (status, body) = get_json(&app, "/api/v1/kpis", Some(&oms), None).await;
    assert_eq!(status, 403, "{body}");
    // The dashboard page tells the buyer it is not for them (403).
    let page = app.page(Some(&buyer), "/portal/dashboard").await;
    assert_eq!(page.status(), 403);

    let password = person(&app.pool, f.a, None, Role::Cs, "cs@acme.example").await;
    let cs = app.sign_in("acme", "cs@acme.example", &password).await;
    let (status, _) = get_json(&app, "/api/v1/kpis", None, Some(&cs.cookie)).await;
    assert_eq!(status, 401);
    assert_eq!(app.page(Some(&cs), "/portal/dashboard/csv/summary").await.status(), 200);
    // Another tenant's account reference does not exist here.
    store::create_account(&app.pool, f.b, "Theirs", "B-ONLY").await.unwrap();
    let key = common::api_key(&app.pool, f.a, &[milepost::auth::api_key::Scope::Admin]).await;
    let (status, body) = get_json(&app, "/api/v1/kpis?account=B-ONLY", Some(&key), None).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "account");
}

#[tokio::test]
async fn bad_filters_are_problems_naming_the_field() {
    let app = spawn_app().await;
    let a = tenant(&app.pool, "acme").await;
    let key = common::api_key(&app.pool, a, &[milepost::auth::api_key::Scope::Admin]).await;
    for (query, field) in [
        ("from=2024-13-01", "from"),
        ("from=-262000-01-01", "from"),
        ("to=yesterday", "to"),
        ("from=2024-03-10&to=2024-03-01", "to"),
        ("from=2020-01-01&to=2024-01-01", "to"),
        ("account=NOPE", "account"),
        ("carrier=%07bell", "carrier"),
    ] {
        let response =
            app.client.get(format!("{}/api/v1/kpis?{query}", app.base_url)).bearer_auth(&key).send().await.unwrap();
        assert_eq!(response.status(), 422, "{query}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    // An empty tenant: every rate says "not enough data" rather than zero.
    let (status, body) = get_json(&app, "/api/v1/kpis", Some(&key), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["summary"]["on_time"]["rate"], Value::Null);
    assert_eq!(body["summary"]["promise_accuracy"]["rate"], Value::Null);
    assert_eq!(body["weekly"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn the_dashboard_page_renders_for_staff() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    milepost::kpis::catch_up(&app.pool, Utc::now()).await.unwrap();
    let password = person(&app.pool, f.a, None, Role::Admin, "admin@acme.example").await;
    let admin = app.sign_in("acme", "admin@acme.example", &password).await;
    let response = app.page(Some(&admin), &format!("/portal/dashboard?{}", range())).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    for text in [
        "On-time delivery",
        "50%",
        "Promise accuracy",
        "UPS",
        "FedEx",
        "OH → CO",
        "<svg",
        "/portal/dashboard/csv/carriers?",
    ] {
        assert!(html.contains(text), "the page shows {text}");
    }
    let bad = app.page(Some(&admin), "/portal/dashboard?from=nonsense").await;
    let html = bad.text().await.unwrap();
    assert!(html.contains("must be a date"), "the page names the bad filter");
}

#[tokio::test]
async fn the_filter_form_selects_one_option_per_list() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // An order that never reached a warehouse or a carrier: its site and
    // carrier are unknown, which must not become a second "All".
    let placed = Utc::now() - Duration::hours(2);
    let (o, _) = fixture_order(&app, f.a, None, "UNKNOWN-1", placed, None, "").await;
    store::append(&app.pool, f.a, o, &[order_event("oms", "ORDER_PLACED", "unknown-1", placed)]).await.unwrap();
    milepost::kpis::catch_up(&app.pool, Utc::now()).await.unwrap();
    let password = person(&app.pool, f.a, None, Role::Admin, "admin@acme.example").await;
    let admin = app.sign_in("acme", "admin@acme.example", &password).await;
    let html = app.page(Some(&admin), &format!("/portal/dashboard?{}", range())).await.text().await.unwrap();
    for name in ["carrier", "lane", "ship_from", "account"] {
        let start = html.find(&format!(r#"name="{name}""#)).expect(name);
        let select = &html[start..start + html[start..].find("</select>").unwrap()];
        assert_eq!(select.matches("selected").count(), 1, "{name}: {select}");
        assert_eq!(select.matches(r#"value="""#).count(), 1, "{name}: only All is empty: {select}");
    }
}

#[tokio::test]
async fn pair_grains_derived_by_the_migration_equal_those_the_worker_keeps() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    milepost::kpis::catch_up(&app.pool, Utc::now()).await.unwrap();
    let key = common::api_key(&app.pool, f.a, &[milepost::auth::api_key::Scope::Admin]).await;
    // One filter and a scorecard by another dimension read a pair grain.
    let paths: Vec<String> = ["", "&carrier=UPS", "&account=ACC-1", "&carrier=UPS&account=ACC-1"]
        .iter()
        .map(|filter| format!("/api/v1/kpis?{}{filter}", range()))
        .collect();
    let mut kept = Vec::new();
    for path in &paths {
        kept.push(get_json(&app, path, Some(&key), None).await.1);
    }
    // Rows that existed before the pair grains: take them out, then derive
    // them again as the migration does, from the rows split by everything.
    let migration = include_str!("../../migrations/sqlite/0025_kpi_pair_grains.sql");
    let backfill: String = migration.split("\n-- Three or more").next().unwrap().to_string();
    let sql = format!(
        "DELETE FROM kpi_weekly WHERE grain >= 6; DELETE FROM kpi_exceptions_weekly WHERE grain >= 6;\n{backfill}"
    );
    milepost::on_pool!(&app.pool, |c| sqlx::raw_sql(&sql).execute(c).await.map(|_| ())).unwrap();
    for (path, before) in paths.iter().zip(kept) {
        let (_, after) = get_json(&app, path, Some(&key), None).await;
        assert_eq!(after, before, "{path}");
        assert!(after["summary"]["orders"].as_i64().unwrap() > 0, "{path}: {after}");
    }
}

#[tokio::test]
async fn the_planner_knows_the_rollups_shape() {
    let app = spawn_app().await;
    fixture(&app).await;
    milepost::kpis::catch_up(&app.pool, Utc::now()).await.unwrap();
    store::refresh_planner_statistics(&app.pool).await.unwrap();
    let written = store::kpis::rows_written(&app.pool).await.unwrap();
    assert_eq!(written.is_some(), matches!(app.pool, store::Pool::Sqlite(_)), "only SQLite counts for itself");
    assert!(written.is_none_or(|rows| rows > 0), "the fixture's rollups were written");
    if let store::Pool::Sqlite(p) = &app.pool {
        let indexes: Vec<String> =
            sqlx::query_scalar("SELECT idx FROM sqlite_stat1 WHERE tbl = 'kpi_weekly' ORDER BY idx")
                .fetch_all(p)
                .await
                .unwrap();
        for index in ["kpi_weekly_by_account", "kpi_weekly_by_carrier", "kpi_weekly_by_lane", "kpi_weekly_by_ship_from"]
        {
            assert!(indexes.iter().any(|i| i == index), "{index} has no statistics: {indexes:?}");
        }
    }
}

/// The worker keeps each order's timeline between passes and reads only
/// what is new; the figures must be those of a pass that reads everything
/// at once, whatever arrives later (a delivery closing an exception, a
/// scan out of order, a failed attempt before the delivery).
#[tokio::test]
async fn timelines_kept_between_passes_roll_up_as_if_read_whole() {
    let mut reports = Vec::new();
    for keep in [true, false] {
        let app = spawn_app().await;
        let f = fixture(&app).await;
        let timelines = store::kpis::KpiTimelines::new(1_000);
        let pass = || async {
            if keep {
                milepost::kpis::catch_up_keeping(&app.pool, &timelines, Utc::now()).await.unwrap();
            }
        };
        pass().await;
        let a3 = store::find_order_by_number(&app.pool, f.a, "A3").await.unwrap().unwrap();
        let s3 = store::shipment_ids(&app.pool, a3).await.unwrap()[0];
        for late in [
            event("carrier", "DELIVERED", "a3-9", at(6, 12), Some(s3)),
            event("carrier", "DEPARTED", "a3-10", at(2, 22), Some(s3)),
            event("carrier", "ATTEMPT_FAIL", "a3-11", at(5, 10), Some(s3)),
        ] {
            store::append(&app.pool, f.a, a3, &[late]).await.unwrap();
            pass().await;
        }
        milepost::kpis::catch_up(&app.pool, Utc::now()).await.unwrap();
        let key = common::api_key(&app.pool, f.a, &[milepost::auth::api_key::Scope::Admin]).await;
        let (status, report) = get_json(&app, &format!("/api/v1/kpis?{}", range()), Some(&key), None).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["summary"]["delivered"], 3, "{report}");
        reports.push(report);
    }
    assert_eq!(reports[0], reports[1]);
}
