//! Builds the customer-facing tracking view from an order snapshot: status
//! from the domain, times in the ship-to's zone, internal events left out,
//! every word in the buyer's language (`crate::i18n`).

use crate::config::MapTiles;
use crate::domain::carrier_links;
use crate::domain::condition::Metric;
use crate::domain::eta::{EtaModel, Fix, StopAhead};
use crate::domain::language::Language;
use crate::domain::promise::{Basis, DeliveryWindow};
use crate::domain::status::{BuyerStage, OrderStatus, HEADLINE_PROBLEMS};
use crate::domain::{derive_order_status, is_late, Canonical, ExceptionKind, Milestone, ShipmentId};
use crate::domain::{BuyerMeaning, StatusDictionary};
use crate::domain::{OrderId, Quantity, ShipTo, TimeZone};
use crate::i18n::Translator;
use crate::present::tracking_view::*;
use crate::store::{self, EventRecord, LastMileRecord, OrderSnapshot, Pool, StoredWindow, TenantRecord};
use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use std::collections::HashMap;

/// Coarse stages for the progress bar: a buyer does not need ten steps.
const PROGRESS: [(&str, Milestone); 5] = [
    ("progress-ordered", Milestone::Placed),
    ("progress-packed", Milestone::Packed),
    ("progress-shipped", Milestone::Shipped),
    ("progress-out-for-delivery", Milestone::OutForDelivery),
    ("progress-delivered", Milestone::Delivered),
];

/// A moment in the ship-to's zone, with the zone's abbreviation.
pub fn format_time(at: DateTime<Utc>, tz: TimeZone, t: &Translator) -> String {
    let local = tz.local(at);
    format!("{} {}", t.date_time(local.naive_local()), local.format("%Z"))
}

/// The time on the source's own clock (a carrier scan in another zone),
/// when it gave an offset that differs from the ship-to's at that instant.
/// A time sent in UTC ("Z" or +00:00) is how the wire spells an instant,
/// not where the scan happened, so it adds no second clock. (A scan in a
/// zone that is really UTC+0 loses its note; the ship-to time still shows.)
fn source_clock(at: DateTime<Utc>, offset_minutes: Option<i32>, tz: TimeZone, t: &Translator) -> Option<String> {
    let offset = FixedOffset::east_opt(offset_minutes.filter(|m| *m != 0)? * 60)?;
    if tz.local(at).offset().fix() == offset {
        return None;
    }
    let there = at.with_timezone(&offset);
    let time = t.clock(there.naive_local());
    Some(t.with("source-clock", &[("time", time.into()), ("offset", there.format("%:z").to_string().into())]))
}

/// The predicted window as a buyer reads it, in the ship-to's dates:
/// "Arriving Tue 3 – Thu 5 Dec, most likely Wed". A window the worker has
/// not refreshed since its days passed says nothing rather than something
/// already wrong; days already gone are dropped from its start.
pub fn forecast_text(window: &DeliveryWindow, today: NaiveDate, t: &Translator) -> Option<String> {
    if window.latest < today || matches!(window.basis, Basis::Delivered) {
        return None;
    }
    let earliest = window.earliest.max(today);
    let likely = window.likely.clamp(earliest, window.latest);
    if earliest == window.latest {
        return Some(t.with("arriving-on", &[("day", t.day(earliest, true).into())]));
    }
    // Within a week the weekday alone names the day.
    let likely = if (window.latest - earliest).num_days() < 7 { t.weekday(likely) } else { t.day(likely, true) };
    Some(
        t.with("arriving-window", &[("range", t.day_range(earliest, window.latest).into()), ("likely", likely.into())]),
    )
}

/// Why the window is what it is. English keeps the estimator's own
/// sentence (it names the lane); other languages say the same from its
/// numbers.
fn forecast_reason(window: &DeliveryWindow, t: &Translator) -> String {
    if t.language() == Language::English {
        let mut reason = window.reason.clone();
        if let Some(first) = reason.get(..1) {
            reason = first.to_uppercase() + &reason[1..];
        }
        return reason;
    }
    match window.basis {
        Basis::History { deliveries, window_days, .. } => t.with(
            "forecast-history",
            &[("deliveries", (deliveries as f64).into()), ("days", (window_days as f64).into())],
        ),
        Basis::CarrierEstimate => t.text("forecast-carrier"),
        Basis::LastMile => t.text("forecast-last-mile"),
        Basis::PromisedDate | Basis::Delivered => t.text("forecast-promised"),
    }
}

/// The order's own window (the store lists it first), while it is on its way.
pub fn forecast_view(windows: &[StoredWindow], today: NaiveDate, t: &Translator) -> Option<ForecastView> {
    let window = &windows.iter().find(|w| w.shipment.is_none())?.window;
    let arriving = forecast_text(window, today, t)?;
    Some(ForecastView { arriving, reason: forecast_reason(window, t) })
}

/// What the page's top says, and what the rest of the page may say beside
/// it, decided in one place so nothing below contradicts the headline.
#[derive(Clone, Debug, PartialEq)]
pub struct Headline {
    pub title: String,
    pub when: Option<String>,
    pub next_step: Option<String>,
    /// Whether the predicted window belongs under the headline.
    pub show_forecast: bool,
    pub promised_label: Option<String>,
    pub late_notice: Option<String>,
    /// The sign-up's "when ..." clause, or no sign-up at all.
    pub updates_offer: Option<String>,
}

/// Already-formatted facts the headline may quote.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeadlineFacts {
    /// The promised date as the buyer reads it.
    pub promised: Option<String>,
    pub promise_passed: bool,
    /// A predicted window exists for the order.
    pub forecast: bool,
    /// The vehicle's arrival window, "Arriving 2:10 PM – 2:30 PM".
    pub last_mile_eta: Option<String>,
    /// "Monday 23 Nov, 14:14", where and to whom, when the order is delivered.
    pub handover: Option<Handover>,
    /// "Shipment 2 of 3" for the shipment the stage is about, when there are several.
    pub shipment: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Handover {
    pub when: String,
    pub location: Option<String>,
    pub receiver: Option<String>,
}

