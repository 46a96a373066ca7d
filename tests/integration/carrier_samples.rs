//! Every sample payload in tests/samples, read by its format and mapped by
//! the bundled dictionary, gives the milestones a person reading the payload
//! would expect, including where the carrier's own code says more than the
//! aggregator's status.

use milepost::domain::StatusDictionary;
use milepost::ingest::webhook_format::WebhookFormat;

fn mapped(source: &str, file: &str) -> Vec<(String, String)> {
    let path = format!("{}/tests/samples/{source}/{file}", env!("CARGO_MANIFEST_DIR"));
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let dictionary = StatusDictionary::global();
    WebhookFormat::for_source(source)
        .carrier_events(&body)
        .expect("an aggregator format")
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .into_iter()
        .map(|e| e.into_new_event(source, &dictionary))
        .map(|e| (e.raw_code, e.canonical.code()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn easypost_ups_codes_refine_generic_statuses() {
    assert_eq!(
        mapped("easypost", "ups_exception_then_delivered.json"),
        pairs(&[
            ("PRE_TRANSIT/LABEL_CREATED", "packed"),
            // `status_update` says nothing; UPS's `P` says picked up.
            ("IN_TRANSIT/STATUS_UPDATE", "shipped"),
            ("IN_TRANSIT/DEPARTED_FACILITY", "in_transit"),
            // EasyPost still says in transit; UPS's `X` is an exception.
            ("IN_TRANSIT/STATUS_UPDATE", "exception:delayed"),
            ("OUT_FOR_DELIVERY/OUT_FOR_DELIVERY", "out_for_delivery"),
            ("DELIVERED/ARRIVED_AT_DESTINATION", "delivered"),
        ])
    );
}

#[test]
fn easypost_fedex_delay() {
    assert_eq!(
        mapped("easypost", "fedex_weather_delay.json"),
        pairs(&[("IN_TRANSIT/STATUS_UPDATE", "shipped"), ("IN_TRANSIT/WEATHER_DELAY", "exception:delayed")])
    );
}

#[test]
fn aftership_dhl_customs_hold() {
    assert_eq!(
        mapped("aftership", "dhl_express_customs.json"),
        pairs(&[
            ("INTRANSIT/INTRANSIT_002", "shipped"),
            ("INTRANSIT/INTRANSIT_007", "in_transit"),
            ("INTRANSIT/INTRANSIT_003", "in_transit"),
            ("EXCEPTION/EXCEPTION_004", "exception:held"),
            ("OUTFORDELIVERY/OUTFORDELIVERY_001", "out_for_delivery"),
        ])
    );
}

#[test]
fn shippo_usps_attempt_then_delivery() {
    assert_eq!(
        mapped("shippo", "usps_delivered.json"),
        pairs(&[
            ("PRE_TRANSIT/INFORMATION_RECEIVED", "packed"),
            ("TRANSIT/PACKAGE_ACCEPTED", "shipped"),
            ("TRANSIT/DELIVERY_ATTEMPTED", "exception:failed_attempt"),
            ("DELIVERED/DELIVERED", "delivered"),
        ])
    );
}

#[test]
fn unknown_codes_are_kept_unmapped_with_their_raw_code() {
    let dictionary = StatusDictionary::global();
    let body = br#"{"description": "tracker.updated", "result": {"id": "t", "tracking_code": "1", "status": "unknown",
        "tracking_details": [{"status": "unknown", "status_detail": "teleported", "datetime": "2026-11-26T10:00:00Z"}]}}"#;
    let events = WebhookFormat::EasyPost.carrier_events(body).unwrap().unwrap();
    let event = events.into_iter().next().unwrap().into_new_event("easypost", &dictionary);
    assert_eq!((event.raw_code.as_str(), event.canonical.code().as_str()), ("UNKNOWN/TELEPORTED", "unmapped"));
}

#[test]
fn aftership_generic_subtags_leave_the_decision_to_the_carrier_code() {
    assert_eq!(
        mapped("aftership", "ups_generic_subtags_raw_tag_decides.json"),
        pairs(&[
            ("INTRANSIT/INTRANSIT_001", "shipped"),
            ("INTRANSIT/INTRANSIT_001", "in_transit"),
            // AfterShip calls it a generic exception; UPS says returned to shipper.
            ("EXCEPTION/EXCEPTION_001", "exception:returned_to_sender"),
        ])
    );
}

#[test]
fn shippo_fedex_address_issue_and_a_history_entry_without_substatus() {
    assert_eq!(
        mapped("shippo", "fedex_address_issue.json"),
        pairs(&[
            ("PRE_TRANSIT", "packed"),
            ("TRANSIT/PACKAGE_DEPARTED", "in_transit"),
            ("TRANSIT/ADDRESS_ISSUE", "exception:address_issue"),
        ])
    );
}
