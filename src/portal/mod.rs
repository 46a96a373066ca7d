//! The signed-in portal's server side: sign-in, form actions, downloads and
//! the live stream of an order. Pages themselves are Leptos routes
//! (`ui::pages::portal`) whose server functions call `portal::pages`.
//! Every handler asks `policy` before it reads or changes a record.

pub mod documents;
pub mod edi_partners;
pub mod error;
pub mod forms;
pub mod lookup;
pub mod pages;
pub mod queue;
pub mod return_policy;
pub mod returns;
pub mod sign_in;

pub use error::{PortalError, PortalForm};

use crate::auth::session::{self, SignedIn};
use crate::domain::OrderId;
use crate::policy::{self, Action, Decision, Owner};
use crate::shell::{render, Message, Robots};
use crate::state::AppState;
use crate::store;
use axum::extract::{FromRef, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::IntoView;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", post(sign_in::with_password))
        .route("/login/link", post(sign_in::request_link))
        .route("/login/link/{token}", post(sign_in::use_link))
        .route("/logout", post(sign_in::sign_out))
        .route("/track", get(lookup::choose_shop))
        .route("/track/{tenant}", get(lookup::form).post(lookup::look_up))
        .route("/portal", get(home))
        .route("/portal/orders/{number}/events", get(forms::order_stream))
        .route("/portal/orders/{number}/receipts", post(forms::receive))
        .route("/portal/orders/{number}/notes", post(forms::add_note))
        .route("/portal/orders/{number}/status", post(forms::override_status))
        .route("/portal/orders/{number}/notifications/{id}/resend", post(forms::resend_notification))
        .route("/portal/orders/{number}/tracking-link", post(forms::tracking_link))
        .route("/portal/orders/{number}/buyer-view", get(forms::buyer_view))
        .route(
            "/portal/orders/{number}/returns",
            post(returns::request).layer(axum::extract::DefaultBodyLimit::max(crate::returns::MAX_REQUEST_BODY)),
        )
        .route("/portal/orders/{number}/returns/{rma}/photos/{sha256}", get(returns::photo))
        .route("/portal/orders/{number}/shipments/{shipment}/pod.pdf", get(documents::pod_pdf))
        .route("/portal/orders/{number}/pod/{sha256}", get(documents::pod_file))
        .route("/portal/deliveries.csv", get(documents::deliveries_csv))
        .route("/portal/deliveries.zip", get(documents::deliveries_zip))
        .route("/portal/cs/exceptions/bulk", post(queue::bulk))
        .route("/portal/cs/exceptions/targets", post(queue::targets))
        .route("/portal/cs/returns/{rma}/decision", post(returns::decide))
        .route("/portal/cs/returns/{rma}/notes", post(returns::add_note))
        .route("/portal/admin/users", post(forms::invite))
        .route("/portal/admin/users/{id}", post(forms::change_person))
        .route("/portal/admin/edi", post(edi_partners::save))
        .route("/portal/admin/returns", post(return_policy::save_policy))
        .route("/portal/admin/returns/addresses", post(return_policy::save_address))
        .route("/portal/admin/edi/acknowledgment", get(edi_partners::acknowledgment))
}

/// `/portal` sends each person to their role's home page.
async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, PortalError> {
    Ok(match session::signed_in(&state, &headers).await? {
        Some(signed_in) => redirect(signed_in.person.role.home()),
        None => redirect("/login"),
    })
}

/// 303: after a form, the browser fetches the next page with GET.
pub fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub fn unavailable(e: store::StoreError) -> Response {
    tracing::error!(error = %e, "a portal request failed");
    (StatusCode::SERVICE_UNAVAILABLE, Html(message_page("Something went wrong", "Please try again in a minute.")))
        .into_response()
}

pub fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Html(message_page("Not found", "There is nothing here, or nothing you can see.")))
        .into_response()
}

pub fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, Html(message_page("Not available", "Your role does not include this."))).into_response()
}

fn message_page(title: &str, text: &str) -> String {
    answer_page(title, text, ("/portal", "Back to the portal"))
}

/// A short answer page: `text` (plain text) and a link back (`href`, label).
pub fn answer_page(title: &str, text: &str, (href, label): (&str, &str)) -> String {
    use leptos::prelude::*;
    let (text, href, label) = (text.to_string(), href.to_string(), label.to_string());
    page(title, move || {
        view! {
            <p class="mt-4">{text}</p>
            <p class="mt-4"><a class="underline" href=href>{label}</a></p>
        }
    })
}

/// A page built on the server alone (answers to forms, errors): the one
/// document shell (`shell`), the brand, a heading and `body`.
pub fn page<V: IntoView + 'static>(title: &str, body: impl FnOnce() -> V + Send + 'static) -> String {
    use leptos::prelude::*;
    let heading = title.to_string();
    render(title, Robots::NoIndex, move || view! { <Message title=heading>{body()}</Message> })
}

/// The client's address, for per-address sign-in limits: the connection's,
/// or behind our own proxies the one they name (`auth::client_address`).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress
where
    AppState: FromRef<S>,
{
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let trusted = &state.config.limits.trusted_proxies;
        let address = crate::auth::client_address::of_request(&parts.extensions, &parts.headers, trusted)
            .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
        Ok(ClientAddress(address))
    }
}