/// The headline's words for a stage.
fn stage_title(stage: BuyerStage, status: &OrderStatus, t: &Translator) -> String {
    let total = status.shipments.len();
    let label = |c| t.label(c);
    match stage {
        BuyerStage::Cancelled => label(Canonical::Exception(ExceptionKind::Cancelled)),
        BuyerStage::Problem { kind, .. } => label(Canonical::Exception(kind)),
        BuyerStage::Delivered => label(Canonical::Milestone(Milestone::Delivered)),
        BuyerStage::OutForDelivery { arriving_soon, .. } => {
            label(Canonical::Milestone(if arriving_soon { Milestone::ArrivingSoon } else { Milestone::OutForDelivery }))
        }
        BuyerStage::RunningLate => label(Canonical::Exception(ExceptionKind::PredictedLate)),
        // Every shipment delivered yet items unshipped: "1 of 1" says nothing.
        BuyerStage::PartlyDelivered { delivered, shipments, more_to_ship: true } if delivered == shipments => {
            t.text("partly-delivered-more-to-follow")
        }
        BuyerStage::PartlyDelivered { delivered, shipments, more_to_ship } => {
            let line = t.with(
                "shipments-delivered",
                &[("delivered", (delivered as f64).into()), ("shipments", (shipments as f64).into())],
            );
            if more_to_ship {
                t.with("more-items-to-follow", &[("stage", line.into())])
            } else {
                line
            }
        }
        BuyerStage::OnItsWay(milestone) => {
            let stage = label(Canonical::Milestone(milestone));
            if total > 1 {
                t.with("stage-with-shipments", &[("stage", stage.into()), ("shipments", (total as f64).into())])
            } else if status.lines_outstanding && total == 1 {
                t.with("more-items-to-follow", &[("stage", stage.into())])
            } else {
                stage
            }
        }
    }
}

/// The headline for a stage (see `OrderStatus::buyer_stage`).
pub fn headline(stage: BuyerStage, status: &OrderStatus, facts: &HeadlineFacts, t: &Translator) -> Headline {
    let mut title = stage_title(stage, status, t);
    let on_shipment = |text: String| match &facts.shipment {
        Some(label) => t.with("on-shipment", &[("shipment", label.clone().into()), ("text", text.into())]),
        None => text,
    };
    let (when, next_step) = match stage {
        BuyerStage::Cancelled => (None, Some(t.next_step(ExceptionKind::Cancelled))),
        BuyerStage::Problem { kind, .. } => (facts.shipment.clone(), Some(t.next_step(kind))),
        BuyerStage::Delivered => {
            let when = facts.handover.as_ref().map(|h| {
                let mut parts = vec![h.when.clone()];
                parts.extend(h.location.clone());
                parts.extend(h.receiver.as_ref().map(|r| t.with("received-by", &[("name", r.clone().into())])));
                parts.join(" · ")
            });
            (when, None)
        }
        // Today's window is the date: the van's ETA when it reports.
        BuyerStage::OutForDelivery { .. } => {
            (Some(on_shipment(facts.last_mile_eta.clone().unwrap_or_else(|| t.text("arriving-today")))), None)
        }
        BuyerStage::RunningLate if !facts.forecast => (None, Some(t.text("no-new-date-yet"))),
        BuyerStage::RunningLate | BuyerStage::PartlyDelivered { .. } | BuyerStage::OnItsWay(_) => (None, None),
    };
    if stage == BuyerStage::RunningLate && status.lines_outstanding {
        title = t.with("more-items-to-follow", &[("stage", title.into())]);
    }
    let show_forecast =
        matches!(stage, BuyerStage::RunningLate | BuyerStage::PartlyDelivered { .. } | BuyerStage::OnItsWay(_))
            && facts.forecast;
    // The merchant's date is an expectation only while nothing newer or
    // more certain is on the page; past, it is what was promised.
    // A cancelled or returned order's date no longer means anything.
    let date_moot = stage.is_finished() && stage != BuyerStage::Delivered;
    let promised_label = match stage {
        _ if facts.promised.is_none() || date_moot => None,
        BuyerStage::OnItsWay(_) | BuyerStage::PartlyDelivered { .. } if !show_forecast && !facts.promise_passed => {
            Some(t.text("expected-by"))
        }
        _ => Some(t.text("promised-for")),
    };
    let late_notice = match (&facts.promised, stage.is_finished()) {
        (Some(date), false) if facts.promise_passed => Some(match stage {
            BuyerStage::OutForDelivery { .. } => t.with("late-on-vehicle", &[("date", date.clone().into())]),
            _ => t.with("late-not-arrived", &[("date", date.clone().into())]),
        }),
        (Some(date), false) if stage == BuyerStage::RunningLate => {
            Some(t.with("late-likely", &[("date", date.clone().into())]))
        }
        _ => None,
    };
    let updates_offer = match stage {
        _ if stage.is_finished() => None,
        BuyerStage::OutForDelivery { .. } => Some("updates-when-arrives"),
        BuyerStage::PartlyDelivered { more_to_ship: true, .. } => Some("updates-when-rest-ships"),
        BuyerStage::OnItsWay(m) if m < Milestone::Shipped => Some("updates-when-ships"),
        _ => Some("updates-when-out"),
    };
    Headline {
        title,
        when,
        next_step,
        show_forecast,
        promised_label,
        late_notice,
        updates_offer: updates_offer.map(|id| t.text(id)),
    }
}

