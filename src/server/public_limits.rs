//! The middleware in front of the public endpoints: counts each request
//! with `crate::rate_limit` and, past the limit, answers 429 with
//! `Retry-After`: problem+json to API callers, a short page to people.

use crate::auth::client_address;
use crate::rate_limit::{class_of, Class};
use crate::shell::{render, Message, Robots};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;
use std::time::Duration;

/// Middleware for the whole router: limits the requests [`class_of`] names.
/// It runs before the tracking-link gate, so guessing tokens counts too.
pub async fn public_endpoints(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match class_of(request.method(), request.uri().path()) {
        Some(class) => enforce(&state, class, request, next).await,
        None => next.run(request).await,
    }
}

/// Limits one request under `class`, for a route that [`class_of`] does
/// not know (order lookup: `route_layer(from_fn_with_state(state,
/// |State(s): State<AppState>, r: Request, n: Next| async move {
/// public_limits::enforce(&s, Class::OrderLookup, r, n).await }))`).
pub async fn enforce(state: &AppState, class: Class, request: Request, next: Next) -> Response {
    let client =
        client_address::of_request(request.extensions(), request.headers(), &state.config.limits.trusted_proxies);
    let Some(client) = client else { return next.run(request).await };
    match state.rate_limits.check(class, client) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            tracing::warn!(%client, ?class, path = request.uri().path(), "rate limited");
            too_many_requests(class, wait, request.uri().path(), request.headers())
        }
    }
}

/// The seconds a `Retry-After` header says for `wait`: whole, at least one.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// 429: problem+json for API callers and scripts asking for JSON, a page
/// for people.
pub fn too_many_requests(class: Class, wait: Duration, path: &str, headers: &HeaderMap) -> Response {
    let seconds = retry_after_seconds(wait);
    let wants_json = path.starts_with("/api/")
        || headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("json"));
    let mut response = if wants_json {
        crate::api::problem::Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!("Too many requests from your address; try again in {seconds} seconds."),
        )
        .into_response()
    } else {
        let when =
            if seconds <= 90 { "in a minute".to_string() } else { format!("in {} minutes", seconds.div_ceil(60)) };
        let (title, text, back_to_sign_in) = match class {
            Class::SignIn | Class::SignInLink | Class::SignInCode => (
                "Too many attempts",
                format!("There have been too many sign-in attempts from your network. Please try again {when}."),
                true,
            ),
            Class::Tracking | Class::OrderLookup => (
                "Please slow down",
                format!("We've had a lot of requests from your network. Please try again {when}."),
                false,
            ),
        };
        let page = render(title, Robots::NoIndex, move || {
            view! {
                <Message title=title>
                    <p class="mt-4">{text}</p>
                    {back_to_sign_in.then(|| view! {
                        <p class="mt-4"><a class="underline" href="/login">"Back to sign-in"</a></p>
                    })}
                </Message>
            }
        });
        (StatusCode::TOO_MANY_REQUESTS, Html(page)).into_response()
    };
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
        assert_eq!(retry_after_seconds(Duration::from_secs(3)), 3);
        assert_eq!(retry_after_seconds(Duration::from_millis(3001)), 4);
    }

    fn shell_body(response: Response) -> String {
        let bytes = futures::executor::block_on(axum::body::to_bytes(response.into_body(), usize::MAX)).unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn people_get_a_page_and_programs_a_problem() {
        let page = too_many_requests(Class::SignIn, Duration::from_secs(30), "/login", &HeaderMap::new());
        assert_eq!(page.status(), 429);
        assert_eq!(page.headers()[header::RETRY_AFTER], "30");
        assert!(page.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
        let body = shell_body(page);
        assert!(body.contains("<h1 class=\"text-2xl font-semibold\">Too many attempts</h1>"), "{body}");
        assert!(body.contains("href=\"/login\"") && body.contains("data-testid=\"brand\""), "{body}");
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let problem = too_many_requests(Class::OrderLookup, Duration::from_secs(120), "/lookup", &headers);
        assert_eq!(problem.headers()[header::CONTENT_TYPE], "application/problem+json");
        assert_eq!(problem.headers()[header::RETRY_AFTER], "120");
    }
}
