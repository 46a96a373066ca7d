//! The delivery promise's server side: a worker fed by the event log (a
//! cursor on event id, woken after commits) that counts each hand-over and
//! delivery once in the lane rollups, recomputes and stores the window of
//! every order and shipment an event touched, keeps the prediction made at
//! hand-over and scores it at delivery, and raises (and clears) the
//! "predicted late" exception through the normal ingest path, so the
//! customer-service queue and the notification rules see it like any other.

pub mod import;

use crate::domain::kpi::{region_of, ship_from};
use crate::domain::promise::{
    estimate, handling_ladder, BusinessCalendar, DeliveryWindow, EstimatorConfig, Lane, LaneKey, MonthlyHistogram,
    Place, Prediction, Progress, PromiseInput, QuantileLevels, RungHistory, YearMonth,
};
use crate::domain::{Canonical, ExceptionKind, Milestone, OrderId, ShipmentId, TenantId};
use crate::history::backtest::Delivery;
use crate::history::olist::brazil_holidays;
use crate::state::AppState;
use crate::store::promise::{self as stored, DeliveredShipment, PromiseContext, PromiseEvent, Rollup};
use crate::store::{self, NewEvent, Pool};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use std::collections::HashMap;

/// Events per pass.
const BATCH: i64 = 500;
/// How often the worker looks when nothing wakes it.
const INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);
/// The least time between two passes.
const QUIET: std::time::Duration = std::time::Duration::from_millis(500);
/// On PostgreSQL, events younger than this wait a pass (ids are taken
/// before commit, so a lower one can appear later).
const SETTLE: Duration = Duration::seconds(3);
/// The source of the events the promise writes (dictionary rows `promise`).
pub const SOURCE: &str = "promise";
/// How old an open order's window may grow without an event.
const REFRESH_EVERY: Duration = Duration::hours(1);
/// How soon a fallback window is looked at again once the tenant has history.
const FALLBACK_REFRESH_AFTER: Duration = Duration::minutes(1);
/// Scored predictions needed before the quantile levels are recalibrated.
const MIN_CALIBRATION: usize = 200;

/// The business calendar of a destination country: weekdays, and Brazil's
/// national holidays where they are known.
pub fn calendar_for(country: &str, around: NaiveDate) -> BusinessCalendar {
    let calendar = BusinessCalendar::weekdays();
    match country.trim().to_ascii_uppercase().as_str() {
        "BR" => calendar.with_holidays(((around.year() - 2)..=(around.year() + 1)).flat_map(brazil_holidays)),
        _ => calendar,
    }
}

fn settled_now(pool: &Pool) -> DateTime<Utc> {
    if pool.is_postgres() {
        Utc::now() - SETTLE
    } else {
        Utc::now()
    }
}

/// Works through every event committed so far; returns how many orders it
/// looked at. Safe beside the worker: each step is idempotent.
pub async fn catch_up(state: &AppState) -> store::Result<usize> {
    catch_up_until(state, settled_now(&state.pool)).await
}

pub async fn catch_up_until(state: &AppState, settled: DateTime<Utc>) -> store::Result<usize> {
    let mut seen = 0;
    let mut levels = HashMap::new();
    loop {
        let (orders, last) = stored::orders_after_cursor(&state.pool, BATCH, settled).await?;
        let Some(last) = last else { break };
        for (tenant, order) in &orders {
            let config = EstimatorConfig::default();
            let levels = match levels.get(tenant) {
                _ if !config.calibrate => config.levels,
                Some(l) => *l,
                None => {
                    let l = calibrated_levels(&state.pool, *tenant, Utc::now().date_naive()).await?;
                    levels.insert(*tenant, l);
                    l
                }
            };
            refresh_order(state, *order, levels, Utc::now()).await?;
        }
        seen += orders.len();
        stored::advance_cursor(&state.pool, last).await?;
    }
    refresh_stale(state, Utc::now()).await?;
    Ok(seen)
}

