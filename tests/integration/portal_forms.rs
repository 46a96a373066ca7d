//! How portal forms are read, through the real server: a field given twice
//! is refused with 422 naming it (which one was meant? refused rather than
//! guessed) and nothing is saved; a required sign-in field that is missing
//! is named; a body that is not a form keeps axum's own answer.

use crate::common;

use common::*;
use milepost::policy::Role;

struct Desk {
    app: TestApp,
    order: milepost::domain::OrderId,
    cs: Session,
    password: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let tenant = tenant(&app.pool, "acme").await;
    let order = order(&app.pool, tenant, "SO-1", None).await;
    let password = person(&app.pool, tenant, None, Role::Cs, "carla@acme.example").await;
    let cs = app.sign_in("acme", "carla@acme.example", &password).await;
    Desk { app, order: order.id, cs, password }
}

async fn refused(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn a_portal_form_field_given_twice_is_refused_naming_it_and_nothing_is_saved() {
    let d = desk().await;
    let csrf = d.cs.csrf.clone();

    let (status, body) = refused(
        d.app
            .form(Some(&d.cs), "/portal/orders/SO-1/notes", &[("csrf", &csrf), ("text", "one"), ("text", "two")])
            .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("“text”") && body.contains("more than once"), "{body}");

    // A second token cannot ride along with the right one.
    let (status, body) = refused(
        d.app
            .form(Some(&d.cs), "/portal/orders/SO-1/notes", &[("csrf", "forged"), ("csrf", &csrf), ("text", "x")])
            .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("“csrf”"), "{body}");

    // A name that is not plain is not repeated back.
    let (status, body) = refused(
        d.app
            .form(
                Some(&d.cs),
                "/portal/orders/SO-1/notes",
                &[("csrf", &csrf), ("text", "x"), ("<b>x</b>", "1"), ("<b>x</b>", "2")],
            )
            .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(!body.contains("<b>x</b>") && body.contains("A field is given more than once"), "{body}");

    assert!(milepost::store::order_audit(&d.app.pool, d.order).await.unwrap().is_empty(), "nothing was saved");

    // The same form once each is taken.
    let noted =
        d.app.form(Some(&d.cs), "/portal/orders/SO-1/notes", &[("csrf", &csrf), ("text", "customer called")]).await;
    assert_eq!(noted.status(), 303);
    assert_eq!(milepost::store::order_audit(&d.app.pool, d.order).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_sign_in_form_with_a_field_twice_or_missing_is_refused_naming_it() {
    let d = desk().await;
    let twice = d
        .app
        .form(
            None,
            "/login",
            &[("tenant", "acme"), ("email", "carla@acme.example"), ("password", "wrong"), ("password", &d.password)],
        )
        .await;
    assert!(session_from(&twice).is_none(), "no session from an ambiguous form");
    let (status, body) = refused(twice).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("“password”") && body.contains("more than once"), "{body}");

    let (status, body) =
        refused(d.app.form(None, "/login", &[("tenant", "acme"), ("email", "carla@acme.example")]).await).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("“password”") && body.contains("is missing"), "{body}");
}

#[tokio::test]
async fn a_body_that_is_not_a_form_keeps_axums_answer() {
    let d = desk().await;
    let response = d
        .app
        .client
        .post(format!("{}/portal/orders/SO-1/notes", d.app.base_url))
        .header("origin", &d.app.base_url)
        .header("cookie", &d.cs.cookie)
        .json(&serde_json::json!({ "csrf": d.cs.csrf, "text": "hello" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
}
