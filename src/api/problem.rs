//! RFC 9457 problem details: every API error is `application/problem+json`
//! with a sentence a developer can act on and, for bad input, each field.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

// Field errors are found while validating input, which is ingest's job;
// the API only turns them into problem documents.
pub use crate::ingest::validation::{is_blank, FieldError};

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For a refused EDI interchange: the TA1 for its sender, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledgment: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("/api/docs#problem-{slug}"),
            title: title.into(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            acknowledgment: None,
        }
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("`{}` {}", one.field, one.message),
            many => format!("{} fields are invalid; see `errors`.", many.len()),
        };
        Problem { errors, ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", "Invalid request", detail) }
    }

    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// A parameter that does not parse (400, as axum's own rejections are
    /// answered), naming it.
    pub fn bad_parameter(field: impl Into<String>, message: impl Into<String>) -> Self {
        let (field, message) = (field.into(), message.into());
        let detail = format!("`{field}` {message}");
        Problem {
            errors: vec![FieldError { field, message }],
            ..Problem::new(StatusCode::BAD_REQUEST, "bad-request", "Bad request", detail)
        }
    }

    pub fn not_found(what: &str, field: &str, value: &str) -> Self {
        Problem {
            errors: vec![FieldError { field: field.into(), message: format!("no {what} `{value}` in this tenant") }],
            ..Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", format!("There is no {what} `{value}`."))
        }
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized", detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    pub fn too_large(limit: usize) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request body too large",
            format!("The body is larger than {limit} bytes, the most this endpoint takes. Split a batch into several requests."),
        )
    }

    pub fn internal() -> Self {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "Something went wrong on our side and nothing was changed. Retrying with the same Idempotency-Key is safe.",
        )
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (self.status(), [(header::CONTENT_TYPE, "application/problem+json")], body).into_response()
    }
}

impl From<crate::store::StoreError> for Problem {
    fn from(error: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        match error {
            StoreError::NotFound(what) => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", format!("The {what} does not exist."))
            }
            StoreError::Invalid(reason) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", "Invalid request", reason)
            }
            other => {
                tracing::error!(error = %other, "store error behind an API request");
                Problem::internal()
            }
        }
    }
}

pub type ApiResult<T> = Result<T, Problem>;

/// The most of a plain-text error body kept as a problem's detail.
const MAX_DETAIL: usize = 1024;

/// Makes every error the API sends problem+json, including the ones axum
/// answers before a handler runs: a path or query string that does not
/// parse, an unsupported method, a body over the limit. Our own errors are
/// problem+json already and pass through untouched.
pub async fn plain_errors_as_problems(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_DETAIL * 4).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let problem = plain_error(status, text.trim());
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/problem+json"));
    Response::from_parts(parts, axum::body::Body::from(serde_json::to_vec(&problem).unwrap_or_default()))
}

/// The problem for one of axum's plain-text rejections, naming the path
/// parameter or query string that did not parse.
fn plain_error(status: StatusCode, text: &str) -> Problem {
    let detail: String = text.chars().take(MAX_DETAIL).collect();
    match status {
        StatusCode::METHOD_NOT_ALLOWED => Problem::new(
            status,
            "method-not-allowed",
            "Method not allowed",
            "This endpoint does not take this method; the `Allow` header lists the ones it takes.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => Problem::new(status, "too-large", "Request body too large", detail),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            Problem::new(status, "unsupported-media-type", "Unsupported media type", detail)
        }
        StatusCode::NOT_FOUND => Problem::new(status, "not-found", "Not found", "No such API endpoint; see /api/docs."),
        _ if status.is_client_error() => {
            // axum says "Invalid URL: Cannot parse `abc` to a `i64`" or
            // "Failed to deserialize query string: ...".
            let field = if detail.starts_with("Invalid URL") {
                "path"
            } else if detail.contains("query string") {
                "query"
            } else {
                "request"
            };
            let message = if detail.is_empty() { "is not valid".to_string() } else { detail.clone() };
            Problem {
                errors: vec![FieldError { field: field.into(), message }],
                ..Problem::new(
                    status,
                    "bad-request",
                    "Bad request",
                    if detail.is_empty() { "The request is not valid.".into() } else { detail },
                )
            }
        }
        _ => Problem::internal(),
    }
}

impl From<crate::live::sse::BadLastEventId> for Problem {
    fn from(_: crate::live::sse::BadLastEventId) -> Self {
        Problem::bad_parameter("Last-Event-ID", "is not an event id (a whole number)")
    }
}
