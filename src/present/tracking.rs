//! Builds the customer-facing tracking view from an order snapshot: status
//! from the domain, times in the ship-to's zone, internal events left out.

use crate::config::MapTiles;
use crate::domain::eta::{EtaModel, Fix, StopAhead};
use crate::domain::promise::{Basis, DeliveryWindow};
use crate::domain::{derive_order_status, is_late, Canonical, EventFact, Milestone, ShipmentId};
use crate::domain::{OrderId, ShipTo, TenantId, TimeZone};
use crate::present::tracking_view::*;
use crate::store::{self, LastMileRecord, OrderSnapshot, Pool, StoredWindow, TenantRecord};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, Utc};
use std::collections::HashMap;

/// Coarse stages for the progress bar: a buyer does not need ten steps.
const PROGRESS: [(&str, Milestone); 5] = [
    ("Ordered", Milestone::Placed),
    ("Packed", Milestone::Packed),
    ("Shipped", Milestone::Shipped),
    ("Out for delivery", Milestone::OutForDelivery),
    ("Delivered", Milestone::Delivered),
];

fn format_time(at: DateTime<Utc>, tz: TimeZone, locale: &str) -> String {
    let local = tz.local(at);
    if locale.eq_ignore_ascii_case("en-US") {
        local.format("%a, %b %-d, %-I:%M %p %Z").to_string()
    } else {
        local.format("%a %-d %b, %H:%M %Z").to_string()
    }
}

/// The time on the source's own clock (a carrier scan in another zone),
/// when it gave an offset that differs from the ship-to's at that instant.
fn source_clock(at: DateTime<Utc>, offset_minutes: Option<i32>, tz: TimeZone, locale: &str) -> Option<String> {
    let offset = FixedOffset::east_opt(offset_minutes? * 60)?;
    if tz.local(at).offset().fix() == offset {
        return None;
    }
    let there = at.with_timezone(&offset);
    Some(format!("{} local time (UTC{})", there.format(clock_format(locale)), there.format("%:z")))
}

/// A time of day as the locale writes it: "2:05 PM" or "14:05".
fn clock_format(locale: &str) -> &'static str {
    if locale.eq_ignore_ascii_case("en-US") {
        "%-I:%M %p"
    } else {
        "%H:%M"
    }
}

fn format_date(date: chrono::NaiveDate, locale: &str) -> String {
    if locale.eq_ignore_ascii_case("en-US") {
        date.format("%A, %B %-d").to_string()
    } else {
        date.format("%A %-d %B").to_string()
    }
}

/// The predicted window as a buyer reads it, in the ship-to's dates:
/// "Arriving Tue 3 – Thu 5 Dec, most likely Wed". A window the worker has
/// not refreshed since its days passed says nothing rather than something
/// already wrong; days already gone are dropped from its start.
pub fn forecast_text(window: &DeliveryWindow, today: NaiveDate, locale: &str) -> Option<String> {
    if window.latest < today || matches!(window.basis, Basis::Delivered) {
        return None;
    }
    let earliest = window.earliest.max(today);
    let likely = window.likely.clamp(earliest, window.latest);
    let us = locale.eq_ignore_ascii_case("en-US");
    let day = |d: NaiveDate, with_month: bool| match (us, with_month) {
        (true, true) => d.format("%a, %b %-d").to_string(),
        (true, false) => d.format("%a %-d").to_string(),
        (false, true) => d.format("%a %-d %b").to_string(),
        (false, false) => d.format("%a %-d").to_string(),
    };
    if earliest == window.latest {
        return Some(format!("Arriving {}", day(earliest, true)));
    }
    let same_month = earliest.month() == window.latest.month();
    let range = match (us, same_month) {
        // "Tue, Dec 3 – Thu, Dec 5" / "Tue 3 – Thu 5 Dec"
        (true, _) => format!("{} – {}", day(earliest, true), day(window.latest, true)),
        (false, true) => format!("{} – {}", day(earliest, false), day(window.latest, true)),
        (false, false) => format!("{} – {}", day(earliest, true), day(window.latest, true)),
    };
    // Within a week the weekday alone names the day.
    let likely =
        if (window.latest - earliest).num_days() < 7 { likely.format("%a").to_string() } else { day(likely, true) };
    Some(format!("Arriving {range}, most likely {likely}"))
}

