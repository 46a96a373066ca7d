//! Page weight (issue 17 item 7), as the server sends it: static files in
//! the form the build precompressed, with a cache policy and answers to
//! conditional requests; pages and JSON compressed on the fly; event
//! streams never (a compressor would hold back each message).

use crate::common;

use common::*;
use milepost::auth::tracking_link;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, IF_MODIFIED_SINCE, LAST_MODIFIED, VARY};

const STYLESHEET: &str = "body { color: #0f172a; }\n";

/// A site root as cargo-leptos leaves it after `--precompress`.
fn built_site() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let pkg = root.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("milepost.css"), STYLESHEET).unwrap();
    std::fs::write(pkg.join("milepost.css.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("milepost.css.gz"), b"gzip bytes").unwrap();
    std::fs::write(root.path().join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    root
}

async fn get(app: &TestApp, path: &str, headers: &[(reqwest::header::HeaderName, &str)]) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.base_url));
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn static_files_come_precompressed_with_a_cache_policy_and_revalidate() {
    let site = built_site();
    let app = spawn_app_with(&[("MILEPOST_SITE_ROOT", site.path().to_str().unwrap())]).await;

    let brotli = get(&app, "/pkg/milepost.css", &[(ACCEPT_ENCODING, "gzip, deflate, br")]).await;
    assert_eq!(brotli.status(), 200);
    assert_eq!(brotli.headers()[CONTENT_ENCODING], "br");
    assert_eq!(brotli.headers()[VARY], "accept-encoding");
    // Not hashed (no hash.txt beside a test binary): asked about every time.
    assert_eq!(brotli.headers()[CACHE_CONTROL], "no-cache");
    let last_modified = brotli.headers()[LAST_MODIFIED].to_str().unwrap().to_string();
    assert_eq!(brotli.text().await.unwrap(), "brotli bytes");

    let gzip = get(&app, "/pkg/milepost.css", &[(ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(gzip.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(gzip.text().await.unwrap(), "gzip bytes");

    let plain = get(&app, "/pkg/milepost.css", &[]).await;
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(plain.text().await.unwrap(), STYLESHEET);

    let unchanged = get(&app, "/pkg/milepost.css", &[(IF_MODIFIED_SINCE, &last_modified)]).await;
    assert_eq!(unchanged.status(), 304);
    assert!(unchanged.bytes().await.unwrap().is_empty());

    let icon = get(&app, "/favicon.svg", &[]).await;
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()[CACHE_CONTROL], "public, max-age=3600");

    // What is not a file is the app's not-found page, not an empty 404.
    let missing = get(&app, "/pkg/no-such-file.js", &[]).await;
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("<!DOCTYPE html>"));
}

#[tokio::test]
async fn pages_and_json_are_compressed_and_event_streams_are_not() {
    let app = spawn_app().await;
    let page = get(&app, "/status-dictionary", &[(ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(&page.bytes().await.unwrap()[..2], &[0x1f, 0x8b], "a gzip stream");

    let api = get(&app, "/api/openapi.json", &[(ACCEPT_ENCODING, "br")]).await;
    assert_eq!(api.headers()[CONTENT_ENCODING], "br");

    let identity = get(&app, "/status-dictionary", &[]).await;
    assert!(identity.headers().get(CONTENT_ENCODING).is_none());
    assert!(identity.text().await.unwrap().contains("<!DOCTYPE html>"));

    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let token = tracking_link::issue(&app.pool, tenant, order.id, None).await.unwrap();
    let stream = get(&app, &format!("/t/{}/events", token.as_str()), &[(ACCEPT_ENCODING, "gzip, br")]).await;
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    assert!(stream.headers().get(CONTENT_ENCODING).is_none(), "each message must go out as it is sent");
}
