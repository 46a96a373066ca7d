//! `milepost history import olist DIR`: the public Olist dataset's orders
//! as real orders, shipments and events, through the normal ingest path
//! and with the dataset's own timestamps (placed, approved, handed to the
//! carrier, delivered, cancelled), so the promise worker builds the lane
//! rollups from them exactly as it does in production. Re-running it adds
//! nothing: every event carries a source event id made from the order id.

use crate::domain::{Canonical, ExceptionKind, Milestone, Quantity, ShipTo, TenantId, TimeZone};
use crate::history::olist::{self, state_zone, OlistOrder};
use crate::ingest;
use crate::state::AppState;
use crate::store::{self, NewEvent, NewOrder, NewOrderLine, NewShipment};
use chrono::{DateTime, NaiveDateTime, TimeZone as _, Utc};
use std::path::Path;

/// The source name of imported events.
pub const SOURCE: &str = "olist";
/// The carrier and service every Olist shipment is filed under.
pub const CARRIER: &str = "olist";
pub const SERVICE: &str = "standard";

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub orders: u64,
    pub shipments: u64,
    pub delivered: u64,
    pub cancelled: u64,
    /// Events recorded now (0 on a re-run).
    pub events: u64,
    /// Orders left out: no customer row to ship to.
    pub skipped: u64,
}

/// A dataset time (São Paulo wall clock) as an instant.
fn instant(at: NaiveDateTime) -> DateTime<Utc> {
    match chrono_tz::America::Sao_Paulo.from_local_datetime(&at).earliest() {
        Some(t) => t.to_utc(),
        // The hour skipped by a daylight-saving change.
        None => (at + chrono::Duration::hours(1)).and_utc() + chrono::Duration::hours(2),
    }
}

fn event(order: &OlistOrder, step: &str, canonical: Canonical, at: NaiveDateTime) -> NewEvent {
    NewEvent {
        shipment: None,
        source: SOURCE.into(),
        source_event_id: format!("{}:{step}", order.order_id),
        raw_code: step.to_ascii_uppercase(),
        canonical,
        occurred_at: instant(at),
        occurred_offset_minutes: None,
        location: None,
        details: serde_json::json!({}),
    }
}

/// Reads the four CSV files in `dir` and imports every order into `tenant`.
pub async fn import_olist(state: &AppState, tenant: TenantId, dir: &Path) -> anyhow::Result<ImportCounts> {
    let orders = olist::read_dir(dir)?;
    let mut counts = ImportCounts::default();
    for order in &orders {
        import_order(state, tenant, order, &mut counts).await?;
    }
    Ok(counts)
}

async fn import_order(
    state: &AppState,
    tenant: TenantId,
    o: &OlistOrder,
    counts: &mut ImportCounts,
) -> anyhow::Result<()> {
    let Some(customer) = &o.customer else {
        counts.skipped += 1;
        return Ok(());
    };
    let mut lines: Vec<NewOrderLine> = o
        .items
        .iter()
        .map(|i| NewOrderLine {
            sku: i.product_id.clone(),
            description: format!("Item {} ({})", i.item, i.product_id),
            quantity: Quantity::whole(1),
            unit: "each".into(),
        })
        .collect();
    if lines.is_empty() {
        lines.push(NewOrderLine {
            sku: "unknown".into(),
            description: "Items not listed".into(),
            quantity: Quantity::whole(1),
            unit: "each".into(),
        });
    }
    let zone: TimeZone = state_zone(&customer.state).into();
    let new_order = NewOrder {
        tenant,
        account: None,
        order_number: o.order_id.clone(),
        customer_po: None,
        placed_at: instant(o.purchased_at),
        promised_date: o.estimated_delivery,
        contact_name: None,
        contact_email: None,
        contact_phone: None,
        ship_to: ShipTo {
            name: format!("Customer {}", o.customer_id),
            line1: "(not in the dataset)".into(),
            line2: None,
            city: customer.city.clone(),
            region: Some(customer.state.clone()),
            postcode: customer.zip_prefix.clone(),
            country: "BR".into(),
            time_zone: zone,
            latitude: None,
            longitude: None,
        },
        lines,
    };
    let saved = ingest::save_order(
        state,
        &new_order,
        event(o, "placed", Canonical::Milestone(Milestone::Placed), o.purchased_at),
    )
    .await?;
    counts.orders += 1;
    counts.events += saved.placed.inserted.len() as u64;
    let mut later = Vec::new();
    if let Some(at) = o.approved_at {
        later.push(event(o, "approved", Canonical::Milestone(Milestone::Confirmed), at));
    }
    if o.is_cancelled() {
        let at = [o.approved_at, Some(o.purchased_at)].into_iter().flatten().max().unwrap_or(o.purchased_at);
        later.push(event(o, "cancelled", Canonical::Exception(ExceptionKind::Cancelled), at));
        counts.cancelled += 1;
    }
    if !later.is_empty() {
        counts.events += ingest::append(state, tenant, saved.id, &later).await?.inserted.len() as u64;
    }
    let Some(handed) = o.handed_to_carrier_at else {
        return Ok(());
    };
    let shipment = match store::shipment_ids(&state.pool, saved.id).await?.first() {
        Some(id) => *id,
        None => {
            let seller = o.first_item().and_then(|i| i.seller.as_ref().map(|s| (i.seller_id.as_str(), s)));
            let mut confirm = event(o, "handed_to_carrier", Canonical::Milestone(Milestone::Shipped), handed);
            if let Some((site, place)) = seller {
                confirm.location = Some(format!("{}, {}, BR", place.city, place.state));
                confirm.details = serde_json::json!({ "ship_from": {
                    "site": site, "country": "BR", "region": place.state, "postcode": place.zip_prefix, "name": place.state,
                }});
            }
            let created = ingest::ship_confirm(
                state,
                tenant,
                &NewShipment {
                    order: saved.id,
                    carrier: CARRIER.into(),
                    service: Some(SERVICE.into()),
                    tracking_number: o.order_id.clone(),
                    lines: saved.lines.iter().map(|l| (*l, Quantity::whole(1))).collect(),
                    packs: Vec::new(),
                    product_class: None,
                },
                confirm,
            )
            .await?;
            counts.events += created.confirmed.inserted.len() as u64;
            created.id
        }
    };
    counts.shipments += 1;
    if let Some(at) = o.delivered_at {
        let mut delivered = event(o, "delivered", Canonical::Milestone(Milestone::Delivered), at);
        delivered.shipment = Some(shipment);
        counts.events += ingest::append(state, tenant, saved.id, &[delivered]).await?.inserted.len() as u64;
        counts.delivered += 1;
    }
    Ok(())
}
