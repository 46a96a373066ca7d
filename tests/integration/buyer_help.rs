//! Help where the buyer looks (issue 17 item 3): the carrier's own pages
//! for the parcel, and requests that reach customer service as notes.

use crate::common;

use chrono::Utc;
use common::*;
use milepost::auth::api_key::Scope;
use milepost::auth::tracking_link;
use milepost::store;
use serde_json::Value;

struct Parcel {
    app: TestApp,
    token: String,
    key: String,
}

/// A UPS parcel whose delivery attempt failed.
async fn failed_attempt() -> Parcel {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let shipment = shipment(&app.pool, order.id, "1Z999AA10123456784", vec![(order.lines[0], 1)]).await;
    let at = Utc::now() - chrono::Duration::hours(2);
    let events = [
        event("carrier", "OUT_FOR_DELIVERY", "e-1", at, Some(shipment)),
        event("carrier", "FAILED_ATTEMPT", "e-2", at + chrono::Duration::hours(1), Some(shipment)),
    ];
    store::append(&app.pool, tenant, order.id, &events).await.unwrap();
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap().as_str().to_string();
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    Parcel { app, token, key }
}

async fn request(p: &Parcel, fields: &[(&str, &str)]) -> reqwest::Response {
    p.app.client.post(format!("{}/t/{}/requests", p.app.base_url, p.token)).form(fields).send().await.unwrap()
}

async fn notes(p: &Parcel) -> Vec<Value> {
    let order: Value =
        p.app.send(reqwest::Method::GET, "/api/v1/orders/SO-1", &p.key, None).await.json().await.unwrap();
    order["events"].as_array().unwrap().iter().filter(|e| e["source"] == "buyer").cloned().collect()
}

#[tokio::test]
async fn a_failed_attempt_links_to_the_carriers_own_pages() {
    let p = failed_attempt().await;
    let html = p.app.get(&format!("/t/{}", p.token)).await.text().await.unwrap();
    assert!(html.contains(r#"href="https://www.ups.com/track?tracknum=1Z999AA10123456784""#), "carrier tracking link");
    assert!(html.contains(r#"data-testid="change-delivery""#), "redelivery options after the failed attempt");
    assert!(html.contains(r#"data-testid="copy-tracking-number""#));
    // Help sits under the headline, before the timeline.
    let help = html.find(r#"data-testid="help""#).unwrap();
    assert!(help < html.find(r#"data-testid="timeline""#).unwrap());
}

#[tokio::test]
async fn a_buyers_request_reaches_customer_service_as_a_note() {
    let p = failed_attempt().await;
    let sent = request(
        &p,
        &[("kind", "delivery_instructions"), ("text", "Leave it with the neighbour at 12"), ("lang", "es")],
    )
    .await;
    assert_eq!(sent.status(), 303);
    let location = sent.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("/t/{}?request=sent&lang=es#help", p.token));
    let notes = notes(&p).await;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["milestone"], "note");
    assert_eq!(notes[0]["customer_visible"], false, "for customer service, not the buyer's timeline");
    assert_eq!(notes[0]["details"]["request"], "delivery_instructions");
    assert_eq!(notes[0]["details"]["text"], "Leave it with the neighbour at 12");

    let page = p.app.get(&location.replace("#help", "")).await.text().await.unwrap();
    assert!(page.contains(r#"data-testid="request-outcome""#));

    // Nothing to send is refused, and nothing is recorded.
    let empty = request(&p, &[("kind", "problem"), ("text", "   ")]).await;
    assert!(empty.headers()["location"].to_str().unwrap().contains("request=empty"));
    let unknown = request(&p, &[("kind", "refund_now"), ("text", "hi")]).await;
    assert!(unknown.headers()["location"].to_str().unwrap().contains("request=empty"));
    assert_eq!(self::notes(&p).await.len(), 1);
}

#[tokio::test]
async fn requests_are_limited_per_order_per_day() {
    let p = failed_attempt().await;
    for i in 0..5 {
        let sent = request(&p, &[("kind", "problem"), ("text", &format!("message {i}"))]).await;
        assert!(sent.headers()["location"].to_str().unwrap().contains("request=sent"));
    }
    let sixth = request(&p, &[("kind", "problem"), ("text", "one more")]).await;
    assert!(sixth.headers()["location"].to_str().unwrap().contains("request=limited"));
    assert_eq!(notes(&p).await.len(), 5);
    // A bad link is the same 404 as everywhere under /t/.
    let stranger = p
        .app
        .client
        .post(format!("{}/t/not-a-token/requests", p.app.base_url))
        .form(&[("kind", "problem"), ("text", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 404);
}