/// A signed-in form post: the session is live and the form's CSRF token
/// is this session's.
pub async fn form_session(state: &AppState, headers: &HeaderMap, csrf: &str) -> Result<SignedIn, PortalError> {
    let signed_in = get_session(state, headers).await?;
    if session::csrf_matches(&signed_in.token, csrf) {
        Ok(signed_in)
    } else {
        Err(PortalError::BadCsrf)
    }
}

/// A signed-in GET (downloads, the live stream).
pub async fn get_session(state: &AppState, headers: &HeaderMap) -> Result<SignedIn, PortalError> {
    session::signed_in(state, headers).await?.ok_or(PortalError::NotSignedIn)
}

/// The order with this number, if the person may do `action` to it: 404
/// when it is out of their reach (or does not exist), 403 when their role
/// may not.
pub async fn order_for(
    state: &AppState,
    signed_in: &SignedIn,
    number: &str,
    action: Action,
) -> Result<(OrderId, Owner), PortalError> {
    let found = store::order_owner(&state.pool, signed_in.person.tenant, number).await?;
    let (order, owner) = found.ok_or(PortalError::NotFound)?;
    match policy::decide(&signed_in.person, action, owner) {
        Decision::Allow => Ok((order, owner)),
        Decision::Forbidden => Err(PortalError::Forbidden),
        Decision::NotFound => Err(PortalError::NotFound),
    }
}

/// Refuses state-changing requests that did not come from our own pages
/// (CSRF), for everything a cookie authenticates. The API (bearer keys),
/// tracking links and unsubscribe links carry their own credentials in
/// the request and are left alone.
pub async fn same_origin_only(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let cookie_authenticated =
        ["/login", "/logout", "/portal", "/track"].iter().any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if !cookie_authenticated || matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    if is_same_origin(request.headers()) {
        next.run(request).await
    } else {
        tracing::warn!(path, "refused a cross-site request");
        (StatusCode::FORBIDDEN, "Cross-site requests are not accepted.").into_response()
    }
}

fn is_same_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v: &axum::http::HeaderValue| v.to_str().ok());
    // Browsers send Sec-Fetch-Site on every request; older ones send Origin on POST.
    if let Some(site) = text("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    match (text(header::ORIGIN.as_str()), text(header::HOST.as_str())) {
        (Some(origin), Some(host)) => {
            origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")).is_some_and(|o| o == host)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_our_own_pages_may_post() {
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "cross-site"), ("origin", "http://a"), ("host", "a")])));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(is_same_origin(&headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")])));
        assert!(!is_same_origin(&headers(&[("origin", "http://evil.example"), ("host", "127.0.0.1:3000")])));
        assert!(!is_same_origin(&headers(&[("host", "127.0.0.1:3000")])));
        assert!(!is_same_origin(&headers(&[("origin", "null"), ("host", "127.0.0.1:3000")])));
    }
}

/// For a page's server function: the app and who is asking.
pub async fn server_fn_session() -> Result<(AppState, Option<SignedIn>), leptos::prelude::ServerFnError> {
    use leptos::prelude::{expect_context, use_context, ServerFnError};
    let state = expect_context::<AppState>();
    let headers = use_context::<Parts>().map(|p| p.headers).unwrap_or_default();
    let signed_in = session::signed_in(&state, &headers).await.map_err(|e| {
        tracing::error!(error = %e, "reading a session failed");
        ServerFnError::new("The portal is temporarily unavailable.")
    })?;
    Ok((state, signed_in))
}

/// A page's answer, with the HTTP status to match: sign-in pages redirect,
/// records out of reach are 404, pages not for this role 403.
pub fn answer<T>(
    page: store::Result<crate::present::portal_view::PortalPage<T>>,
) -> Result<crate::present::portal_view::PortalPage<T>, leptos::prelude::ServerFnError> {
    use crate::present::portal_view::PortalPage;
    use leptos::prelude::{use_context, ServerFnError};
    let page = page.map_err(|e| {
        tracing::error!(error = %e, "loading a portal page failed");
        ServerFnError::new("The portal is temporarily unavailable.")
    })?;
    let status = match &page {
        PortalPage::Ready(_) => None,
        PortalPage::SignIn => {
            // While rendering a page: a redirect that comes back to it after
            // signing in. A server function called by the browser tells its
            // client to go there instead.
            let page = use_context::<Parts>()
                .map(|p| p.uri.to_string())
                .filter(|uri| uri.starts_with("/portal/") && !uri.starts_with("/portal/fn/"));
            match (page, use_context::<leptos_axum::ResponseOptions>()) {
                (Some(page), Some(response)) => {
                    let to = format!("/login?next={}", sign_in::urlencode(&page));
                    if let Ok(location) = axum::http::HeaderValue::from_str(&to) {
                        response.insert_header(header::LOCATION, location);
                    }
                    Some(StatusCode::FOUND)
                }
                _ => {
                    leptos_axum::redirect("/login");
                    None
                }
            }
        }
        PortalPage::Forbidden => Some(StatusCode::FORBIDDEN),
        PortalPage::NotFound => Some(StatusCode::NOT_FOUND),
    };
    if let (Some(status), Some(response)) = (status, use_context::<leptos_axum::ResponseOptions>()) {
        response.set_status(status);
    }
    Ok(page)
}
