//! Checking input field by field: every error names its field (a JSON path
//! such as `lines[2].quantity`, a form field or a header), so a sender can
//! fix its request in one go. The API turns these into RFC 9457 problems.

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
        let message = if is_blank(value) {
            "must not be empty".to_string()
        } else if value.chars().count() > max {
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

/// Nothing but white space, as the OpenAPI document's `\\S` pattern sees it
/// (Unicode white space and the information separators U+001C-U+001F).
pub fn is_blank(value: &str) -> bool {
    value.chars().all(|c| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}
