//! X12 214, carrier shipment status: one `StatusDetail` per AT7 (status or
//! appointment, with its reason, date, time and time code), placed by the
//! MS1 that follows it, about the shipment B10 names.

use super::{time, EdiError, Transaction};
use crate::ingest::carrier_event::{location, CarrierEvent, SourceTime};
use chrono_tz::Tz;

#[derive(Clone, Debug, PartialEq)]
pub struct ShipmentStatus {
    /// B10-01: the carrier's reference (PRO or tracking number).
    pub carrier_reference: String,
    /// B10-02: the shipper's shipment id.
    pub shipment_id: Option<String>,
    /// B10-03: the carrier's SCAC.
    pub scac: Option<String>,
    /// L11 qualifier and value (`BM` bill of lading, `PO`, `2I` tracking...).
    pub references: Vec<(String, String)>,
    pub statuses: Vec<StatusDetail>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StatusDetail {
    /// Position of the AT7, to tell a partner which status we mean.
    pub position: usize,
    /// AT7-01, or the appointment status AT7-03 when it stands alone.
    pub code: String,
    /// AT7-02 (or AT7-04); `NS` is "normal status".
    pub reason: Option<String>,
    pub at: SourceTime,
    pub location: Option<String>,
    /// MS2-02: the trailer or vehicle.
    pub equipment: Option<String>,
    /// AT705 as written (the partner's calendar date).
    pub local_date: chrono::NaiveDate,
}

/// AT7-01 `AG`: the status whose date is the estimated delivery date.
pub const ESTIMATED_DELIVERY: &str = "AG";

pub fn read(transaction: &Transaction, local: Tz) -> Result<ShipmentStatus, EdiError> {
    let mut b10 = None;
    let mut references = Vec::new();
    let mut statuses: Vec<StatusDetail> = Vec::new();
    for segment in &transaction.segments {
        match segment.id.as_str() {
            "B10" => b10 = Some(segment),
            "L11" => {
                if let (Some(value), Some(qualifier)) = (segment.optional(1), segment.optional(2)) {
                    references.push((qualifier.to_string(), value.to_string()));
                }
            }
            "AT7" => {
                let (code, reason) = match (segment.optional(1), segment.optional(3)) {
                    (Some(status), _) => (status, segment.optional(2)),
                    (None, Some(appointment)) => (appointment, segment.optional(4)),
                    (None, None) => return Err(segment.error_at(1, "a status code, or AT703 an appointment code")),
                };
                let date = segment.required(5, "the status date")?;
                let at = time::instant(date, segment.element(6), segment.element(7), local)
                    .map_err(|expected| segment.error(format!("AT705-AT707 {expected}")))?;
                let local_date = chrono::NaiveDate::parse_from_str(date, "%Y%m%d")
                    .map_err(|_| segment.error_at(5, "a date CCYYMMDD"))?;
                statuses.push(StatusDetail {
                    position: segment.position,
                    code: code.to_string(),
                    reason: reason.map(str::to_string),
                    at,
                    location: None,
                    equipment: None,
                    local_date,
                });
            }
            // MS1 and MS2 describe the status before them.
            "MS1" => {
                if let Some(last) = statuses.last_mut() {
                    last.location = location(&[segment.optional(1), segment.optional(2), segment.optional(3)]);
                }
            }
            "MS2" => {
                if let Some(last) = statuses.last_mut() {
                    last.equipment = segment.optional(2).map(str::to_string);
                }
            }
            _ => {}
        }
    }
    let b10 = b10.ok_or_else(|| transaction.missing("B10", "a B10 segment naming the shipment"))?;
    let carrier_reference = match b10.optional(1) {
        Some(reference) => reference.to_string(),
        None => references
            .iter()
            .find(|(qualifier, _)| qualifier == "2I" || qualifier == "CN")
            .map(|(_, value)| value.clone())
            .ok_or_else(|| b10.error_at(1, "the carrier's reference, or an L11 with qualifier 2I or CN"))?,
    };
    if statuses.is_empty() {
        return Err(transaction.missing("AT7", "at least one AT7 status"));
    }
    Ok(ShipmentStatus {
        carrier_reference,
        shipment_id: b10.optional(2).map(str::to_string),
        scac: b10.optional(3).map(str::to_string),
        references,
        statuses,
    })
}

impl ShipmentStatus {
    /// Each status as a carrier event: the status code is what the
    /// dictionary reads, the reason refines it (`*/A2` is an address issue
    /// whatever the status). `sender` keeps ids apart between partners.
    pub fn carrier_events(&self, sender: &str) -> Vec<CarrierEvent> {
        self.statuses
            .iter()
            .map(|s| CarrierEvent {
                tracking_number: self.carrier_reference.clone(),
                carrier: self.scac.clone(),
                carrier_code: None,
                source_event_id: format!(
                    "214:{sender}:{}:{}:{}:{}",
                    self.carrier_reference,
                    s.code,
                    s.reason.as_deref().unwrap_or(""),
                    s.at.utc.timestamp()
                ),
                status: s.code.clone(),
                detail: s.reason.clone(),
                occurred_at: s.at,
                location: s.location.clone(),
                message: s.equipment.as_ref().map(|e| format!("Equipment {e}")),
                // AG "estimated delivery": AT705 is the date the carrier expects to deliver.
                estimated_delivery: (s.code == ESTIMATED_DELIVERY).then(|| s.local_date),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Canonical, ExceptionKind, Milestone, StatusDictionary};

    fn transactions(sample: &str) -> Vec<Transaction> {
        let interchange = super::super::parse(sample.as_bytes()).unwrap();
        interchange.groups.into_iter().flat_map(|g| g.transactions).collect()
    }

    #[test]
    fn reads_statuses_with_their_places_and_local_times() {
        let all = transactions(include_str!("../../../tests/samples/edi/214_before_the_shipment_exists.x12"));
        let status = read(&all[0], chrono_tz::UTC).unwrap();
        assert_eq!(status.carrier_reference, "1Z4RV8790312345678");
        assert_eq!(status.scac.as_deref(), Some("UPSN"));
        assert_eq!(status.references, [("PO".to_string(), "4500012345".to_string())]);
        assert_eq!(status.statuses.len(), 2);
        let departed = &status.statuses[0];
        assert_eq!((departed.code.as_str(), departed.reason.as_deref()), ("AF", Some("NS")));
        assert_eq!(departed.location.as_deref(), Some("Louisville, KY, US"));
        assert_eq!(departed.equipment.as_deref(), Some("TRL4471"));
        assert_eq!(departed.at.utc.to_rfc3339(), "2026-11-25T22:10:00+00:00");
        assert_eq!(departed.at.offset_minutes, Some(-300));
        // `LT` is the partner's local time: the tenant's zone stands in.
        let unknown = read(&all[1], "America/Denver".parse().unwrap()).unwrap();
        assert_eq!(unknown.statuses[0].at.offset_minutes, Some(-420));
    }

    #[test]
    fn reason_codes_refine_the_status_through_the_dictionary() {
        let all = transactions(include_str!("../../../tests/samples/edi/214_delivered.x12"));
        let dictionary = StatusDictionary::global();
        let events: Vec<_> = read(&all[0], chrono_tz::UTC)
            .unwrap()
            .carrier_events("UPSN")
            .into_iter()
            .map(|e| e.into_new_event("edi", &dictionary))
            .collect();
        assert_eq!(events[0].raw_code, "X1/A2");
        assert_eq!(events[0].canonical, Canonical::Exception(ExceptionKind::AddressIssue));
        assert_eq!(events[1].raw_code, "D1/NS");
        assert_eq!(events[1].canonical, Canonical::Milestone(Milestone::Delivered));
    }

    #[test]
    fn missing_pieces_are_named_by_segment() {
        let sample = include_str!("../../../tests/samples/edi/214_delivered.x12");
        let without_date = sample.replace("AT7*X1*A2***20261126*1010*CT", "AT7*X1*A2****1010*CT");
        let err = read(&transactions(&without_date)[0], chrono_tz::UTC).unwrap_err();
        assert_eq!((err.position, err.segment.as_str()), (6, "AT7"));
        assert!(err.expected.contains("AT705"), "{err}");
        let bad_zone = sample.replace("1010*CT", "1010*QQ");
        assert!(read(&transactions(&bad_zone)[0], chrono_tz::UTC).unwrap_err().expected.contains("time code"));
    }

    #[test]
    fn an_estimated_delivery_status_carries_its_date_as_the_estimate() {
        let all = transactions(include_str!("../../../tests/samples/edi/214_estimated_delivery.x12"));
        let events = read(&all[0], chrono_tz::UTC).unwrap().carrier_events("UPSN");
        assert_eq!(events[0].estimated_delivery, chrono::NaiveDate::from_ymd_opt(2026, 12, 4));
        let delivered = transactions(include_str!("../../../tests/samples/edi/214_delivered.x12"));
        let events = read(&delivered[0], chrono_tz::UTC).unwrap().carrier_events("UPSN");
        assert!(events.iter().all(|e| e.estimated_delivery.is_none()));
    }
}
