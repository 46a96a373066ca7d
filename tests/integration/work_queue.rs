//! Customer service's exception queue as a work queue, through the real
//! server: counts per reason, most urgent first, grouping and filters,
//! targets and time left, assignment and bulk actions, and the orders
//! that must leave it (cancelled, delivered).

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::domain::TenantId;
use milepost::policy::Role;
use serde_json::Value;

struct Queue {
    app: TestApp,
    tenant: TenantId,
    carla: Session,
    colin_id: i64,
}

/// Seven orders, four of which need someone: a failed attempt an hour
/// ago, a weather delay 30 hours ago, one past its promised date and one
/// silent for 40 hours; plus a cancelled, a delivered and a healthy one.
async fn queue() -> Queue {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let today = Utc::now().date_naive();
    let now = Utc::now();
    let add = |number: &'static str, promised_in_days: i64, events: Vec<(&'static str, &'static str, i64)>| {
        let pool = app.pool.clone();
        async move {
            let order = order_in(&pool, tenant, None, number, Some(today + Duration::days(promised_in_days))).await;
            let ship = shipment(&pool, order.id, &format!("1Z{number}"), vec![(order.lines[0], 10)]).await;
            let events: Vec<_> = events
                .into_iter()
                .enumerate()
                .map(|(i, (source, code, hours_ago))| {
                    let scope = (source == "carrier").then_some(ship);
                    event(source, code, &format!("{number}-{i}"), now - Duration::hours(hours_ago), scope)
                })
                .collect();
            milepost::store::append(&pool, tenant, order.id, &events).await.unwrap();
        }
    };
    add("Q-FAIL", 3, vec![("carrier", "PICKED_UP", 20), ("carrier", "ATTEMPT_FAIL", 1)]).await;
    add("Q-DELAY", 3, vec![("carrier", "PICKED_UP", 31), ("carrier", "WEATHER_DELAY", 30)]).await;
    add("Q-LATE", -3, vec![("carrier", "IN_TRANSIT", 1)]).await;
    add("Q-STUCK", 5, vec![("carrier", "PICKED_UP", 40)]).await;
    add("Q-CANCEL", 3, vec![("oms", "ORDER_CANCELLED", 2)]).await;
    add("Q-DONE", -3, vec![("carrier", "DELIVERED", 5)]).await;
    add("Q-OK", 3, vec![("carrier", "IN_TRANSIT", 1)]).await;
    let password = person(&app.pool, tenant, None, Role::Cs, "carla@acme.example").await;
    let carla = app.sign_in("acme", "carla@acme.example", &password).await;
    person(&app.pool, tenant, None, Role::Cs, "colin@acme.example").await;
    let colin_id = milepost::store::list_users(&app.pool, tenant)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email == "colin@acme.example")
        .unwrap()
        .id
        .0;
    Queue { app, tenant, carla, colin_id }
}

/// The queue as its page's server function answers it; stuck after 24 h.
async fn page(q: &Queue, session: &Session, filters: &[(&str, &str)]) -> Value {
    let mut args = vec![("hours", "24")];
    args.extend_from_slice(filters);
    let response = q.app.form(Some(session), "/portal/fn/exceptions", &args).await;
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    page["Ready"].clone()
}

fn numbers(page: &Value) -> Vec<String> {
    page["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["items"].as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap().to_string()))
        .collect()
}

fn item<'a>(page: &'a Value, number: &str) -> &'a Value {
    page["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["items"].as_array().unwrap())
        .find(|i| i["number"] == number)
        .unwrap_or_else(|| panic!("{number} is not in {page}"))
}

