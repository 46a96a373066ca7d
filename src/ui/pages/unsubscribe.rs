//! `/unsubscribe/{token}`: the link in every message. GET asks (mail
//! scanners follow links, and must not unsubscribe anyone); POST, from the
//! page's button or the mail client's one-click (RFC 8058), does it.
//! Pages of their own (`shell::render`): nothing here needs the app.

use crate::domain::language::{Language, LanguageOffer};
use crate::i18n::{negotiate, Translator};
use crate::shell::{render_in, Message, PageLanguage, Robots};
use crate::state::AppState;
use crate::store;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;

/// The link names no tenant until it is looked up, so the page speaks what
/// the browser asks for (or the language saved on a tracking page).
fn translator(headers: &HeaderMap) -> Translator {
    let every = LanguageOffer::new(Language::English, &Language::ALL);
    Translator::new(negotiate(&every, None, headers), "")
}

fn page(status: StatusCode, t: &Translator, title: &str, text: String, form: Option<String>) -> Response {
    let heading = t.text(title);
    let button = t.text("unsubscribe-button");
    let language = t.language();
    let page_language = PageLanguage { lang: language.tag(), dir: language.direction().attribute() };
    let html = render_in(page_language, &heading.clone(), Robots::NoIndex, move || {
        view! {
            <Message title=heading>
                <p class="mt-4 text-slate-700">{text}</p>
                {form.map(|action| view! {
                    <form method="post" action=action>
                        <button type="submit" class="mt-6 rounded bg-[var(--brand)] px-4 py-2 font-medium text-[var(--brand-text)]">
                            {button}
                        </button>
                    </form>
                })}
            </Message>
        }
    });
    (status, Html(html)).into_response()
}

fn not_recognised(t: &Translator) -> Response {
    page(StatusCode::NOT_FOUND, t, "unsubscribe-unknown-title", t.text("unsubscribe-unknown-text"), None)
}

fn valid(token: &str) -> bool {
    token.len() <= 64 && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub async fn ask(Path(token): Path<String>, headers: HeaderMap) -> Response {
    let t = translator(&headers);
    if !valid(&token) {
        return not_recognised(&t);
    }
    page(
        StatusCode::OK,
        &t,
        "unsubscribe-ask-title",
        t.text("unsubscribe-ask-text"),
        Some(format!("/unsubscribe/{token}")),
    )
}

pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let t = translator(&headers);
    if !valid(&token) {
        return not_recognised(&t);
    }
    match store::unsubscribe(&state.pool, &token).await {
        Ok(Some(order)) => page(
            StatusCode::OK,
            &t,
            "unsubscribe-done-title",
            t.with("unsubscribe-done-text", &[("number", order.into())]),
            None,
        ),
        Ok(None) => not_recognised(&t),
        Err(e) => {
            tracing::error!("unsubscribe: {e}");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                &t,
                "unsubscribe-failed-title",
                t.text("unsubscribe-failed-text"),
                None,
            )
        }
    }
}
