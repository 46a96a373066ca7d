//! Customer service's exception queue as a work queue: why an order is in
//! it, since when, and how much time is left against the tenant's target
//! for that kind of problem. Pure: the store hands in what it read, the
//! portal shows what comes out.

use super::milestone::{ExceptionKind, OpenExceptions};
use super::zone::TimeZone;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone as _, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why an order needs someone. One per order: the most urgent one.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum QueueReason {
    Exception(ExceptionKind),
    /// Not delivered and the promised date has passed.
    Late,
    /// Not delivered and no event for longer than the stuck threshold.
    Stuck,
}

/// Exceptions in the order a person should look at them when an order has
/// several: the buyer is waiting on the first ones today. Terminal kinds
/// (cancelled, returned to sender) are not here: they end the order's
/// lifecycle and take it out of the queue.
const BY_URGENCY: [ExceptionKind; 9] = [
    ExceptionKind::FailedAttempt,
    ExceptionKind::AddressIssue,
    ExceptionKind::ConditionExcursion,
    ExceptionKind::Damaged,
    ExceptionKind::Held,
    ExceptionKind::Delayed,
    ExceptionKind::IncompleteOrder,
    ExceptionKind::ReceivingDiscrepancy,
    ExceptionKind::PredictedLate,
];

impl QueueReason {
    /// Every reason, most urgent first: the order of the counts and groups.
    pub fn all() -> Vec<QueueReason> {
        BY_URGENCY.into_iter().map(QueueReason::Exception).chain([QueueReason::Late, QueueReason::Stuck]).collect()
    }

    pub fn code(self) -> &'static str {
        match self {
            QueueReason::Exception(kind) => kind.code(),
            QueueReason::Late => "late",
            QueueReason::Stuck => "stuck",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QueueReason::Exception(kind) => kind.presentation().label,
            QueueReason::Late => "Past the promised date",
            QueueReason::Stuck => "No update",
        }
    }

    /// A target that fits the problem when the tenant has set none: a
    /// buyer waiting at a door is answered within the working morning, a
    /// quantity to reconcile within two working days.
    pub fn default_target(self) -> Target {
        let working = |hours| Target { hours, working_hours: true };
        match self {
            QueueReason::Exception(ExceptionKind::FailedAttempt | ExceptionKind::AddressIssue) => working(4),
            QueueReason::Exception(ExceptionKind::ConditionExcursion) => Target { hours: 2, working_hours: false },
            QueueReason::Exception(ExceptionKind::IncompleteOrder) => working(4),
            QueueReason::Exception(ExceptionKind::ReceivingDiscrepancy) => working(16),
            QueueReason::Exception(_) | QueueReason::Late | QueueReason::Stuck => working(8),
        }
    }
}

impl fmt::Display for QueueReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for QueueReason {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        QueueReason::all().into_iter().find(|r| r.code() == s).ok_or_else(|| format!("`{s}` is not a queue reason"))
    }
}

/// How long customer service has to act on a reason.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub hours: u32,
    /// Counted in working hours (Monday to Friday, 09:00 to 17:00 on the
    /// tenant's clock) rather than around the clock.
    pub working_hours: bool,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.working_hours { "working h" } else { "h" };
        write!(f, "{} {unit}", self.hours)
    }
}

const DAY_STARTS: u32 = 9;
const DAY_ENDS: u32 = 17;

fn working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The instant `hour:00` happens on `date` in `zone` (the later one when a
/// clock change makes it ambiguous, the hour after when it is skipped).
fn at_hour(zone: TimeZone, date: NaiveDate, hour: u32) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("valid hour"));
    let tz = zone.tz();
    tz.from_local_datetime(&local)
        .latest()
        .or_else(|| tz.from_local_datetime(&(local + Duration::hours(1))).latest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// When the target runs out for a problem that opened at `opened`.
pub fn deadline(opened: DateTime<Utc>, target: Target, zone: TimeZone) -> DateTime<Utc> {
    let budget = Duration::hours(i64::from(target.hours));
    if !target.working_hours {
        return opened + budget;
    }
    let mut left = budget;
    let mut at = opened;
    // At most a few weeks of working days: the loop is bounded by the target.
    loop {
        let date = zone.local(at).date_naive();
        let (start, end) = (at_hour(zone, date, DAY_STARTS), at_hour(zone, date, DAY_ENDS));
        if !working_day(date) || at >= end {
            at = at_hour(zone, date.succ_opt().unwrap_or(date), DAY_STARTS);
            continue;
        }
        let from = at.max(start);
        if end - from >= left {
            return from + left;
        }
        left -= end - from;
        at = end;
    }
}

/// What the store knows about an order that decides whether it is queued.
#[derive(Clone, Debug)]
pub struct QueueFacts {
    pub open_exceptions: OpenExceptions,
    /// When the oldest of the open exceptions opened.
    pub exception_since: Option<DateTime<Utc>>,
    pub promised_date: Option<NaiveDate>,
    pub delivered: bool,
    pub placed_at: DateTime<Utc>,
    pub last_event_at: Option<DateTime<Utc>>,
    /// The buyer's zone: the promised date ends at their midnight.
    pub ship_to_zone: TimeZone,
}

/// Why an order is in the queue, since when, and until when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Queued {
    pub reason: QueueReason,
    pub opened_at: DateTime<Utc>,
    pub due: DateTime<Utc>,
}

