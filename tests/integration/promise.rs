//! The delivery promise end to end, on the real server and database: the
//! Olist history imported through the ingest path and replayed by the
//! backtest from the store, the predicted-late exception opening with its
//! reason, sending one message and clearing itself, the window in the API,
//! and the carrier's estimate kept.

use crate::common;

use chrono::{Duration, NaiveDate, Utc};
use common::{event, order, shipment, spawn_app_without_notification_worker, tenant};
use milepost::domain::promise::YearMonth;
use milepost::history::backtest::{self, BacktestOptions, Figures};
use milepost::history::olist;
use milepost::on_pool;
use milepost::store;
use std::path::Path;

fn fixture_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/olist")
}

async fn everything_rung_deliveries(pool: &store::Pool) -> i64 {
    on_pool!(pool, |c| {
        sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COALESCE(SUM(deliveries), 0) AS BIGINT) FROM delivery_transit_rollup WHERE lane_key LIKE 'everything%'"
    )
    .fetch_one(c)
    .await
    .unwrap()
    })
}

/// The hand-made history of phase 1 (see history::backtest's
/// `the_fixture_backtest_matches_the_hand_computation` for the hand
/// computation): imported as orders and events, counted by the worker,
/// read back from the store, it gives the same figures.
#[tokio::test]
async fn an_imported_history_backtests_to_the_hand_computed_figures() {
    let app = spawn_app_without_notification_worker(&[]).await;
    let t = tenant(&app.pool, "olist").await;
    let counts = milepost::promise::import::import_olist(&app.state, t, &fixture_dir()).await.unwrap();
    // Eight orders; seven handed to the carrier (not the cancelled one);
    // five delivered with a time (one delivered order has none).
    assert_eq!((counts.orders, counts.shipments, counts.delivered, counts.cancelled, counts.skipped), (8, 7, 5, 1, 0));
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();

    // Idempotent: a second import records nothing, and a worker going over
    // every event again counts no delivery twice.
    let again = milepost::promise::import::import_olist(&app.state, t, &fixture_dir()).await.unwrap();
    assert_eq!(again.events, 0);
    on_pool!(&app.pool, |c| sqlx::query("UPDATE promise_cursor SET position = 0")
        .execute(c)
        .await
        .unwrap()
        .rows_affected());
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();
    assert_eq!(everything_rung_deliveries(&app.pool).await, 5);

    let stored = store::promise::backtest_deliveries(&app.pool, t).await.unwrap();
    let (from_files, _) = backtest::deliveries(&olist::read_dir(&fixture_dir()).unwrap());
    assert_eq!(stored.len(), 5);
    let month: YearMonth = "2017-10".parse().unwrap();
    let mut options = BacktestOptions::new(month, month);
    options.config.calibrate = false;
    options.config.min_history = 1;
    options.config.min_basis = 1;
    let report = backtest::run(&stored, &options);
    assert_eq!(report, backtest::run(&from_files, &options));
    let f = &report.overall;
    let expect = |x: &Figures, mae: f64, coverage: Option<f64>, width: Option<f64>| {
        assert_eq!(x.orders, 2);
        assert_eq!(x.mae_days, mae, "{x:?}");
        assert_eq!(x.window_coverage, coverage, "{x:?}");
        assert_eq!(x.window_width_days, width, "{x:?}");
        assert_eq!(x.on_or_before_promised, 0.5);
    };
    expect(&f.milepost.handover, 0.5, Some(0.5), Some(1.0));
    expect(&f.milepost.purchase, 2.5, Some(0.0), Some(1.0));
    expect(&f.dataset_estimate.handover, 7.0, None, None);
    expect(&f.lane_median.handover, 1.5, Some(0.0), Some(1.0));
    expect(&f.lane_median.purchase, 3.0, Some(0.0), Some(1.0));

    // A delivered order's window is its delivery date, in the buyer's calendar.
    let order = store::find_order_by_number(&app.pool, t, "a1000000000000000000000000000004").await.unwrap().unwrap();
    let windows = store::delivery_window(&app.pool, t, order).await.unwrap();
    let own = windows.iter().find(|w| w.shipment.is_none()).expect("an order window");
    assert_eq!(own.window.likely, NaiveDate::from_ymd_opt(2017, 10, 6).unwrap());
    assert_eq!(own.window.basis.code(), "delivered");
}

/// What the buyer who signed up was sent about lateness.
async fn notifications_for(pool: &store::Pool, order: milepost::domain::OrderId) -> Vec<String> {
    on_pool!(pool, |c| sqlx::query_scalar::<_, String>(
        "SELECT trigger FROM notifications
         WHERE order_id = $1 AND recipient = 'buyer@example.com' AND trigger LIKE '%predicted_late%' ORDER BY id"
    )
    .bind(order)
    .fetch_all(c)
    .await
    .unwrap())
}

