//! EasyPost `tracker.updated` webhooks: one event per tracking detail.

use super::carrier_event::{estimate_date, location, parse_time, CarrierEvent, FormatError};
use serde::Deserialize;

pub const SOURCE: &str = "easypost";

#[derive(Deserialize)]
struct Webhook {
    description: String,
    result: Tracker,
}

#[derive(Deserialize)]
struct Tracker {
    id: String,
    tracking_code: String,
    status: String,
    status_detail: Option<String>,
    carrier: Option<String>,
    updated_at: Option<String>,
    /// The carrier's estimated delivery date, when it gave one.
    est_delivery_date: Option<String>,
    #[serde(default)]
    tracking_details: Vec<Detail>,
}

#[derive(Deserialize)]
struct Detail {
    message: Option<String>,
    status: String,
    status_detail: Option<String>,
    datetime: String,
    carrier_code: Option<String>,
    tracking_location: Option<Location>,
}

#[derive(Deserialize)]
struct Location {
    city: Option<String>,
    state: Option<String>,
    country: Option<String>,
}

/// The webhook's own id, used to refuse replays.
pub fn webhook_id(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde_json::Value>(body).ok()?.get("id")?.as_str().map(str::to_string)
}

pub fn parse(body: &[u8]) -> Result<Vec<CarrierEvent>, FormatError> {
    let webhook: Webhook =
        serde_json::from_slice(body).map_err(|e| FormatError::new("EasyPost", "body", e.to_string()))?;
    if !webhook.description.starts_with("tracker.") {
        return Err(FormatError::new(
            "EasyPost",
            "description",
            format!("`{}` is not a tracker event", webhook.description),
        ));
    }
    let tracker = webhook.result;
    if tracker.tracking_code.trim().is_empty() {
        return Err(FormatError::new("EasyPost", "result.tracking_code", "is empty"));
    }
    let estimate = tracker.est_delivery_date.as_deref().and_then(estimate_date);
    let mut events = Vec::new();
    for (i, detail) in tracker.tracking_details.iter().enumerate() {
        let occurred_at = parse_time("EasyPost", &format!("result.tracking_details[{i}].datetime"), &detail.datetime)?;
        let place = detail.tracking_location.as_ref();
        events.push(CarrierEvent {
            tracking_number: tracker.tracking_code.trim().to_string(),
            carrier: tracker.carrier.clone(),
            carrier_code: detail.carrier_code.clone(),
            source_event_id: format!(
                "{}:{}:{}:{}",
                tracker.id,
                occurred_at.utc.timestamp(),
                detail.status,
                detail.status_detail.as_deref().unwrap_or("")
            ),
            status: detail.status.clone(),
            detail: detail.status_detail.clone(),
            occurred_at,
            location: place.and_then(|l| location(&[l.city.as_deref(), l.state.as_deref(), l.country.as_deref()])),
            message: detail.message.clone(),
            estimated_delivery: estimate,
        });
    }
    // A tracker without details still says where it stands.
    if events.is_empty() {
        let updated = tracker
            .updated_at
            .as_deref()
            .ok_or_else(|| FormatError::new("EasyPost", "result.updated_at", "is missing"))?;
        let occurred_at = parse_time("EasyPost", "result.updated_at", updated)?;
        events.push(CarrierEvent {
            tracking_number: tracker.tracking_code.trim().to_string(),
            carrier: tracker.carrier,
            carrier_code: None,
            source_event_id: format!("{}:{}:{}", tracker.id, occurred_at.utc.timestamp(), tracker.status),
            status: tracker.status,
            detail: tracker.status_detail,
            occurred_at,
            location: None,
            message: None,
            estimated_delivery: estimate,
        });
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Canonical, ExceptionKind, Milestone, StatusDictionary};

    const SAMPLE: &str = r#"{
      "object": "Event", "id": "evt_2f5c", "mode": "production", "description": "tracker.updated",
      "result": {
        "object": "Tracker", "id": "trk_c8e0", "tracking_code": "9400110898825022579493", "carrier": "USPS",
        "status": "out_for_delivery", "status_detail": "out_for_delivery", "updated_at": "2026-11-24T14:02:00Z",
        "tracking_details": [
          {"object": "TrackingDetail", "message": "Shipping Label Created", "status": "pre_transit",
           "status_detail": "label_created", "datetime": "2026-11-21T09:15:00Z", "source": "USPS",
           "tracking_location": {"object": "TrackingLocation", "city": "HOUSTON", "state": "TX", "country": "US", "zip": "77063"}},
          {"object": "TrackingDetail", "message": "Arrived at USPS Regional Facility", "status": "in_transit",
           "status_detail": "arrived_at_facility", "datetime": "2026-11-22T03:40:00Z",
           "tracking_location": {"city": "NORTH HOUSTON", "state": "TX", "country": null, "zip": null}},
          {"object": "TrackingDetail", "message": "Weather delay", "status": "in_transit",
           "status_detail": "weather_delay", "datetime": "2026-11-23T11:00:00Z", "tracking_location": null},
          {"object": "TrackingDetail", "message": "Out for Delivery", "status": "out_for_delivery",
           "status_detail": "some_new_detail", "datetime": "2026-11-24T07:58:00-06:00",
           "tracking_location": {"city": "AUSTIN", "state": "TX", "country": "US"}}
        ]
      }
    }"#;

    #[test]
    fn every_tracking_detail_becomes_an_event() {
        let events = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(events.len(), 4);
        assert_eq!(events[0].tracking_number, "9400110898825022579493");
        assert_eq!(events[0].location.as_deref(), Some("HOUSTON, TX, US"));
        assert_eq!(events[3].occurred_at.utc.to_rfc3339(), "2026-11-24T13:58:00+00:00", "offsets are honoured");
        let dictionary = StatusDictionary::global();
        let mapped: Vec<(String, Canonical)> = events
            .into_iter()
            .map(|e| e.into_new_event(SOURCE, &dictionary))
            .map(|e| (e.raw_code, e.canonical))
            .collect();
        assert_eq!(mapped[0], ("PRE_TRANSIT/LABEL_CREATED".into(), Canonical::Milestone(Milestone::Packed)));
        assert_eq!(mapped[2], ("IN_TRANSIT/WEATHER_DELAY".into(), Canonical::Exception(ExceptionKind::Delayed)));
        // An unknown detail keeps its status's meaning.
        assert_eq!(mapped[3].1, Canonical::Milestone(Milestone::OutForDelivery));
    }

    #[test]
    fn repeated_deliveries_have_the_same_event_ids() {
        let a = parse(SAMPLE.as_bytes()).unwrap();
        let b = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(
            a.iter().map(|e| &e.source_event_id).collect::<Vec<_>>(),
            b.iter().map(|e| &e.source_event_id).collect::<Vec<_>>()
        );
    }

    #[test]
    fn broken_payloads_say_what_is_wrong() {
        assert!(parse(b"{").unwrap_err().to_string().contains("EasyPost"));
        let other = r#"{"description": "batch.created", "result": {"id": "x", "tracking_code": "1", "status": "x"}}"#;
        assert_eq!(parse(other.as_bytes()).unwrap_err().field, "description");
        let bad_time = SAMPLE.replace("2026-11-22T03:40:00Z", "yesterday");
        assert_eq!(parse(bad_time.as_bytes()).unwrap_err().field, "result.tracking_details[1].datetime");
    }

    #[test]
    fn the_carriers_estimate_is_kept_as_the_date_it_names() {
        let events = parse(include_bytes!("../../tests/samples/easypost/usps_in_transit_with_estimate.json")).unwrap();
        let dictionary = StatusDictionary::global();
        assert_eq!(events.len(), 2);
        let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 4);
        assert!(events.iter().all(|e| e.estimated_delivery == date));
        let event = events.into_iter().last().unwrap().into_new_event(SOURCE, &dictionary);
        assert_eq!(event.details["carrier_estimate"], "2026-12-04");
        // Without one, the details say nothing about it.
        let none = parse(SAMPLE.as_bytes()).unwrap().remove(0).into_new_event(SOURCE, &dictionary);
        assert!(none.details.get("carrier_estimate").is_none());
    }
}