/// The progress bar over the parts of an order (its shipments, and what is
/// in none yet). A step every part reached is filled, one only some reached
/// is half filled; the furthest step any part reached is current, so a
/// split order with one parcel delivered reads "Partly delivered", not
/// "Shipped". A problem takes the step the order could not reach.
pub fn progress(parts: &[Milestone], problem: Option<ExceptionKind>, t: &Translator) -> Vec<ProgressStep> {
    let step_of = |m: Milestone| PROGRESS.iter().rposition(|(_, s)| *s <= m).unwrap_or(0);
    let slowest = parts.iter().copied().min().map_or(0, step_of);
    let furthest = parts.iter().copied().max().map_or(0, step_of);
    let step =
        |label: String, reached, partly, current, problem| ProgressStep { label, reached, partly, current, problem };
    let reached_steps =
        |up_to: usize| PROGRESS[..up_to].iter().map(|(id, _)| step(t.text(id), true, false, false, false));
    match problem {
        // A finished order's bar ends where it ended.
        Some(kind) if kind.presentation().terminal => {
            // What was reached stays, up to "Shipped": it never got further.
            let kept = (slowest + 1).min(3);
            reached_steps(kept).chain([step(t.label(Canonical::Exception(kind)), false, false, true, true)]).collect()
        }
        Some(kind) => {
            let stuck = (slowest + 1).min(PROGRESS.len() - 1);
            let rest = PROGRESS[stuck + 1..].iter().map(|(id, _)| step(t.text(id), false, false, false, false));
            reached_steps(stuck)
                .chain([step(t.label(Canonical::Exception(kind)), false, false, true, true)])
                .chain(rest)
                .collect()
        }
        None => PROGRESS
            .iter()
            .enumerate()
            .map(|(i, (id, milestone))| {
                let partly = i > slowest && i <= furthest;
                let id = if partly && *milestone == Milestone::Delivered { "progress-partly-delivered" } else { id };
                step(t.text(id), i <= slowest, partly, i == furthest, false)
            })
            .collect(),
    }
}

/// A condition alert in numbers: the reading, the limit and for how long.
/// `closed_at` is when it came back in range, if it has.
pub fn condition_text(
    details: &serde_json::Value,
    opened_at: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    t: &Translator,
) -> Option<String> {
    let metric = Metric::parse(details.get("metric")?.as_str()?)?;
    let value = details.get("value")?.as_f64()?;
    let (min, max) = (details.get("min").and_then(|v| v.as_f64()), details.get("max").and_then(|v| v.as_f64()));
    let duration = duration_text(until.unwrap_or(now) - opened_at, t);
    let lasted = t
        .with(if until.is_some() { "condition-for" } else { "condition-for-so-far" }, &[("duration", duration.into())]);
    let (id, unit) = match metric {
        Metric::TemperatureC => ("condition-temperature", " °C"),
        Metric::HumidityPct => ("condition-humidity", "%"),
        Metric::ShockG => ("condition-shock", " g"),
        Metric::BatteryPct => ("condition-battery", "%"),
        Metric::DoorOpen => return Some(t.with("condition-door", &[("lasted", lasted.into())])),
    };
    let limit = match (min, max) {
        (_, Some(max)) if value > max => t.with("condition-above", &[("limit", format!("{max:.1}{unit}").into())]),
        (Some(min), _) if value < min => t.with("condition-below", &[("limit", format!("{min:.1}{unit}").into())]),
        _ => t.text("condition-outside"),
    };
    Some(t.with(id, &[("value", format!("{value:.1}").into()), ("limit", limit.into()), ("lasted", lasted.into())]))
}

/// "1 h 5 min", "40 min", "2 h".
fn duration_text(d: chrono::Duration, t: &Translator) -> String {
    let minutes = d.num_minutes().max(1);
    match (minutes / 60, minutes % 60) {
        (0, m) => t.with("duration-minutes", &[("minutes", m.into())]),
        (h, 0) => t.with("duration-hours", &[("hours", h.into())]),
        (h, m) => t.with("duration-hours-minutes", &[("hours", h.into()), ("minutes", m.into())]),
    }
}

/// What an event means to a buyer beyond its milestone ("available for
/// pickup" rather than "arrived at local hub").
fn meaning_of(event: &EventRecord) -> Option<BuyerMeaning> {
    StatusDictionary::bundled().buyer_meaning(&event.source, &event.raw_code, event.canonical)
}

/// The finer meaning of the newest event that put `canonical` on the order
/// (or on one shipment).
fn latest_meaning(events: &[EventRecord], canonical: Canonical, shipment: Option<i64>) -> Option<BuyerMeaning> {
    events
        .iter()
        .rev()
        .filter(|e| e.is_outbound())
        .find(|e| e.canonical == canonical && shipment.is_none_or(|s| e.shipment_id.map(|id| id.0) == Some(s)))
        .and_then(meaning_of)
}

/// The excursion an event opened or closed, as the sensor store numbers them.
fn excursion_id(event: &EventRecord) -> Option<i64> {
    event.details.0.get("excursion_id")?.as_i64()
}

/// The timeline's words for a condition alert or its all-clear, with numbers.
fn condition_explanation(
    event: &EventRecord,
    events: &[EventRecord],
    now: DateTime<Utc>,
    t: &Translator,
) -> Option<String> {
    let id = excursion_id(event)?;
    let of = |canonical: Canonical| events.iter().find(|e| e.canonical == canonical && excursion_id(e) == Some(id));
    let opened = of(Canonical::Exception(ExceptionKind::ConditionExcursion))?;
    let closed = of(Canonical::Resolved(ExceptionKind::ConditionExcursion));
    let text = condition_text(&opened.details.0, opened.occurred_at, closed.map(|c| c.occurred_at), now, t)?;
    Some(match event.canonical {
        Canonical::Resolved(_) => t.with("condition-back", &[("text", text.into())]),
        _ => format!("{text} {}", t.next_step(ExceptionKind::ConditionExcursion)),
    })
}

