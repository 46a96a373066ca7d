//! The buyer's language (issue 17): chosen from the page, the saved
//! choice, `Accept-Language` and the tenant's default; the same on the
//! live stream, in the lookup page, in notifications; set per tenant.

use crate::common;

use chrono::Utc;
use common::*;
use milepost::auth::api_key::Scope;
use milepost::auth::tracking_link;
use milepost::domain::language::Language;
use milepost::store;
use serde_json::{json, Value};
use std::time::Duration as StdDuration;

struct Shop {
    app: TestApp,
    token: String,
    key: String,
}

/// An order out for delivery, with a tracking link.
async fn shop() -> Shop {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let shipment = shipment(&app.pool, order.id, "1Z1", vec![(order.lines[0], 1)]).await;
    let at = Utc::now() - chrono::Duration::hours(1);
    store::append(&app.pool, tenant, order.id, &[event("carrier", "OUT_FOR_DELIVERY", "e-1", at, Some(shipment))])
        .await
        .unwrap();
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap().as_str().to_string();
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    Shop { app, token, key }
}

async fn page(s: &Shop, query: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = s.app.client.get(format!("{}/t/{}{query}", s.app.base_url, s.token));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn html_tag(html: &str) -> &str {
    let start = html.find("<html").unwrap();
    &html[start..start + html[start..].find('>').unwrap()]
}

#[tokio::test]
async fn the_page_speaks_the_browsers_language_and_remembers_a_choice() {
    let s = shop().await;
    let english = page(&s, "", &[]).await.text().await.unwrap();
    assert!(html_tag(&english).contains(r#"lang="en""#), "{}", html_tag(&english));
    assert!(english.contains("Out for delivery"));

    let spanish = page(&s, "", &[("accept-language", "ja, es;q=0.8")]).await.text().await.unwrap();
    assert!(html_tag(&spanish).contains(r#"lang="es""#), "{}", html_tag(&spanish));
    assert!(!spanish.contains(">Out for delivery<"), "the headline is Spanish");

    // A choice on the page wins over the browser, and is saved.
    let chosen = page(&s, "?lang=ar", &[("accept-language", "es")]).await;
    let cookie = chosen.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("milepost_lang=ar;") && cookie.contains("HttpOnly"), "{cookie}");
    let arabic = chosen.text().await.unwrap();
    let tag = html_tag(&arabic);
    assert!(tag.contains(r#"lang="ar""#) && tag.contains(r#"dir="rtl""#), "{tag}");
    assert_eq!(tag.matches("lang=").count(), 1, "one lang attribute: {tag}");
    let saved = page(&s, "", &[("accept-language", "es"), ("cookie", "milepost_lang=ar")]).await.text().await.unwrap();
    assert!(html_tag(&saved).contains(r#"lang="ar""#));
    // Nonsense in the query is no language: the browser's counts.
    let nonsense = page(&s, "?lang=%3Cscript%3E", &[("accept-language", "de")]).await.text().await.unwrap();
    assert!(html_tag(&nonsense).contains(r#"lang="de""#));
}

#[tokio::test]
async fn every_language_renders_the_page_with_its_direction() {
    let s = shop().await;
    let english = page(&s, "?lang=en", &[]).await.text().await.unwrap();
    for language in Language::ALL {
        let html = page(&s, &format!("?lang={language}"), &[]).await.text().await.unwrap();
        let tag = html_tag(&html);
        assert!(tag.contains(&format!(r#"lang="{language}""#)), "{tag}");
        assert!(tag.contains(&format!(r#"dir="{}""#, language.direction().attribute())), "{tag}");
        let headline = |html: &str| {
            html.split(r#"data-testid="headline""#).nth(1).map(|h| h[..h.find("</h1>").unwrap()].to_string())
        };
        if language != Language::English {
            assert_ne!(headline(&html), headline(&english), "{language} has its own headline");
        }
    }
}

#[tokio::test]
async fn a_tenant_sets_its_default_and_offered_languages() {
    let s = shop().await;
    let settings: Value =
        s.app.send(reqwest::Method::GET, "/api/v1/language-settings", &s.key, None).await.json().await.unwrap();
    assert_eq!(settings["default_language"], "en");
    assert_eq!(settings["offered_languages"].as_array().unwrap().len(), 6);

    let put = s
        .app
        .put("/api/v1/language-settings", &s.key, json!({"default_language": "fr", "offered_languages": ["de"]}))
        .await;
    assert_eq!(put.status(), 200);
    let body: Value = put.json().await.unwrap();
    assert_eq!(body["offered_languages"], json!(["fr", "de"]), "the default is always offered");

    // Not offered: Arabic from the browser or the link falls to the default.
    let html = page(&s, "?lang=ar", &[("accept-language", "ar")]).await.text().await.unwrap();
    assert!(html_tag(&html).contains(r#"lang="fr""#), "{}", html_tag(&html));
    let html = page(&s, "", &[("accept-language", "de-AT")]).await.text().await.unwrap();
    assert!(html_tag(&html).contains(r#"lang="de""#));

    let bad = s
        .app
        .put("/api/v1/language-settings", &s.key, json!({"default_language": "xx", "offered_languages": []}))
        .await;
    assert_eq!(bad.status(), 422);
    let problem: Value = bad.json().await.unwrap();
    assert!(problem.to_string().contains("default_language"), "{problem}");
    let seven = json!({"default_language": "en", "offered_languages": ["en", "es", "fr", "de", "pt-BR", "ar", "en"]});
    let bad = s.app.put("/api/v1/language-settings", &s.key, seven).await;
    assert_eq!(bad.status(), 422);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "offered_languages", "{problem}");
    let twice = json!({"default_language": "es", "offered_languages": ["fr", "es", "fr"]});
    let settings: Value = s.app.put("/api/v1/language-settings", &s.key, twice).await.json().await.unwrap();
    assert_eq!(settings["offered_languages"], json!(["es", "fr"]), "each language once");
}

#[tokio::test]
async fn the_live_stream_speaks_the_pages_language() {
    let s = shop().await;
    let stream = |lang: &'static str| {
        let url = format!("{}/t/{}/events?after=0&lang={lang}", s.app.base_url, s.token);
        let client = s.app.client.clone();
        async move { SseReader::new(client.get(url).send().await.unwrap()) }
    };
    let mut german = stream("de").await;
    let mut english = stream("en").await;
    let view = |m: common::SseMessage| serde_json::from_str::<Value>(&m.data).unwrap();
    let de = view(german.next(StdDuration::from_secs(5)).await.unwrap());
    let en = view(english.next(StdDuration::from_secs(5)).await.unwrap());
    assert_eq!(en["headline"], "Out for delivery");
    assert_ne!(de["headline"], en["headline"]);
    assert_eq!(de["last_event_id"], en["last_event_id"]);
}

#[tokio::test]
async fn the_lookup_page_speaks_the_buyers_language() {
    let s = shop().await;
    let html = s
        .app
        .client
        .get(format!("{}/track/acme", s.app.base_url))
        .header("accept-language", "pt-BR,pt;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html_tag(&html).contains(r#"lang="pt-BR""#), "{}", html_tag(&html));
    assert!(!html.contains("Find my order"), "the button is Portuguese");
    assert!(html.contains(r#"name="lang" value="pt-BR""#), "the form keeps the language for its answer");
}

#[test]
fn a_notification_speaks_the_language_the_buyer_signed_up_in() {
    let n = |language| due_email("SO-1", "Acme", language);
    let from: lettre::Address = "notifications@milepost.localhost".parse().unwrap();
    let raw = |language| {
        let message =
            milepost::notify::email::compose(&n(language), "https://t.example/t/x", None, None, &from).unwrap();
        String::from_utf8(message.formatted()).unwrap()
    };
    let english = raw(Language::English);
    assert!(english.contains("Subject: Your order SO-1 was delivered"), "{english}");
    let german = raw(Language::German);
    assert!(!german.contains("Subject: Your order SO-1 was delivered"), "{german}");
    assert!(german.contains("lang=3D\"de\"") || german.contains("lang=\"de\""), "the HTML part says its language");
}
