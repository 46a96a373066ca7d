//! `/unsubscribe/{token}`: the link in every message. GET asks (mail
//! scanners follow links, and must not unsubscribe anyone); POST, from the
//! page's button or the mail client's one-click (RFC 8058), does it.
//! Pages of their own (`shell::render`): nothing here needs the app.

use crate::shell::{render, Message, Robots};
use crate::state::AppState;
use crate::store;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;

fn page(status: StatusCode, title: &str, text: String, form: Option<String>) -> Response {
    let heading = title.to_string();
    let html = render(title, Robots::NoIndex, move || {
        view! {
            <Message title=heading>
                <p class="mt-4 text-slate-700">{text}</p>
                {form.map(|action| view! {
                    <form method="post" action=action>
                        <button type="submit" class="mt-6 rounded bg-[var(--brand)] px-4 py-2 font-medium text-[var(--brand-text)]">
                            "Unsubscribe"
                        </button>
                    </form>
                })}
            </Message>
        }
    });
    (status, Html(html)).into_response()
}

fn not_recognised() -> Response {
    page(StatusCode::NOT_FOUND, "Link not recognised", "This unsubscribe link is not valid.".into(), None)
}

fn valid(token: &str) -> bool {
    token.len() <= 64 && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub async fn ask(Path(token): Path<String>) -> Response {
    if !valid(&token) {
        return not_recognised();
    }
    page(
        StatusCode::OK,
        "Stop updates about this order?",
        "You will get no more emails or texts about this order.".into(),
        Some(format!("/unsubscribe/{token}")),
    )
}

pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if !valid(&token) {
        return not_recognised();
    }
    match store::unsubscribe(&state.pool, &token).await {
        Ok(Some(order)) => page(
            StatusCode::OK,
            "You are unsubscribed",
            format!("You will get no more updates about order {order}."),
            None,
        ),
        Ok(None) => not_recognised(),
        Err(e) => {
            tracing::error!("unsubscribe: {e}");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Please try the link again later.".into(),
                None,
            )
        }
    }
}