pub fn build_tracking_view(
    snapshot: &OrderSnapshot,
    windows: &[StoredWindow],
    tenant: &TenantRecord,
    last_mile: Option<LastMileView>,
    proof_of_delivery: Vec<PodView>,
    now: DateTime<Utc>,
    t: &Translator,
) -> TrackingView {
    let order = &snapshot.order;
    let tz = order.ship_to.time_zone;
    let buyers_see = |canonical: Canonical| canonical.visible_to_buyers(tenant.buyers_see_condition_alerts);

    let facts = snapshot.status_facts();
    let shipment_ids: Vec<i64> = snapshot.shipments.iter().map(|s| s.id.0).collect();

    let quantities = snapshot.line_quantities();
    let lines_outstanding = quantities.iter().any(|q| q.unshipped().is_positive());
    let status = derive_order_status(&facts, &shipment_ids, lines_outstanding);
    let lines: Vec<LineView> = snapshot
        .lines
        .iter()
        .zip(quantities)
        .map(|(l, q)| {
            // A cancelled order sends nothing more: what did not ship, won't.
            let cancelled = if status.cancelled { q.cancelled + q.unshipped() } else { q.cancelled };
            LineView {
                sku: l.sku.clone(),
                description: l.description.clone(),
                unit: l.unit.clone(),
                ordered: q.ordered,
                shipped: q.shipped,
                cancelled,
                cancelled_note: cancelled
                    .is_positive()
                    .then(|| t.with("will-not-ship", &[("count", cancelled.as_f64().into())])),
                // Still to ship: the buyer's question is "is the rest coming?".
                outstanding: if status.cancelled { Quantity::ZERO } else { q.unshipped() },
            }
        })
        .collect();

    let shipment_count = snapshot.shipments.len();
    let shipment_label: HashMap<ShipmentId, String> =
        snapshot.shipments.iter().enumerate().map(|(i, s)| (s.id, shipment_label(i, shipment_count, t))).collect();

    let timeline: Vec<TimelineEntry> = snapshot
        .events
        .iter()
        .rev()
        .filter(|e| buyers_see(e.canonical))
        .map(|e| {
            let explanation = match e.canonical.is_condition_alert() {
                true => condition_explanation(e, &snapshot.events, now, t),
                false => None,
            };
            let meaning = meaning_of(e);
            TimelineEntry {
                id: e.id.0,
                label: meaning.map_or_else(|| t.label(e.canonical), |m| t.meaning_label(m)),
                explanation: explanation
                    .or_else(|| meaning.map(|m| t.meaning_explanation(m)))
                    .unwrap_or_else(|| t.explanation(e.canonical)),
                when: format_time(e.occurred_at, tz, t),
                when_utc: e.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                source_clock: source_clock(e.occurred_at, e.occurred_offset_minutes, tz, t),
                location: e.location.clone(),
                // A return parcel's scans read like a delivery's: say whose.
                shipment: match e.return_id {
                    Some(_) if !matches!(e.canonical, Canonical::Return(_)) => Some(t.text("timeline-return")),
                    _ => e.shipment_id.filter(|_| shipment_count > 1).and_then(|s| shipment_label.get(&s).cloned()),
                },
                is_exception: matches!(e.canonical, Canonical::Exception(_)),
            }
        })
        .collect();

    let exceptions = status
        .open_exceptions
        .iter()
        .filter(|x| buyers_see(Canonical::Exception(x.kind)))
        .map(|x| {
            // An open excursion says how far out and for how long so far.
            let excursion = (x.kind == ExceptionKind::ConditionExcursion)
                .then(|| {
                    snapshot.events.iter().rev().find(|e| {
                        e.is_outbound()
                            && e.canonical == Canonical::Exception(x.kind)
                            && e.shipment_id.map(|s| s.0) == x.shipment
                    })
                })
                .flatten()
                .and_then(|e| condition_explanation(e, &snapshot.events, now, t));
            let meaning = latest_meaning(&snapshot.events, Canonical::Exception(x.kind), x.shipment);
            ExceptionNotice {
                title: meaning.map_or_else(|| t.label(Canonical::Exception(x.kind)), |m| t.meaning_label(m)),
                explanation: excursion
                    .or_else(|| meaning.map(|m| t.meaning_explanation(m)))
                    .unwrap_or_else(|| t.explanation(Canonical::Exception(x.kind))),
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
            let shown = derived
                .open_exceptions
                .iter()
                .find(|x| buyers_see(Canonical::Exception(**x)))
                .map(|x| Canonical::Exception(*x))
                .or(derived.milestone.map(Canonical::Milestone));
            let status_label = match shown {
                Some(c) => {
                    latest_meaning(&snapshot.events, c, Some(s.id.0)).map_or_else(|| t.label(c), |m| t.meaning_label(m))
                }
                None => t.text("shipment-waiting"),
            };
            // Several parcels each get their own bar; one parcel's is the order's.
            let shipment_problem = HEADLINE_PROBLEMS.into_iter().find(|k| derived.open_exceptions.contains(k));
            let own_progress = match shipment_count > 1 {
                true => progress(
                    &[derived.milestone.map_or(Milestone::Packed, |m| m.max(Milestone::Packed))],
                    shipment_problem,
                    t,
                ),
                false => Vec::new(),
            };
            ShipmentView {
                label: shipment_label[&s.id].clone(),
                carrier: s.carrier.clone(),
                service: s.service.clone(),
                tracking_number: s.tracking_number.clone(),
                tracking_url: carrier_links::tracking_url(&s.carrier, &s.tracking_number),
                status: status_label,
                delivered: derived.is_delivered(),
                progress: own_progress,
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

    let today_at_ship_to = tz.today(now);
    let promise_passed = is_late(order.promised_date, status.is_delivered(), today_at_ship_to);
    let stage = status.buyer_stage(promise_passed);
    let forecast = forecast_view(windows, today_at_ship_to, t);

    // The parts the bar is drawn over: each shipment (at least packed, as
    // it exists), and what is in none yet, which has only been ordered.
    let parts: Vec<Milestone> = match stage {
        // A problem on one shipment is drawn where that shipment stopped.
        BuyerStage::Problem { shipment: Some(id), .. } => {
            vec![status.shipments.get(&id).and_then(|s| s.milestone).unwrap_or(Milestone::Packed)]
        }
        _ if status.shipments.is_empty() => vec![status.milestone.unwrap_or(Milestone::Placed)],
        _ => status
            .shipments
            .values()
            .map(|s| s.milestone.map_or(Milestone::Packed, |m| m.max(Milestone::Packed)))
            .chain(status.lines_outstanding.then_some(Milestone::Placed))
            .collect(),
    };
    let bar_problem = match stage {
        BuyerStage::Cancelled => Some(ExceptionKind::Cancelled),
        BuyerStage::Problem { kind, .. } => Some(kind),
        _ => None,
    };

    // The latest delivery scan says when and where; the proof of delivery to whom.
    let last_delivery = snapshot
        .events
        .iter()
        .filter(|e| e.is_outbound() && e.canonical == Canonical::Milestone(Milestone::Delivered))
        .max_by_key(|e| e.occurred_at);
    let handover = last_delivery.filter(|_| stage == BuyerStage::Delivered).map(|e| {
        let label = e.shipment_id.and_then(|s| shipment_label.get(&s));
        let pod = proof_of_delivery.iter().find(|p| Some(&p.shipment) == label).or(proof_of_delivery.first());
        Handover {
            when: t.long_date_time(tz.local(e.occurred_at).naive_local()),
            location: e.location.clone(),
            receiver: pod.map(|p| p.receiver_name.clone()).filter(|r| !r.trim().is_empty()),
        }
    });
    let stage_shipment = match stage {
        BuyerStage::Problem { shipment, .. } => shipment,
        BuyerStage::OutForDelivery { shipment, .. } => Some(shipment),
        _ => None,
    };
    let mut top = headline(
        stage,
        &status,
        &HeadlineFacts {
            promised: order.promised_date.map(|d| t.date(d)),
            promise_passed,
            forecast: forecast.is_some(),
            last_mile_eta: last_mile.as_ref().and_then(|m| m.eta.clone()),
            handover,
            shipment: stage_shipment
                .and_then(|s| shipment_label.get(&ShipmentId(s)).cloned())
                .filter(|_| shipment_count > 1),
        },
        t,
    );
    // The stage's own event may mean more to the buyer than its milestone:
    // lost (not just damaged), held at customs, delivered to a neighbour,
    // waiting at a pickup point (and where).
    let stage_event = match stage {
        BuyerStage::Problem { kind, shipment } => Some((Canonical::Exception(kind), shipment)),
        BuyerStage::Delivered => Some((Canonical::Milestone(Milestone::Delivered), None)),
        BuyerStage::OnItsWay(Milestone::ArrivedAtHub) => Some((Canonical::Milestone(Milestone::ArrivedAtHub), None)),
        _ => None,
    };
    let stage_meaning = stage_event.and_then(|(c, shipment)| latest_meaning(&snapshot.events, c, shipment));
    if let Some(meaning) = stage_meaning {
        top.title = t.meaning_label(meaning);
        if meaning == BuyerMeaning::AvailableForPickup {
            let place = snapshot
                .events
                .iter()
                .rev()
                .find(|e| e.is_outbound() && meaning_of(e) == Some(meaning))
                .and_then(|e| e.location.clone());
            top.when = place.map(|place| t.with("pickup-at", &[("place", place.into())]));
            top.next_step = Some(t.meaning_explanation(meaning));
        }
    }
    // A problem the buyer can act on, on the carrier's site.
    let change_delivery = match stage {
        BuyerStage::Problem {
            kind: ExceptionKind::FailedAttempt | ExceptionKind::Held | ExceptionKind::AddressIssue,
            shipment,
        } => snapshot.shipments.iter().filter(|s| shipment.is_none_or(|id| s.id.0 == id)).find_map(|s| {
            let url = carrier_links::change_delivery_url(&s.carrier, &s.tracking_number)?;
            Some(LinkView { text: t.with("change-delivery", &[("carrier", s.carrier.clone().into())]), url })
        }),
        _ => None,
    };
    let updates_offer = top.updates_offer.map(|when| UpdatesOffer {
        intro: t.with("updates-intro", &[("when", when.clone().into())]),
        confirmed: t.with("updates-confirmed", &[("when", when.into())]),
    });

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
        headline: top.title,
        headline_when: top.when,
        next_step: top.next_step,
        delivered: status.is_delivered(),
        late: top.late_notice.is_some(),
        late_notice: top.late_notice,
        promised_label: top.promised_label,
        promised: order.promised_date.map(|d| t.date(d)),
        forecast: forecast.filter(|_| top.show_forecast),
        change_delivery,
        ship_to: order.ship_to.address_lines(),
        updates_offer,
        time_zone_note: t.with("time-zone-note", &[("zone", tz.name().into())]),
        show_all_updates: t.with("show-all-updates", &[("count", timeline.len().into())]),
        progress: {
            let mut bar = progress(&parts, bar_problem, t);
            // The bar's problem step says what the headline says.
            if let (Some(meaning), Some(step)) = (stage_meaning, bar.iter_mut().find(|s| s.problem)) {
                step.label = t.meaning_label(meaning);
            }
            bar
        },
        timeline,
        exceptions,
        shipments,
        lines,
        last_mile,
        proof_of_delivery,
        returns: None,
    }
}

/// "Shipment 2 of 3", or just "Shipment" when there is one.
fn shipment_label(index: usize, count: usize, t: &Translator) -> String {
    if count > 1 {
        t.with("shipment-n-of", &[("index", (index + 1).into()), ("count", count.into())])
    } else {
        t.text("shipment-one")
    }
}

/// Reads an order and its tenant and builds what the buyer sees now, in
/// `language` (one the tenant offers; the caller chose it).
pub async fn load_tracking_view(
    pool: &Pool,
    map: &MapTiles,
    tenant: &TenantRecord,
    order: OrderId,
    language: Language,
) -> store::Result<TrackingView> {
    let t = Translator::new(language, &tenant.locale);
    let snapshot = store::order_snapshot(pool, tenant.id, order).await?;
    let now = Utc::now();
    let windows = store::delivery_window(pool, tenant.id, order).await?;
    let tz = snapshot.order.ship_to.time_zone;
    let shipment_count = snapshot.shipments.len();
    let proof_of_delivery = store::order_pods(pool, tenant.id, order)
        .await?
        .into_iter()
        .map(|pod| {
            let index = snapshot.shipments.iter().position(|s| s.id == pod.shipment).unwrap_or_default();
            let of_kind =
                |kind: &str| pod.files.iter().filter(|f| f.kind == kind).map(|f| f.sha256.clone()).collect::<Vec<_>>();
            PodView {
                shipment: shipment_label(index, shipment_count, &t),
                shipment_id: pod.shipment.0,
                signature_alt: t.with("pod-signature-of", &[("name", pod.receiver_name.clone().into())]),
                receiver_name: pod.receiver_name.clone(),
                when: format_time(pod.delivered_at, tz, &t),
                signature: of_kind("signature").into_iter().next(),
                photos: of_kind("photo")
                    .into_iter()
                    .enumerate()
                    .map(|(i, sha256)| PodPhoto { sha256, alt: t.with("pod-photo", &[("number", (i + 1).into())]) })
                    .collect(),
            }
        })
        .collect();
    // The map follows the first shipment on the vehicle that has reported.
    let on_its_way = |s: &&store::ShipmentRecord| {
        matches!(s.status_milestone, Some(Milestone::OutForDelivery | Milestone::ArrivingSoon))
    };
    let mut last_mile = None;
    for shipment in snapshot.shipments.iter().filter(on_its_way) {
        let record = store::last_mile(pool, tenant.id, shipment.id, now - TRAIL).await?;
        if let Some(found) = build_last_mile(&record, &snapshot.order.ship_to, map, &t) {
            last_mile = Some(found);
            break;
        }
    }
    let mut view = build_tracking_view(&snapshot, &windows, tenant, last_mile, proof_of_delivery, now, &t);
    view.returns = load_returns(pool, tenant, order, tz, now, &t).await?;
    Ok(view)
}

/// The returns part: read only once something of the order was delivered
/// or a return exists.
async fn load_returns(
    pool: &Pool,
    tenant: &TenantRecord,
    order: OrderId,
    tz: crate::domain::TimeZone,
    now: chrono::DateTime<Utc>,
    t: &Translator,
) -> store::Result<Option<super::returns_view::ReturnsView>> {
    use super::returns::{returns_view, ReturnableItem};
    let returns = store::returns::order_returns(pool, tenant.id, order).await?;
    let items: Vec<ReturnableItem> = store::returns::returnable_items(pool, tenant.id, order)
        .await?
        .into_iter()
        .map(|(line, description, unit)| ReturnableItem { line, description, unit })
        .collect();
    if returns.is_empty() && items.iter().all(|i| i.line.delivered.is_zero()) {
        return Ok(None);
    }
    let settings = store::returns::return_settings(pool, tenant.id).await?;
    Ok(returns_view(&settings.policy, &items, &returns, now, tz, t))
}

/// The words around the tracking page that do not change while it is open.
pub fn page_texts(tenant: &TenantRecord, order_number: &str, customer_po: Option<&str>, t: &Translator) -> PageTexts {
    let language = t.language();
    PageTexts {
        lang: language.tag().to_string(),
        dir: language.direction().attribute().to_string(),
        languages: tenant
            .languages()
            .offered
            .iter()
            .map(|l| LanguageChoice { tag: l.tag().to_string(), name: l.native_name().to_string() })
            .collect(),
        language_label: t.text("language-label"),
        language_change: t.text("language-change"),
        title: t.with("page-title", &[("number", order_number.into()), ("brand", tenant.brand_name.clone().into())]),
        order: t.with("order-number", &[("number", order_number.into())]),
        po: customer_po.map(|po| t.with("order-po", &[("po", po.into())])),
        progress_label: t.text("progress-label"),
        problems_label: t.text("problems-label"),
        tracking_history: t.text("tracking-history"),
        show_fewer_updates: t.text("show-fewer-updates"),
        new_update: t.text("new-update"),
        shipments_heading: t.text("shipments-heading"),
        shipment_heading: t.text("shipment-one"),
        tracking_number: t.text("tracking-number"),
        items_heading: t.text("items-heading"),
        item_column: t.text("item-column"),
        ordered_column: t.text("ordered-column"),
        shipped_column: t.text("shipped-column"),
        to_follow_column: t.text("to-follow-column"),
        on_its_way_heading: t.text("on-its-way-heading"),
        map_label: t.text("map-label"),
        map_vehicle: t.text("map-vehicle"),
        map_address: t.text("map-address"),
        pod_heading: t.text("pod-heading"),
        pod_received_by: t.text("pod-received-by"),
        pod_download: t.text("pod-pdf-download"),
        delivering_to: t.text("delivering-to"),
        contact_service: t.with("contact-service", &[("brand", tenant.brand_name.clone().into())]),
        updates_heading: t.text("updates-heading"),
        updates_address_label: t.text("updates-address-label"),
        updates_send_code: t.text("updates-send-code"),
        updates_code_label: t.text("updates-code-label"),
        updates_confirm: t.text("updates-confirm"),
        updates_unavailable: t.text("updates-unavailable"),
        help_heading: t.text("help-heading"),
        request_kind_label: t.text("request-kind-label"),
        request_instructions: t.text("request-instructions"),
        request_problem: t.text("request-problem"),
        request_text_label: t.text("request-text-label"),
        request_send: t.text("request-send"),
        request_sent: t.text("request-sent"),
        request_empty: t.text("request-empty"),
        request_limited: t.text("request-limited"),
        copy: t.text("copy-tracking-number"),
        copied: t.text("copied"),
        carrier_site: t.text("carrier-site"),
    }
}

/// How much of the vehicle's path the map draws (and the ETA reads).
const TRAIL: chrono::Duration = chrono::Duration::minutes(60);

/// The map and the arrival window, if the vehicle has reported at all.
pub fn build_last_mile(
    record: &LastMileRecord,
    ship_to: &ShipTo,
    map: &MapTiles,
    t: &Translator,
) -> Option<LastMileView> {
    let (updated_at, vehicle) = *record.fixes.last()?;
    let clock = |at: DateTime<Utc>| t.clock(ship_to.time_zone.local(at).naive_local());
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
        eta: eta.map(|eta| {
            t.with("arriving-between", &[("from", clock(eta.earliest).into()), ("to", clock(eta.latest).into())])
        }),
        stops_ahead: stops.len(),
        stops_text: match stops.len() {
            0 => t.text("next-delivery"),
            n => t.with("deliveries-before", &[("count", n.into())]),
        },
        updated: t.with("location-updated", &[("time", clock(updated_at).into())]),
        tiles: map.url.clone(),
        attribution: map.attribution.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english(locale: &str) -> Translator {
        Translator::new(Language::English, locale)
    }
    fn en() -> Translator {
        english("en-GB")
    }

    #[test]
    fn a_scan_in_another_zone_shows_its_own_clock() {
        let at: DateTime<Utc> = "2026-11-26T15:10:00Z".parse().unwrap();
        let chicago = TimeZone::parse("America/Chicago").unwrap();
        assert_eq!(
            source_clock(at, Some(-300), chicago, &english("en-US")).as_deref(),
            Some("10:10 AM local time (UTC-05:00)")
        );
        assert_eq!(source_clock(at, Some(60), chicago, &en()).as_deref(), Some("16:10 local time (UTC+01:00)"));
        assert_eq!(
            source_clock(at, Some(-360), chicago, &english("en-US")),
            None,
            "the ship-to's own zone adds nothing"
        );
        assert_eq!(source_clock(at, None, chicago, &english("en-US")), None);
    }

    #[test]
    fn a_scan_sent_in_utc_adds_no_second_clock() {
        let at: DateTime<Utc> = "2026-11-26T15:10:00Z".parse().unwrap();
        let chicago = TimeZone::parse("America/Chicago").unwrap();
        assert_eq!(source_clock(at, Some(0), chicago, &english("en-US")), None);
    }

    use crate::domain::status::{derive_order_status, EventFact};

    fn status_of(events: &[(Option<i64>, Canonical)], shipments: &[i64], outstanding: bool) -> OrderStatus {
        let at: DateTime<Utc> = "2026-11-20T00:00:00Z".parse().unwrap();
        let facts: Vec<EventFact> = events
            .iter()
            .enumerate()
            .map(|(i, (shipment, canonical))| EventFact {
                shipment: *shipment,
                canonical: *canonical,
                occurred_at: at + chrono::Duration::hours(i as i64),
            })
            .collect();
        derive_order_status(&facts, shipments, outstanding)
    }

    fn top(status: &OrderStatus, facts: HeadlineFacts) -> Headline {
        headline(status.buyer_stage(facts.promise_passed), status, &facts, &en())
    }

    fn promised(passed: bool) -> HeadlineFacts {
        HeadlineFacts { promised: Some("Saturday 28 November".into()), promise_passed: passed, ..Default::default() }
    }

    const OUT: Canonical = Canonical::Milestone(Milestone::OutForDelivery);

    #[test]
    fn out_for_delivery_leads_with_todays_window_not_the_promised_date() {
        let status = status_of(&[(Some(1), OUT)], &[1], false);
        let eta =
            HeadlineFacts { last_mile_eta: Some("Arriving 12:40 – 12:55".into()), forecast: true, ..promised(false) };
        let h = top(&status, eta);
        assert_eq!((h.title.as_str(), h.when.as_deref()), ("Out for delivery", Some("Arriving 12:40 – 12:55")));
        assert_eq!(h.promised_label.as_deref(), Some("Promised for"), "no second, different expectation");
        assert!(!h.show_forecast && h.late_notice.is_none());
        assert_eq!(h.updates_offer.as_deref(), Some("when your order arrives"));
        assert_eq!(top(&status, promised(false)).when.as_deref(), Some("Arriving today"));
        // Late and on the van: the van wins, the notice says why it is late.
        let late = top(&status, promised(true));
        assert_eq!(late.title, "Out for delivery");
        assert!(late.late_notice.unwrap().contains("on the delivery vehicle today"));
    }

    #[test]
    fn a_partial_order_with_every_parcel_delivered_says_more_is_coming() {
        let status = status_of(&[(Some(1), Canonical::Milestone(Milestone::Delivered))], &[1], true);
        let h = top(&status, HeadlineFacts::default());
        assert_eq!(h.title, "Partly delivered, more items to follow");
        let split = status_of(
            &[
                (Some(1), Canonical::Milestone(Milestone::Delivered)),
                (Some(2), Canonical::Milestone(Milestone::InTransit)),
            ],
            &[1, 2],
            false,
        );
        assert_eq!(top(&split, HeadlineFacts::default()).title, "1 of 2 shipments delivered");
        // The English page and the stored English headline agree.
        for status in [&status, &split] {
            assert_eq!(stage_title(status.buyer_stage(false), status, &en()), status.headline());
        }
    }

    #[test]
    fn the_headline_speaks_the_buyers_language() {
        let status = status_of(&[(Some(1), OUT)], &[1], false);
        let facts = promised(false);
        let stage = status.buyer_stage(false);
        let spanish = headline(stage, &status, &facts, &Translator::new(Language::Spanish, "en-US"));
        let arabic = headline(stage, &status, &facts, &Translator::new(Language::Arabic, "en-US"));
        let english = headline(stage, &status, &facts, &en());
        assert_ne!(spanish.title, english.title);
        assert_ne!(arabic.title, english.title);
        assert!(arabic.title.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "{}", arabic.title);
    }

    #[test]
    fn delivered_says_when_where_and_to_whom() {
        let status = status_of(&[(Some(1), Canonical::Milestone(Milestone::Delivered))], &[1], false);
        let handover = Handover {
            when: "Monday 23 Nov, 14:14".into(),
            location: Some("Front porch".into()),
            receiver: Some("J. Smith".into()),
        };
        let h = top(&status, HeadlineFacts { handover: Some(handover), ..promised(false) });
        assert_eq!(h.title, "Delivered");
        assert_eq!(h.when.as_deref(), Some("Monday 23 Nov, 14:14 · Front porch · Received by J. Smith"));
        assert_eq!((h.updates_offer, h.late_notice), (None, None));
    }

    #[test]
    fn a_late_order_never_shows_a_past_date_as_expected() {
        let status = status_of(&[(Some(1), Canonical::Milestone(Milestone::InTransit))], &[1], false);
        let h = top(&status, promised(true));
        assert_eq!(h.title, "Running late");
        assert_eq!(h.promised_label.as_deref(), Some("Promised for"));
        assert!(h.late_notice.unwrap().contains("promised for Saturday 28 November"));
        assert!(h.next_step.unwrap().contains("new delivery date"), "no estimate yet, and says so");
        let with_window = top(&status, HeadlineFacts { forecast: true, ..promised(true) });
        assert!(with_window.show_forecast && with_window.next_step.is_none(), "the newest estimate is the window");
        // On time, the promised date is the expectation.
        assert_eq!(top(&status, promised(false)).promised_label.as_deref(), Some("Expected by"));
    }

    #[test]
    fn problems_and_finished_orders_say_so_with_what_happens_next() {
        let failed =
            status_of(&[(Some(1), OUT), (Some(1), Canonical::Exception(ExceptionKind::FailedAttempt))], &[1], false);
        let h = top(&failed, promised(true));
        assert_eq!(h.title, "Delivery attempt failed");
        assert_eq!(h.next_step.as_deref(), Some(ExceptionKind::FailedAttempt.next_step()));
        assert!(h.updates_offer.is_some(), "still worth hearing about");

        for kind in [ExceptionKind::Cancelled, ExceptionKind::ReturnedToSender] {
            let status = status_of(
                &[(Some(1), Canonical::Milestone(Milestone::InTransit)), (Some(1), Canonical::Exception(kind))],
                &[1],
                false,
            );
            let h = top(&status, HeadlineFacts { forecast: true, ..promised(true) });
            assert_eq!(h.title, kind.presentation().label);
            assert_eq!((h.late_notice, h.updates_offer, h.promised_label), (None, None, None), "{kind:?}");
            assert!(!h.show_forecast && h.next_step.is_some());
        }
    }

    fn states(steps: &[ProgressStep]) -> Vec<(&str, char)> {
        steps
            .iter()
            .map(|s| {
                let state = match (s.problem, s.reached, s.partly) {
                    (true, ..) => '!',
                    (_, true, _) => '#',
                    (_, _, true) => '~',
                    _ => '.',
                };
                (s.label.as_str(), if s.current { state.to_ascii_uppercase() } else { state })
            })
            .collect()
    }

    #[test]
    fn the_bar_adds_up_over_split_partial_and_stopped_orders() {
        use Milestone::*;
        let split = progress(&[Delivered, InTransit], None, &en());
        assert_eq!(
            states(&split),
            [("Ordered", '#'), ("Packed", '#'), ("Shipped", '#'), ("Out for delivery", '~'), ("Partly delivered", '~')]
        );
        assert!(split[4].current, "not \"Shipped\"");
        // A partial shipment delivered while the rest is only ordered.
        let partial = progress(&[Delivered, Placed], None, &en());
        assert!(partial[1..].iter().all(|s| !s.reached && s.partly), "never a fully delivered bar");
        let failed = progress(&[OutForDelivery], Some(ExceptionKind::FailedAttempt), &en());
        assert_eq!(
            failed[3],
            ProgressStep {
                label: "Out for delivery".into(),
                reached: true,
                partly: false,
                current: false,
                problem: false
            }
        );
        assert_eq!(
            (failed[4].label.as_str(), failed[4].problem && failed[4].current),
            ("Delivery attempt failed", true)
        );
        let held = progress(&[InTransit], Some(ExceptionKind::Held), &en());
        assert_eq!(
            held.iter().map(|s| s.label.as_str()).collect::<Vec<_>>(),
            ["Ordered", "Packed", "Shipped", "Held", "Delivered"]
        );
        let cancelled = progress(&[Confirmed], Some(ExceptionKind::Cancelled), &en());
        assert_eq!(cancelled.iter().map(|s| s.label.as_str()).collect::<Vec<_>>(), ["Ordered", "Cancelled"]);
        let returned = progress(&[ArrivedAtHub], Some(ExceptionKind::ReturnedToSender), &en());
        assert_eq!(returned.last().unwrap().label, "Returned to sender");
        assert!(!returned.iter().any(|s| s.label == "Delivered"));
        let delivered = progress(&[Delivered], None, &en());
        assert!(delivered.iter().all(|s| s.reached) && delivered[4].current);
    }

    #[test]
    fn a_condition_alert_gives_the_reading_the_limit_and_how_long() {
        let opened: DateTime<Utc> = "2026-11-26T10:00:00Z".parse().unwrap();
        let details = serde_json::json!({"metric": "temperature_c", "value": 9.04, "min": 2.0, "max": 8.0});
        let closed = opened + chrono::Duration::minutes(65);
        assert_eq!(
            condition_text(&details, opened, Some(closed), closed, &en()).as_deref(),
            Some("Temperature read 9.0 °C, above the 8.0 °C limit, for 1 h 5 min.")
        );
        let cold = serde_json::json!({"metric": "temperature_c", "value": 1.2, "min": 2.0, "max": 8.0});
        assert_eq!(
            condition_text(&cold, opened, None, opened + chrono::Duration::minutes(40), &en()).as_deref(),
            Some("Temperature read 1.2 °C, below the 2.0 °C limit, for 40 min so far.")
        );
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
        let text = |w: &DeliveryWindow, locale| forecast_text(w, today, &english(locale));
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
        assert_eq!(forecast_text(&w, today, &en()).as_deref(), Some("Arriving Fri 4 – Sun 6 Dec, most likely Fri"));
        assert_eq!(forecast_text(&window("2026-12-01", "2026-12-02", "2026-12-03"), today, &en()), None);
        let delivered = DeliveryWindow { basis: Basis::Delivered, ..window("2026-12-04", "2026-12-04", "2026-12-04") };
        assert_eq!(forecast_text(&delivered, today, &en()), None);
    }
}