/// The order's own window (the store lists it first), while it is on its way.
pub fn forecast_view(windows: &[StoredWindow], today: NaiveDate, locale: &str) -> Option<ForecastView> {
    let window = &windows.iter().find(|w| w.shipment.is_none())?.window;
    let arriving = forecast_text(window, today, locale)?;
    let mut reason = window.reason.clone();
    if let Some(first) = reason.get(..1) {
        reason = first.to_uppercase() + &reason[1..];
    }
    Some(ForecastView { arriving, reason })
}

pub fn build_tracking_view(
    snapshot: &OrderSnapshot,
    windows: &[StoredWindow],
    tenant: &TenantRecord,
    now: DateTime<Utc>,
) -> TrackingView {
    let order = &snapshot.order;
    let tz = order.ship_to.time_zone;
    let locale = tenant.locale.as_str();
    let buyers_see = |canonical: Canonical| canonical.visible_to_buyers(tenant.buyers_see_condition_alerts);

    let facts: Vec<EventFact> = snapshot
        .events
        .iter()
        .map(|e| EventFact { shipment: e.shipment_id.map(|s| s.0), canonical: e.canonical, occurred_at: e.occurred_at })
        .collect();
    let shipment_ids: Vec<i64> = snapshot.shipments.iter().map(|s| s.id.0).collect();

    let lines: Vec<LineView> = snapshot
        .lines
        .iter()
        .zip(snapshot.line_quantities())
        .map(|(l, q)| LineView {
            sku: l.sku.clone(),
            description: l.description.clone(),
            unit: l.unit.clone(),
            ordered: q.ordered,
            shipped: q.shipped,
            cancelled: q.cancelled,
            // Still to ship: the buyer's question is "is the rest coming?".
            outstanding: q.unshipped(),
        })
        .collect();
    let lines_outstanding = lines.iter().any(|l| l.outstanding > 0);
    let status = derive_order_status(&facts, &shipment_ids, lines_outstanding);

    let shipment_count = snapshot.shipments.len();
    let shipment_label: HashMap<ShipmentId, String> =
        snapshot.shipments.iter().enumerate().map(|(i, s)| (s.id, shipment_label(i, shipment_count))).collect();

    let timeline: Vec<TimelineEntry> = snapshot
        .events
        .iter()
        .rev()
        .filter(|e| buyers_see(e.canonical))
        .map(|e| {
            let p = e.canonical.presentation();
            TimelineEntry {
                id: e.id.0,
                label: p.label.to_string(),
                explanation: p.explanation.to_string(),
                when: format_time(e.occurred_at, tz, locale),
                when_utc: e.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                source_clock: source_clock(e.occurred_at, e.occurred_offset_minutes, tz, locale),
                location: e.location.clone(),
                shipment: e.shipment_id.filter(|_| shipment_count > 1).and_then(|s| shipment_label.get(&s).cloned()),
                is_exception: matches!(e.canonical, Canonical::Exception(_)),
            }
        })
        .collect();

    let exceptions = status
        .open_exceptions
        .iter()
        .filter(|x| buyers_see(Canonical::Exception(x.kind)))
        .map(|x| {
            let p = x.kind.presentation();
            ExceptionNotice {
                title: p.label.to_string(),
                explanation: p.explanation.to_string(),
                shipment: x
                    .shipment
                    .and_then(|s| shipment_label.get(&ShipmentId(s)).cloned())
                    .filter(|_| shipment_count > 1),
            }
        })
        .collect();

    let line_by_id: HashMap<_, _> = snapshot.lines.iter().map(|l| (l.id, l)).collect();
    let shipments = snapshot
        .shipments
        .iter()
        .map(|s| {
            let derived = status.shipments.get(&s.id.0).cloned().unwrap_or_default();
            let status_label = derived
                .open_exceptions
                .iter()
                .find(|x| buyers_see(Canonical::Exception(**x)))
                .map(|x| x.presentation().label)
                .or(derived.milestone.map(|m| m.presentation().label))
                .unwrap_or("Packed, waiting for the carrier");
            ShipmentView {
                label: shipment_label[&s.id].clone(),
                carrier: s.carrier.clone(),
                service: s.service.clone(),
                tracking_number: s.tracking_number.clone(),
                status: status_label.to_string(),
                delivered: derived.is_delivered(),
                lines: snapshot
                    .shipment_lines
                    .iter()
                    .filter(|sl| sl.shipment_id == s.id)
                    .filter_map(|sl| {
                        let line = line_by_id.get(&sl.order_line_id)?;
                        Some(ShipmentLineView {
                            sku: line.sku.clone(),
                            description: line.description.clone(),
                            quantity: sl.quantity,
                            unit: line.unit.clone(),
                        })
                    })
                    .collect(),
            }
        })
        .collect();

    let reached = status.milestone.unwrap_or(Milestone::Placed);
    let current = PROGRESS.iter().rposition(|(_, m)| *m <= reached).unwrap_or(0);
    let progress = PROGRESS
        .iter()
        .enumerate()
        .map(|(i, (label, _))| ProgressStep { label: label.to_string(), reached: i <= current, current: i == current })
        .collect();

    let today_at_ship_to = tz.today(now);
    let ship_to = order.ship_to.address_lines();

    TrackingView {
        last_event_id: snapshot.events.iter().map(|e| e.id.0).max().unwrap_or(0),
        brand: BrandView {
            name: tenant.brand_name.clone(),
            logo_url: tenant.logo_url.clone(),
            primary: tenant.primary_color.to_string(),
            on_primary: tenant.primary_color.readable_text().to_string(),
            accent: tenant.accent_color.to_string(),
            support_email: tenant.support_email.clone(),
            support_phone: tenant.support_phone.clone(),
        },
        order_number: order.order_number.clone(),
        customer_po: order.customer_po.clone(),
        headline: status.headline(),
        delivered: status.is_delivered(),
        late: !status.cancelled && is_late(order.promised_date, status.is_delivered(), today_at_ship_to),
        promised: order.promised_date.map(|d| format_date(d, locale)),
        forecast: match status.cancelled || status.is_delivered() {
            true => None,
            false => forecast_view(windows, today_at_ship_to, locale),
        },
        ship_to,
        time_zone_note: format!("Times are shown in the delivery address's time zone ({}).", tz.name()),
        progress,
        timeline,
        exceptions,
        shipments,
        lines,
        last_mile: None,
        proof_of_delivery: Vec::new(),
    }
}

