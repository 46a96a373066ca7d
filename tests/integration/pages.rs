//! One way to render HTML (issue 15): every page, the ones a handler
//! answers with on its own included, is the same document shell with the
//! stylesheet, the referrer policy and the brand, and carries nothing its
//! Content-Security-Policy blocks: no inline style, no script without the
//! policy's nonce.

use crate::common;

use common::*;
use milepost::auth::api_key::Scope;
use milepost::on_pool;
use serde_json::json;

/// What every page shares, and that its policy admits everything on it.
async fn assert_one_shell(what: &str, response: reqwest::Response) -> String {
    let policy = response
        .headers()
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"))
        .to_str()
        .unwrap()
        .to_string();
    let html = response.text().await.unwrap();
    for shared in [
        "<!DOCTYPE html><html lang=\"en\" dir=\"ltr\"><head><meta charset=\"utf-8\">",
        "<meta name=\"referrer\" content=\"no-referrer\">",
        "<link rel=\"stylesheet\" href=\"/pkg/milepost.css\">",
        "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">",
        "<body class=\"min-h-screen bg-slate-50 text-slate-900 antialiased\">",
        "data-testid=\"brand\"",
    ] {
        assert!(html.contains(shared), "{what} lacks {shared}: {html}");
    }
    // Styles come from the stylesheet only: the policy may forbid inline ones.
    assert!(!html.contains(" style=") && !html.contains("<style"), "{what} has inline style: {html}");
    // Every script carries the nonce the policy names.
    for script in html.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap();
        let nonce = tag.split("nonce=\"").nth(1).map(|rest| rest.split('"').next().unwrap());
        let nonce = nonce.unwrap_or_else(|| panic!("{what}: a script without a nonce: <script{tag}>"));
        assert!(policy.contains(&format!("'nonce-{nonce}'")), "{what}: nonce {nonce} not in {policy}");
    }
    html
}

#[tokio::test]
async fn not_found_pages_for_links_paths_and_files_are_the_same_branded_page() {
    let app = spawn_app().await;
    let bad_link = app.get(&format!("/t/{}", "x".repeat(43))).await;
    assert_eq!(bad_link.status(), 404);
    let bad_link = assert_one_shell("a bad tracking link", bad_link).await;
    assert!(bad_link.contains("<title>Tracking link not found</title>"), "{bad_link}");
    assert!(bad_link.contains("<meta name=\"robots\" content=\"noindex\">"), "{bad_link}");
    assert!(!bad_link.contains("<script"), "a page of its own needs no script: {bad_link}");

    let unknown_path = app.get("/no/such/page").await;
    assert_eq!(unknown_path.status(), 404);
    let unknown_path = assert_one_shell("an unknown path", unknown_path).await;
    assert!(unknown_path.contains("<title>Page not found</title>"), "{unknown_path}");
    assert!(!unknown_path.contains("<script"), "nothing to hydrate on a not-found page: {unknown_path}");
    // A path under the site's files that is none of them: the same page.
    let missing_file = app.get("/pkg/no-such-file.js").await;
    assert_eq!(missing_file.status(), 404);
    assert_eq!(assert_one_shell("a missing file", missing_file).await, unknown_path);
    // The same words and brand, whichever part of the server answered.
    let main = |html: &str| html.split("<header").nth(1).unwrap().split("</main>").next().unwrap().to_string();
    assert_eq!(main(&bad_link), main(&unknown_path));
}

#[tokio::test]
async fn the_unsubscribe_pages_are_styled_under_the_strict_policy() {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let key = api_key(&app.pool, tenant, &[Scope::Admin]).await;
    let order = json!({
        "contact": {"name": "Robin", "email": "robin@example.com"},
        "ship_to": {"name": "Robin", "line1": "5 Elm St", "city": "Austin", "postcode": "78701", "country": "US", "time_zone": "America/Chicago"},
        "lines": [{"sku": "A-1", "description": "Anvil", "quantity": 1}]
    });
    assert_eq!(app.put("/api/v1/orders/SO-%3C1%3E", &key, order).await.status(), 201);
    let token: String =
        on_pool!(&app.pool, |c| sqlx::query_scalar("SELECT unsubscribe_token FROM notification_subscriptions")
            .fetch_one(c)
            .await
            .unwrap());

    let ask = app.get(&format!("/unsubscribe/{token}")).await;
    assert_eq!(ask.status(), 200);
    // Nothing inline, so nothing for this policy to block.
    let policy = ask.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(policy.contains("style-src 'self';") && !policy.contains("unsafe-inline"), "{policy}");
    let ask = assert_one_shell("the unsubscribe question", ask).await;
    assert!(ask.contains(&format!("<form method=\"post\" action=\"/unsubscribe/{token}\">")), "{ask}");
    assert!(ask.contains("<button type=\"submit\" class=\""), "the button is styled by class: {ask}");

    let done = app.client.post(format!("{}/unsubscribe/{token}", app.base_url)).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let done = assert_one_shell("the unsubscribe answer", done).await;
    // The order number is the partner's text: shown as text.
    assert!(done.contains("You will get no more updates about order SO-&lt;1&gt;."), "{done}");

    let unknown = app.client.post(format!("{}/unsubscribe/nope", app.base_url)).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    let unknown = assert_one_shell("an unknown unsubscribe link", unknown).await;
    assert!(unknown.contains("This unsubscribe link is not valid."), "{unknown}");
}

#[tokio::test]
async fn the_api_reference_and_the_too_many_requests_page_share_the_shell() {
    let app = spawn_app_with(&[("MILEPOST_RATE_LIMIT_TRACKING", "1,1")]).await;
    let reference = app.get("/api/docs").await;
    assert_eq!(reference.status(), 200);
    let reference = assert_one_shell("the API reference", reference).await;
    assert!(reference.contains("<title>Milepost API reference</title>"), "{reference}");
    assert!(reference.contains("<a href=\"#schema-Problem\">Problem</a>"), "schemas are linked: {reference}");

    let path = format!("/t/{}", "x".repeat(43));
    assert_eq!(app.get(&path).await.status(), 404);
    let limited = app.get(&path).await;
    assert_eq!(limited.status(), 429);
    let limited = assert_one_shell("too many requests", limited).await;
    assert!(limited.contains("Please slow down"), "{limited}");
}
