//! The portal's one error type: every way a portal handler can refuse or
//! fail, each mapped once to the answer a browser gets (a redirect back with
//! a message, a sign-in, a 403/404/422/429 page, or a logged 503). Handlers
//! return `Result<Response, PortalError>` and use `?`.
//!
//! Portal forms are typed structs read by [`PortalForm`], which refuses a
//! field given twice (which one was meant? refused rather than guessed) and
//! names a missing one.

use super::sign_in::urlencode;
use super::{forbidden, message_page, not_found, redirect, unavailable};
use crate::store::StoreError;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::de::DeserializeOwned;
use std::collections::HashSet;

#[derive(Debug)]
pub enum PortalError {
    /// No live session (never signed in, or it ended): sign in again.
    NotSignedIn,
    /// The form's CSRF token is not this session's: a page from an older
    /// session, or a form another site made.
    BadCsrf,
    /// The person's role does not include this.
    Forbidden,
    /// Nothing here, or nothing this person can see (the same answer, so
    /// records out of reach are not revealed).
    NotFound,
    /// Something the person can correct or retry: back to `back` (a path,
    /// with or without a query), which shows `message` as `error=`.
    Invalid { back: String, message: String },
    /// A form that cannot be read as sent (a field given twice, a required
    /// one missing): 422 naming the field.
    BadForm { field: String, message: String },
    /// The body is not a form at all (wrong content type, too large):
    /// axum's own answer.
    NotAForm(FormRejection),
    /// Every password checker is busy: 429, try again after this many seconds.
    TooMany { retry_after_seconds: u32 },
    /// The store (or a document built from it) failed: logged, 503.
    Store(StoreError),
}

impl PortalError {
    pub fn invalid(back: impl Into<String>, message: impl Into<String>) -> Self {
        PortalError::Invalid { back: back.into(), message: message.into() }
    }
}

impl From<StoreError> for PortalError {
    fn from(e: StoreError) -> Self {
        PortalError::Store(e)
    }
}

impl From<FormRejection> for PortalError {
    fn from(rejection: FormRejection) -> Self {
        PortalError::NotAForm(rejection)
    }
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        match self {
            PortalError::NotSignedIn => redirect("/login?error=expired"),
            PortalError::BadCsrf => (
                StatusCode::FORBIDDEN,
                Html(message_page("This form has expired", "Go back, reload the page and try again.")),
            )
                .into_response(),
            PortalError::Forbidden => forbidden(),
            PortalError::NotFound => not_found(),
            PortalError::Invalid { back, message } => {
                let join = if back.contains('?') { '&' } else { '?' };
                redirect(&format!("{back}{join}error={}", urlencode(&message)))
            }
            PortalError::BadForm { field, message } => {
                // The name comes from the request: only a plain one is
                // repeated back, so the page needs no escaping to be safe.
                let plain = !field.is_empty()
                    && field.len() <= 64
                    && field.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                let named = if plain { format!("The field “{field}”") } else { "A field".to_string() };
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Html(message_page("This form could not be read", &format!("{named} {message}."))),
                )
                    .into_response()
            }
            PortalError::NotAForm(rejection) => rejection.into_response(),
            PortalError::TooMany { retry_after_seconds } => {
                let body = super::answer_page(
                    "Signing in is busy",
                    "Lots of people are signing in right now. Please try again in a moment.",
                    ("/login", "Back to sign-in"),
                );
                let mut response = (StatusCode::TOO_MANY_REQUESTS, Html(body)).into_response();
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
                response
            }
            PortalError::Store(e) => unavailable(e),
        }
    }
}

/// A portal form's fields as `T` (a `#[derive(Deserialize)]` struct of
/// strings: the handler parses and answers each one in its own words).
/// Refused with 422 naming the field when one is given twice or a
/// required one is missing.
pub struct PortalForm<T>(pub T);

