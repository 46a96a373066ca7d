//! Order and shipment status as a pure function of events.
//!
//! The functions here treat the events as a *set*: the same events give the
//! same status whatever order they arrived in and however often one repeats.
//! That is what lets every source post late, out of order, or twice.

use super::milestone::{Canonical, ExceptionKind, Milestone};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The part of an event that status derivation needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventFact {
    /// `None` for order-level events (OMS, warehouse before a shipment exists).
    pub shipment: Option<i64>,
    pub canonical: Canonical,
    pub occurred_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentStatus {
    /// The furthest milestone reached; never moves backwards on a late scan.
    pub milestone: Option<Milestone>,
    /// Exceptions not yet resolved by a later milestone, in a stable order.
    pub open_exceptions: Vec<ExceptionKind>,
}

impl ShipmentStatus {
    pub fn is_delivered(&self) -> bool {
        self.milestone == Some(Milestone::Delivered)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenException {
    pub kind: ExceptionKind,
    pub shipment: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderStatus {
    /// Where the order as a whole stands: the slowest shipment decides.
    pub milestone: Option<Milestone>,
    pub shipments: BTreeMap<i64, ShipmentStatus>,
    pub open_exceptions: Vec<OpenException>,
    pub cancelled: bool,
    /// Some ordered quantity is not in any shipment yet.
    pub lines_outstanding: bool,
}

/// Status of one scope (a shipment, or the order-level events).
fn scope_status(events: &[&EventFact]) -> ShipmentStatus {
    let milestone = events
        .iter()
        .filter_map(|e| match e.canonical {
            Canonical::Milestone(m) => Some(m),
            _ => None,
        })
        .max();
    let latest_milestone_at = |after: DateTime<Utc>| {
        events.iter().any(|e| matches!(e.canonical, Canonical::Milestone(_)) && e.occurred_at > after)
    };
    let delivered = milestone == Some(Milestone::Delivered);
    let open: BTreeSet<ExceptionKind> = events
        .iter()
        .filter_map(|e| match e.canonical {
            Canonical::Exception(kind) => Some((kind, e.occurred_at)),
            _ => None,
        })
        .filter(|&(kind, at)| {
            // Terminal exceptions end the lifecycle: nothing resolves them.
            // Others close on delivery, on any milestone that happened later,
            // or when a later event says that very problem is over.
            kind.presentation().terminal
                || !(delivered
                    || (!kind.outlives_progress() && latest_milestone_at(at))
                    || resolved_after(events, kind, at))
        })
        .map(|(kind, _)| kind)
        .collect();
    ShipmentStatus { milestone, open_exceptions: open.into_iter().collect() }
}

/// Whether a `Resolved(kind)` event at or after `at` closes the exception.
fn resolved_after<'a>(
    events: impl IntoIterator<Item = &'a &'a EventFact>,
    kind: ExceptionKind,
    at: DateTime<Utc>,
) -> bool {
    events.into_iter().any(|e| e.canonical == Canonical::Resolved(kind) && e.occurred_at >= at)
}

/// Derives the order's status from all of its events.
///
/// `shipments` lists every shipment of the order (a shipment may have no
/// events yet); `lines_outstanding` says whether ordered quantity remains
/// that is in no shipment.
pub fn derive_order_status(events: &[EventFact], shipments: &[i64], lines_outstanding: bool) -> OrderStatus {
    let order_events: Vec<&EventFact> = events.iter().filter(|e| e.shipment.is_none()).collect();
    let order_level = scope_status(&order_events);

    let shipment_ids: BTreeSet<i64> =
        shipments.iter().copied().chain(events.iter().filter_map(|e| e.shipment)).collect();
    let shipment_statuses: BTreeMap<i64, ShipmentStatus> = shipment_ids
        .iter()
        .map(|&id| {
            let scoped: Vec<&EventFact> = events.iter().filter(|e| e.shipment == Some(id)).collect();
            (id, scope_status(&scoped))
        })
        .collect();

    // A shipment exists only once goods are packed, so for the order it counts
    // as at least packed, whatever (or whether) its carrier has scanned.
    let slowest_shipment =
        shipment_statuses.values().map(|s| s.milestone.map_or(Milestone::Packed, |m| m.max(Milestone::Packed))).min();
    let milestone = match (order_level.milestone, slowest_shipment) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };

    // Order-level exceptions are resolved by later milestones anywhere in the order
    // (a warehouse delay is over once the carrier has the parcel).
    let any_milestone_after =
        |at: DateTime<Utc>| events.iter().any(|e| matches!(e.canonical, Canonical::Milestone(_)) && e.occurred_at > at);
    let order_exceptions = order_level.open_exceptions.iter().copied().filter(|kind| {
        kind.presentation().terminal
            || events.iter().filter(|e| e.shipment.is_none() && e.canonical == Canonical::Exception(*kind)).any(|e| {
                (kind.outlives_progress() || !any_milestone_after(e.occurred_at))
                    && !resolved_after(&order_events, *kind, e.occurred_at)
            })
    });
    let mut open_exceptions: Vec<OpenException> =
        order_exceptions.map(|kind| OpenException { kind, shipment: None }).collect();
    for (&id, status) in &shipment_statuses {
        open_exceptions.extend(status.open_exceptions.iter().map(|&kind| OpenException { kind, shipment: Some(id) }));
    }

    let cancelled = events.iter().any(|e| e.canonical == Canonical::Exception(ExceptionKind::Cancelled));
    OrderStatus { milestone, shipments: shipment_statuses, open_exceptions, cancelled, lines_outstanding }
}

/// The newest event of each kind in each scope: all [`derive_order_status`]
/// needs. Every rule there asks whether something of a kind happened, the
/// newest milestone's time, or whether a resolution or milestone came after
/// an exception (and the newest exception of a kind is the one most likely
/// still open), so the status of the digest is the status of the whole
/// history. The store reads this shape with `GROUP BY` instead of every
/// event of a long timeline. [`exceptions_since`] needs the full history.
pub fn latest_of_each_kind(events: &[EventFact]) -> Vec<EventFact> {
    latest_of_each_kind_by(events.iter().cloned(), |e| e)
}

/// As [`latest_of_each_kind`], for whatever carries an event's facts (the
/// store keeps each event's id beside them). Of two equally new, the first.
pub fn latest_of_each_kind_by<T>(items: impl IntoIterator<Item = T>, fact: impl Fn(&T) -> &EventFact) -> Vec<T> {
    let mut latest: BTreeMap<(Option<i64>, Canonical), T> = BTreeMap::new();
    for item in items {
        let e = fact(&item);
        match latest.get(&(e.shipment, e.canonical)) {
            Some(kept) if fact(kept).occurred_at >= e.occurred_at => {}
            _ => {
                latest.insert((e.shipment, e.canonical), item);
            }
        }
    }
    latest.into_values().collect()
}

/// When the oldest of the order's open exceptions opened: per open
/// exception, its first report in that scope since it was last resolved.
/// What customer service's queue counts an exception's age from.
pub fn exceptions_since(events: &[EventFact], open: &[OpenException]) -> Option<DateTime<Utc>> {
    open.iter()
        .filter_map(|x| {
            let scoped = || events.iter().filter(move |e| e.shipment == x.shipment);
            let resolved = scoped().filter(|e| e.canonical == Canonical::Resolved(x.kind)).map(|e| e.occurred_at).max();
            scoped()
                .filter(|e| e.canonical == Canonical::Exception(x.kind) && resolved.is_none_or(|r| e.occurred_at > r))
                .map(|e| e.occurred_at)
                .min()
        })
        .min()
}

impl OrderStatus {
    pub fn delivered_shipments(&self) -> usize {
        self.shipments.values().filter(|s| s.is_delivered()).count()
    }

    pub fn is_delivered(&self) -> bool {
        !self.shipments.is_empty() && !self.lines_outstanding && self.delivered_shipments() == self.shipments.len()
    }

    /// The one line a buyer reads first, as stored beside the order (the
    /// portal and the API show it). It cannot know about lateness, which
    /// depends on today's date; the tracking page adds that.
    pub fn headline(&self) -> String {
        self.buyer_stage(false).title(self)
    }

    /// The most specific truth about the order, the one the tracking page
    /// leads with. `promise_passed` says the promised date is behind us.
    /// The order matters: a finished or stuck order says so before anything
    /// about dates, and a parcel on the van today beats a missed promise.
    pub fn buyer_stage(&self, promise_passed: bool) -> BuyerStage {
        if self.cancelled {
            return BuyerStage::Cancelled;
        }
        let problem = HEADLINE_PROBLEMS
            .into_iter()
            .find_map(|kind| self.open_exceptions.iter().find(|x| x.kind == kind).map(|x| (kind, x.shipment)));
        if let Some((kind, shipment)) = problem {
            return BuyerStage::Problem { kind, shipment };
        }
        if self.is_delivered() {
            return BuyerStage::Delivered;
        }
        let on_the_van = self.shipments.iter().find(|(_, s)| {
            !s.is_delivered() && matches!(s.milestone, Some(Milestone::OutForDelivery | Milestone::ArrivingSoon))
        });
        if let Some((&shipment, s)) = on_the_van {
            return BuyerStage::OutForDelivery {
                shipment,
                arriving_soon: s.milestone == Some(Milestone::ArrivingSoon),
            };
        }
        let predicted_late = self.open_exceptions.iter().any(|x| x.kind == ExceptionKind::PredictedLate);
        if promise_passed || predicted_late {
            return BuyerStage::RunningLate;
        }
        let delivered = self.delivered_shipments();
        if delivered > 0 {
            return BuyerStage::PartlyDelivered {
                delivered,
                shipments: self.shipments.len(),
                more_to_ship: self.lines_outstanding,
            };
        }
        // The furthest *customer-visible* stage the order has reached.
        let stage = self
            .milestone
            .map(|m| {
                Milestone::ALL
                    .into_iter()
                    .filter(|v| *v <= m && v.presentation().customer_visible)
                    .max()
                    .unwrap_or(Milestone::Placed)
            })
            .unwrap_or(Milestone::Placed);
        BuyerStage::OnItsWay(stage)
    }
}

/// Open problems that change when or whether the parcel arrives, most
/// serious first; the tracking page's headline names the first one open.
/// A condition alert or a receiving count is news about the goods, not
/// about the delivery, so it stays in the notices below the headline.
pub const HEADLINE_PROBLEMS: [ExceptionKind; 6] = [
    ExceptionKind::ReturnedToSender,
    ExceptionKind::AddressIssue,
    ExceptionKind::FailedAttempt,
    ExceptionKind::Damaged,
    ExceptionKind::Held,
    ExceptionKind::Delayed,
];

/// Where an order stands for its buyer (see `OrderStatus::buyer_stage`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BuyerStage {
    Cancelled,
    /// One of `HEADLINE_PROBLEMS`, on a shipment or the whole order.
    Problem {
        kind: ExceptionKind,
        shipment: Option<i64>,
    },
    Delivered,
    /// A shipment is on the delivery vehicle today.
    OutForDelivery {
        shipment: i64,
        arriving_soon: bool,
    },
    RunningLate,
    PartlyDelivered {
        delivered: usize,
        shipments: usize,
        more_to_ship: bool,
    },
    /// Moving normally; the furthest stage a buyer is shown.
    OnItsWay(Milestone),
}

impl BuyerStage {
    /// The headline's words for this stage, in English (the stored
    /// headline; buyers read it in their language, `present::tracking`).
    pub fn title(self, status: &OrderStatus) -> String {
        let total = status.shipments.len();
        match self {
            BuyerStage::Cancelled => ExceptionKind::Cancelled.presentation().label.to_string(),
            BuyerStage::Problem { kind, .. } => kind.presentation().label.to_string(),
            BuyerStage::Delivered => Milestone::Delivered.presentation().label.to_string(),
            BuyerStage::OutForDelivery { arriving_soon, .. } => {
                let m = if arriving_soon { Milestone::ArrivingSoon } else { Milestone::OutForDelivery };
                m.presentation().label.to_string()
            }
            BuyerStage::RunningLate => ExceptionKind::PredictedLate.presentation().label.to_string(),
            // Every shipment delivered yet items unshipped: "1 of 1" says nothing.
            BuyerStage::PartlyDelivered { delivered, shipments, more_to_ship: true } if delivered == shipments => {
                "Partly delivered, more items to follow".to_string()
            }
            BuyerStage::PartlyDelivered { delivered, shipments, more_to_ship } => {
                let mut line = format!("{delivered} of {shipments} shipments delivered");
                if more_to_ship {
                    line.push_str(", more items to follow");
                }
                line
            }
            BuyerStage::OnItsWay(stage) => {
                let label = stage.presentation().label;
                if total > 1 {
                    format!("{label} ({total} shipments)")
                } else if status.lines_outstanding && total == 1 {
                    format!("{label}, more items to follow")
                } else {
                    label.to_string()
                }
            }
        }
    }

    /// Nothing more will happen: the buyer has the goods or never will.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            BuyerStage::Cancelled
                | BuyerStage::Delivered
                | BuyerStage::Problem { kind: ExceptionKind::ReturnedToSender, .. }
        )
    }
}