async fn open_exceptions(pool: &store::Pool, order: milepost::domain::OrderId) -> String {
    on_pool!(pool, |c| sqlx::query_scalar::<_, String>("SELECT open_exceptions FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(c)
        .await
        .unwrap())
}

/// Thirty past UPS Ground deliveries to Colorado took two weeks; an order
/// handed over today and promised in three days is trending late: the
/// exception opens with its reason and the buyer gets one message. When
/// the promise moves out and the next scan comes, it clears, with no
/// second message; the API shows the window; the carrier's estimate is kept.
#[tokio::test]
async fn trending_late_opens_one_exception_and_one_message_then_clears() {
    let app = spawn_app_without_notification_worker(&[]).await;
    let t = tenant(&app.pool, "acme").await;
    let now = Utc::now();
    for i in 0..30 {
        let past = order(&app.pool, t, &format!("PAST-{i}"), None).await;
        let s =
            shipment(&app.pool, past.id, &format!("1ZPAST{i:04}"), vec![(past.lines[0], 10), (past.lines[1], 4)]).await;
        // Delivered 45 days ago: a whole month inside the 90-day window
        // whatever today's date, so all thirty count.
        let handed = now - Duration::days(59);
        store::append(
            &app.pool,
            t,
            past.id,
            &[
                event("carrier", "PICKED_UP", &format!("past-{i}-s"), handed, Some(s)),
                event("carrier", "DELIVERED", &format!("past-{i}-d"), handed + Duration::days(14), Some(s)),
            ],
        )
        .await
        .unwrap();
    }
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();

    let promised = (now + Duration::days(3)).date_naive();
    let live = order(&app.pool, t, "LIVE-1", Some(promised)).await;
    store::request_opt_in(
        &app.pool,
        t,
        live.id,
        "email",
        "buyer@example.com",
        "123456",
        milepost::domain::language::Language::English,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(store::confirm_opt_in(&app.pool, live.id, "email", "buyer@example.com", "123456").await.unwrap());
    let s = shipment(&app.pool, live.id, "1ZLIVE0001", vec![(live.lines[0], 10), (live.lines[1], 4)]).await;
    let mut picked = event("carrier", "PICKED_UP", "live-s", now - Duration::minutes(5), Some(s));
    picked.details = serde_json::json!({ "carrier_estimate": "2026-12-24" });
    store::append(&app.pool, t, live.id, &[picked]).await.unwrap();
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();

    assert_eq!(open_exceptions(&app.pool, live.id).await, "predicted_late");
    let flagged: (String, serde_json::Value) =
        on_pool!(&app.pool, |c| sqlx::query_as::<_, (String, sqlx::types::Json<serde_json::Value>)>(
            "SELECT canonical, details FROM events WHERE order_id = $1 AND source = 'promise'"
        )
        .bind(live.id)
        .fetch_one(c)
        .await
        .map(|(c, d)| (c, d.0))
        .unwrap());
    assert_eq!(flagged.0, "exception:predicted_late");
    let reason = flagged.1["reason"].as_str().unwrap();
    assert!(reason.starts_with("based on 30 deliveries"), "{reason}");
    assert!(flagged.1["p_late"].as_f64().unwrap() > 0.5);
    assert_eq!(notifications_for(&app.pool, live.id).await, ["exception:predicted_late"]);
    // The carrier's estimate is kept on the shipment.
    assert_eq!(store::promise::carrier_estimate(&app.pool, s).await.unwrap(), NaiveDate::from_ymd_opt(2026, 12, 24));

    // The API carries the window for the order and the shipment.
    let key = common::api_key(&app.pool, t, &[milepost::auth::api_key::Scope::Oms]).await;
    let body: serde_json::Value = app
        .client
        .get(format!("{}/api/v1/orders/LIVE-1", app.base_url))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let predicted = &body["predicted_delivery"];
    assert_eq!(predicted["basis"], "history", "{body}");
    assert!(predicted["p_late"].as_f64().unwrap() > 0.5);
    assert!(predicted["earliest"].as_str().unwrap() <= predicted["latest"].as_str().unwrap());
    assert!(predicted["reason"].as_str().unwrap().contains("30 deliveries"));
    assert_eq!(body["shipments"][0]["carrier_estimate"], "2026-12-24");
    assert!(body["shipments"][0]["predicted_delivery"].is_object());

    // Nothing new: nothing changes, no second exception.
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();
    // The promise moves out a month, and the next scan puts the order back on track.
    on_pool!(&app.pool, |c| sqlx::query("UPDATE orders SET promised_date = $1 WHERE id = $2")
        .bind((now + Duration::days(45)).date_naive())
        .bind(live.id)
        .execute(c)
        .await
        .unwrap()
        .rows_affected());
    store::append(&app.pool, t, live.id, &[event("carrier", "IN_TRANSIT", "live-t", now, Some(s))]).await.unwrap();
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();
    assert_eq!(open_exceptions(&app.pool, live.id).await, "");
    assert_eq!(notifications_for(&app.pool, live.id).await, ["exception:predicted_late"]);

    // The promise moves back in: flagged again, still one message per buyer.
    on_pool!(&app.pool, |c| sqlx::query("UPDATE orders SET promised_date = $1 WHERE id = $2")
        .bind(promised)
        .bind(live.id)
        .execute(c)
        .await
        .unwrap()
        .rows_affected());
    store::append(&app.pool, t, live.id, &[event("carrier", "ARRIVED", "live-a", now, Some(s))]).await.unwrap();
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();
    assert_eq!(open_exceptions(&app.pool, live.id).await, "predicted_late");
    // Delivered: cleared, and nothing more about lateness.
    store::append(&app.pool, t, live.id, &[event("carrier", "DELIVERED", "live-d", now, Some(s))]).await.unwrap();
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();
    assert_eq!(open_exceptions(&app.pool, live.id).await, "");
    let triggers = notifications_for(&app.pool, live.id).await;
    assert_eq!(triggers.iter().filter(|t| t.contains("predicted_late")).count(), 1, "{triggers:?}");
}

#[tokio::test]
async fn the_trending_late_threshold_is_an_admin_setting() {
    let app = spawn_app_without_notification_worker(&[]).await;
    let t = tenant(&app.pool, "threshold").await;
    let admin = common::api_key(&app.pool, t, &[milepost::auth::api_key::Scope::Admin]).await;
    let oms = common::api_key(&app.pool, t, &[milepost::auth::api_key::Scope::Oms]).await;
    let path = "/api/v1/promise-settings";
    let body = |v: u32| serde_json::json!({ "predicted_late_percent": v });

    assert_eq!(app.put(path, &oms, body(80)).await.status(), 403, "an OMS key may not change it");
    let refused = app.put(path, &admin, body(150)).await;
    assert_eq!(refused.status(), 422);
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "predicted_late_percent", "{problem}");
    assert_eq!(app.put(path, &admin, body(80)).await.status(), 204);

    let saved: f64 =
        on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT predicted_late_threshold FROM tenants WHERE id = $1")
            .bind(t)
            .fetch_one(c)
            .await)
        .unwrap();
    assert_eq!(saved, 0.8);
}

