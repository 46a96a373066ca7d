//! The timeline store against a real SQLite file.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::on_pool;
use milepost::store::{self, StoreError};

#[tokio::test]
async fn append_is_idempotent_and_recomputes_status() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let ship = shipment(&app.pool, order.id, "T1", vec![(order.lines[0], 10), (order.lines[1], 4)]).await;
    let now = Utc::now();
    let delivered = event("carrier", "DELIVERED", "c-9", now, Some(ship));
    let first = store::append(&app.pool, tenant, order.id, std::slice::from_ref(&delivered)).await.unwrap();
    assert_eq!((first.inserted.len(), first.duplicates), (1, 0));

    // Same source event again, plus a stray scan that happened earlier.
    let late_scan = event("carrier", "IN_TRANSIT", "c-3", now - Duration::hours(5), Some(ship));
    let second = store::append(&app.pool, tenant, order.id, &[delivered, late_scan]).await.unwrap();
    assert_eq!((second.inserted.len(), second.duplicates), (1, 1));

    let snapshot = store::order_snapshot(&app.pool, tenant, order.id).await.unwrap();
    assert_eq!(snapshot.events.len(), 2);
    assert!(snapshot.events[0].occurred_at < snapshot.events[1].occurred_at, "timeline ordered by occurrence");
    assert_eq!(snapshot.order.status_headline, "Delivered");
    assert_eq!(snapshot.order.status_milestone, Some(milepost::domain::Milestone::Delivered));
    assert_eq!(snapshot.shipments[0].status_milestone, Some(milepost::domain::Milestone::Delivered));
}

#[tokio::test]
async fn unmapped_codes_are_kept_not_dropped() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    store::append(&app.pool, tenant, order.id, &[event("carrier", "XYZZY", "c-1", Utc::now(), None)]).await.unwrap();
    let snapshot = store::order_snapshot(&app.pool, tenant, order.id).await.unwrap();
    assert_eq!(snapshot.events[0].raw_code, "XYZZY");
    assert_eq!(snapshot.events[0].canonical, milepost::domain::Canonical::Unmapped);
}

#[tokio::test]
async fn events_are_append_only() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    store::append(&app.pool, tenant, order.id, &[event("oms", "ORDER_PLACED", "p", Utc::now(), None)]).await.unwrap();
    let update = on_pool!(&app.pool, |c| sqlx::query("UPDATE events SET raw_code = 'X'").execute(c).await.map(|_| ()));
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = on_pool!(&app.pool, |c| sqlx::query("DELETE FROM events").execute(c).await.map(|_| ()));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

#[tokio::test]
async fn nothing_crosses_tenants() {
    let app = spawn_app().await;
    let ours = tenant(&app.pool, "ours").await;
    let theirs = tenant(&app.pool, "theirs").await;
    let their_order = order(&app.pool, theirs, "SO-1", None).await;
    let result = store::append(&app.pool, ours, their_order.id, &[event("oms", "PLACED", "p", Utc::now(), None)]).await;
    assert!(matches!(result, Err(StoreError::NotFound(_))), "{result:?}");
    assert!(matches!(store::order_snapshot(&app.pool, ours, their_order.id).await, Err(StoreError::NotFound(_))));

    // A shipment cannot claim another order's line.
    let our_order = order(&app.pool, ours, "SO-2", None).await;
    let claim = store::create_shipment(
        &app.pool,
        &store::NewShipment {
            order: our_order.id,
            carrier: "UPS".into(),
            service: None,
            tracking_number: "X".into(),
            lines: vec![(their_order.lines[0], milepost::domain::Quantity::whole(1))],
            packs: Vec::new(),
            product_class: None,
        },
        None,
    )
    .await;
    assert!(matches!(claim, Err(StoreError::Invalid(_))), "{claim:?}");
}

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_foreign_keys() {
    let app = spawn_app().await;
    let milepost::store::Pool::Sqlite(pool) = &app.pool else { return }; // SQLite settings only
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(pool).await.unwrap();
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(pool).await.unwrap();
    assert_eq!((mode.as_str(), fk), ("wal", 1));
}