/// Recomputes open orders whose window has aged without an event: time
/// spent in a step changes the odds, and an order first seen before its
/// lane had history rests on a fallback until it is looked at again.
pub async fn refresh_stale(state: &AppState, now: DateTime<Utc>) -> store::Result<usize> {
    let config = EstimatorConfig::default();
    let stale = stored::stale_windows(
        &state.pool,
        now - REFRESH_EVERY,
        now - FALLBACK_REFRESH_AFTER,
        config.min_history as i64,
        BATCH,
    )
    .await?;
    for (tenant, order) in &stale {
        let levels = match config.calibrate {
            true => calibrated_levels(&state.pool, *tenant, now.date_naive()).await?,
            false => config.levels,
        };
        refresh_order(state, *order, levels, now).await?;
    }
    Ok(stale.len())
}

/// Runs `catch_up` after every commit that woke it, and every few seconds.
pub fn spawn_promise_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = catch_up(&state).await {
                tracing::error!(error = %e, "updating delivery promises failed; retrying");
            }
            // A burst of events is one pass, not one per commit: a window
            // need not move more often than this.
            tokio::time::sleep(QUIET).await;
            let _ = tokio::time::timeout(INTERVAL - QUIET, state.promises.notified()).await;
        }
    })
}

/// The levels hand-over predictions actually held over the three months
/// before last month (last month's slow deliveries are not in yet).
async fn calibrated_levels(pool: &Pool, tenant: TenantId, today: NaiveDate) -> store::Result<QuantileLevels> {
    let end = YearMonth::of(today).prev();
    let from = end.prev().prev().prev();
    let scores = stored::scores(pool, tenant, from, end).await?;
    Ok(QuantileLevels::calibrated(&scores, QuantileLevels::default(), MIN_CALIBRATION))
}

/// What an order's events say about one shipment.
#[derive(Clone, Debug, Default)]
struct ShipmentFacts {
    handed_over: Option<DateTime<Utc>>,
    delivered: Option<DateTime<Utc>>,
    out_for_delivery: bool,
    milestone: Option<Milestone>,
    carrier_estimate: Option<NaiveDate>,
    /// The ship-from as the hand-over event describes it (`details.ship_from`).
    ship_from: Option<serde_json::Value>,
}

fn milestone_of(e: &PromiseEvent) -> Option<Milestone> {
    match e.canonical.parse::<Canonical>() {
        Ok(Canonical::Milestone(m)) => Some(m),
        _ => None,
    }
}

fn shipment_facts(events: &[PromiseEvent], shipment: ShipmentId, only_one: bool) -> ShipmentFacts {
    let mut facts = ShipmentFacts::default();
    // Order-level carrier events count for the shipment when it is the only one.
    let mine = events.iter().filter(|e| e.shipment_id == Some(shipment) || (only_one && e.shipment_id.is_none()));
    for e in mine {
        if let Some(date) = e.carrier_estimate() {
            facts.carrier_estimate = Some(date);
        }
        let Some(m) = milestone_of(e) else { continue };
        facts.milestone = facts.milestone.max(Some(m));
        if m >= Milestone::Shipped && facts.handed_over.is_none() {
            facts.handed_over = Some(e.occurred_at);
            facts.ship_from = e.details.0.get("ship_from").cloned();
        }
        if m == Milestone::Delivered && facts.delivered.is_none() {
            facts.delivered = Some(e.occurred_at);
        }
        if matches!(m, Milestone::OutForDelivery | Milestone::ArrivingSoon) {
            facts.out_for_delivery = true;
        }
    }
    facts
}

