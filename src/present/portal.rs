//! Builds what portal pages show from store records: formatted, and with
//! only what the person's role may see.

use crate::auth::session::SignedIn;
use crate::domain::edi_partner::{AckKind, PartnerProfile, Ta1Policy};
use crate::domain::{Canonical, Milestone, OrderLineId, Quantity, ShipmentId, TimeZone};
use crate::ingest::edi::TransactionResult;
use crate::present::portal_view::*;
use crate::store::{EventRecord, InterchangeRecord, OrderListRow, OrderSnapshot, TenantRecord};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

pub fn viewer(signed_in: &SignedIn, tenant: &TenantRecord) -> Viewer {
    let p = &signed_in.person;
    Viewer {
        name: p.name.clone(),
        email: p.email.clone(),
        role: p.role,
        brand: tenant.brand_name.clone(),
        // The tracking page's colours, so the portal reads as the same company.
        brand_style: format!(
            "--brand:{};--brand-text:{};--accent:{}",
            tenant.primary_color,
            tenant.primary_color.readable_text(),
            tenant.accent_color
        ),
        logo_url: tenant.logo_url.clone(),
        csrf: signed_in.csrf(),
    }
}

/// B2B people compare these with documents: unambiguous, sortable.
pub fn time_in(at: DateTime<Utc>, tz: TimeZone) -> String {
    tz.local(at).format("%Y-%m-%d %H:%M %Z").to_string()
}

pub fn today_in(tz: TimeZone, now: DateTime<Utc>) -> NaiveDate {
    tz.today(now)
}

pub fn order_row(row: &OrderListRow, now: DateTime<Utc>, reason: Option<String>) -> OrderRow {
    let tz = row.ship_to_time_zone;
    let delivered = row.status_milestone == Some(Milestone::Delivered);
    OrderRow {
        number: row.order_number.clone(),
        po: row.customer_po.clone(),
        account: row.account_name.clone(),
        placed: tz.local(row.placed_at).format("%Y-%m-%d").to_string(),
        promised: row.promised_date.map(|d| d.format("%Y-%m-%d").to_string()),
        headline: row.status_headline.clone(),
        late: crate::domain::is_late(row.promised_date, delivered, today_in(tz, now)),
        exception: !row.open_exceptions.is_empty(),
        ship_to: row.site.one_line(),
        reason,
    }
}

pub fn shipment_label(carrier: &str, tracking_number: &str) -> String {
    format!("{} {}", carrier.to_uppercase(), tracking_number)
}

/// Each line's ordered, shipped (and in which shipment), delivered,
/// outstanding and received quantities, across split and partial shipments.
pub fn line_progress(snapshot: &OrderSnapshot, received: &[(OrderLineId, Quantity, Quantity)]) -> Vec<LineProgress> {
    let labels: HashMap<ShipmentId, String> =
        snapshot.shipments.iter().map(|s| (s.id, shipment_label(&s.carrier, &s.tracking_number))).collect();
    snapshot
        .lines
        .iter()
        .zip(snapshot.line_quantities())
        .map(|(line, q)| {
            let counted = received.iter().find(|(id, _, _)| *id == line.id);
            LineProgress {
                line_number: line.line_number,
                sku: line.sku.clone(),
                description: line.description.clone(),
                unit: line.unit.clone(),
                // Businesses reconcile against what is still on order.
                ordered: q.due(),
                shipped_in: q
                    .shipped_in
                    .iter()
                    .map(|(s, quantity)| (labels.get(s).cloned().unwrap_or_default(), *quantity))
                    .collect(),
                shipped: q.shipped,
                delivered: q.delivered,
                outstanding: q.undelivered(),
                received: counted.map(|c| c.1),
                damaged: counted.map_or(Quantity::ZERO, |c| c.2),
            }
        })
        .collect()
}

/// Who may see an event in the portal: account people see what buyers see
/// on a tracking link plus their own receipts; staff see everything.
fn visible_to_account(event: &EventRecord, buyers_see_conditions: bool) -> bool {
    let receiving = event.source == RECEIVING_SOURCE && !event.canonical.is_condition_alert();
    receiving || event.canonical.visible_to_buyers(buyers_see_conditions)
}

/// Events recorded by receivers in the portal.
pub const RECEIVING_SOURCE: &str = "receiving";
/// Events recorded by customer service in the portal.
pub const SERVICE_SOURCE: &str = "customer_service";