impl Queued {
    /// Time left before the target runs out; negative when overdue.
    pub fn time_left(&self, now: DateTime<Utc>) -> Duration {
        self.due - now
    }
}

/// Whether an order belongs in the queue and why. `None` for an order
/// with nothing wrong, a cancelled or returned one, or a delivered one
/// whose exceptions are all resolved.
pub fn classify(
    facts: &QueueFacts,
    today: NaiveDate,
    stuck_after: Duration,
    now: DateTime<Utc>,
    target_for: impl Fn(QueueReason) -> Target,
    tenant_zone: TimeZone,
) -> Option<Queued> {
    let terminal = facts.open_exceptions.0.iter().any(|k| k.presentation().terminal);
    if terminal {
        return None;
    }
    let last_heard = facts.last_event_at.unwrap_or(facts.placed_at);
    let (reason, opened_at) = if let Some(kind) = BY_URGENCY.into_iter().find(|k| facts.open_exceptions.contains(*k)) {
        (QueueReason::Exception(kind), facts.exception_since.unwrap_or(last_heard))
    } else if facts.delivered {
        return None;
    } else if let Some(promised) = facts.promised_date.filter(|d| *d < today) {
        let day_after = promised.succ_opt().unwrap_or(promised);
        (QueueReason::Late, at_hour(facts.ship_to_zone, day_after, 0))
    } else if now - last_heard > stuck_after {
        (QueueReason::Stuck, last_heard + stuck_after)
    } else {
        return None;
    };
    Some(Queued { reason, opened_at, due: deadline(opened_at, target_for(reason), tenant_zone) })
}

/// Messages customer service can send a buyer from the queue. The words
/// are in the buyer's language (`notify-cs_*` in locales/); these labels
/// are what the agent picks from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BuyerTemplate {
    Delay,
    CheckAddress,
    Sorted,
}

impl BuyerTemplate {
    pub const ALL: [BuyerTemplate; 3] = [BuyerTemplate::Delay, BuyerTemplate::CheckAddress, BuyerTemplate::Sorted];

    /// The notification trigger, which picks the message's words.
    pub fn trigger(self) -> &'static str {
        match self {
            BuyerTemplate::Delay => "cs_delay",
            BuyerTemplate::CheckAddress => "cs_address",
            BuyerTemplate::Sorted => "cs_sorted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BuyerTemplate::Delay => "Sorry for the delay, we are on it",
            BuyerTemplate::CheckAddress => "Please check your delivery address",
            BuyerTemplate::Sorted => "The problem is sorted",
        }
    }

    pub fn from_trigger(trigger: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.trigger() == trigger)
    }
}