/// "Shipment 2 of 3", or just "Shipment" when there is one.
fn shipment_label(index: usize, count: usize) -> String {
    if count > 1 {
        format!("Shipment {} of {count}", index + 1)
    } else {
        "Shipment".into()
    }
}

/// Reads an order and its tenant and builds what the buyer sees now.
pub async fn load_tracking_view(
    pool: &Pool,
    map: &MapTiles,
    tenant: TenantId,
    order: OrderId,
) -> store::Result<TrackingView> {
    let tenant = store::get_tenant(pool, tenant).await?;
    let snapshot = store::order_snapshot(pool, tenant.id, order).await?;
    let now = Utc::now();
    let windows = store::delivery_window(pool, tenant.id, order).await?;
    let mut view = build_tracking_view(&snapshot, &windows, &tenant, now);
    let tz = snapshot.order.ship_to.time_zone;
    let shipment_count = snapshot.shipments.len();
    view.proof_of_delivery = store::order_pods(pool, tenant.id, order)
        .await?
        .into_iter()
        .map(|pod| {
            let index = snapshot.shipments.iter().position(|s| s.id == pod.shipment).unwrap_or_default();
            let of_kind =
                |kind: &str| pod.files.iter().filter(|f| f.kind == kind).map(|f| f.sha256.clone()).collect::<Vec<_>>();
            PodView {
                shipment: shipment_label(index, shipment_count),
                receiver_name: pod.receiver_name.clone(),
                when: format_time(pod.delivered_at, tz, tenant.locale.as_str()),
                signature: of_kind("signature").into_iter().next(),
                photos: of_kind("photo"),
            }
        })
        .collect();
    // The map follows the first shipment on the vehicle that has reported.
    let on_its_way = |s: &&store::ShipmentRecord| {
        matches!(s.status_milestone, Some(Milestone::OutForDelivery | Milestone::ArrivingSoon))
    };
    for shipment in snapshot.shipments.iter().filter(on_its_way) {
        let record = store::last_mile(pool, tenant.id, shipment.id, now - TRAIL).await?;
        if let Some(last_mile) = build_last_mile(&record, &snapshot.order.ship_to, map, tenant.locale.as_str()) {
            view.last_mile = Some(last_mile);
            break;
        }
    }
    Ok(view)
}

/// How much of the vehicle's path the map draws (and the ETA reads).
const TRAIL: chrono::Duration = chrono::Duration::minutes(60);

