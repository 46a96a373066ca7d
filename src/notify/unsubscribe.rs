//! `/unsubscribe/{token}`: the link in every message. GET asks (mail
//! scanners follow links, and must not unsubscribe anyone); POST, from the
//! page's button or the mail client's one-click (RFC 8058), does it.

use crate::html::escape;
use crate::state::AppState;
use crate::store;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title}</title></head>\
         <body style=\"font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem\">\
         <h1 style=\"font-size:1.5rem\">{title}</h1>{body}</body></html>"
    );
    (status, Html(html)).into_response()
}

fn valid(token: &str) -> bool {
    token.len() <= 64 && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub async fn ask(Path(token): Path<String>) -> Response {
    if !valid(&token) {
        return page(StatusCode::NOT_FOUND, "Link not recognised", "<p>This unsubscribe link is not valid.</p>");
    }
    page(
        StatusCode::OK,
        "Stop updates about this order?",
        &format!(
            "<p>You will get no more emails or texts about this order.</p>\
             <form method=\"post\" action=\"/unsubscribe/{token}\"><button type=\"submit\" \
             style=\"padding:.5rem 1rem\">Unsubscribe</button></form>"
        ),
    )
}

pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    if !valid(&token) {
        return page(StatusCode::NOT_FOUND, "Link not recognised", "<p>This unsubscribe link is not valid.</p>");
    }
    match store::unsubscribe(&state.pool, &token).await {
        Ok(Some(order)) => page(
            StatusCode::OK,
            "You are unsubscribed",
            &format!("<p>You will get no more updates about order {}.</p>", escape(&order)),
        ),
        Ok(None) => page(StatusCode::NOT_FOUND, "Link not recognised", "<p>This unsubscribe link is not valid.</p>"),
        Err(e) => {
            tracing::error!("unsubscribe: {e}");
            page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "<p>Please try the link again later.</p>")
        }
    }
}