/// The origin of a shipment and the site its handling is counted under:
/// what the hand-over event says (`details.ship_from`), else the
/// warehouse or hand-over scan's location ("City, ST, CC").
fn origin(facts: &ShipmentFacts, events: &[PromiseEvent], destination_country: &str) -> (String, Place) {
    if let Some(from) = &facts.ship_from {
        let text = |k: &str| from.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let mut place = Place::new(&text("country"), &text("region"), &text("postcode"));
        place.name = text("name");
        return (text("site"), place);
    }
    let kpi_events: Vec<crate::domain::kpi::KpiEvent> = events
        .iter()
        .map(|e| crate::domain::kpi::KpiEvent {
            id: e.id,
            shipment: e.shipment_id.map(|s| s.0),
            source: String::new(),
            canonical: e.canonical.parse().unwrap_or(Canonical::Unmapped),
            occurred_at: e.occurred_at,
            recorded_at: e.occurred_at,
            local_date: e.occurred_at.date_naive(),
            location: e.location.clone(),
        })
        .collect();
    let site = ship_from(&kpi_events);
    let parts: Vec<&str> = site.split(',').map(str::trim).collect();
    let country = match parts.as_slice() {
        [_, _, country, ..] if country.len() == 2 => country.to_string(),
        _ => destination_country.to_string(),
    };
    (site.clone(), Place::new(&country, &region_of(&site), ""))
}

async fn ladder_history(
    pool: &Pool,
    tenant: TenantId,
    rollup: Rollup,
    rungs: Vec<crate::domain::promise::Rung>,
    as_of: NaiveDate,
    config: &EstimatorConfig,
) -> store::Result<Vec<RungHistory>> {
    let keys: Vec<LaneKey> = rungs.iter().map(|r| r.key.clone()).collect();
    let since = YearMonth::of(as_of - Duration::days(config.recency.window_days as i64));
    let histograms = stored::rollup_histograms(pool, tenant, rollup, &keys, since).await?;
    let empty = MonthlyHistogram::new();
    Ok(rungs
        .into_iter()
        .map(|rung| {
            let distribution = histograms.get(&rung.key).unwrap_or(&empty).window(as_of, config.recency);
            RungHistory { rung, distribution }
        })
        .collect())
}