/// The map and the arrival window, if the vehicle has reported at all.
pub fn build_last_mile(
    record: &LastMileRecord,
    ship_to: &ShipTo,
    map: &MapTiles,
    locale: &str,
) -> Option<LastMileView> {
    let (updated_at, vehicle) = *record.fixes.last()?;
    let clock = |at: DateTime<Utc>| ship_to.time_zone.local(at).format(clock_format(locale)).to_string();
    let destination = ship_to.location();
    let fixes: Vec<Fix> = record.fixes.iter().map(|(at, point)| Fix { at: *at, point: *point }).collect();
    let stops: Vec<StopAhead> = record
        .stops_ahead
        .iter()
        .map(|(point, seconds)| StopAhead { point: *point, service: chrono::Duration::seconds(*seconds) })
        .collect();
    let eta = destination.and_then(|d| EtaModel::default().estimate(&fixes, &stops, d));
    Some(LastMileView {
        vehicle: [vehicle.lat, vehicle.lng],
        trail: record.fixes.iter().map(|(_, p)| [p.lat, p.lng]).collect(),
        destination: destination.map(|d| [d.lat, d.lng]),
        eta: eta.map(|eta| format!("Arriving {} – {}", clock(eta.earliest), clock(eta.latest))),
        stops_ahead: stops.len(),
        updated: format!("Location updated {}", clock(updated_at)),
        tiles: map.url.clone(),
        attribution: map.attribution.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_in_another_zone_shows_its_own_clock() {
        let at: DateTime<Utc> = "2026-11-26T15:10:00Z".parse().unwrap();
        let chicago = TimeZone::parse("America/Chicago").unwrap();
        assert_eq!(source_clock(at, Some(-300), chicago, "en-US").as_deref(), Some("10:10 AM local time (UTC-05:00)"));
        assert_eq!(source_clock(at, Some(60), chicago, "de-DE").as_deref(), Some("16:10 local time (UTC+01:00)"));
        assert_eq!(source_clock(at, Some(-360), chicago, "en-US"), None, "the ship-to's own zone adds nothing");
        assert_eq!(source_clock(at, None, chicago, "en-US"), None);
    }

    fn window(earliest: &str, likely: &str, latest: &str) -> DeliveryWindow {
        DeliveryWindow {
            earliest: earliest.parse().unwrap(),
            likely: likely.parse().unwrap(),
            latest: latest.parse().unwrap(),
            basis: Basis::PromisedDate,
            reason: "promised date, no delivery history yet".into(),
            p_late: None,
        }
    }

    #[test]
    fn a_window_reads_as_days_of_the_ship_to() {
        let today: NaiveDate = "2026-12-01".parse().unwrap();
        let text = |w: &DeliveryWindow, locale| forecast_text(w, today, locale);
        let w = window("2026-12-03", "2026-12-04", "2026-12-05");
        assert_eq!(text(&w, "en-GB").as_deref(), Some("Arriving Thu 3 – Sat 5 Dec, most likely Fri"));
        assert_eq!(text(&w, "en-US").as_deref(), Some("Arriving Thu, Dec 3 – Sat, Dec 5, most likely Fri"));
        let across = window("2026-12-30", "2027-01-02", "2027-01-11");
        assert_eq!(text(&across, "en-GB").as_deref(), Some("Arriving Wed 30 Dec – Mon 11 Jan, most likely Sat 2 Jan"));
        assert_eq!(
            text(&window("2026-12-02", "2026-12-02", "2026-12-02"), "en-GB").as_deref(),
            Some("Arriving Wed 2 Dec")
        );
    }

    #[test]
    fn a_stale_window_drops_passed_days_and_says_nothing_once_over() {
        let today: NaiveDate = "2026-12-04".parse().unwrap();
        let w = window("2026-12-02", "2026-12-03", "2026-12-06");
        assert_eq!(forecast_text(&w, today, "en-GB").as_deref(), Some("Arriving Fri 4 – Sun 6 Dec, most likely Fri"));
        assert_eq!(forecast_text(&window("2026-12-01", "2026-12-02", "2026-12-03"), today, "en-GB"), None);
        let delivered = DeliveryWindow { basis: Basis::Delivered, ..window("2026-12-04", "2026-12-04", "2026-12-04") };
        assert_eq!(forecast_text(&delivered, today, "en-GB"), None);
    }
}
