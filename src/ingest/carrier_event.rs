//! What every carrier format turns into before the status dictionary reads
//! it: a tracking number, a status code (with an optional detail code) and
//! when and where it happened.

use crate::domain::StatusDictionary;
use crate::store::NewEvent;
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq)]
pub struct CarrierEvent {
    pub tracking_number: String,
    /// The carrier named by the aggregator (`UPS`, `usps`), if any.
    pub carrier: Option<String>,
    /// Stable across redeliveries of the same scan, so repeats deduplicate.
    pub source_event_id: String,
    pub status: String,
    pub detail: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub location: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{format} payload: `{field}` {problem}")]
pub struct FormatError {
    pub format: &'static str,
    pub field: String,
    pub problem: String,
}

impl FormatError {
    pub fn new(format: &'static str, field: impl Into<String>, problem: impl Into<String>) -> Self {
        FormatError { format, field: field.into(), problem: problem.into() }
    }
}

impl CarrierEvent {
    /// The dictionary code: `STATUS/DETAIL` when the dictionary knows that
    /// pair, else `STATUS` alone, so a detail refines but never loses a status.
    pub fn into_new_event(self, source: &str, dictionary: &StatusDictionary) -> NewEvent {
        let status = self.status.trim().to_ascii_uppercase();
        let detailed = self.detail.as_deref().map(|d| format!("{status}/{}", d.trim().to_ascii_uppercase()));
        let (raw_code, canonical) = match detailed {
            Some(code) if dictionary.knows(source, &code) => {
                let canonical = dictionary.map(source, &code);
                (code, canonical)
            }
            Some(code) => (code, dictionary.map(source, &status)),
            None => (status.clone(), dictionary.map(source, &status)),
        };
        NewEvent {
            shipment: None,
            source: source.to_string(),
            source_event_id: self.source_event_id,
            raw_code,
            canonical,
            occurred_at: self.occurred_at,
            location: self.location,
            details: serde_json::json!({ "carrier": self.carrier, "message": self.message, "tracking_number": self.tracking_number }),
        }
    }
}

/// "City, ST, CC" from whichever parts a payload has.
pub fn location(parts: &[Option<&str>]) -> Option<String> {
    let parts: Vec<&str> = parts.iter().flatten().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Parses RFC 3339 or, as some carriers send, a local time without offset
/// (taken as UTC and flagged by the caller's tests).
pub fn parse_time(format: &'static str, field: &str, value: &str) -> Result<DateTime<Utc>, FormatError> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M:%S").map(|t| t.and_utc()))
        .map_err(|_| FormatError::new(format, field, format!("`{value}` is not a date-time")))
}
