//! Serves `GET /t/{token}` from `live::page_cache` while the page is fresh
//! (see there for what that means), and keeps what the renderer answered.
//! Inside the tracking-link gate: the link is resolved on every request,
//! so a revoked or expired link stops working at once.

use crate::live::page_cache::{csp_nonce, CachedPage, PageKey};
use crate::state::AppState;
use crate::store::TrackingLinkTarget;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// A tracking page is some 30 KB; anything far larger is not kept.
const MAX_PAGE_BYTES: usize = 1 << 20;

pub async fn tracking_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let target = request.extensions().get::<TrackingLinkTarget>().copied();
    let cacheable = request.method() == Method::GET && is_tracking_page(request.uri().path());
    let (Some(target), true) = (target, cacheable) else {
        return next.run(request).await;
    };
    // Choosing a language sets a cookie: that answer is the chooser's alone.
    if request.uri().query().is_some_and(|q| q.split('&').any(|pair| pair.starts_with("lang="))) {
        return next.run(request).await;
    }
    let key = PageKey {
        path_and_query: request.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default(),
        accept_language: request.headers().get(header::ACCEPT_LANGUAGE).cloned(),
        cookie: request.headers().get(header::COOKIE).cloned(),
    };
    if let Some(page) = state.page_cache.get(&key, &state.hub) {
        // Counted as the renderer counts it (WISMO on the KPI dashboard).
        crate::kpis::record(&state, target.tenant, Some(target.order), crate::store::kpis::Signal::PageView);
        return page.serve_with_new_nonce();
    }
    let rendered_from = Instant::now();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let Some(nonce) = csp_nonce(response.headers()) else {
        return response;
    };
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            tracing::warn!(error = %e, "a tracking page could not be read whole; answered with an error page");
            return crate::server::tracking_unavailable();
        }
    };
    state.page_cache.put(
        key,
        CachedPage { order: target.order, rendered_from, headers: parts.headers.clone(), body: body.clone(), nonce },
    );
    Response::from_parts(parts, Body::from(body))
}

/// `/t/{token}` itself, not its event stream, files or forms.
fn is_tracking_page(path: &str) -> bool {
    path.strip_prefix("/t/").is_some_and(|token| !token.is_empty() && !token.contains('/'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_page_itself_is_cached() {
        assert!(super::is_tracking_page("/t/abc"));
        assert!(!super::is_tracking_page("/t/abc/events"));
        assert!(!super::is_tracking_page("/t/"));
        assert!(!super::is_tracking_page("/portal"));
    }
}
