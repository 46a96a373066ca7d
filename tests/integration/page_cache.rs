//! The tracking page's short-lived cache (`live::page_cache`), on: a kept
//! page never hides a new event or outlives its link, and every answer has
//! its own CSP nonce.

use crate::common;

use chrono::Utc;
use common::*;
use milepost::auth::api_key::Scope;
use milepost::auth::tracking_link;
use serde_json::json;

fn nonce_of(response: &reqwest::Response) -> String {
    let csp = response.headers()["content-security-policy"].to_str().unwrap();
    let start = csp.find("'nonce-").unwrap() + "'nonce-".len();
    csp[start..start + csp[start..].find('\'').unwrap()].to_string()
}

#[tokio::test]
async fn a_kept_page_gets_a_new_nonce_shows_new_events_at_once_and_stops_with_its_link() {
    let app = spawn_app_with(&[("MILEPOST_PAGE_CACHE_MS", "5000")]).await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-2001", None).await;
    let key = api_key(&app.pool, tenant, &[Scope::Carrier]).await;
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap();
    let page = format!("/t/{}", token.as_str());

    let first = app.get(&page).await;
    assert_eq!(first.status(), 200);
    let first_nonce = nonce_of(&first);
    let first_html = first.text().await.unwrap();
    let second = app.get(&page).await;
    let second_nonce = nonce_of(&second);
    let second_html = second.text().await.unwrap();
    assert_ne!(first_nonce, second_nonce, "a nonce is never served twice");
    assert!(second_html.contains(&format!("nonce=\"{second_nonce}\"")), "the scripts carry the header's nonce");
    assert!(!second_html.contains(&first_nonce), "no trace of the kept page's nonce");
    assert_eq!(first_html.replace(&first_nonce, "N"), second_html.replace(&second_nonce, "N"), "the same page");

    // An event through the API reaches the hub: the next page has it.
    let posted = app
        .post(
            "/api/v1/events",
            &key,
            json!({"source": "carrier", "event_id": "c-1", "code": "OUT_FOR_DELIVERY",
                   "occurred_at": Utc::now(), "order_number": "SO-2001"}),
        )
        .await;
    assert_eq!(posted.status(), 200);
    let after = app.get(&page).await.text().await.unwrap();
    assert!(after.contains(">Out for delivery</h1>"), "the kept page was dropped at the event");

    // A revoked link stops at once, kept page or not.
    assert!(tracking_link::revoke(&app.pool, &token).await.unwrap());
    assert_eq!(app.get(&page).await.status(), 404);
}

#[tokio::test]
async fn choosing_a_language_is_never_served_to_someone_else() {
    let app = spawn_app_with(&[("MILEPOST_PAGE_CACHE_MS", "5000")]).await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-2002", None).await;
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap();
    let page = format!("/t/{}", token.as_str());
    let chosen = app.get(&format!("{page}?lang=de")).await;
    assert!(chosen.headers().contains_key("set-cookie"), "the choice is saved");
    // The next buyer, with no cookie and no choice, gets the page and no cookie.
    let plain = app.get(&page).await;
    assert!(!plain.headers().contains_key("set-cookie"));
    let again = app.get(&format!("{page}?lang=de")).await;
    assert!(again.headers().contains_key("set-cookie"), "a choice is rendered every time");
}