pub fn timeline(snapshot: &OrderSnapshot, staff: bool, buyers_see_conditions: bool, tz: TimeZone) -> Vec<TimelineItem> {
    let labels: HashMap<ShipmentId, String> =
        snapshot.shipments.iter().map(|s| (s.id, shipment_label(&s.carrier, &s.tracking_number))).collect();
    let mut items: Vec<TimelineItem> = snapshot
        .events
        .iter()
        .filter(|e| staff || visible_to_account(e, buyers_see_conditions))
        .map(|e| {
            let presentation = e.canonical.presentation();
            let text = e.details.0.get("text").and_then(|t| t.as_str()).map(str::to_string);
            let label = match e.canonical {
                Canonical::Unmapped => format!("Unmapped code {} from {}", e.raw_code, e.source),
                _ => presentation.label.to_string(),
            };
            TimelineItem {
                id: e.id.0,
                label,
                detail: text.or_else(|| e.location.clone()),
                when: time_in(e.occurred_at, tz),
                shipment: match e.return_id {
                    Some(_) => Some("Return".to_string()),
                    None => e.shipment_id.and_then(|s| labels.get(&s).cloned()),
                },
                source: e.source.clone(),
                exception: matches!(e.canonical, Canonical::Exception(_)),
                internal: !visible_to_account(e, buyers_see_conditions),
            }
        })
        .collect();
    items.reverse();
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AccountId, OrderId, TenantId};
    use crate::store::{LineRecord, OrderRecord, ShipTo, ShipmentLineRecord, ShipmentRecord};

    fn n(units: i64) -> Quantity {
        Quantity::whole(units)
    }

    fn snapshot() -> OrderSnapshot {
        let line = |id, number, q, cancelled| LineRecord {
            id: OrderLineId(id),
            line_number: number,
            sku: format!("SKU-{number}"),
            description: String::new(),
            quantity: n(q),
            unit: "EA".into(),
            cancelled_quantity: n(cancelled),
        };
        let shipment = |id, tracking: &str, status_milestone| ShipmentRecord {
            id: ShipmentId(id),
            carrier: "ups".into(),
            service: None,
            tracking_number: tracking.into(),
            status_milestone,
        };
        let carried =
            |s, l, q| ShipmentLineRecord { shipment_id: ShipmentId(s), order_line_id: OrderLineId(l), quantity: n(q) };
        OrderSnapshot {
            order: OrderRecord {
                id: OrderId(1),
                tenant_id: TenantId(1),
                account_id: Some(AccountId(1)),
                order_number: "A-1".into(),
                customer_po: None,
                placed_at: Utc::now(),
                promised_date: None,
                contact_name: None,
                contact_email: None,
                contact_phone: None,
                ship_to: ShipTo {
                    name: "Dock".into(),
                    line1: "1 Road".into(),
                    line2: None,
                    city: "Town".into(),
                    region: None,
                    postcode: "1".into(),
                    country: "GB".into(),
                    time_zone: TimeZone::parse("Europe/London").unwrap(),
                    latitude: None,
                    longitude: None,
                },
                status_milestone: None,
                status_headline: String::new(),
                open_exceptions: Default::default(),
            },
            lines: vec![line(10, 1, 10, 0), line(11, 2, 5, 1), line(12, 3, 2, 0)],
            shipments: vec![
                shipment(100, "T1", Some(Milestone::Delivered)),
                shipment(101, "T2", Some(Milestone::InTransit)),
            ],
            shipment_lines: vec![carried(100, 10, 6), carried(101, 10, 4), carried(100, 11, 4)],
            events: vec![],
        }
    }

    #[test]
    fn split_and_partial_shipments_add_up_per_line() {
        let lines = line_progress(&snapshot(), &[(OrderLineId(10), n(5), n(1))]);
        let first = &lines[0];
        assert_eq!(first.shipped_in, vec![("UPS T1".to_string(), n(6)), ("UPS T2".to_string(), n(4))]);
        assert_eq!((first.ordered, first.shipped, first.delivered, first.outstanding), (n(10), n(10), n(6), n(4)));
        assert_eq!((first.received, first.damaged), (Some(n(5)), n(1)));
        let second = &lines[1];
        // One of five was cancelled: four ordered, all delivered.
        assert_eq!((second.ordered, second.shipped, second.delivered, second.outstanding), (n(4), n(4), n(4), n(0)));
        assert_eq!(second.received, None);
        let third = &lines[2];
        assert!(third.shipped_in.is_empty());
        assert_eq!((third.ordered, third.shipped, third.delivered, third.outstanding), (n(2), n(0), n(0), n(2)));
    }
}