/// Recomputes one order: counts what is new in the rollups, stores the
/// windows, keeps and scores the hand-over prediction, and opens or
/// clears the predicted-late exception.
pub async fn refresh_order(
    state: &AppState,
    order: OrderId,
    levels: QuantileLevels,
    now: DateTime<Utc>,
) -> store::Result<()> {
    let pool = &state.pool;
    let Some(PromiseContext { order: o, shipments, events }) =
        stored::promise_context(pool, &state.promise_timelines, order, settled_now(pool)).await?
    else {
        return Ok(());
    };
    let tenant = o.tenant_id;
    let zone = o.ship_to_time_zone;
    let local = |at: DateTime<Utc>| zone.today(at);
    let today = local(now);
    let cal = calendar_for(&o.ship_to_country, today);
    let mut destination =
        Place::new(&o.ship_to_country, o.ship_to_region.as_deref().unwrap_or(""), &o.ship_to_postcode);
    destination.name = destination.region.clone();
    let config = EstimatorConfig::default();
    let started = events
        .iter()
        .filter(|e| matches!(milestone_of(e), Some(Milestone::Confirmed | Milestone::ReleasedToWarehouse)))
        .map(|e| e.occurred_at)
        .min()
        .unwrap_or(o.placed_at);
    let cancelled = events.iter().any(|e| e.canonical == Canonical::Exception(ExceptionKind::Cancelled).code());

    let mut windows: Vec<DeliveryWindow> = Vec::new();
    let only_one = shipments.len() == 1;
    for s in &shipments {
        let facts = shipment_facts(&events, s.id, only_one);
        if facts.carrier_estimate != s.carrier_estimate {
            stored::set_carrier_estimate(pool, s.id, facts.carrier_estimate).await?;
        }
        let (site, origin_place) = origin(&facts, &events, &o.ship_to_country);
        let lane = Lane {
            carrier: s.carrier.to_lowercase(),
            service: s.service.clone().unwrap_or_default().to_lowercase(),
            origin: origin_place,
            destination: destination.clone(),
        };
        let handed_local = facts.handed_over.map(local);
        if let Some(handed) = handed_local {
            let days = cal.business_days_between(local(started), handed).max(0) as u32;
            let keys: Vec<LaneKey> = handling_ladder(&site).into_iter().map(|r| r.key).collect();
            stored::record_handover(pool, tenant, s.id, handed, &keys, days).await?;
            if !s.handover_recorded {
                // The prediction as it stood at hand-over, from what was known before that day.
                let transit = ladder_history(
                    pool,
                    tenant,
                    Rollup::Transit,
                    lane.ladder(handed.weekday(), config.shape),
                    handed,
                    &config,
                )
                .await?;
                let input = PromiseInput {
                    today: handed,
                    progress: Progress::InTransit { handed_over: handed },
                    transit: &transit,
                    handling: &[],
                    carrier_estimate: facts.carrier_estimate,
                    promised: o.promised_date,
                    calendar: &cal,
                };
                let at_handover = EstimatorConfig { levels, ..config };
                if let Some(p) = estimate(&input, &at_handover) {
                    stored::save_handover_prediction(
                        pool,
                        tenant,
                        order,
                        s.id,
                        handed,
                        &p.window,
                        p.distribution.as_ref(),
                        now,
                    )
                    .await?;
                }
            }
        }
        if let (Some(handed), Some(delivered)) = (handed_local, facts.delivered.map(local)) {
            let transit_days = cal.business_days_between(handed, delivered).max(0) as u32;
            let delivery = DeliveredShipment {
                shipment: s.id,
                order,
                transit_days,
                delivery: Delivery {
                    order_id: o.order_number.clone(),
                    site: site.clone(),
                    lane: lane.clone(),
                    purchased: local(o.placed_at),
                    handed_over: handed,
                    delivered,
                    promised: o.promised_date.unwrap_or(NaiveDate::MIN),
                },
            };
            let keys: Vec<LaneKey> = lane.ladder(handed.weekday(), config.shape).into_iter().map(|r| r.key).collect();
            if delivered >= handed {
                stored::record_delivery(pool, tenant, &delivery, &keys).await?;
            }
            if let Some((anchor, distribution)) = stored::unscored_handover(pool, order, s.id).await? {
                let prediction = Prediction {
                    window: DeliveryWindow {
                        earliest: anchor,
                        likely: anchor,
                        latest: anchor,
                        basis: crate::domain::promise::Basis::Delivered,
                        reason: String::new(),
                        p_late: None,
                    },
                    distribution: Some((anchor, distribution)),
                };
                if let Some(score) = prediction.score(delivered, &cal) {
                    stored::save_score(pool, order, s.id, score, YearMonth::of(delivered)).await?;
                }
            }
        }
        // The current window.
        let progress = match (facts.delivered, handed_local) {
            (Some(at), _) => Progress::Delivered { on: local(at) },
            _ if facts.out_for_delivery => Progress::OutForDelivery { eta: None },
            (None, Some(handed)) => Progress::InTransit { handed_over: handed },
            (None, None) => Progress::AwaitingHandover { since: local(started) },
        };
        if let Progress::Delivered { .. } = progress {
            // Delivered is delivered: no history to read.
            let input = PromiseInput {
                today,
                progress,
                transit: &[],
                handling: &[],
                carrier_estimate: None,
                promised: o.promised_date,
                calendar: &cal,
            };
            if let Some(p) = estimate(&input, &config) {
                stored::save_window(pool, tenant, order, Some(s.id), &p.window, now).await?;
                windows.push(p.window);
            }
            continue;
        }
        let weekday_of_handover = handed_local.unwrap_or(today).weekday();
        let transit = ladder_history(
            pool,
            tenant,
            Rollup::Transit,
            lane.ladder(weekday_of_handover, config.shape),
            today,
            &config,
        )
        .await?;
        let handling = ladder_history(pool, tenant, Rollup::Handling, handling_ladder(&site), today, &config).await?;
        let input = PromiseInput {
            today,
            progress,
            transit: &transit,
            handling: &handling,
            carrier_estimate: facts.carrier_estimate,
            promised: o.promised_date,
            calendar: &cal,
        };
        let point = match progress {
            Progress::InTransit { .. } => EstimatorConfig { levels, ..config },
            _ => config,
        };
        if let Some(p) = estimate(&input, &point) {
            stored::save_window(pool, tenant, order, Some(s.id), &p.window, now).await?;
            windows.push(p.window);
        }
    }

    // An order not shipped yet: handling, then transit on its destination
    // with no carrier known (the coarse rungs answer).
    let order_window = if shipments.is_empty() {
        let lane = Lane { destination: destination.clone(), ..Lane::default() };
        let transit =
            ladder_history(pool, tenant, Rollup::Transit, lane.ladder(today.weekday(), config.shape), today, &config)
                .await?;
        let handling = ladder_history(pool, tenant, Rollup::Handling, handling_ladder(""), today, &config).await?;
        let input = PromiseInput {
            today,
            progress: Progress::AwaitingHandover { since: local(started) },
            transit: &transit,
            handling: &handling,
            carrier_estimate: None,
            promised: o.promised_date,
            calendar: &cal,
        };
        estimate(&input, &config).map(|p| p.window)
    } else {
        // The order arrives with its last shipment.
        windows.iter().max_by_key(|w| (w.likely, w.latest)).cloned().map(|last| DeliveryWindow {
            earliest: windows.iter().map(|w| w.earliest).max().unwrap_or(last.earliest),
            p_late: windows.iter().filter_map(|w| w.p_late).reduce(f64::max),
            ..last
        })
    };
    if let Some(window) = &order_window {
        stored::save_window(pool, tenant, order, None, window, now).await?;
    }

    // Trending late: only before the promised date has passed (after it,
    // the order is late, not predicted late), and never for history.
    let delivered =
        !shipments.is_empty() && shipments.iter().all(|s| shipment_facts(&events, s.id, only_one).delivered.is_some());
    let open = o.open_exceptions.contains(ExceptionKind::PredictedLate);
    let p_late = order_window.as_ref().and_then(|w| w.p_late);
    let last_event = events.iter().map(|e| e.id).max().unwrap_or(0);
    let trending_late = !delivered
        && !cancelled
        && o.promised_date.is_some_and(|p| p >= today)
        && p_late.is_some_and(|p| p > o.predicted_late_threshold);
    let back_on_track = delivered || cancelled || p_late.is_some_and(|p| p <= o.predicted_late_threshold);
    if trending_late && !open {
        let window = order_window.as_ref().expect("p_late comes from a window");
        let event = promise_event(
            order,
            last_event,
            ExceptionKind::PredictedLate,
            false,
            serde_json::json!({
                "reason": window.reason,
                "p_late": p_late,
                "promised": o.promised_date,
                "likely": window.likely,
                "latest": window.latest,
                "message": format!(
                    "Likely to arrive after the promised date ({:.0}% chance): most likely {}, {}",
                    p_late.unwrap_or(0.0) * 100.0,
                    window.likely,
                    window.reason
                ),
            }),
            now,
        );
        crate::ingest::append(state, tenant, order, &[event]).await?;
    } else if open && back_on_track {
        let event = promise_event(
            order,
            last_event,
            ExceptionKind::PredictedLate,
            true,
            serde_json::json!({ "p_late": p_late, "delivered": delivered }),
            now,
        );
        crate::ingest::append(state, tenant, order, &[event]).await?;
    }
    Ok(())
}

