//! Assembles the HTTP server: Leptos pages, static files, security headers,
//! graceful shutdown.

mod page_cache;
mod public_limits;

use crate::auth::tracking_link;
use crate::shell::{render, Robots};
use crate::state::AppState;
use crate::ui::app::{shell, App};
use crate::ui::pages::{not_found::NotFound, unavailable::Unavailable, unsubscribe};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::{provide_context, view};
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::OnceLock;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;

mod connections;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let shell_options = state.leptos_options.clone();
    Router::new()
        .nest("/api/v1", crate::api::router(state.clone()))
        .merge(crate::portal::router())
        .route("/portal/dashboard/csv/{table}", get(crate::api::kpis::portal_csv))
        .route("/api/openapi.json", get(crate::api::docs::openapi_json))
        .route("/api/docs", get(crate::api::docs::reference_page))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/t/{token}/events", get(crate::api::tracking_stream::tracking_stream))
        .route("/t/{token}/pod/{sha256}", get(tracking_pod_file))
        .route("/t/{token}/pod-pdf/{shipment}", get(tracking_pod_pdf))
        .route("/t/{token}/requests", axum::routing::post(crate::ui::pages::buyer_request::send))
        .route(
            "/t/{token}/returns",
            axum::routing::post(crate::ui::pages::buyer_return::send)
                .layer(axum::extract::DefaultBodyLimit::max(crate::returns::MAX_REQUEST_BODY)),
        )
        .route("/t/{token}/returns/{rma}/label.pdf", get(crate::ui::pages::buyer_return::label))
        .route("/unsubscribe/{token}", get(unsubscribe::ask).post(unsubscribe::confirm))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                leptos::nonce::provide_nonce();
            },
            move || page_shell(shell_options.clone()),
        )
        .fallback(static_file_or_not_found)
        .layer(middleware::from_fn_with_state(state.clone(), page_cache::tracking_pages))
        .layer(middleware::from_fn_with_state(state.clone(), tracking_link_gate))
        // Outside the gate: guessing tracking tokens counts against the limit.
        .layer(middleware::from_fn_with_state(state.clone(), public_limits::public_endpoints))
        .layer(middleware::from_fn(crate::portal::same_origin_only))
        .layer(middleware::from_fn(security_headers))
        // Pages and JSON compressed as they go (brotli at nginx's on-the-fly
        // quality, or gzip); static files were compressed at build time, and
        // the default predicate leaves event streams, images and what already
        // has an encoding alone.
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("application/zip"))
                    .and(NotForContentType::const_new("application/pdf")),
            ),
        )
        .with_state(state)
}

/// A file of the built site (the wasm, its JS, the stylesheet, Leaflet,
/// logos), in its precompressed form when the browser takes one, with its
/// cache policy and answers to conditional requests; anything else is the
/// app's not-found page.
async fn static_file_or_not_found(State(state): State<AppState>, request: Request) -> Response {
    use tower::ServiceExt;
    let (parts, _) = request.into_parts();
    // Most misses (a mistyped link, a scanner) name nothing on disk: no
    // trip to the blocking pool for them.
    if !state.site.may_serve(parts.uri.path()) {
        return page_not_found();
    }
    let mut probe = Request::new(axum::body::Body::empty());
    *probe.method_mut() = parts.method.clone();
    *probe.uri_mut() = parts.uri.clone();
    *probe.headers_mut() = parts.headers.clone();
    let files = tower_http::services::ServeDir::new(&*state.leptos_options.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    let Ok(mut response) = files.oneshot(probe).await;
    if matches!(response.status(), StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED) {
        return page_not_found();
    }
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(state.site.cache_control(parts.uri.path())));
    // The same URL answers brotli, gzip or plain bytes: caches must keep them apart.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response.map(axum::body::Body::new)
}

/// A proof-of-delivery image of the tracking link's own order (the gate has
/// checked the token); anything else is the same 404 as a bad token.
async fn tracking_pod_file(
    State(state): State<AppState>,
    axum::Extension(target): axum::Extension<crate::store::TrackingLinkTarget>,
    axum::extract::Path((_, sha256)): axum::extract::Path<(String, String)>,
) -> Response {
    let pods = match crate::store::order_pods(&state.pool, target.tenant, target.order).await {
        Ok(pods) => pods,
        Err(e) => {
            tracing::error!(error = %e, "loading proofs of delivery failed");
            return tracking_unavailable();
        }
    };
    let Some(file) = pods.iter().flat_map(|p| &p.files).find(|f| f.sha256 == sha256) else {
        return tracking_not_found();
    };
    crate::api::pod::file_response(&state, file, None).await.unwrap_or_else(|()| tracking_unavailable())
}

