//! The branded tracking page over real HTTP, from a real SQLite file.

use crate::common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use milepost::auth::tracking_link;
use milepost::on_pool;
use milepost::store;

#[tokio::test]
async fn a_tracking_link_renders_the_timeline_in_the_server_html() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let promised = (Utc::now() + Duration::days(2)).date_naive();
    let order = order(&app.pool, tenant, "SO-1001", Some(promised)).await;
    let ship =
        shipment(&app.pool, order.id, "1Z999AA10123456784", vec![(order.lines[0], 10), (order.lines[1], 4)]).await;
    // 2026-11-20 15:30 UTC is 08:30 in Denver.
    let t = |h: u32| Utc.with_ymd_and_hms(2026, 11, 20, h, 30, 0).unwrap();
    store::append(
        &app.pool,
        tenant,
        order.id,
        &[
            event("oms", "ORDER_PLACED", "oms-1", t(10), None),
            event("wms", "PICKED", "wms-1", t(12), None),
            event("carrier", "PICKED_UP", "c-1", t(14), Some(ship)),
            event("carrier", "OUT_FOR_DELIVERY", "c-2", t(15), Some(ship)),
        ],
    )
    .await
    .unwrap();
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap();

    let response = app.get(&format!("/t/{}", token.as_str())).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let html = response.text().await.unwrap();

    assert!(html.contains("SO-1001"), "order number");
    assert!(html.contains("PO-777"), "customer PO");
    assert!(html.contains(r#"data-testid="headline""#) && html.contains(">Out for delivery</h1>"), "headline");
    for label in ["Order placed", "Shipped", "Out for delivery"] {
        assert!(html.contains(label), "timeline shows {label}");
    }
    assert!(!html.contains(">Picked<"), "warehouse-internal milestone leaked to the buyer");
    assert!(html.contains("Fri, Nov 20, 8:30 AM MST"), "times in the ship-to's zone: {html}");
    assert!(html.contains("1Z999AA10123456784"), "shipment section");
    assert!(html.contains("Widget") && html.contains("Gadget"), "order lines");
    assert!(html.contains("--brand:#123456"), "brand colours as CSS variables");
    assert!(html.contains("help@acme.example"), "support contact");
    assert!(!html.contains("late-notice"), "not late");

    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(!csp.contains("unsafe-inline'; script") && !csp.contains("script-src 'self' 'unsafe-inline'"));
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn partial_and_late_orders_say_so() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let promised = (Utc::now() - Duration::days(3)).date_naive();
    let order = order(&app.pool, tenant, "SO-2002", Some(promised)).await;
    let first = shipment(&app.pool, order.id, "TRACK-1", vec![(order.lines[0], 6)]).await;
    let now = Utc::now();
    store::append(
        &app.pool,
        tenant,
        order.id,
        &[
            event("oms", "ORDER_PLACED", "p", now - Duration::days(5), None),
            event("carrier", "DELIVERED", "d", now - Duration::hours(3), Some(first)),
        ],
    )
    .await
    .unwrap();
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap();
    let html = app.get(&format!("/t/{}", token.as_str())).await.text().await.unwrap();
    // Late leads; the rest still to come is part of the headline, and the
    // bar is never fully delivered while items are to follow.
    assert!(html.contains(">Running late, more items to follow</h1>"), "{html}");
    assert!(html.contains(r#"data-testid="late-notice""#), "promised date passed, not all delivered");
    assert!(html.contains("Partly delivered") && !html.contains("Expected by"), "{html}");
    // Widget: 10 ordered, 6 shipped, 4 to follow; Gadget: 4 ordered, none shipped.
    assert!(html.contains(">10<!> <!>EA</td><td class=\"py-2 pr-3 text-right tabular-nums\">6</td>"), "{html}");
}

#[tokio::test]
async fn every_kind_of_bad_token_gets_the_identical_404() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-3003", None).await;

    let expired =
        tracking_link::issue(&app.pool, tenant, order.id, Some(Utc::now() - Duration::minutes(1))).await.unwrap();
    let revoked = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap();
    assert!(tracking_link::revoke(&app.pool, &revoked).await.unwrap());
    let unknown = tracking_link::TrackingToken::generate();
    let live = tracking_link::issue(&app.pool, tenant, order.id, Some(Utc::now() + Duration::days(30))).await.unwrap();
    assert_eq!(app.get(&format!("/t/{}", live.as_str())).await.status(), 200, "a live link works");

    let paths = [
        format!("/t/{}", expired.as_str()),
        format!("/t/{}", revoked.as_str()),
        format!("/t/{}", unknown.as_str()),
        "/t/too-short".to_string(),
        format!("/t/{}", "%2E".repeat(20)),
        format!("/t/{}/", unknown.as_str()),
        "/t/".to_string(),
    ];
    let mut answers = Vec::new();
    for path in &paths {
        let response = app.get(path).await;
        let status = response.status();
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != "date")
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect();
        headers.sort();
        let body = response.text().await.unwrap();
        answers.push((path, status, headers, body));
    }
    let (_, status, headers, body) = &answers[0];
    assert_eq!(*status, 404);
    assert!(body.contains("We can't find that page"));
    for (path, s, h, b) in &answers[1..] {
        assert_eq!((s, h, b), (status, headers, body), "{path} answered differently");
    }
}

#[tokio::test]
async fn unknown_pages_get_a_friendly_404() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("We can't find that page"));
}

