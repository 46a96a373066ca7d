//! What every carrier format turns into before the status dictionary reads
//! it: a tracking number, a status code (with an optional detail code) and
//! when and where it happened.

use crate::domain::StatusDictionary;
use crate::store::NewEvent;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

#[derive(Clone, Debug, PartialEq)]
pub struct CarrierEvent {
    pub tracking_number: String,
    /// The carrier named by the aggregator (`UPS`, `usps`), if any.
    pub carrier: Option<String>,
    /// The carrier's own status code for the scan, when the payload carries it
    /// (EasyPost `carrier_code`, AfterShip `raw_tag`).
    pub carrier_code: Option<String>,
    /// Stable across redeliveries of the same scan, so repeats deduplicate.
    pub source_event_id: String,
    pub status: String,
    pub detail: Option<String>,
    pub occurred_at: SourceTime,
    pub location: Option<String>,
    pub message: Option<String>,
    /// The carrier's own delivery estimate as this payload states it (a
    /// date in the destination's calendar); kept in the event's details
    /// as `carrier_estimate` for the delivery promise.
    pub estimated_delivery: Option<NaiveDate>,
}

/// An instant as a source gave it: the UTC instant, and the offset it was
/// written in when the source said (kept to show the scan's local time).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SourceTime {
    pub utc: DateTime<Utc>,
    pub offset_minutes: Option<i32>,
}

impl SourceTime {
    pub fn with_offset(at: DateTime<FixedOffset>) -> Self {
        SourceTime { utc: at.to_utc(), offset_minutes: Some(at.offset().local_minus_utc() / 60) }
    }
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
    /// Reads the codes through the dictionary, most specific row first: the
    /// aggregator's exact `STATUS/DETAIL`, the carrier's own code (`ups`,
    /// `fedex`, `usps`, `dhl` tables), a detail that means the same under any
    /// status (`*/DETAIL`), then the status alone. `raw_code` keeps what the
    /// source sent; `details.dictionary_row` says which row decided.
    pub fn into_new_event(self, source: &str, dictionary: &StatusDictionary) -> NewEvent {
        let status = normalize(&self.status);
        let detail = self.detail.as_deref().map(normalize).filter(|d| !d.is_empty());
        let raw_code = match &detail {
            Some(detail) => format!("{status}/{detail}"),
            None => status.clone(),
        };
        let carrier_table = self.carrier.as_deref().and_then(carrier_table);
        let carrier_code = self.carrier_code.as_deref().map(normalize).filter(|c| !c.is_empty());
        let candidates = [
            detail.as_ref().map(|_| (source, raw_code.clone())),
            carrier_table.zip(carrier_code.clone()),
            detail.as_ref().map(|d| (source, format!("*/{d}"))),
            Some((source, status.clone())),
        ];
        let row = candidates.into_iter().flatten().find(|(table, code)| dictionary.knows(table, code));
        let canonical = match &row {
            Some((table, code)) => dictionary.map(table, code),
            // The generic carrier table, or `Unmapped`: kept and flagged.
            None => dictionary.map(source, &status),
        };
        let mut details = serde_json::json!({
            "carrier": self.carrier,
            "carrier_code": carrier_code,
            "message": self.message,
            "tracking_number": self.tracking_number,
            "dictionary_row": row.map(|(table, code)| format!("{table}/{code}")),
        });
        if let Some(date) = self.estimated_delivery {
            details["carrier_estimate"] = serde_json::json!(date);
        }
        NewEvent {
            shipment: None,
            source: source.to_string(),
            source_event_id: self.source_event_id,
            raw_code,
            canonical,
            occurred_at: self.occurred_at.utc,
            occurred_offset_minutes: self.occurred_at.offset_minutes,
            location: self.location,
            details,
        }
    }
}

fn normalize(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// The dictionary table holding a carrier's own codes, from the carrier name
/// an aggregator uses (`UPS`, `FedEx`, `usps`, `DHLExpress`, `dhl-express`).
pub fn carrier_table(carrier: &str) -> Option<&'static str> {
    let name: String = carrier.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    match name.as_str() {
        "ups" | "upsmailinnovations" => Some("ups"),
        "fedex" | "fedexground" | "fedexexpress" => Some("fedex"),
        "usps" => Some("usps"),
        n if n.starts_with("dhl") => Some("dhl"),
        _ => None,
    }
}

/// "City, ST, CC" from whichever parts a payload has.
pub fn location(parts: &[Option<&str>]) -> Option<String> {
    let parts: Vec<&str> = parts.iter().flatten().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A carrier's delivery estimate: the date it names. Carriers write a
/// local date, bare (`2026-11-27`) or as midnight with an offset or `Z`
/// (`2026-11-27T00:00:00Z`); converting that to UTC would move it a day
/// for half the world, so the written date is what counts. `None` when it
/// is not a date (an estimate is a hint: a bad one is ignored, never an
/// error that loses the scans beside it).
pub fn estimate_date(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    value.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// Parses RFC 3339, keeping its offset, or, as some carriers send, a local
/// time without one: taken as UTC with the offset left unknown.
pub fn parse_time(format: &'static str, field: &str, value: &str) -> Result<SourceTime, FormatError> {
    let value = value.trim();
    DateTime::parse_from_rfc3339(value)
        .map(SourceTime::with_offset)
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S")
                .map(|t| SourceTime { utc: t.and_utc(), offset_minutes: None })
        })
        .map_err(|_| FormatError::new(format, field, format!("`{value}` is not a date-time")))
}