/// A partner's profile as a row of the administrator's list, with the
/// secret its pushed acknowledgments are signed with.
pub fn partner_row(p: &PartnerProfile, ack_secret: Option<String>, tenant_zone: TimeZone) -> PartnerRow {
    let sets = if p.expected_sets.is_empty() {
        "any".to_string()
    } else {
        p.expected_sets.iter().map(|s| s.id()).collect::<Vec<_>>().join(", ")
    };
    PartnerRow {
        sender_id: p.sender_id.clone(),
        name: p.name.clone().unwrap_or_default(),
        sets,
        acknowledgment: match p.acknowledgment {
            AckKind::None => "none".into(),
            kind => kind.as_str().into(),
        },
        ta1: match p.ta1 {
            Ta1Policy::OnRequest => "when asked (ISA14)",
            Ta1Policy::Always => "always",
            Ta1Policy::Never => "never",
        }
        .into(),
        counts: if p.tolerant_counts { "tolerant (warn)" } else { "strict" }.into(),
        time_zone: match p.time_zone {
            Some(zone) => zone.name().to_string(),
            None => format!("tenant's ({})", tenant_zone.name()),
        },
        ship_to: p.default_ship_to.as_ref().map(|s| {
            [
                Some(s.name.as_str()),
                Some(s.line1.as_str()),
                s.line2.as_deref(),
                Some(s.city.as_str()),
                s.region.as_deref(),
            ]
            .into_iter()
            .flatten()
            .chain([s.postcode.as_str(), s.country.as_str()])
            .collect::<Vec<_>>()
            .join(", ")
        }),
        ack_push: p.ack_url.clone().zip(ack_secret),
        edit_href: format!("/portal/admin/edi?edit={}", query_value(&p.sender_id)),
    }
}

/// A profile in the form, for editing.
pub fn partner_fields(p: &PartnerProfile) -> PartnerFields {
    PartnerFields {
        sender_id: p.sender_id.clone(),
        name: p.name.clone().unwrap_or_default(),
        sets: p.expected_sets.iter().map(|s| s.id().to_string()).collect(),
        acknowledgment: p.acknowledgment.as_str().into(),
        ta1: p.ta1.as_str().into(),
        tolerant_counts: p.tolerant_counts,
        time_zone: p.time_zone.map(|z| z.name().to_string()).unwrap_or_default(),
        ship_to: p
            .default_ship_to
            .as_ref()
            .map(|s| ShipToFields {
                name: s.name.clone(),
                line1: s.line1.clone(),
                line2: s.line2.clone().unwrap_or_default(),
                city: s.city.clone(),
                region: s.region.clone().unwrap_or_default(),
                postcode: s.postcode.clone(),
                country: s.country.clone(),
            })
            .unwrap_or_default(),
        ack_url: p.ack_url.clone().unwrap_or_default(),
    }
}

/// The form for a new partner: what a sender without a profile gets.
pub fn new_partner_fields() -> PartnerFields {
    partner_fields(&PartnerProfile { sender_id: String::new(), ..PartnerProfile::default_for("") })
}

/// An interchange received, with what each of its sets became.
pub fn interchange_row(i: &InterchangeRecord, tenant_zone: TimeZone) -> InterchangeRow {
    let results: Vec<TransactionResult> = serde_json::from_value(i.results.clone()).unwrap_or_default();
    InterchangeRow {
        received: time_in(i.received_at, tenant_zone),
        sender: i.sender.clone(),
        control_number: i.control_number.clone(),
        sets: results
            .into_iter()
            .map(|r| InterchangeSet {
                set: format!("{} #{}", r.set, r.control_number),
                detail: [r.order_number, r.tracking_number]
                    .into_iter()
                    .flatten()
                    .chain((!r.message.is_empty()).then_some(r.message))
                    .collect::<Vec<_>>()
                    .join(" · "),
                status: r.status,
            })
            .collect(),
        acknowledgment_href: i.acknowledged.then(|| {
            format!(
                "/portal/admin/edi/acknowledgment?sender={}&control_number={}",
                query_value(&i.sender),
                query_value(&i.control_number)
            )
        }),
    }
}

/// A value for a link's query string.
fn query_value(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// What receiving last recorded for a shipment (the count, shortages,
/// damage, the reason), as the order page and the POD document show it.
pub fn receipt_text(snapshot: &OrderSnapshot, shipment: ShipmentId) -> Option<String> {
    snapshot
        .events
        .iter()
        .rev()
        .find(|e| {
            e.source == RECEIVING_SOURCE && e.details.0.get("shipment_id").and_then(|v| v.as_i64()) == Some(shipment.0)
        })
        .and_then(|e| e.details.0.get("text").and_then(|t| t.as_str()).map(str::to_string))
}