/// The proof-of-delivery PDF of one of the tracking link's own shipments,
/// in the page's language (`?lang=`, else the cookie, the browser, the
/// tenant's default); a shipment of another order is the same 404 as a bad token.
async fn tracking_pod_pdf(
    State(state): State<AppState>,
    axum::Extension(target): axum::Extension<crate::store::TrackingLinkTarget>,
    axum::extract::Path((_, shipment)): axum::extract::Path<(String, i64)>,
    axum::extract::Query(query): axum::extract::Query<LanguageQuery>,
    headers: axum::http::HeaderMap,
) -> Response {
    let document = async {
        let tenant = crate::store::get_tenant(&state.pool, target.tenant).await?;
        let language = crate::i18n::negotiate(&tenant.languages(), query.lang.as_deref(), &headers);
        let reader = crate::i18n::Translator::new(language, &tenant.locale);
        let shipment = crate::domain::ShipmentId(shipment);
        crate::portal::documents::pod_document(&state, target.tenant, target.order, shipment, Some(&reader)).await
    };
    let doc = match document.await {
        Ok(Some(doc)) => doc,
        Ok(None) => return tracking_not_found(),
        Err(e) => {
            tracing::error!(error = %e, "loading a proof of delivery failed");
            return tracking_unavailable();
        }
    };
    match crate::documents::pod_pdf::render_pdf(&doc) {
        Ok(pdf) => {
            let name = format!("{}-{}.pdf", doc.order_number, doc.pod_id);
            crate::portal::documents::attachment(pdf, "application/pdf", &name)
        }
        Err(e) => {
            tracing::error!(error = %e, "rendering a proof of delivery failed");
            tracking_unavailable()
        }
    }
}

#[derive(serde::Deserialize)]
struct LanguageQuery {
    lang: Option<String>,
}

/// Ready means the database answers: a load balancer sends no traffic to a
/// node that cannot reach its store. `/healthz` only says the process runs.
async fn ready(State(state): State<AppState>) -> Response {
    match crate::store::ping(&state.pool).await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Every page: the app's shell, with this response's security headers.
fn page_shell(options: leptos::config::LeptosOptions) -> impl leptos::IntoView {
    set_page_security_headers();
    shell(options)
}

/// Called while the shell renders: a CSP that admits only this response's
/// inline hydration scripts (by nonce) and our own files.
fn set_page_security_headers() {
    use leptos::prelude::use_context;
    let (Some(response), Some(nonce)) =
        (use_context::<leptos_axum::ResponseOptions>(), use_context::<leptos::nonce::Nonce>())
    else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Headers every response carries. The tracking token is in the URL, so no
/// page may leak it through the Referer header or a cache.
async fn security_headers(request: Request, next: Next) -> Response {
    let is_tracking_page = request.uri().path().starts_with("/t/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(
        "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
    ));
    if is_tracking_page {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
    }
    response
}

/// Answers every bad tracking token (malformed, unknown, expired, revoked)
/// with the same bytes before any page code runs, so the response cannot
/// tell an attacker which case they hit.
async fn tracking_link_gate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Some(rest) = request.uri().path().strip_prefix("/t/") else {
        return next.run(request).await;
    };
    let token = rest.split('/').next().unwrap_or_default();
    match tracking_link::resolve(&state.pool, token).await {
        Ok(Some(target)) => {
            request.extensions_mut().insert(target);
            next.run(request).await
        }
        Ok(None) => tracking_not_found(),
        Err(e) => {
            tracing::error!(error = %e, "resolving a tracking link failed");
            tracking_unavailable()
        }
    }
}

pub fn tracking_not_found() -> Response {
    static PAGE: OnceLock<String> = OnceLock::new();
    not_found_titled(&PAGE, "Tracking link not found")
}

/// What answers a path nothing serves: the same words as a bad tracking
/// link, under its own title.
pub fn page_not_found() -> Response {
    static PAGE: OnceLock<String> = OnceLock::new();
    not_found_titled(&PAGE, "Page not found")
}

/// The not-found page is the same for everyone and runs no script (so it
/// needs no nonce): rendered once, it costs a scanner's request nothing
/// more than a copy.
fn not_found_titled(page: &'static OnceLock<String>, title: &str) -> Response {
    let page = page.get_or_init(|| render(title, Robots::NoIndex, || view! { <NotFound/> }));
    (StatusCode::NOT_FOUND, Html(page.as_str())).into_response()
}

pub(crate) fn tracking_unavailable() -> Response {
    let page = render("Tracking unavailable", Robots::NoIndex, || view! { <Unavailable/> });
    (StatusCode::SERVICE_UNAVAILABLE, Html(page)).into_response()
}

/// Serves until Ctrl-C or SIGTERM, then lets in-flight requests finish,
/// with the default connection limits.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    let defaults = crate::config::Config::from_lookup(|_| None).expect("the defaults are valid");
    serve_with(listener, app, &defaults.limits).await
}

/// As [`serve`], with the configured connection cap and timeouts. Each
/// request carries the client's `ConnectInfo<SocketAddr>` (per-address limits).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: &crate::config::Limits,
) -> std::io::Result<()> {
    connections::serve(listener, app, limits.into(), shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