/// The predicted-late exception or its all-clear, named after the event
/// the decision was made on so several nodes making it write it once.
fn promise_event(
    order: OrderId,
    after_event: i64,
    kind: ExceptionKind,
    resolved: bool,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> NewEvent {
    let (canonical, raw_code, verb) = match resolved {
        false => (Canonical::Exception(kind), "PREDICTED_LATE", "open"),
        true => (Canonical::Resolved(kind), "BACK_ON_TRACK", "clear"),
    };
    NewEvent {
        shipment: None,
        source: SOURCE.into(),
        source_event_id: format!("{}:{verb}:{after_event}", order.0),
        raw_code: raw_code.into(),
        canonical,
        occurred_at: now,
        occurred_offset_minutes: None,
        location: None,
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::promise::decisive_events;
    use proptest::prelude::*;
    use sqlx::types::Json;

    fn event() -> impl Strategy<Value = PromiseEvent> {
        let canonical = prop_oneof![
            (0..Milestone::ALL.len()).prop_map(|i| Canonical::Milestone(Milestone::ALL[i]).code()),
            Just(Canonical::Exception(ExceptionKind::Cancelled).code()),
            Just(Canonical::Note.code()),
        ];
        let location = prop_oneof![
            Just(None),
            Just(Some(String::new())),
            Just(Some("  ".to_string())),
            Just(Some("Memphis, TN, US".to_string())),
            Just(Some(" Austin, TX, US".to_string())),
            Just(Some("Recife, PE, BR".to_string())),
        ];
        let details = prop_oneof![
            Just(serde_json::json!({})),
            Just(serde_json::json!({"carrier_estimate": "2026-12-10"})),
            Just(serde_json::json!({"carrier_estimate": "2026-12-12"})),
            Just(serde_json::json!({"carrier_estimate": "soon"})),
            Just(serde_json::json!({"ship_from": {"site": "DC-1", "country": "US", "region": "TN"}})),
        ];
        // Few shipments, kinds and instants: ties and repeats are the point.
        (prop::option::of(1..3i64), canonical, 0..12i64, location, details).prop_map(
            |(shipment, canonical, minute, location, details)| {
                let at = DateTime::from_timestamp(1_764_000_000 + minute * 60, 0).unwrap();
                PromiseEvent {
                    id: 0,
                    shipment_id: shipment.map(ShipmentId),
                    canonical,
                    occurred_at: at,
                    recorded_at: at,
                    location,
                    details: Json(details),
                }
            },
        )
    }

    fn timeline() -> impl Strategy<Value = Vec<PromiseEvent>> {
        prop::collection::vec(event(), 0..40).prop_map(|mut events| {
            for (i, e) in events.iter_mut().enumerate() {
                e.id = i as i64 + 1;
            }
            events
        })
    }

    /// Everything `refresh_order` reads from an order's events.
    fn what_the_promise_reads(events: &[PromiseEvent]) -> String {
        let mut events = events.to_vec();
        events.sort_by_key(|e| (e.occurred_at, e.id));
        let mut seen = Vec::new();
        for (shipments, only_one) in [(vec![1], true), (vec![1, 2], false)] {
            for s in shipments {
                let facts = shipment_facts(&events, ShipmentId(s), only_one);
                seen.push(format!("{facts:?} {:?}", origin(&facts, &events, "US")));
            }
        }
        let started = events
            .iter()
            .filter(|e| matches!(milestone_of(e), Some(Milestone::Confirmed | Milestone::ReleasedToWarehouse)))
            .map(|e| e.occurred_at)
            .min();
        let cancelled = events.iter().any(|e| e.canonical == Canonical::Exception(ExceptionKind::Cancelled).code());
        seen.push(format!("{started:?} {cancelled} {:?}", events.iter().map(|e| e.id).max()));
        seen.join("\n")
    }

    proptest! {
        #[test]
        fn the_decisive_events_say_what_the_whole_timeline_says(events in timeline()) {
            let kept = decisive_events(events.clone());
            prop_assert!(kept.len() <= events.len());
            prop_assert_eq!(what_the_promise_reads(&kept), what_the_promise_reads(&events));
        }

        #[test]
        fn a_timeline_read_in_two_parts_keeps_the_same_events(events in timeline(), split in 0..40usize) {
            let split = split.min(events.len());
            let (before, after) = events.split_at(split);
            let at_once: Vec<i64> = decisive_events(events.clone()).iter().map(|e| e.id).collect();
            let mut in_two = decisive_events(before.to_vec());
            // The second read may overlap the first (a re-read of what had not settled).
            in_two.extend(after.iter().cloned().chain(before.last().cloned()));
            let in_two: Vec<i64> = decisive_events(in_two).iter().map(|e| e.id).collect();
            prop_assert_eq!(in_two, at_once);
        }
    }
}
