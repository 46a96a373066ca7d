//! AfterShip tracking webhooks: one event per checkpoint (tag + subtag),
//! and the tracking's own tag when its checkpoints do not reach it.

use super::carrier_event::{estimate_date, location, parse_time, CarrierEvent, FormatError, SourceTime};
use serde::Deserialize;

pub const SOURCE: &str = "aftership";

#[derive(Deserialize)]
struct Webhook {
    event: String,
    msg: Tracking,
}

#[derive(Deserialize)]
struct Tracking {
    id: Option<String>,
    tracking_number: String,
    slug: Option<String>,
    /// The carrier's expected delivery date (`2026-11-27`, or a local time).
    expected_delivery: Option<String>,
    /// Where the tracking stands as a whole; AfterShip may send it with no
    /// checkpoint behind it (a delivery confirmed without a scan).
    tag: Option<String>,
    subtag: Option<String>,
    /// When AfterShip last changed the tracking (`last_updated_at` in newer
    /// API versions, `updated_at` in older ones).
    last_updated_at: Option<String>,
    updated_at: Option<String>,
    #[serde(default)]
    checkpoints: Vec<Checkpoint>,
}

#[derive(Deserialize)]
struct Checkpoint {
    checkpoint_time: String,
    tag: String,
    subtag: Option<String>,
    /// The carrier's own status code for the checkpoint.
    raw_tag: Option<String>,
    message: Option<String>,
    city: Option<String>,
    state: Option<String>,
    country_iso3: Option<String>,
    location: Option<String>,
}

pub fn webhook_id(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get("event_id").or_else(|| value.get("ts")).map(|v| v.to_string().trim_matches('"').to_string())
}

