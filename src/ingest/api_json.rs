//! Milepost's own JSON event format, used by `POST /api/v1/events` and by
//! generic carrier webhooks. Validation collects every bad field at once.

use super::validation::FieldError;
use crate::domain::StatusDictionary;
use crate::store::NewEvent;
use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const MAX_BATCH: usize = 1000;

/// One status event from any source.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventIn {
    /// `oms`, `wms`, or a carrier source such as `carrier` or `ups`. On a
    /// webhook it defaults to the webhook's source.
    pub source: Option<String>,
    /// The source's own id for this event: a repeat is recognised and ignored.
    #[schema(pattern = r"\S", max_length = 200)]
    pub event_id: String,
    /// The source's status code, mapped by the status dictionary
    /// (`OUT_FOR_DELIVERY`, `PICKED`, ...). Unknown codes are kept as `unmapped`.
    #[schema(pattern = r"\S", max_length = 100)]
    pub code: String,
    /// When it happened, RFC 3339 with an offset (kept for display at the
    /// local time the source gave).
    pub occurred_at: DateTime<FixedOffset>,
    /// The order it belongs to. Give this or `tracking_number`.
    #[schema(required = false, pattern = r"\S", max_length = 100)]
    pub order_number: Option<String>,
    /// The shipment it belongs to. Events for an unknown tracking number are
    /// kept and attached when the shipment appears.
    #[schema(required = false, pattern = r"\S", max_length = 100)]
    pub tracking_number: Option<String>,
    pub location: Option<String>,
    #[schema(value_type = Object)]
    pub details: Option<serde_json::Value>,
}

/// `{"events": [...]}` with 1 to 1,000 events.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    #[schema(min_items = 1, max_items = 1000)]
    pub events: Vec<EventIn>,
}

/// Where an event should go once validated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Order(String),
    TrackingNumber(String),
}

/// Checks one event and maps its code. `prefix` names it in errors
/// (`events[3]`); `default_source` applies when the event names none.
pub fn validate(
    event: &EventIn,
    prefix: &str,
    default_source: Option<&str>,
    dictionary: &StatusDictionary,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) -> Option<(Target, NewEvent)> {
    let before = errors.len();
    let at = |name: &str| if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
    let source = event.source.as_deref().or(default_source).unwrap_or_default().trim().to_ascii_lowercase();
    if source.is_empty() {
        errors.push(FieldError { field: at("source"), message: "is required: oms, wms or a carrier name".into() });
    } else if !source.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') || source.len() > 40 {
        errors.push(FieldError {
            field: at("source"),
            message: "must be a short name of letters, digits, `-` or `_`".into(),
        });
    }
    FieldError::check_text(errors, at("event_id"), &event.event_id, 200);
    FieldError::check_text(errors, at("code"), &event.code, 100);
    if event.occurred_at > now + Duration::hours(1) {
        errors.push(FieldError {
            field: at("occurred_at"),
            message: "is more than an hour in the future; check the clock and the offset".into(),
        });
    }
    if event.occurred_at < DateTime::from_timestamp(946_684_800, 0).expect("valid") {
        errors.push(FieldError { field: at("occurred_at"), message: "is before the year 2000".into() });
    }
    let target = match (&event.order_number, &event.tracking_number) {
        (Some(order), None) => {
            FieldError::check_text(errors, at("order_number"), order, 100);
            Some(Target::Order(order.trim().to_string()))
        }
        (None, Some(tracking)) => {
            FieldError::check_text(errors, at("tracking_number"), tracking, 100);
            Some(Target::TrackingNumber(tracking.trim().to_string()))
        }
        _ => {
            errors.push(FieldError {
                field: at("order_number"),
                message: "give exactly one of `order_number` and `tracking_number`".into(),
            });
            None
        }
    };
    if let Some(location) = &event.location {
        if location.len() > 200 {
            errors.push(FieldError { field: at("location"), message: "must be at most 200 characters".into() });
        }
    }
    if errors.len() > before {
        return None;
    }
    let code = event.code.trim();
    Some((
        target?,
        NewEvent {
            shipment: None,
            canonical: dictionary.map(&source, code),
            source,
            source_event_id: event.event_id.trim().to_string(),
            raw_code: code.to_string(),
            occurred_at: event.occurred_at.to_utc(),
            occurred_offset_minutes: Some(event.occurred_at.offset().local_minus_utc() / 60),
            location: event.location.clone(),
            details: event.details.clone().unwrap_or(serde_json::json!({})),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Canonical, Milestone};

    fn event() -> EventIn {
        EventIn {
            source: Some("carrier".into()),
            event_id: "e1".into(),
            code: "out_for_delivery".into(),
            occurred_at: Utc::now().fixed_offset(),
            order_number: None,
            tracking_number: Some("1Z".into()),
            location: None,
            details: None,
        }
    }

    #[test]
    fn a_good_event_maps_its_code() {
        let mut errors = vec![];
        let (target, new) = validate(&event(), "", None, &StatusDictionary::global(), Utc::now(), &mut errors).unwrap();
        assert_eq!(target, Target::TrackingNumber("1Z".into()));
        assert_eq!(new.canonical, Canonical::Milestone(Milestone::OutForDelivery));
        assert!(errors.is_empty());
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = EventIn {
            source: None,
            event_id: " ".into(),
            code: "".into(),
            occurred_at: (Utc::now() + Duration::days(2)).fixed_offset(),
            order_number: Some("A".into()),
            tracking_number: Some("B".into()),
            ..event()
        };
        let mut errors = vec![];
        assert!(validate(&bad, "events[4]", None, &StatusDictionary::global(), Utc::now(), &mut errors).is_none());
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "events[4].source",
                "events[4].event_id",
                "events[4].code",
                "events[4].occurred_at",
                "events[4].order_number"
            ]
        );
    }
}