/// A duration as a person reads it in a queue: "45 min", "3 h 20 min", "2 d 4 h".
pub fn short_duration(d: Duration) -> String {
    let minutes = d.num_minutes().abs();
    let (days, hours, mins) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} min"),
        (0, _) => format!("{hours} h {mins:02} min"),
        _ => format!("{days} d {hours} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chicago() -> TimeZone {
        TimeZone::parse("America/Chicago").unwrap()
    }

    /// An instant given on Chicago's clock.
    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        chicago().tz().with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().with_timezone(&Utc)
    }

    fn facts(open: &[ExceptionKind]) -> QueueFacts {
        QueueFacts {
            open_exceptions: OpenExceptions(open.to_vec()),
            exception_since: Some(local(2026, 12, 1, 10, 0)),
            promised_date: NaiveDate::from_ymd_opt(2026, 12, 5),
            delivered: false,
            placed_at: local(2026, 11, 28, 9, 0),
            last_event_at: Some(local(2026, 12, 1, 10, 0)),
            ship_to_zone: chicago(),
        }
    }

    fn queued(f: &QueueFacts, now: DateTime<Utc>) -> Option<Queued> {
        classify(f, chicago().today(now), Duration::hours(48), now, QueueReason::default_target, chicago())
    }

    #[test]
    fn working_hours_skip_evenings_and_weekends() {
        let four = Target { hours: 4, working_hours: true };
        // Tuesday 10:00 + 4 working hours = Tuesday 14:00.
        assert_eq!(deadline(local(2026, 12, 1, 10, 0), four, chicago()), local(2026, 12, 1, 14, 0));
        // Tuesday 15:00: two hours today, two tomorrow from 09:00.
        assert_eq!(deadline(local(2026, 12, 1, 15, 0), four, chicago()), local(2026, 12, 2, 11, 0));
        // Friday 16:00: one hour on Friday, three on Monday.
        assert_eq!(deadline(local(2026, 12, 4, 16, 0), four, chicago()), local(2026, 12, 7, 12, 0));
        // Saturday night: the clock starts on Monday morning.
        assert_eq!(deadline(local(2026, 12, 5, 23, 0), four, chicago()), local(2026, 12, 7, 13, 0));
        // Before the day starts: from 09:00.
        assert_eq!(deadline(local(2026, 12, 1, 6, 30), four, chicago()), local(2026, 12, 1, 13, 0));
        // Two working days.
        let sixteen = Target { hours: 16, working_hours: true };
        assert_eq!(deadline(local(2026, 12, 1, 9, 0), sixteen, chicago()), local(2026, 12, 2, 17, 0));
        // Around the clock.
        let clock = Target { hours: 2, working_hours: false };
        assert_eq!(deadline(local(2026, 12, 5, 23, 0), clock, chicago()), local(2026, 12, 6, 1, 0));
    }

    #[test]
    fn working_hours_follow_the_zone_across_a_clock_change() {
        // Chicago leaves summer time on Sunday 1 November 2026: Friday 16:00
        // CDT + 2 working hours is Monday 10:00 CST, 67 hours later, not 66.
        let two = Target { hours: 2, working_hours: true };
        let end = deadline(local(2026, 10, 30, 16, 0), two, chicago());
        assert_eq!(end, local(2026, 11, 2, 10, 0));
        assert_eq!(end - local(2026, 10, 30, 16, 0), Duration::hours(67));
    }

    #[test]
    fn the_most_urgent_exception_names_the_row() {
        let now = local(2026, 12, 1, 11, 0);
        let q = queued(&facts(&[ExceptionKind::Delayed, ExceptionKind::FailedAttempt]), now).unwrap();
        assert_eq!(q.reason, QueueReason::Exception(ExceptionKind::FailedAttempt));
        assert_eq!(q.opened_at, local(2026, 12, 1, 10, 0));
        assert_eq!(q.due, local(2026, 12, 1, 14, 0));
        assert_eq!(q.time_left(now), Duration::hours(3));
    }

    #[test]
    fn cancelled_returned_and_finished_orders_leave_the_queue() {
        let now = local(2026, 12, 1, 11, 0);
        assert_eq!(queued(&facts(&[ExceptionKind::Cancelled, ExceptionKind::Delayed]), now), None);
        assert_eq!(queued(&facts(&[ExceptionKind::ReturnedToSender]), now), None);
        let mut delivered = facts(&[]);
        delivered.delivered = true;
        delivered.promised_date = NaiveDate::from_ymd_opt(2026, 11, 20);
        assert_eq!(queued(&delivered, now), None);
        // Delivered with a count that did not match: still someone's job.
        delivered.open_exceptions = OpenExceptions(vec![ExceptionKind::ReceivingDiscrepancy]);
        assert_eq!(
            queued(&delivered, now).map(|q| q.reason),
            Some(QueueReason::Exception(ExceptionKind::ReceivingDiscrepancy))
        );
        // Nothing wrong, on time, heard from recently.
        assert_eq!(queued(&facts(&[]), now), None);
    }

    #[test]
    fn late_opens_at_the_buyers_midnight_and_stuck_after_the_threshold() {
        let mut f = facts(&[]);
        f.promised_date = NaiveDate::from_ymd_opt(2026, 11, 30);
        let q = queued(&f, local(2026, 12, 1, 11, 0)).unwrap();
        assert_eq!(q.reason, QueueReason::Late);
        assert_eq!(q.opened_at, local(2026, 12, 1, 0, 0));
        assert_eq!(q.due, local(2026, 12, 1, 17, 0));

        let f = facts(&[]);
        let now = local(2026, 12, 3, 12, 0);
        let q = queued(&f, now).unwrap();
        assert_eq!(q.reason, QueueReason::Stuck);
        assert_eq!(q.opened_at, local(2026, 12, 3, 10, 0));
        assert_eq!(queued(&f, local(2026, 12, 3, 9, 59)), None);
    }

    #[test]
    fn reasons_read_back_from_their_codes() {
        for reason in QueueReason::all() {
            assert_eq!(reason.code().parse::<QueueReason>(), Ok(reason));
        }
        assert!("cancelled".parse::<QueueReason>().is_err());
    }

    #[test]
    fn durations_read_like_a_person_says_them() {
        assert_eq!(short_duration(Duration::minutes(45)), "45 min");
        assert_eq!(short_duration(Duration::minutes(200)), "3 h 20 min");
        assert_eq!(short_duration(Duration::minutes(-(2 * 24 * 60 + 250))), "2 d 4 h");
    }
}
