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

/// A turn's groups on several orders are inserted together: each group
/// still gets its own outcome, an event given for two orders is the
/// first's (a duplicate for the second), and each order's status is its own.
#[tokio::test]
async fn groups_on_several_orders_are_appended_together_each_with_its_outcome() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let a = order(&app.pool, tenant, "SO-1", None).await;
    let b = order(&app.pool, tenant, "SO-2", None).await;
    let to_b = shipment(&app.pool, b.id, "T2", vec![(b.lines[0], 10)]).await;
    let now = Utc::now();
    let for_a = [
        event("carrier", "PICKED_UP", "x-1", now - Duration::hours(3), None),
        event("carrier", "IN_TRANSIT", "x-2", now - Duration::hours(2), None),
    ];
    let for_b = [
        event("carrier", "IN_TRANSIT", "x-2", now - Duration::hours(2), Some(to_b)),
        event("carrier", "DELIVERED", "x-3", now, Some(to_b)),
    ];
    let groups = [(store::Destination::Order(a.id), &for_a[..]), (store::Destination::Order(b.id), &for_b[..])];
    let outcomes = store::append_all(&app.pool, None, tenant, &groups).await.unwrap();
    let [store::TrackedOutcome::Appended { order: first_order, outcome: first }, store::TrackedOutcome::Appended { order: second_order, outcome: second }] =
        &outcomes[..]
    else {
        panic!("an outcome per group: {outcomes:?}")
    };
    assert_eq!((*first_order, *second_order), (a.id, b.id));
    assert_eq!((first.inserted.len(), first.duplicates), (2, 0));
    assert_eq!((second.inserted.len(), second.duplicates), (1, 1));
    assert_eq!(second.stored[0], (first.inserted[1], false), "x-2 is the first group's");
    if matches!(app.pool, store::Pool::Sqlite(_)) {
        // PostgreSQL takes ids from a sequence in no promised row order.
        assert!(
            first.inserted[0] < first.inserted[1] && first.inserted[1] < second.inserted[0],
            "ids in the order given"
        );
    }
    let status = |order| {
        let pool = app.pool.clone();
        async move { store::order_snapshot(&pool, tenant, order).await.unwrap().order.status_milestone }
    };
    assert_eq!(status(a.id).await, Some(milepost::domain::Milestone::InTransit));
    assert_eq!(status(b.id).await, Some(milepost::domain::Milestone::Delivered));
}

/// A turn touching more orders and shipments than one statement binds
/// (`store::VALUES_PER_STATEMENT`) writes every event and every status.
#[tokio::test]
async fn a_turn_across_hundreds_of_orders_sets_every_status() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let now = Utc::now();
    let mut orders = Vec::new();
    let mut events = Vec::new();
    for i in 0..170 {
        let placed = order(&app.pool, tenant, &format!("SO-{i}"), None).await;
        let to = shipment(&app.pool, placed.id, &format!("T{i}"), vec![(placed.lines[0], 10)]).await;
        let code = if i % 2 == 0 { "DELIVERED" } else { "IN_TRANSIT" };
        events.push([event("carrier", code, &format!("x-{i}"), now, Some(to))]);
        orders.push(placed.id);
    }
    let groups: Vec<_> =
        orders.iter().zip(&events).map(|(order, events)| (store::Destination::Order(*order), &events[..])).collect();
    let outcomes = store::append_all(&app.pool, None, tenant, &groups).await.unwrap();
    assert_eq!(outcomes.len(), 170);
    for (i, order) in orders.iter().enumerate() {
        let snapshot = store::order_snapshot(&app.pool, tenant, *order).await.unwrap();
        let expected = Some(match i % 2 {
            0 => milepost::domain::Milestone::Delivered,
            _ => milepost::domain::Milestone::InTransit,
        });
        assert_eq!((i, snapshot.events.len(), snapshot.order.status_milestone), (i, 1, expected));
        assert_eq!(snapshot.shipments[0].status_milestone, expected, "order {i}'s shipment");
    }
}

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_foreign_keys() {
    let app = spawn_app().await;
    let milepost::store::Pool::Sqlite(pool) = &app.pool else { return }; // SQLite settings only
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(pool).await.unwrap();
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(pool).await.unwrap();
    assert_eq!((mode.as_str(), fk), ("wal", 1));
}

/// A write that starts from an order's kept facts (the newest of each kind,
/// `store::StatusFacts`) and reads only the events since derives the same
/// status as one that reads the whole timeline: late and out-of-order
/// scans, problems opened and cleared, two shipments and order-level
/// events, and events written meanwhile by a path that keeps nothing.
#[tokio::test]
async fn status_from_kept_facts_is_the_status_from_the_whole_timeline() {
    let (kept_app, whole_app) = (spawn_app().await, spawn_app().await);
    let kept = store::StatusFacts::new(1_000);
    let mut setups = Vec::new();
    for app in [&kept_app, &whole_app] {
        let tenant = tenant(&app.pool, "acme").await;
        let order = order(&app.pool, tenant, "SO-1", None).await;
        let first = shipment(&app.pool, order.id, "T1", vec![(order.lines[0], 10)]).await;
        let second = shipment(&app.pool, order.id, "T2", vec![(order.lines[1], 4)]).await;
        setups.push((tenant, order.id, [Some(first), Some(second), None]));
    }
    let start = Utc::now() - Duration::days(3);
    let codes =
        ["PICKED_UP", "IN_TRANSIT", "DELAYED", "ARRIVED_AT_HUB", "FAILED_ATTEMPT", "OUT_FOR_DELIVERY", "DELIVERED"];
    for round in 0..12 {
        // Each round a few events, some earlier than what is already stored.
        let batch: Vec<(usize, usize, i64)> = (0..3)
            .map(|i| ((round * 5 + i * 3) % codes.len(), (round + i) % 3, ((round * 7 + i * 13) % 40) as i64))
            .collect();
        for ((app, (tenant, order, shipments)), keeps) in [&kept_app, &whole_app].iter().zip(&setups).zip([true, false])
        {
            let events: Vec<store::NewEvent> = batch
                .iter()
                .enumerate()
                .map(|(i, (code, on, hours))| {
                    event(
                        "carrier",
                        codes[*code],
                        &format!("e-{round}-{i}"),
                        start + Duration::hours(*hours),
                        shipments[*on],
                    )
                })
                .collect();
            if keeps && round % 4 == 3 {
                // Written by a path that keeps nothing: the next write still reads it.
                store::append(&app.pool, *tenant, *order, &events).await.unwrap();
            } else {
                let kept = keeps.then_some(&kept);
                store::append_all(&app.pool, kept, *tenant, &[(store::Destination::Order(*order), &events)])
                    .await
                    .unwrap();
            }
        }
        let [ours, theirs] = [&kept_app, &whole_app].map(|app| app.pool.clone());
        let (a, b) = (
            store::order_snapshot(&ours, setups[0].0, setups[0].1).await.unwrap(),
            store::order_snapshot(&theirs, setups[1].0, setups[1].1).await.unwrap(),
        );
        let status = |s: &store::OrderSnapshot| {
            let shipments: Vec<_> = s.shipments.iter().map(|sh| sh.status_milestone).collect();
            (s.order.status_headline.clone(), s.order.status_milestone, s.order.open_exceptions.clone(), shipments)
        };
        assert_eq!(status(&a), status(&b), "after round {round}");
    }
}
