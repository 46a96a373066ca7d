//! Customer service's returns queue: which returns wait for someone, what
//! for, and in which order to work them. Pure: the portal reads the
//! returns, this decides their places.

use super::returns::ReturnStatus;
use chrono::{DateTime, Utc};

/// What an open return waits for from the tenant's people, most urgent
/// first: a buyer waiting to hear whether they may send the parcel back
/// comes before a parcel already on the shelf that waits for its money.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReturnWork {
    /// Requested; someone has to approve or decline it.
    Decision,
    /// Received (or inspected), not refunded or credited yet.
    Settlement,
}

impl ReturnWork {
    pub const ALL: [ReturnWork; 2] = [ReturnWork::Decision, ReturnWork::Settlement];

    /// `None` for a return nobody at the tenant has to act on now: on its
    /// way back, or finished.
    pub fn of(status: ReturnStatus) -> Option<ReturnWork> {
        match status {
            ReturnStatus::Requested => Some(ReturnWork::Decision),
            ReturnStatus::Received | ReturnStatus::Inspected => Some(ReturnWork::Settlement),
            ReturnStatus::Approved
            | ReturnStatus::LabelIssued
            | ReturnStatus::InTransit
            | ReturnStatus::Declined
            | ReturnStatus::Refunded
            | ReturnStatus::Credited
            | ReturnStatus::Cancelled => None,
        }
    }

    /// The statuses that put a return in this group.
    pub fn statuses(self) -> &'static [ReturnStatus] {
        match self {
            ReturnWork::Decision => &[ReturnStatus::Requested],
            ReturnWork::Settlement => &[ReturnStatus::Received, ReturnStatus::Inspected],
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ReturnWork::Decision => "decision",
            ReturnWork::Settlement => "settlement",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReturnWork::Decision => "Waiting for a decision",
            ReturnWork::Settlement => "Received, not settled",
        }
    }
}

/// Which returns the queue lists: the open ones (the default), or every
/// return in one status.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReturnQueueFilter {
    Open,
    Status(ReturnStatus),
}

impl ReturnQueueFilter {
    /// From the page's `status` parameter: empty or `open` for the open
    /// returns, a status code for one status. Anything else is `None`.
    pub fn parse(code: &str) -> Option<ReturnQueueFilter> {
        match code.trim() {
            "" | "open" => Some(ReturnQueueFilter::Open),
            code => code.parse().ok().map(ReturnQueueFilter::Status),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ReturnQueueFilter::Open => "",
            ReturnQueueFilter::Status(status) => status.code(),
        }
    }

    /// The statuses to read for it.
    pub fn statuses(self) -> Vec<ReturnStatus> {
        match self {
            ReturnQueueFilter::Open => ReturnWork::ALL.iter().flat_map(|w| w.statuses()).copied().collect(),
            ReturnQueueFilter::Status(status) => vec![status],
        }
    }
}

/// Since when the return waits for what it waits for: its request for a
/// decision, its arrival for the money (the request when the arrival was
/// not recorded).
pub fn waiting_since(
    status: ReturnStatus,
    requested_at: DateTime<Utc>,
    received_at: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    match ReturnWork::of(status) {
        Some(ReturnWork::Settlement) => received_at.unwrap_or(requested_at),
        _ => requested_at,
    }
}

/// A return's place in the queue: decisions first, then settlements, then
/// returns nobody has to act on; within each, the longest waiting first.
pub fn queue_key(
    status: ReturnStatus,
    requested_at: DateTime<Utc>,
    received_at: Option<DateTime<Utc>>,
) -> (u8, DateTime<Utc>) {
    let group = match ReturnWork::of(status) {
        Some(ReturnWork::Decision) => 0,
        Some(ReturnWork::Settlement) => 1,
        None => 2,
    };
    (group, waiting_since(status, requested_at, received_at))
}

/// The status as staff read it in a list (the buyer's wording,
/// `ReturnStatus::headline`, speaks to the buyer).
pub fn status_label(status: ReturnStatus) -> &'static str {
    match status {
        ReturnStatus::Requested => "Requested",
        ReturnStatus::Approved => "Approved",
        ReturnStatus::Declined => "Declined",
        ReturnStatus::LabelIssued => "Label issued",
        ReturnStatus::InTransit => "On its way back",
        ReturnStatus::Received => "Received",
        ReturnStatus::Inspected => "Inspected",
        ReturnStatus::Refunded => "Refunded",
        ReturnStatus::Credited => "Store credit issued",
        ReturnStatus::Cancelled => "Cancelled",
    }
}

/// Returns a receiver should expect to leave or pass their dock: approved,
/// with a label, or on the carrier's truck.
pub fn expected_back(status: ReturnStatus) -> bool {
    matches!(status, ReturnStatus::Approved | ReturnStatus::LabelIssued | ReturnStatus::InTransit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(hours_ago: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap() - Duration::hours(hours_ago)
    }

    #[test]
    fn decisions_come_first_then_settlements_each_longest_waiting_first() {
        // (status, requested, received)
        let returns = [
            (ReturnStatus::Received, at(100), Some(at(2))),
            (ReturnStatus::Requested, at(5), None),
            (ReturnStatus::Inspected, at(90), Some(at(30))),
            (ReturnStatus::Requested, at(50), None),
            (ReturnStatus::InTransit, at(200), None),
        ];
        let mut order: Vec<usize> = (0..returns.len()).collect();
        order.sort_by_key(|&i| queue_key(returns[i].0, returns[i].1, returns[i].2));
        assert_eq!(order, [3, 1, 2, 0, 4]);
    }

    #[test]
    fn a_received_return_waits_since_its_arrival() {
        assert_eq!(waiting_since(ReturnStatus::Received, at(100), Some(at(2))), at(2));
        assert_eq!(waiting_since(ReturnStatus::Received, at(100), None), at(100));
        assert_eq!(waiting_since(ReturnStatus::Requested, at(100), Some(at(2))), at(100));
    }

    #[test]
    fn every_status_has_its_place() {
        for status in ReturnStatus::ALL {
            match ReturnWork::of(status) {
                Some(work) => assert!(work.statuses().contains(&status), "{status}"),
                None => assert!(ReturnWork::ALL.iter().all(|w| !w.statuses().contains(&status)), "{status}"),
            }
            assert!(!status_label(status).is_empty());
        }
        assert_eq!(
            ReturnQueueFilter::Open.statuses(),
            [ReturnStatus::Requested, ReturnStatus::Received, ReturnStatus::Inspected]
        );
    }

    #[test]
    fn the_filter_reads_what_the_page_sends() {
        assert_eq!(ReturnQueueFilter::parse(""), Some(ReturnQueueFilter::Open));
        assert_eq!(ReturnQueueFilter::parse("open"), Some(ReturnQueueFilter::Open));
        assert_eq!(ReturnQueueFilter::parse("declined"), Some(ReturnQueueFilter::Status(ReturnStatus::Declined)));
        assert_eq!(ReturnQueueFilter::parse("nonsense"), None);
        for status in ReturnStatus::ALL {
            let filter = ReturnQueueFilter::Status(status);
            assert_eq!(ReturnQueueFilter::parse(filter.code()), Some(filter));
        }
    }
}