#[tokio::test]
async fn a_window_resting_on_the_promise_is_recomputed_once_history_arrives() {
    let app = spawn_app_without_notification_worker(&[]).await;
    let t = tenant(&app.pool, "acme").await;
    let now = Utc::now();
    let promised = (now + Duration::days(3)).date_naive();
    let live = order(&app.pool, t, "LIVE-1", Some(promised)).await;
    let s = shipment(&app.pool, live.id, "1ZLIVE0001", vec![(live.lines[0], 10), (live.lines[1], 4)]).await;
    store::append(&app.pool, t, live.id, &[event("carrier", "PICKED_UP", "live-s", now - Duration::hours(2), Some(s))])
        .await
        .unwrap();
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();
    let basis =
        |ws: Vec<store::StoredWindow>| ws.into_iter().find(|w| w.shipment.is_none()).map(|w| w.window.basis.code());
    let window = || store::delivery_window(&app.pool, t, live.id);
    assert_eq!(basis(window().await.unwrap()), Some("promised_date"), "no history yet");

    // Thirty deliveries on other orders; the live order has no new event.
    for i in 0..30 {
        let past = order(&app.pool, t, &format!("PAST-{i}"), None).await;
        let p = shipment(&app.pool, past.id, &format!("1ZPAST{i:04}"), vec![(past.lines[0], 10)]).await;
        let handed = now - Duration::days(20);
        let events = [
            event("carrier", "PICKED_UP", &format!("past-{i}-s"), handed, Some(p)),
            event("carrier", "DELIVERED", &format!("past-{i}-d"), handed + Duration::days(4), Some(p)),
        ];
        store::append(&app.pool, t, past.id, &events).await.unwrap();
    }
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();
    // A fallback younger than a minute is left alone; an older one is redone.
    assert_eq!(milepost::promise::refresh_stale(&app.state, Utc::now()).await.unwrap(), 0);
    let refreshed = milepost::promise::refresh_stale(&app.state, Utc::now() + Duration::minutes(2)).await.unwrap();
    assert_eq!(refreshed, 1, "only the open order resting on a fallback");
    assert_eq!(basis(window().await.unwrap()), Some("history"));
}