/// An order is late when its promised date has passed in the ship-to's
/// local calendar and it is not yet delivered.
pub fn is_late(promised: Option<NaiveDate>, delivered: bool, today_at_ship_to: NaiveDate) -> bool {
    matches!(promised, Some(date) if !delivered && today_at_ship_to > date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap() + chrono::Duration::hours(hour as i64)
    }
    fn m(shipment: Option<i64>, milestone: Milestone, hour: u32) -> EventFact {
        EventFact { shipment, canonical: Canonical::Milestone(milestone), occurred_at: at(hour) }
    }
    fn x(shipment: Option<i64>, kind: ExceptionKind, hour: u32) -> EventFact {
        EventFact { shipment, canonical: Canonical::Exception(kind), occurred_at: at(hour) }
    }

    #[test]
    fn an_exception_is_as_old_as_its_first_report_since_it_was_last_resolved() {
        let resolved =
            |shipment, kind, hour| EventFact { shipment, canonical: Canonical::Resolved(kind), occurred_at: at(hour) };
        let events = vec![
            m(Some(1), Milestone::InTransit, 1),
            x(Some(1), ExceptionKind::ConditionExcursion, 2),
            resolved(Some(1), ExceptionKind::ConditionExcursion, 3),
            x(Some(1), ExceptionKind::ConditionExcursion, 5),
            x(Some(1), ExceptionKind::ConditionExcursion, 6),
            x(None, ExceptionKind::Delayed, 0),
        ];
        let status = derive_order_status(&events, &[1], false);
        assert_eq!(exceptions_since(&events, &status.open_exceptions), Some(at(5)));
        assert_eq!(exceptions_since(&events[..1], &[]), None);
    }

    #[test]
    fn late_in_transit_scan_after_delivered_does_not_move_backwards() {
        let events = vec![
            m(None, Milestone::Placed, 0),
            m(Some(1), Milestone::InTransit, 10),
            m(Some(1), Milestone::Delivered, 20),
            // arrives last, happened last: a stray scan
            m(Some(1), Milestone::InTransit, 22),
        ];
        let status = derive_order_status(&events, &[1], false);
        assert_eq!(status.milestone, Some(Milestone::Delivered));
        assert!(status.is_delivered());
        assert_eq!(status.headline(), "Delivered");
    }

    #[test]
    fn return_steps_never_move_a_delivered_order_backwards() {
        use crate::domain::returns::ReturnStatus;
        let delivered = vec![m(None, Milestone::Placed, 0), m(Some(1), Milestone::Delivered, 20)];
        let before = derive_order_status(&delivered, &[1], false);
        for (i, step) in ReturnStatus::ALL.into_iter().enumerate() {
            let mut events = delivered.clone();
            // After delivery, on the order and on the shipment it came in.
            for shipment in [None, Some(1)] {
                events.push(EventFact { shipment, canonical: Canonical::Return(step), occurred_at: at(30 + i as u32) });
            }
            let after = derive_order_status(&events, &[1], false);
            assert_eq!(after, before, "{step}");
            assert_eq!(after.headline(), "Delivered");
            assert!(after.open_exceptions.is_empty());
        }
    }

    #[test]
    fn an_exception_stays_open_until_a_later_milestone_resolves_it() {
        let mut events = vec![m(Some(1), Milestone::OutForDelivery, 8), x(Some(1), ExceptionKind::FailedAttempt, 12)];
        let status = derive_order_status(&events, &[1], false);
        assert_eq!(
            status.open_exceptions,
            vec![OpenException { kind: ExceptionKind::FailedAttempt, shipment: Some(1) }]
        );

        // A scan that happened *before* the exception does not resolve it.
        events.push(m(Some(1), Milestone::InTransit, 6));
        assert_eq!(derive_order_status(&events, &[1], false).open_exceptions.len(), 1);

        events.push(m(Some(1), Milestone::OutForDelivery, 30));
        assert!(derive_order_status(&events, &[1], false).open_exceptions.is_empty());
    }

    #[test]
    fn a_predicted_late_order_stays_flagged_through_scans_until_its_all_clear() {
        let late = ExceptionKind::PredictedLate;
        let mut events = vec![m(None, Milestone::Placed, 0), m(Some(1), Milestone::Shipped, 1), x(None, late, 2)];
        let open = |events: &[EventFact]| derive_order_status(events, &[1], false).open_exceptions;
        // The next scan is progress, not an all-clear for a forecast.
        events.push(m(Some(1), Milestone::InTransit, 5));
        assert_eq!(open(&events), vec![OpenException { kind: late, shipment: None }]);
        events.push(EventFact { shipment: None, canonical: Canonical::Resolved(late), occurred_at: at(6) });
        assert!(open(&events).is_empty());
    }

    #[test]
    fn a_later_resolution_of_the_same_kind_closes_an_exception() {
        let excursion = ExceptionKind::ConditionExcursion;
        let resolved =
            |hour| EventFact { shipment: Some(1), canonical: Canonical::Resolved(excursion), occurred_at: at(hour) };
        let mut events = vec![m(Some(1), Milestone::InTransit, 1), x(Some(1), excursion, 3)];
        let open = |events: &[EventFact]| derive_order_status(events, &[1], false).open_exceptions;
        assert_eq!(open(&events), vec![OpenException { kind: excursion, shipment: Some(1) }]);
        // Another kind's resolution, or one from before, changes nothing.
        events.push(EventFact {
            shipment: Some(1),
            canonical: Canonical::Resolved(ExceptionKind::Delayed),
            occurred_at: at(4),
        });
        events.push(resolved(2));
        assert_eq!(open(&events).len(), 1);
        events.push(resolved(5));
        assert!(open(&events).is_empty());
        // A new excursion after that is open again.
        events.push(x(Some(1), excursion, 6));
        assert_eq!(open(&events).len(), 1);
    }

    #[test]
    fn terminal_exceptions_are_never_resolved() {
        let events = vec![
            m(Some(1), Milestone::InTransit, 1),
            x(Some(1), ExceptionKind::ReturnedToSender, 2),
            m(Some(1), Milestone::InTransit, 3),
        ];
        let status = derive_order_status(&events, &[1], false);
        assert_eq!(status.open_exceptions[0].kind, ExceptionKind::ReturnedToSender);
        assert_eq!(status.headline(), "Returned to sender");
    }

    #[test]
    fn order_level_delay_is_resolved_by_a_later_shipment_milestone() {
        let events =
            vec![m(None, Milestone::Placed, 0), x(None, ExceptionKind::Delayed, 2), m(Some(7), Milestone::Shipped, 5)];
        let status = derive_order_status(&events, &[7], false);
        assert!(status.open_exceptions.is_empty(), "{:?}", status.open_exceptions);
    }

    #[test]
    fn multi_shipment_orders_report_partial_states() {
        let events = vec![
            m(None, Milestone::Placed, 0),
            m(Some(1), Milestone::Delivered, 10),
            m(Some(2), Milestone::Delivered, 11),
            m(Some(3), Milestone::InTransit, 9),
        ];
        let status = derive_order_status(&events, &[1, 2, 3], false);
        assert_eq!(status.milestone, Some(Milestone::InTransit), "the slowest shipment decides");
        assert_eq!(status.headline(), "2 of 3 shipments delivered");
        assert!(!status.is_delivered());

        let status = derive_order_status(&events[..3], &[1, 2], true);
        assert!(!status.is_delivered(), "lines still outstanding");
        assert_eq!(status.headline(), "Partly delivered, more items to follow");
    }

    #[test]
    fn shipments_without_events_count_as_packed() {
        let events = vec![m(None, Milestone::Confirmed, 0), m(Some(1), Milestone::InTransit, 3)];
        let status = derive_order_status(&events, &[1, 2], false);
        assert_eq!(status.milestone, Some(Milestone::Packed));
        assert_eq!(status.headline(), "Packed (2 shipments)");
    }

    #[test]
    fn headline_skips_internal_milestones() {
        let events = vec![m(None, Milestone::Confirmed, 0), m(None, Milestone::Picked, 1)];
        assert_eq!(derive_order_status(&events, &[], false).headline(), "Order confirmed");
    }

    #[test]
    fn cancellation_wins_the_headline() {
        let events = vec![m(None, Milestone::Confirmed, 0), x(None, ExceptionKind::Cancelled, 1)];
        let status = derive_order_status(&events, &[], false);
        assert!(status.cancelled);
        assert_eq!(status.headline(), "Cancelled");
    }

    #[test]
    fn the_buyer_stage_leads_with_the_most_specific_truth() {
        let stage = |events: &[EventFact], shipments: &[i64], outstanding, passed| {
            derive_order_status(events, shipments, outstanding).buyer_stage(passed)
        };
        let on_van = [m(None, Milestone::Placed, 0), m(Some(1), Milestone::OutForDelivery, 8)];
        // On the van today beats a promise that has passed.
        assert_eq!(stage(&on_van, &[1], false, true), BuyerStage::OutForDelivery { shipment: 1, arriving_soon: false });
        // A failed attempt is not "Out for delivery" any more.
        let failed = [on_van[0].clone(), on_van[1].clone(), x(Some(1), ExceptionKind::FailedAttempt, 12)];
        let failed_stage = stage(&failed, &[1], false, true);
        assert_eq!(failed_stage, BuyerStage::Problem { kind: ExceptionKind::FailedAttempt, shipment: Some(1) });
        assert_eq!(derive_order_status(&failed, &[1], false).headline(), "Delivery attempt failed");
        // Late and moving: the promise passed, or the forecast says it will.
        let moving = [m(None, Milestone::Placed, 0), m(Some(1), Milestone::InTransit, 8)];
        assert_eq!(stage(&moving, &[1], false, false), BuyerStage::OnItsWay(Milestone::InTransit));
        assert_eq!(stage(&moving, &[1], false, true), BuyerStage::RunningLate);
        let predicted = [moving[0].clone(), moving[1].clone(), x(None, ExceptionKind::PredictedLate, 9)];
        assert_eq!(stage(&predicted, &[1], false, false), BuyerStage::RunningLate);
        // Cancelled and returned orders are finished, never "late".
        let cancelled = [m(None, Milestone::Confirmed, 0), x(None, ExceptionKind::Cancelled, 1)];
        assert_eq!(stage(&cancelled, &[], true, true), BuyerStage::Cancelled);
        let returned = [moving[1].clone(), x(Some(1), ExceptionKind::ReturnedToSender, 9)];
        assert!(stage(&returned, &[1], false, true).is_finished());
        // A condition alert is news about the goods, not the delivery.
        let excursion = [moving[1].clone(), x(Some(1), ExceptionKind::ConditionExcursion, 9)];
        assert_eq!(stage(&excursion, &[1], false, false), BuyerStage::OnItsWay(Milestone::InTransit));
        // One parcel of two delivered is partly delivered, not "Shipped".
        let split = [m(Some(1), Milestone::Delivered, 9), m(Some(2), Milestone::InTransit, 9)];
        let split_stage = stage(&split, &[1, 2], false, false);
        assert_eq!(split_stage, BuyerStage::PartlyDelivered { delivered: 1, shipments: 2, more_to_ship: false });
        assert!(!split_stage.is_finished());
        let status = derive_order_status(&split[..1], &[1], true);
        assert_eq!(
            status.buyer_stage(false),
            BuyerStage::PartlyDelivered { delivered: 1, shipments: 1, more_to_ship: true }
        );
    }

    #[test]
    fn lateness_uses_the_ship_to_calendar() {
        let promised = NaiveDate::from_ymd_opt(2026, 11, 20);
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert!(!is_late(promised, false, day(20)), "due today is not late");
        assert!(is_late(promised, false, day(21)));
        assert!(!is_late(promised, true, day(21)), "delivered orders are not late");
        assert!(!is_late(None, false, day(21)));
    }

    fn arb_canonical() -> impl Strategy<Value = Canonical> {
        prop_oneof![
            (0..Milestone::ALL.len()).prop_map(|i| Canonical::Milestone(Milestone::ALL[i])),
            (0..ExceptionKind::ALL.len()).prop_map(|i| Canonical::Exception(ExceptionKind::ALL[i])),
            (0..ExceptionKind::ALL.len()).prop_map(|i| Canonical::Resolved(ExceptionKind::ALL[i])),
            Just(Canonical::Note),
            Just(Canonical::Unmapped),
        ]
    }

    fn arb_event() -> impl Strategy<Value = EventFact> {
        (proptest::option::of(1i64..4), arb_canonical(), 0u32..48).prop_map(|(shipment, canonical, hour)| EventFact {
            shipment,
            canonical,
            occurred_at: at(hour),
        })
    }

    proptest! {
        #[test]
        fn status_ignores_arrival_order_and_duplicates(
            events in proptest::collection::vec(arb_event(), 0..40),
            seed in any::<u64>(),
            repeats in proptest::collection::vec(any::<prop::sample::Index>(), 0..10),
            outstanding in any::<bool>(),
        ) {
            let expected = derive_order_status(&events, &[1, 2], outstanding);

            let mut shuffled = events.clone();
            // deterministic Fisher-Yates from the seed
            let mut state = seed;
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (state >> 33) as usize % (i + 1));
            }
            if !events.is_empty() {
                for r in &repeats {
                    shuffled.push(events[r.index(events.len())].clone());
                }
            }
            let actual = derive_order_status(&shuffled, &[2, 1, 2], outstanding);
            prop_assert_eq!(&actual, &expected);
            prop_assert_eq!(actual.headline(), expected.headline());
        }

        #[test]
        fn the_newest_event_of_each_kind_gives_the_same_status(
            events in proptest::collection::vec(arb_event(), 0..60),
            outstanding in any::<bool>(),
        ) {
            let digest = latest_of_each_kind(&events);
            prop_assert!(digest.len() <= events.len());
            prop_assert_eq!(
                derive_order_status(&digest, &[1, 2], outstanding),
                derive_order_status(&events, &[1, 2], outstanding)
            );
        }

        #[test]
        fn return_steps_change_no_order_status(
            events in proptest::collection::vec(arb_event(), 0..30),
            steps in proptest::collection::vec((proptest::option::of(1i64..4), 0..crate::domain::returns::ReturnStatus::ALL.len(), 0u32..48), 0..10),
            outstanding in any::<bool>(),
        ) {
            let mut with_returns = events.clone();
            with_returns.extend(steps.into_iter().map(|(shipment, i, hour)| EventFact {
                shipment,
                canonical: Canonical::Return(crate::domain::returns::ReturnStatus::ALL[i]),
                occurred_at: at(hour),
            }));
            let shipments: Vec<i64> =
                with_returns.iter().filter_map(|e| e.shipment).chain([1, 2]).collect::<BTreeSet<_>>().into_iter().collect();
            prop_assert_eq!(
                derive_order_status(&with_returns, &shipments, outstanding),
                derive_order_status(&events, &shipments, outstanding)
            );
        }

        #[test]
        fn adding_a_milestone_never_moves_a_shipment_backwards(
            events in proptest::collection::vec(arb_event(), 0..30),
            extra in arb_event(),
        ) {
            let before = derive_order_status(&events, &[1, 2, 3], false);
            let mut more = events.clone();
            more.push(extra);
            let after = derive_order_status(&more, &[1, 2, 3], false);
            for (id, status) in &before.shipments {
                prop_assert!(after.shipments[id].milestone >= status.milestone);
            }
            prop_assert!(after.milestone >= before.milestone);
        }
    }
}
