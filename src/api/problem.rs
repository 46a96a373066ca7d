//! RFC 9457 problem details: every API error is `application/problem+json`
//! with a sentence a developer can act on and, for bad input, each field.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Where in the request: a JSON path such as `lines[2].quantity`, or a
    /// header or path parameter name.
    pub field: String,
    pub message: String,
}

impl FieldError {
    /// Adds an error unless `value` is non-blank text of at most `max` bytes.
    pub fn check_text(errors: &mut Vec<FieldError>, field: impl Into<String>, value: &str, max: usize) {
        let message = if value.trim().is_empty() {
            "must not be empty".to_string()
        } else if value.len() > max {
            format!("must be at most {max} characters")
        } else {
            return;
        };
        errors.push(FieldError { field: field.into(), message });
    }

    /// An optional latitude/longitude pair (`{prefix}latitude`,
    /// `{prefix}longitude`): both or neither, each in range.
    pub fn check_coordinates(
        errors: &mut Vec<FieldError>,
        prefix: &str,
        latitude: Option<f64>,
        longitude: Option<f64>,
    ) -> Option<crate::domain::LatLng> {
        let error = |field: &str, message: String| FieldError { field: format!("{prefix}{field}"), message };
        match (latitude, longitude) {
            (None, None) => None,
            (Some(lat), Some(lng)) => {
                crate::domain::LatLng::parse(lat, lng).map_err(|e| errors.push(error(e.field(), e.to_string()))).ok()
            }
            (lat, _) => {
                let missing = if lat.is_none() { "latitude" } else { "longitude" };
                errors.push(error(missing, "latitude and longitude come together".into()));
                None
            }
        }
    }
}

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
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("/api/docs#problem-{slug}"),
            title: title.into(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
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
            format!(
                "The body is larger than {limit} bytes. Split a batch into several requests of at most 1,000 events."
            ),
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