impl<T, S> FromRequest<S> for PortalForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PortalError;

    async fn from_request(request: Request, state: &S) -> Result<Self, PortalError> {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, state).await?;
        let mut seen = HashSet::new();
        if let Some((name, _)) = pairs.iter().find(|(name, _)| !seen.insert(name.as_str())) {
            return Err(PortalError::BadForm { field: name.clone(), message: "is given more than once".into() });
        }
        // Read as axum's `Form` reads a body, so an `Option` field the form
        // sends (a page's language) is `Some`: serde's plain map of strings
        // refused it as "not valid".
        let encoded = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        serde_urlencoded::from_str::<T>(&encoded).map(PortalForm).map_err(|e| {
            // serde names the field between backticks: "missing field `email`".
            let text = e.to_string();
            let field = text.split('`').nth(1).unwrap_or_default().to_string();
            let message = if text.starts_with("missing field") { "is missing" } else { "is not valid" };
            PortalError::BadForm { field, message: message.into() }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use serde::Deserialize;
    use std::collections::HashMap;

    #[derive(Deserialize, Debug)]
    struct Note {
        #[serde(default)]
        csrf: String,
        text: String,
        #[serde(default)]
        lang: Option<String>,
    }

    #[derive(Deserialize, Debug)]
    struct Counts {
        #[serde(default)]
        shipment: String,
        #[serde(flatten)]
        lines: HashMap<String, String>,
    }

    async fn read<T: DeserializeOwned>(body: &str) -> Result<T, PortalError> {
        let request = Request::builder()
            .method("POST")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap();
        PortalForm::<T>::from_request(request, &()).await.map(|PortalForm(form)| form)
    }

    #[tokio::test]
    async fn a_form_is_read_into_its_struct_and_refused_naming_the_field_otherwise() {
        let note: Note = read("csrf=abc&text=hello+there&extra=1").await.unwrap();
        assert_eq!((note.csrf.as_str(), note.text.as_str(), note.lang), ("abc", "hello there", None));
        let note: Note = read("text=a%26b&lang=pt-BR").await.unwrap();
        assert_eq!((note.text.as_str(), note.lang.as_deref()), ("a&b", Some("pt-BR")));
        assert!(matches!(
            read::<Note>("csrf=abc").await,
            Err(PortalError::BadForm { field, message }) if field == "text" && message == "is missing"
        ));
        assert!(matches!(
            read::<Note>("text=a&csrf=abc&text=b").await,
            Err(PortalError::BadForm { field, message }) if field == "text" && message == "is given more than once"
        ));
        let counts: Counts = read("shipment=7&counted_3=5&damaged_3=1").await.unwrap();
        assert_eq!(counts.shipment, "7");
        assert_eq!(counts.lines.get("counted_3").map(String::as_str), Some("5"));
        assert!(matches!(
            read::<Counts>("counted_3=5&counted_3=6").await,
            Err(PortalError::BadForm { field, .. }) if field == "counted_3"
        ));
    }

    #[tokio::test]
    async fn each_refusal_gets_its_status() {
        let status = |e: PortalError| e.into_response().status().as_u16();
        assert_eq!(status(PortalError::BadCsrf), 403);
        assert_eq!(status(PortalError::Forbidden), 403);
        assert_eq!(status(PortalError::NotFound), 404);
        assert_eq!(status(PortalError::BadForm { field: "x".into(), message: "is missing".into() }), 422);
        assert_eq!(status(PortalError::Store(StoreError::Corrupt("test".into()))), 503);
        let busy = PortalError::TooMany { retry_after_seconds: 2 }.into_response();
        assert_eq!((busy.status().as_u16(), busy.headers()[header::RETRY_AFTER].to_str().unwrap()), (429, "2"));
        let location = |e: PortalError| e.into_response().headers()[header::LOCATION].to_str().unwrap().to_string();
        assert_eq!(location(PortalError::NotSignedIn), "/login?error=expired");
        assert_eq!(
            location(PortalError::invalid("/portal/orders/SO-1", "Choose a status.")),
            "/portal/orders/SO-1?error=Choose%20a%20status."
        );
        assert_eq!(location(PortalError::invalid("/login?tenant=acme", "locked")), "/login?tenant=acme&error=locked");
        let request = Request::builder().method("POST").body(Body::from("a=1")).unwrap();
        let not_a_form = PortalForm::<Note>::from_request(request, &()).await.err().unwrap();
        assert_eq!(status(not_a_form), 415, "axum's own answer for a body that is not a form");
    }
}
