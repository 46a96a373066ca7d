//! Customer-service search through the real server: every key, any case,
//! partial input, ranking, and nothing from another tenant.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::domain::TenantId;
use milepost::policy::Role;
use milepost::store::{self, NewOrder, NewOrderLine, ShipTo};

struct Keys<'a> {
    number: &'a str,
    po: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    name: &'a str,
    postcode: &'a str,
    days_ago: i64,
}

async fn save(app: &TestApp, tenant: TenantId, k: Keys<'_>) -> milepost::domain::OrderId {
    store::upsert_order(
        &app.pool,
        &NewOrder {
            tenant,
            account: None,
            order_number: k.number.into(),
            customer_po: k.po.map(Into::into),
            placed_at: Utc::now() - Duration::days(k.days_ago),
            promised_date: None,
            contact_name: Some(k.name.into()),
            contact_email: k.email.map(Into::into),
            contact_phone: k.phone.map(Into::into),
            ship_to: ShipTo {
                name: k.name.into(),
                line1: "1 Road".into(),
                line2: None,
                city: "Leeds".into(),
                region: None,
                postcode: k.postcode.into(),
                country: "GB".into(),
                time_zone: milepost::domain::TimeZone::parse("Europe/London").unwrap(),
                latitude: None,
                longitude: None,
            },
            lines: vec![NewOrderLine {
                sku: "S".into(),
                description: "d".into(),
                quantity: milepost::domain::Quantity::whole(1),
                unit: "EA".into(),
            }],
        },
        None,
    )
    .await
    .unwrap()
    .id
}

async fn search(app: &TestApp, cs: &Session, q: &str) -> Vec<(String, String)> {
    let response = app.form(Some(cs), "/portal/fn/search", &[("q", q)]).await;
    assert_eq!(response.status(), 200);
    let page: serde_json::Value = response.json().await.unwrap();
    page["Ready"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["number"].as_str().unwrap().to_string(), r["reason"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn every_key_finds_its_order_in_any_case_and_in_part_and_the_best_match_comes_first() {
    let app = spawn_app().await;
    let acme = tenant(&app.pool, "acme").await;
    let other = tenant(&app.pool, "other").await;
    let jane = save(
        &app,
        acme,
        Keys {
            number: "NW-10023",
            po: Some("PO 4471/B"),
            email: Some("Jane.Doe@Example.com"),
            phone: Some("+44 20 7946 0958"),
            name: "Jane Doe",
            postcode: "LS1 4AP",
            days_ago: 3,
        },
    )
    .await;
    save(
        &app,
        acme,
        Keys {
            number: "NW-100234",
            po: None,
            email: Some("ops@northwind.example"),
            phone: None,
            name: "Bob Smith",
            postcode: "LS2 7EW",
            days_ago: 2,
        },
    )
    .await;
    save(
        &app,
        acme,
        Keys {
            number: "NW-20001",
            po: Some("10023"),
            email: None,
            phone: None,
            name: "Cara Jones",
            postcode: "M1 1AE",
            days_ago: 1,
        },
    )
    .await;
    save(
        &app,
        other,
        Keys {
            number: "NW-10023",
            po: None,
            email: Some("jane.doe@example.com"),
            phone: None,
            name: "Jane Doe",
            postcode: "LS1 4AP",
            days_ago: 1,
        },
    )
    .await;
    let shipment = shipment(&app.pool, jane, "1Z999AA10123456784", vec![]).await;
    let _ = shipment;
    let password = person(&app.pool, acme, None, Role::Cs, "cs@acme.example").await;
    let cs = app.sign_in("acme", "cs@acme.example", &password).await;

    let first = |rows: &[(String, String)]| rows.first().cloned().unwrap_or_default();
    // Each key, whole and partial, any case.
    for (query, reason) in [
        ("nw-10023", "order number"),
        ("po 4471", "PO number"),
        ("4471/b", "PO number"),
        ("1z999aa1012", "tracking number"),
        ("456784", "tracking number"),
        ("JANE.DOE@example.COM", "email"),
        ("jane.d", "email"),
        ("+44 20 7946", "phone"),
        ("0958", "phone"),
        ("doe", "email"),
        ("ls1 4ap", "postcode"),
    ] {
        let rows = search(&app, &cs, query).await;
        assert_eq!(first(&rows), ("NW-10023".to_string(), format!("matched on {reason}")), "{query}: {rows:?}");
    }
    // Ranking: the exact order number, then its longer neighbour by prefix,
    // then the order whose PO happens to be those digits.
    let rows = search(&app, &cs, "10023").await;
    let numbers: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(numbers, ["NW-10023", "NW-20001", "NW-100234"], "{rows:?}");
    let rows = search(&app, &cs, "NW-10023").await;
    assert_eq!(rows.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["NW-10023", "NW-100234"]);
    // Names by any word; one tenant only (the other's Jane is not listed).
    let rows = search(&app, &cs, "jane").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(search(&app, &cs, "smi").await.iter().any(|(n, r)| n == "NW-100234" && r == "matched on name"));
    // Nothing to search for, or nothing found.
    assert!(search(&app, &cs, " -/ ").await.is_empty());
    assert!(search(&app, &cs, "qqqq").await.is_empty());
}

#[tokio::test]
async fn orders_saved_before_the_index_are_indexed_at_start() {
    let app = spawn_app().await;
    let acme = tenant(&app.pool, "acme").await;
    let order = save(
        &app,
        acme,
        Keys { number: "OLD-1", po: None, email: None, phone: None, name: "Old Customer", postcode: "X1", days_ago: 9 },
    )
    .await;
    milepost::on_pool!(&app.pool, |c| sqlx::query("DELETE FROM order_search_terms WHERE order_id = $1")
        .bind(order)
        .execute(c)
        .await
        .map(|_| ()))
    .unwrap();
    let password = person(&app.pool, acme, None, Role::Cs, "cs@acme.example").await;
    let cs = app.sign_in("acme", "cs@acme.example", &password).await;
    assert!(search(&app, &cs, "old-1").await.is_empty());
    assert_eq!(store::index_unindexed_orders(&app.pool).await.unwrap(), 1);
    assert_eq!(store::index_unindexed_orders(&app.pool).await.unwrap(), 0);
    assert_eq!(search(&app, &cs, "old-1").await.len(), 1);
}