fn count(page: &Value, code: &str) -> u64 {
    page["counts"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap()["count"].as_u64().unwrap()
}

async fn bulk(q: &Queue, fields: &[(&str, &str)]) -> String {
    let response = q.app.form(Some(&q.carla), "/portal/cs/exceptions/bulk", fields).await;
    assert_eq!(response.status(), 303, "{fields:?}");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    urlencoding_decode(&location)
}

fn urlencoding_decode(text: &str) -> String {
    url::form_urlencoded::parse(text.split_once('?').map_or("", |(_, q)| q).as_bytes())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn the_queue_counts_orders_by_reason_most_urgent_first_and_leaves_out_finished_ones() {
    let q = queue().await;
    let page = page(&q, &q.carla, &[]).await;
    // Grouped by reason in order of urgency; cancelled, delivered and healthy orders are not there.
    assert_eq!(numbers(&page), ["Q-FAIL", "Q-DELAY", "Q-LATE", "Q-STUCK"]);
    let titles: Vec<&str> = page["groups"].as_array().unwrap().iter().map(|g| g["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Delivery attempt failed", "Delayed", "Past the promised date", "No update"]);
    for (code, n) in [("failed_attempt", 1), ("delayed", 1), ("late", 1), ("stuck", 1), ("damaged", 0)] {
        assert_eq!(count(&page, code), n, "{code}");
    }
    assert!(page["counts"].as_array().unwrap().iter().all(|c| c["code"] != "cancelled"));
    assert_eq!(page["matching"], 4);

    // Age since the problem opened: the delay was reported 30 hours ago.
    assert!(item(&page, "Q-DELAY")["age"].as_str().unwrap().starts_with("1 d 6 h"), "{}", item(&page, "Q-DELAY"));
    // Stuck opens when the silence passed the threshold: 40 h - 24 h ago.
    assert!(item(&page, "Q-STUCK")["age"].as_str().unwrap().starts_with("16 h"), "{}", item(&page, "Q-STUCK"));

    // One reason only; the counts still show every reason.
    let late = page_with(&q, &[("reason", "late")]).await;
    assert_eq!(numbers(&late), ["Q-LATE"]);
    assert_eq!(count(&late, "failed_attempt"), 1);
    // Open at least a day: the failed attempt (1 h) and the late order (since the buyer's midnight) drop out.
    let old = page_with(&q, &[("age", "24")]).await;
    assert!(numbers(&old).contains(&"Q-DELAY".to_string()) && !numbers(&old).contains(&"Q-FAIL".to_string()));
    // Grouped by carrier: every order here ships with UPS.
    let by_carrier = page_with(&q, &[("group", "carrier")]).await;
    let groups = by_carrier["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["title"], "UPS");
    assert_eq!(page_with(&q, &[("carrier", "FedEx")]).await["matching"], 0);
}

async fn page_with(q: &Queue, filters: &[(&str, &str)]) -> Value {
    page(q, &q.carla, filters).await
}

#[tokio::test]
async fn targets_set_by_an_administrator_decide_the_time_left_and_what_is_overdue() {
    let q = queue().await;
    let before = page_with(&q, &[]).await;
    let default_target =
        before["counts"].as_array().unwrap().iter().find(|c| c["code"] == "failed_attempt").unwrap()["target"].clone();
    assert_eq!(default_target, "4 working h");

    // Customer service may not change the targets.
    let refused = q.app.form(Some(&q.carla), "/portal/cs/exceptions/targets", &[("hours_delayed", "24")]).await;
    assert_eq!(refused.status(), 403);

    let password = person(&q.app.pool, q.tenant, None, Role::Admin, "ada@acme.example").await;
    let ada = q.app.sign_in("acme", "ada@acme.example", &password).await;
    let bad = q.app.form(Some(&ada), "/portal/cs/exceptions/targets", &[("hours_delayed", "0")]).await;
    assert!(urlencoding_decode(bad.headers()["location"].to_str().unwrap()).contains("hours must be 1 to 720"));
    // Around the clock: 24 h for a delay (opened 30 h ago: 6 h overdue), 3 h for a failed attempt (1 h ago: 2 h left).
    let saved = q
        .app
        .form(Some(&ada), "/portal/cs/exceptions/targets", &[("hours_delayed", "24"), ("hours_failed_attempt", "3")])
        .await;
    assert!(urlencoding_decode(saved.headers()["location"].to_str().unwrap()).contains("notice=Targets saved."));

    let after = page(&q, &ada, &[]).await;
    let delay = item(&after, "Q-DELAY");
    assert_eq!(delay["overdue"], true);
    assert!(
        delay["due"].as_str().unwrap().starts_with("overdue by 6 h")
            || delay["due"].as_str().unwrap().starts_with("overdue by 5 h 59 min"),
        "{delay}"
    );
    let fail = item(&after, "Q-FAIL");
    assert_eq!(fail["overdue"], false);
    let due = fail["due"].as_str().unwrap();
    assert!(due.starts_with("1 h 59 min left · due ") || due.starts_with("2 h 00 min left · due "), "{fail}");
    let delayed = after["counts"].as_array().unwrap().iter().find(|c| c["code"] == "delayed").unwrap();
    assert_eq!((delayed["overdue"].as_u64(), delayed["target"].as_str()), (Some(1), Some("24 h")));
    // Administrators see the targets form; customer service does not.
    assert!(after["targets"].is_array() && before["targets"].is_null());
}

#[tokio::test]
async fn orders_are_assigned_in_bulk_filtered_by_owner_and_resolved_noted_and_messaged_with_an_audit_trail() {
    let q = queue().await;
    let notice =
        bulk(&q, &[("action", "assign"), ("owner", "me"), ("order:Q-FAIL", "on"), ("order:Q-LATE", "on")]).await;
    assert!(notice.contains("notice=2 orders assigned to you."), "{notice}");
    let colin = q.colin_id.to_string();
    let notice =
        bulk(&q, &[("action", "assign"), ("owner", &colin), ("order:Q-STUCK", "on"), ("back", "group=owner")]).await;
    assert!(notice.contains("group=owner") && notice.contains("1 order assigned to colin"), "{notice}");

    assert_eq!(numbers(&page_with(&q, &[("owner", "me")]).await), ["Q-FAIL", "Q-LATE"]);
    assert_eq!(numbers(&page_with(&q, &[("owner", "nobody")]).await), ["Q-DELAY"]);
    assert_eq!(numbers(&page_with(&q, &[("owner", &colin)]).await), ["Q-STUCK"]);
    let by_owner = page_with(&q, &[("group", "owner")]).await;
    let titles: Vec<&str> =
        by_owner["groups"].as_array().unwrap().iter().map(|g| g["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles.contains(&"Nobody"));
    assert_eq!(item(&by_owner, "Q-FAIL")["owner"], item(&by_owner, "Q-LATE")["owner"]);

    // Someone who cannot work the queue cannot be given orders.
    let buyer_account = milepost::store::create_account(&q.app.pool, q.tenant, "Account A", "A-1").await.unwrap();
    person(&q.app.pool, q.tenant, Some(buyer_account), Role::Buyer, "bea@a.example").await;
    let bea = milepost::store::list_users(&q.app.pool, q.tenant)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email == "bea@a.example")
        .unwrap();
    let refused = bulk(&q, &[("action", "assign"), ("owner", &bea.id.0.to_string()), ("order:Q-DELAY", "on")]).await;
    assert!(refused.contains("error=That person cannot work the queue."), "{refused}");
    // Nothing ticked, or no reason: said, nothing done.
    assert!(bulk(&q, &[("action", "note"), ("text", "x")]).await.contains("error=Tick the orders"));
    assert!(bulk(&q, &[("action", "resolve"), ("order:Q-FAIL", "on")]).await.contains("error=Give a reason"));

    // A note on two orders at once.
    let noted =
        bulk(&q, &[("action", "note"), ("text", "carrier called"), ("order:Q-FAIL", "on"), ("order:Q-DELAY", "on")])
            .await;
    assert!(noted.contains("Note added to 2 orders."), "{noted}");

    // The buyer's message goes out once a day per template, however often it is clicked.
    let sent = bulk(&q, &[("action", "notify"), ("template", "cs_delay"), ("order:Q-DELAY", "on")]).await;
    assert!(sent.contains("queued 1 message for 1 order"), "{sent}");
    let again = bulk(&q, &[("action", "notify"), ("template", "cs_delay"), ("order:Q-DELAY", "on")]).await;
    assert!(again.contains("queued 0 messages"), "{again}");
    assert!(bulk(&q, &[("action", "notify"), ("template", "free text"), ("order:Q-DELAY", "on")])
        .await
        .contains("error=Choose the message"));

    // Resolving closes the exception and the order leaves the queue; a late
    // order has nothing to resolve and stays, and the notice says why.
    let resolved = bulk(
        &q,
        &[("action", "resolve"), ("text", "redelivery booked"), ("order:Q-FAIL", "on"), ("order:Q-LATE", "on")],
    )
    .await;
    assert!(resolved.contains("Resolved 1 order. 1 order had no open exception"), "{resolved}");
    assert_eq!(numbers(&page_with(&q, &[]).await), ["Q-DELAY", "Q-LATE", "Q-STUCK"]);

    // The order's desk shows who did what.
    let response = q.app.form(Some(&q.carla), "/portal/fn/order", &[("number", "Q-FAIL")]).await;
    let order: Value = response.json().await.unwrap();
    let audit: Vec<String> = order["Ready"]["desk"]["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("{} {}", a["action"].as_str().unwrap(), a["detail"].as_str().unwrap()))
        .collect();
    assert!(audit.iter().any(|a| a.starts_with("assign Assigned to ")), "{audit:?}");
    assert!(audit.iter().any(|a| a.starts_with("note carrier called")), "{audit:?}");
    assert!(audit.iter().any(|a| a.contains("Resolved from the queue: redelivery booked")), "{audit:?}");
    let (state,): (String,) = sqlx_query_state(&q).await;
    assert_eq!(state, "cs_delay");
}

async fn sqlx_query_state(q: &Queue) -> (String,) {
    milepost::on_pool!(&q.app.pool, |c| sqlx::query_as("SELECT trigger FROM notifications WHERE trigger LIKE 'cs_%'")
        .fetch_one(c)
        .await)
    .unwrap()
}

#[tokio::test]
async fn only_staff_work_the_queue() {
    let q = queue().await;
    let account = milepost::store::create_account(&q.app.pool, q.tenant, "Account A", "A-1").await.unwrap();
    let password = person(&q.app.pool, q.tenant, Some(account), Role::Buyer, "bea@a.example").await;
    let bea = q.app.sign_in("acme", "bea@a.example", &password).await;
    let response = q.app.form(Some(&bea), "/portal/fn/exceptions", &[]).await;
    let page: Value = response.json().await.unwrap();
    assert_eq!(page, Value::from("Forbidden"));
    let refused = q
        .app
        .form(Some(&bea), "/portal/cs/exceptions/bulk", &[("action", "note"), ("text", "hi"), ("order:Q-FAIL", "on")])
        .await;
    assert!([403, 404].contains(&refused.status().as_u16()), "{}", refused.status());
}