pub fn parse(body: &[u8]) -> Result<Vec<CarrierEvent>, FormatError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| FormatError::new("AfterShip", "body", e.to_string()))?;
    // A tracking as AfterShip's API returns it (`GET /trackings/...`, for a
    // backfill with `milepost import`) reads like a webhook's.
    let tracking: Tracking = if let Some(tracking) = value.pointer("/data/tracking") {
        serde_json::from_value(tracking.clone())
            .map_err(|e| FormatError::new("AfterShip", "data.tracking", e.to_string()))?
    } else {
        let webhook: Webhook =
            serde_json::from_value(value).map_err(|e| FormatError::new("AfterShip", "body", e.to_string()))?;
        if webhook.event != "tracking_update" {
            return Err(FormatError::new(
                "AfterShip",
                "event",
                format!("`{}` is not a tracking update", webhook.event),
            ));
        }
        webhook.msg
    };
    if tracking.tracking_number.trim().is_empty() {
        return Err(FormatError::new("AfterShip", "msg.tracking_number", "is empty"));
    }
    let estimate = tracking.expected_delivery.as_deref().and_then(estimate_date);
    let key = tracking.id.clone().unwrap_or_else(|| tracking.tracking_number.clone());
    let event = |status: &str,
                 detail: Option<&String>,
                 occurred_at: SourceTime,
                 carrier_code: Option<String>,
                 location: Option<String>,
                 message: Option<String>| CarrierEvent {
        tracking_number: tracking.tracking_number.trim().to_string(),
        carrier: tracking.slug.clone(),
        carrier_code,
        source_event_id: format!("{key}:{}:{}", occurred_at.utc.timestamp(), detail.map_or(status, |d| d)),
        status: status.to_string(),
        detail: detail.cloned(),
        occurred_at,
        location,
        message,
        estimated_delivery: estimate,
    };
    let mut events = tracking
        .checkpoints
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let occurred_at =
                parse_time("AfterShip", &format!("msg.checkpoints[{i}].checkpoint_time"), &c.checkpoint_time)?;
            let place = match (&c.city, &c.location) {
                (Some(_), _) => location(&[c.city.as_deref(), c.state.as_deref(), c.country_iso3.as_deref()]),
                (None, Some(l)) => location(&[Some(l.as_str())]),
                _ => None,
            };
            Ok(event(&c.tag, c.subtag.as_ref(), occurred_at, c.raw_tag.clone(), place, c.message.clone()))
        })
        .collect::<Result<Vec<_>, FormatError>>()?;
    // The tracking's tag is an event of its own when no checkpoint says it
    // (none yet, or the last one is behind), dated when AfterShip changed
    // the tracking. `Pending` is no news. Without a date it cannot be
    // placed on the timeline and waits for the checkpoints.
    let behind = tracking.checkpoints.last().map(|c| c.tag.as_str()) != tracking.tag.as_deref();
    let updated = [("msg.last_updated_at", &tracking.last_updated_at), ("msg.updated_at", &tracking.updated_at)]
        .into_iter()
        .find_map(|(field, value)| value.as_deref().map(|v| (field, v)));
    if let (Some(tag), Some((field, updated)), true) = (tracking.tag.as_deref(), updated, behind) {
        if tag != "Pending" && !tag.is_empty() {
            let occurred_at = parse_time("AfterShip", field, updated)?;
            let message = Some("Status from the tracking summary, without a carrier checkpoint".to_string());
            events.push(event(tag, tracking.subtag.as_ref(), occurred_at, None, None, message));
        }
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Canonical, ExceptionKind, Milestone, StatusDictionary};

    const SAMPLE: &str = r#"{
      "event": "tracking_update", "event_id": "9a8b7c", "is_tracking_first_tag": false, "ts": 1764000000,
      "msg": {
        "id": "lz3v1j", "tracking_number": "1Z999AA10123456784", "slug": "ups", "tag": "Exception", "subtag": "Exception_007",
        "checkpoints": [
          {"slug": "ups", "checkpoint_time": "2026-11-21T18:02:00-05:00", "tag": "InfoReceived", "subtag": "InfoReceived_001",
           "message": "Shipper created a label", "city": null, "location": "United States"},
          {"slug": "ups", "checkpoint_time": "2026-11-22T04:10:00-05:00", "tag": "InTransit", "subtag": "InTransit_007",
           "message": "Departed from Facility", "city": "Louisville", "state": "KY", "country_iso3": "USA"},
          {"slug": "ups", "checkpoint_time": "2026-11-24T09:30:00-06:00", "tag": "Exception", "subtag": "Exception_007",
           "message": "The address is incomplete", "city": "Austin", "state": "TX", "country_iso3": "USA"}
        ]
      }
    }"#;

    #[test]
    fn every_checkpoint_becomes_an_event() {
        let events = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(events[1].location.as_deref(), Some("Louisville, KY, USA"));
        assert_eq!(events[0].location.as_deref(), Some("United States"));
        assert_eq!(events[2].occurred_at.utc.to_rfc3339(), "2026-11-24T15:30:00+00:00");
        let dictionary = StatusDictionary::global();
        let canonical: Vec<Canonical> =
            events.into_iter().map(|e| e.into_new_event(SOURCE, &dictionary).canonical).collect();
        assert_eq!(
            canonical,
            [
                Canonical::Milestone(Milestone::Packed),
                Canonical::Milestone(Milestone::InTransit),
                Canonical::Exception(ExceptionKind::AddressIssue)
            ]
        );
    }

    #[test]
    fn missing_checkpoint_time_names_the_field() {
        let broken = SAMPLE.replace("\"checkpoint_time\": \"2026-11-22T04:10:00-05:00\", ", "");
        assert!(parse(broken.as_bytes()).unwrap_err().problem.contains("checkpoint_time"));
        assert_eq!(webhook_id(SAMPLE.as_bytes()).as_deref(), Some("9a8b7c"));
    }

    #[test]
    fn a_tracking_without_checkpoints_is_an_event_of_its_own() {
        let delivered = r#"{"event": "tracking_update", "msg": {"id": "t1", "tracking_number": "1Z9", "slug": "ups",
            "tag": "Delivered", "subtag": "Delivered_001", "last_updated_at": "2026-11-30T15:04:00+00:00",
            "checkpoints": []}}"#;
        let events = parse(delivered.as_bytes()).unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].occurred_at.utc.to_rfc3339(), "2026-11-30T15:04:00+00:00");
        let event = events.into_iter().next().unwrap().into_new_event(SOURCE, &StatusDictionary::global());
        assert_eq!(event.canonical, Canonical::Milestone(Milestone::Delivered));
        // Behind: the checkpoints stop in transit, the tracking is delivered.
        let behind = SAMPLE.replacen(
            r#""tag": "Exception", "subtag": "Exception_007","#,
            r#""tag": "Delivered", "subtag": "Delivered_001", "updated_at": "2026-11-25T10:00:00Z","#,
            1,
        );
        let events = parse(behind.as_bytes()).unwrap();
        assert_eq!(events.len(), 4);
        assert_eq!(
            (events[3].status.as_str(), events[3].source_event_id.as_str()),
            ("Delivered", "lz3v1j:1795600800:Delivered_001")
        );
        // In step with its last checkpoint, or only pending: nothing more.
        assert_eq!(parse(SAMPLE.as_bytes()).unwrap().len(), 3);
        let pending = delivered.replace(r#""tag": "Delivered", "subtag": "Delivered_001""#, r#""tag": "Pending""#);
        assert!(parse(pending.as_bytes()).unwrap().is_empty());
        let undated = delivered.replace(r#""last_updated_at": "2026-11-30T15:04:00+00:00","#, "");
        assert!(parse(undated.as_bytes()).unwrap().is_empty(), "no date: waits for its checkpoints");
        let garbled = delivered.replace("2026-11-30T15:04:00+00:00", "yesterday");
        assert_eq!(parse(garbled.as_bytes()).unwrap_err().field, "msg.last_updated_at");
    }

    #[test]
    fn the_expected_delivery_is_kept() {
        let events =
            parse(include_bytes!("../../tests/samples/aftership/ups_in_transit_expected_delivery.json")).unwrap();
        assert_eq!(events.len(), 2);
        assert!(events.iter().all(|e| e.estimated_delivery == chrono::NaiveDate::from_ymd_opt(2026, 12, 3)));
        let event = events.into_iter().last().unwrap().into_new_event(SOURCE, &StatusDictionary::global());
        assert_eq!(event.details["carrier_estimate"], "2026-12-03");
        assert!(parse(SAMPLE.as_bytes()).unwrap().iter().all(|e| e.estimated_delivery.is_none()));
    }
}