#[tokio::test]
async fn the_demo_covers_every_state_and_its_links_render() {
    let app = spawn_app().await;
    let summary =
        milepost::demo::seed(&app.pool, &milepost::domain::StatusDictionary::global(), Utc::now(), 25).await.unwrap();
    assert_eq!((summary.tenants, summary.orders), (2, 50));
    let headlines: Vec<String> =
        on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT DISTINCT status_headline FROM orders")
            .fetch_all(c)
            .await
            .unwrap());
    for expected in [
        "Out for delivery",
        "Delivered",
        "1 of 2 shipments delivered",
        "Cancelled",
        "Returned to sender",
        "Order placed",
    ] {
        assert!(headlines.iter().any(|h| h == expected), "no demo order is `{expected}`: {headlines:?}");
    }
    let links = milepost::demo::showcase_links(&app.pool).await.unwrap();
    assert_eq!(links.len(), 2 * milepost::demo::Scenario::SHOWCASE.len());
    for (brand, scenario, token) in links {
        let response = app.get(&format!("/t/{}", token.as_str())).await;
        assert_eq!(response.status(), 200, "{scenario:?}");
        let html = response.text().await.unwrap();
        match scenario {
            milepost::demo::Scenario::OnTheMap => {
                assert!(
                    html.contains("data-testid=\"live-map\"") && html.contains("Arriving "),
                    "the van is on the map"
                );
            }
            // Northwind shows its buyers condition alerts; Bloom & Bark keeps them internal.
            milepost::demo::Scenario::ColdChain => assert_eq!(
                html.contains("Condition alert") && html.contains("Conditions back in range"),
                brand.starts_with("Northwind"),
                "{brand}"
            ),
            _ => {}
        }
    }
}

#[tokio::test]
async fn the_status_dictionary_page_lists_every_code() {
    let app = spawn_app().await;
    let response = app.get("/status-dictionary").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let dictionary = milepost::domain::StatusDictionary::global();
    for entry in dictionary.entries() {
        assert!(html.contains(&format!(">{}<", entry.code)), "{} {} missing", entry.source, entry.code);
    }
    assert!(html.contains("exception:returned_to_sender") && html.contains("(internal) Picked"));
}

/// Hundreds of buyers opening pages at once: every render answers in full.
/// (leptos_meta read a reactive title after the page's owner was gone and
/// panicked about a quarter of renders from 16 concurrent requests on.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundreds_of_concurrent_renders_all_succeed() {
    // One client address for all: the per-address page limit is not under test here.
    let app = spawn_app_with(&[("MILEPOST_RATE_LIMIT_TRACKING", "off")]).await;
    let summary =
        milepost::demo::seed(&app.pool, &milepost::domain::StatusDictionary::global(), Utc::now(), 5).await.unwrap();
    assert!(summary.orders > 0);
    let links = milepost::demo::showcase_links(&app.pool).await.unwrap();
    let paths: Vec<String> = links.iter().map(|(_, _, token)| format!("/t/{}", token.as_str())).collect();
    let requests = (0..400).map(|i| {
        let url = format!("{}{}", app.base_url, paths[i % paths.len()]);
        let client = app.client.clone();
        tokio::spawn(async move {
            let response = client.get(url).send().await.map_err(|e| format!("request {i}: {e}"))?;
            let status = response.status();
            let html = response.text().await.map_err(|e| format!("body {i}: {e}"))?;
            if status != 200 || !html.contains("<title>Order ") || !html.contains("</body></html>") {
                return Err(format!("request {i}: status {status}, {} bytes", html.len()));
            }
            Ok(())
        })
    });
    let outcomes = futures_util::future::join_all(requests).await;
    let failures: Vec<String> = outcomes.into_iter().filter_map(|o| o.expect("task").err()).collect();
    assert!(failures.is_empty(), "{} of 400 renders failed: {:?}", failures.len(), &failures[..failures.len().min(5)]);
}

#[tokio::test]
async fn the_page_shows_the_predicted_window_while_on_the_way_and_not_once_delivered() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let promised = (Utc::now() + Duration::days(3)).date_naive();
    let order = order(&app.pool, tenant, "SO-2001", Some(promised)).await;
    let ship =
        shipment(&app.pool, order.id, "1Z999AA10123456785", vec![(order.lines[0], 10), (order.lines[1], 4)]).await;
    let now = Utc::now();
    let events = [
        event("oms", "ORDER_PLACED", "oms-1", now - Duration::hours(3), None),
        event("carrier", "PICKED_UP", "c-1", now - Duration::hours(1), Some(ship)),
    ];
    store::append(&app.pool, tenant, order.id, &events).await.unwrap();
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap();

    let html = app.get(&format!("/t/{}", token.as_str())).await.text().await.unwrap();
    // No delivery history yet: the window falls back to the promised date and says so.
    assert!(html.contains(r#"data-testid="forecast""#), "a window on the way: {html}");
    assert!(html.contains(">Arriving "), "{html}");
    assert!(html.contains("no delivery history yet"), "an honest reason: {html}");
    assert!(html.contains("Promised for"), "the merchant's date is named as the promise beside a forecast");

    let delivered = [event("carrier", "DELIVERED", "c-2", Utc::now(), Some(ship))];
    store::append(&app.pool, tenant, order.id, &delivered).await.unwrap();
    milepost::promise::catch_up_until(&app.state, Utc::now()).await.unwrap();
    let html = app.get(&format!("/t/{}", token.as_str())).await.text().await.unwrap();
    assert!(!html.contains(r#"data-testid="forecast""#), "no forecast once delivered");
}
