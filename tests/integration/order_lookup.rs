//! "Track your order" without the link (issue 17 item 4), through the real
//! server: a match opens the tracking page with a short-lived token (or,
//! for a tenant that prefers it, queues the link to the order's email);
//! a missing order and a wrong email or postcode get the same status and
//! the same bytes, in about the same time; the limits per address, per
//! order number and per email are kept in the database.

use crate::common;

use chrono::{Duration, Utc};
use common::*;
use milepost::auth::tracking_link::TrackingToken;
use milepost::store;
use std::time::Instant;

const EMAIL: &str = "dana@example.com";
const POSTCODE: &str = "80202";

/// The server, believing `X-Forwarded-For` from the test (so each test
/// request can come from an address of its choosing).
async fn app() -> TestApp {
    spawn_app_without_notification_worker(&[("MILEPOST_TRUSTED_PROXIES", "127.0.0.1")]).await
}

async fn look_up(app: &TestApp, slug: &str, from: &str, order: &str, contact: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/track/{slug}", app.base_url))
        .header("origin", &app.base_url)
        .header("x-forwarded-for", from)
        // As the page's form sends it: the page's language rides along.
        .form(&[("lang", "en"), ("order", order), ("contact", contact)])
        .send()
        .await
        .expect("request")
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

/// Status, the headers that could tell cases apart, and the body with what
/// was typed taken out.
async fn answer(response: reqwest::Response, typed: &[&str]) -> (u16, Option<String>, bool, String) {
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    let cookie = response.headers().contains_key("set-cookie");
    let mut body = response.text().await.unwrap();
    for text in typed {
        body = body.replace(&format!("value=\"{text}\""), "value=\"…\"");
    }
    (status, retry_after, cookie, body)
}

#[tokio::test]
async fn the_branded_page_finds_an_order_by_email_or_postcode_and_opens_its_tracking_page() {
    let app = app().await;
    let acme = tenant(&app.pool, "acme").await;
    order(&app.pool, acme, "NW-100", None).await;

    let page = app.get("/track/acme").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let body = page.text().await.unwrap();
    assert!(body.contains("acme brand") && body.contains("Track your order"), "{body}");
    assert!(body.contains("action=\"/track/acme\""), "{body}");
    assert_eq!(app.get("/track/nobody").await.status(), 404);

    // The email in any case and with spaces; the order number with spaces.
    let by_email = look_up(&app, "acme", "203.0.113.1", " NW-100 ", "  Dana@EXAMPLE.com ").await;
    assert_eq!(by_email.status(), 303);
    let to = location(&by_email);
    assert!(to.starts_with("/t/"), "{to}");
    let tracking = app.get(&to).await;
    assert_eq!(tracking.status(), 200);
    assert!(tracking.text().await.unwrap().contains("NW-100"));

    // The postcode however it is written.
    let by_postcode = look_up(&app, "acme", "203.0.113.1", "NW-100", " 802-02 ").await;
    assert_eq!(by_postcode.status(), 303);
    assert!(location(&by_postcode).starts_with("/t/"));
    assert_ne!(location(&by_postcode), to, "each lookup mints its own token");
}

#[tokio::test]
async fn the_token_a_lookup_opens_expires_within_the_hour() {
    let app = app().await;
    let acme = tenant(&app.pool, "acme").await;
    order(&app.pool, acme, "NW-100", None).await;
    let response = look_up(&app, "acme", "203.0.113.1", "NW-100", EMAIL).await;
    let to = location(&response);
    let token =
        TrackingToken::parse(to.strip_prefix("/t/").unwrap().split('?').next().unwrap()).expect("a tracking token");
    let now = Utc::now();
    assert!(store::resolve_tracking_link(&app.pool, &token.hash(), now + Duration::minutes(29))
        .await
        .unwrap()
        .is_some());
    assert!(store::resolve_tracking_link(&app.pool, &token.hash(), now + Duration::minutes(31))
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn no_such_order_a_wrong_email_and_a_wrong_postcode_answer_alike() {
    let app = app().await;
    let acme = tenant(&app.pool, "acme").await;
    order(&app.pool, acme, "NW-100", None).await;
    let cases = [
        ("NW-404", EMAIL),             // no such order
        ("NW-100", "eve@example.com"), // wrong email
        ("NW-100", "10001"),           // wrong postcode
        ("NW-404", POSTCODE),          // no such order, by postcode
    ];
    let mut answers = Vec::new();
    for (i, (number, contact)) in cases.iter().enumerate() {
        let response = look_up(&app, "acme", &format!("203.0.113.{}", i + 1), number, contact).await;
        answers.push(answer(response, &[number, contact]).await);
    }
    let first = &answers[0];
    assert_eq!(first.0, 200);
    assert!(
        first.3.contains("We couldn&#x27;t find an order with those details")
            || first.3.contains("We couldn't find an order with those details"),
        "{}",
        first.3
    );
    assert!(first.3.contains("value=\"…\""), "what was typed is shown again");
    for other in &answers[1..] {
        assert_eq!(other, first, "every miss answers the same");
    }
}

#[tokio::test]
async fn the_form_answers_mistakes_on_the_page() {
    let app = app().await;
    tenant(&app.pool, "acme").await;
    for (order, contact, says) in [
        ("", EMAIL, "Please enter your order number."),
        ("NW-1", "  ", "Please enter the email address or the delivery postcode on the order."),
        ("NW-1", " - ", "Please enter the email address or the delivery postcode on the order."),
        (&"9".repeat(65), EMAIL, "That order number is too long."),
    ] {
        let response = look_up(&app, "acme", "203.0.113.1", order, contact).await;
        assert_eq!(response.status(), 422, "{order:?} {contact:?}");
        let body = response.text().await.unwrap();
        assert!(body.contains(says), "{body}");
    }
    // Fields missing altogether: the same friendly page.
    let bare = app
        .client
        .post(format!("{}/track/acme", app.base_url))
        .header("origin", &app.base_url)
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 422);
    // And from another site: refused.
    let forged =
        app.client.post(format!("{}/track/acme", app.base_url)).form(&[("order", "NW-1")]).send().await.unwrap();
    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn an_order_number_locks_after_ten_tries_from_any_number_of_addresses() {
    let app = app().await;
    let acme = tenant(&app.pool, "acme").await;
    order(&app.pool, acme, "NW-100", None).await;
    for (number, contact) in [("NW-100", "eve@example.com"), ("NW-404", "eve@example.com")] {
        for i in 0..10 {
            let from = format!("198.51.100.{i}");
            let response = look_up(&app, "acme", &from, number, &format!("{i}{contact}")).await;
            assert_eq!(response.status(), 200, "try {i} on {number}");
        }
    }
    // The eleventh, from a fresh address, with the right email: refused
    // all the same, and exactly as for an order that does not exist.
    let real = look_up(&app, "acme", "192.0.2.50", "NW-100", EMAIL).await;
    let missing = look_up(&app, "acme", "192.0.2.51", "NW-404", EMAIL).await;
    let real = answer(real, &["NW-100", EMAIL]).await;
    let missing = answer(missing, &["NW-404", EMAIL]).await;
    assert_eq!(real.0, 429);
    let seconds: i64 = real.1.as_deref().unwrap().parse().unwrap();
    assert!((1..=15 * 60).contains(&seconds), "{seconds}");
    assert!(real.3.contains("Too many tries"), "{}", real.3);
    assert_eq!(real.0, missing.0);
    assert_eq!(real.3, missing.3);
    // Case and spaces do not make a new bucket.
    assert_eq!(look_up(&app, "acme", "192.0.2.52", " nw-100 ", EMAIL).await.status(), 429);
}

#[tokio::test]
async fn an_email_locks_after_ten_tries_on_any_order_numbers() {
    let app = app().await;
    tenant(&app.pool, "acme").await;
    for i in 0..10 {
        let response = look_up(&app, "acme", &format!("198.51.100.{i}"), &format!("NW-{i}"), EMAIL).await;
        assert_eq!(response.status(), 200);
    }
    let response = look_up(&app, "acme", "192.0.2.60", "NW-77", " DANA@example.com").await;
    assert_eq!(response.status(), 429);
}

#[tokio::test]
async fn an_address_locks_after_twenty_tries_whatever_it_asks_for() {
    let app = app().await;
    let acme = tenant(&app.pool, "acme").await;
    order(&app.pool, acme, "NW-100", None).await;
    for i in 0..20 {
        let response = look_up(&app, "acme", "203.0.113.9", &format!("NW-{i}"), &format!("p{i}@example.com")).await;
        assert_eq!(response.status(), 200, "try {i}");
    }
    let locked = look_up(&app, "acme", "203.0.113.9", "NW-100", EMAIL).await;
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().contains_key("retry-after"));
    // Another address is not held back.
    assert_eq!(look_up(&app, "acme", "203.0.113.10", "NW-100", EMAIL).await.status(), 303);
    // The limit is in the database, where every node sees it.
    let since = Utc::now() - Duration::minutes(15);
    let bucket = &milepost::portal::lookup::buckets(
        acme.0,
        "203.0.113.9",
        "NW-1",
        &milepost::portal::lookup::Answer::parse(EMAIL).unwrap(),
    )[0]
    .0;
    assert_eq!(store::lookup_attempts_since(&app.pool, bucket, since).await.unwrap(), 20);
}

#[tokio::test]
async fn another_tenants_orders_are_never_found_through_this_tenants_page() {
    let app = app().await;
    tenant(&app.pool, "acme").await;
    let globex = tenant(&app.pool, "globex").await;
    order(&app.pool, globex, "GX-1", None).await;
    let through_acme = look_up(&app, "acme", "203.0.113.1", "GX-1", EMAIL).await;
    let miss = look_up(&app, "acme", "203.0.113.2", "GX-2", EMAIL).await;
    assert_eq!(answer(through_acme, &["GX-1", EMAIL]).await, answer(miss, &["GX-2", EMAIL]).await);
    assert_eq!(look_up(&app, "globex", "203.0.113.3", "GX-1", EMAIL).await.status(), 303);
}

#[tokio::test]
async fn a_tenant_that_prefers_email_queues_one_link_and_answers_as_for_a_miss() {
    let app = app().await;
    let acme = tenant(&app.pool, "acme").await;
    order(&app.pool, acme, "NW-100", None).await;
    store::set_lookup_sends_email(&app.pool, acme, true).await.unwrap();

    let matched = look_up(&app, "acme", "203.0.113.1", "NW-100", EMAIL).await;
    let wrong = look_up(&app, "acme", "203.0.113.2", "NW-100", "eve@example.com").await;
    let missing = look_up(&app, "acme", "203.0.113.3", "NW-404", EMAIL).await;
    let matched = answer(matched, &["NW-100", EMAIL]).await;
    assert_eq!(matched.0, 200);
    assert!(matched.3.contains("If those details match an order, we have sent a tracking link"), "{}", matched.3);
    assert_eq!(matched, answer(wrong, &["NW-100", "eve@example.com"]).await);
    assert_eq!(matched, answer(missing, &["NW-404", EMAIL]).await);

    let queued: Vec<(String, String, String)> = milepost::on_pool!(&app.pool, |c| sqlx::query_as(
        "SELECT channel, recipient, state FROM notifications WHERE trigger = 'order_lookup'"
    )
    .fetch_all(c)
    .await
    .unwrap());
    assert_eq!(queued, vec![("email".to_string(), EMAIL.to_string(), "pending".to_string())]);
    // No tracking link was handed out on the page.
    let (order, _) = store::order_owner(&app.pool, acme, "NW-100").await.unwrap().unwrap();
    assert!(store::order_tracking_links(&app.pool, order).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_not_found_page_offers_the_lookup_to_everyone_alike() {
    let app = app().await;
    let acme = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, acme, "NW-100", None).await;
    let token = milepost::auth::tracking_link::issue(&app.pool, acme, order.id, None).await.unwrap();
    // A good link to a missing file and a bad link: the same page, which
    // cannot name the tenant, so it asks which shop.
    let missing_file = app.get(&format!("/t/{}/pod/{}", token.as_str(), "0".repeat(64))).await;
    let bad_token = app.get(&format!("/t/{}", "a".repeat(43))).await;
    assert_eq!(missing_file.status(), 404);
    assert_eq!(bad_token.status(), 404);
    let body = bad_token.text().await.unwrap();
    assert_eq!(missing_file.text().await.unwrap(), body);
    assert!(body.contains("href=\"/track\""), "{body}");
    let choose = app.get("/track").await;
    assert_eq!(choose.status(), 200);
    assert!(choose.text().await.unwrap().contains("Shop code"));
    assert_eq!(location(&app.get("/track?shop=%20ACME%20").await), "/track/acme");
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    times[times.len() / 2]
}

/// The time a miss takes and the time a wrong email takes are the same
/// work; measured in alternation (so load on the machine falls on both
/// alike), their medians must lie within 25% of each other. A run is
/// repeated (up to three times) only when it fails, so a busy machine does
/// not fail the test but a steady difference does.
#[tokio::test]
async fn a_miss_and_a_wrong_email_take_the_same_time() {
    let app = app().await;
    let acme = tenant(&app.pool, "acme").await;
    const N: usize = 30;
    for i in 0..3 * N {
        order(&app.pool, acme, &format!("NW-{i}"), None).await;
    }
    // Warm up: connections, caches, the page renderer.
    for i in 0..5 {
        look_up(&app, "acme", &format!("10.9.0.{i}"), &format!("NX-{i}"), &format!("w{i}@example.com")).await;
    }
    let mut last = (0.0, 0.0);
    for round in 0..3 {
        let (mut misses, mut wrong) = (Vec::new(), Vec::new());
        for i in 0..N {
            let k = round * N + i;
            // Each try from its own address and email, so no limit is reached.
            let started = Instant::now();
            let miss =
                look_up(&app, "acme", &format!("10.1.{round}.{i}"), &format!("NO-{k}"), &format!("m{k}@example.com"))
                    .await;
            let _ = miss.bytes().await;
            misses.push(started.elapsed().as_secs_f64());
            let started = Instant::now();
            let bad =
                look_up(&app, "acme", &format!("10.2.{round}.{i}"), &format!("NW-{k}"), &format!("x{k}@example.com"))
                    .await;
            let _ = bad.bytes().await;
            wrong.push(started.elapsed().as_secs_f64());
        }
        let (a, b) = (median(misses), median(wrong));
        last = (a, b);
        if (a - b).abs() / a.max(b) < 0.25 {
            return;
        }
    }
    panic!("a miss takes {:.2} ms, a wrong email {:.2} ms (medians)", last.0 * 1e3, last.1 * 1e3);
}
