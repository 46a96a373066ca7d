//! Shippo `track_updated` webhooks: the tracking history, status + substatus.

use super::carrier_event::{estimate_date, location, parse_time, CarrierEvent, FormatError};
use serde::Deserialize;

pub const SOURCE: &str = "shippo";

#[derive(Deserialize)]
struct Webhook {
    event: String,
    data: Track,
}

#[derive(Deserialize)]
struct Track {
    carrier: Option<String>,
    tracking_number: String,
    /// The carrier's estimated delivery, when it gave one.
    eta: Option<String>,
    tracking_status: Option<Status>,
    #[serde(default)]
    tracking_history: Vec<Status>,
}

#[derive(Deserialize, Clone)]
struct Status {
    object_id: Option<String>,
    status: String,
    status_details: Option<String>,
    status_date: String,
    substatus: Option<Substatus>,
    location: Option<Location>,
}

#[derive(Deserialize, Clone)]
struct Substatus {
    code: String,
}

#[derive(Deserialize, Clone)]
struct Location {
    city: Option<String>,
    state: Option<String>,
    country: Option<String>,
}

pub fn parse(body: &[u8]) -> Result<Vec<CarrierEvent>, FormatError> {
    let webhook: Webhook =
        serde_json::from_slice(body).map_err(|e| FormatError::new("Shippo", "body", e.to_string()))?;
    if webhook.event != "track_updated" {
        return Err(FormatError::new("Shippo", "event", format!("`{}` is not a tracking update", webhook.event)));
    }
    let track = webhook.data;
    if track.tracking_number.trim().is_empty() {
        return Err(FormatError::new("Shippo", "data.tracking_number", "is empty"));
    }
    // The current status is usually the last history entry too; ids dedupe it.
    let statuses = track.tracking_history.iter().enumerate().map(|(i, s)| (format!("data.tracking_history[{i}]"), s));
    let current = track.tracking_status.iter().map(|s| ("data.tracking_status".to_string(), s));
    let mut events: Vec<CarrierEvent> = Vec::new();
    for (field, s) in statuses.chain(current) {
        let occurred_at = parse_time("Shippo", &format!("{field}.status_date"), &s.status_date)?;
        let substatus = s.substatus.as_ref().map(|x| x.code.clone());
        let source_event_id = s.object_id.clone().unwrap_or_else(|| {
            format!(
                "{}:{}:{}:{}",
                track.tracking_number,
                occurred_at.utc.timestamp(),
                s.status,
                substatus.as_deref().unwrap_or("")
            )
        });
        if events.iter().any(|e| e.source_event_id == source_event_id) {
            continue;
        }
        events.push(CarrierEvent {
            tracking_number: track.tracking_number.trim().to_string(),
            carrier: track.carrier.clone(),
            carrier_code: None,
            source_event_id,
            status: s.status.clone(),
            detail: substatus,
            occurred_at,
            location: s
                .location
                .as_ref()
                .and_then(|l| location(&[l.city.as_deref(), l.state.as_deref(), l.country.as_deref()])),
            message: s.status_details.clone(),
            estimated_delivery: track.eta.as_deref().and_then(estimate_date),
        });
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Canonical, ExceptionKind, Milestone, StatusDictionary};

    const SAMPLE: &str = r#"{
      "event": "track_updated", "test": false,
      "data": {
        "carrier": "usps", "tracking_number": "92055901755477000271990251",
        "tracking_status": {"object_id": "ts-3", "status": "TRANSIT", "status_details": "Delivery attempted, no access",
          "status_date": "2026-11-24T16:05:00Z", "substatus": {"code": "delivery_attempted", "text": "Delivery attempted", "action_required": false},
          "location": {"city": "Austin", "state": "TX", "zip": "78701", "country": "US"}},
        "tracking_history": [
          {"object_id": "ts-1", "status": "PRE_TRANSIT", "status_details": "Label created", "status_date": "2026-11-21T15:00:00Z",
           "substatus": {"code": "information_received"}, "location": null},
          {"object_id": "ts-2", "status": "TRANSIT", "status_details": "Departed", "status_date": "2026-11-22T02:30:00Z",
           "substatus": {"code": "package_departed"}, "location": {"city": "Houston", "state": "TX", "country": "US"}},
          {"object_id": "ts-3", "status": "TRANSIT", "status_details": "Delivery attempted, no access",
           "status_date": "2026-11-24T16:05:00Z", "substatus": {"code": "delivery_attempted"},
           "location": {"city": "Austin", "state": "TX", "country": "US"}}
        ]
      }
    }"#;

    #[test]
    fn history_and_current_status_become_events_once_each() {
        let events = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(events.len(), 3, "the current status repeats the last history entry");
        let dictionary = StatusDictionary::global();
        let canonical: Vec<Canonical> =
            events.into_iter().map(|e| e.into_new_event(SOURCE, &dictionary).canonical).collect();
        assert_eq!(
            canonical,
            [
                Canonical::Milestone(Milestone::Packed),
                Canonical::Milestone(Milestone::InTransit),
                Canonical::Exception(ExceptionKind::FailedAttempt)
            ]
        );
    }

    #[test]
    fn unknown_statuses_are_kept_unmapped() {
        let odd = SAMPLE
            .replace("\"status\": \"PRE_TRANSIT\"", "\"status\": \"UNKNOWN\"")
            .replace("\"information_received\"", "\"something_new\"");
        let events = parse(odd.as_bytes()).unwrap();
        let first = events[0].clone().into_new_event(SOURCE, &StatusDictionary::global());
        assert_eq!(first.canonical, Canonical::Unmapped);
        assert_eq!(first.raw_code, "UNKNOWN/SOMETHING_NEW");
    }
}
