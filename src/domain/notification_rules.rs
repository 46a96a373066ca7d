//! When a notification is due, pure and unit-tested: which events notify by
//! default, which are urgent, when quiet hours end, how long to wait before
//! retrying, and what a buyer may type to get updates. The store queues by
//! these rules and the notify worker retries by them, so they live here,
//! below both.

use super::zone::TimeZone;
use super::{Canonical, ExceptionKind, Milestone, ReturnStatus};
use chrono::{DateTime, Duration, NaiveTime, TimeZone as _, Utc};

/// Buyers want about four updates per order and one at once when something
/// goes wrong.
pub fn notifies_by_default(canonical: Canonical) -> bool {
    match canonical {
        Canonical::Milestone(m) => {
            matches!(
                m,
                Milestone::Confirmed
                    | Milestone::Shipped
                    | Milestone::OutForDelivery
                    | Milestone::ArrivingSoon
                    | Milestone::Delivered
            )
        }
        // Condition alerts are for the tenant's own people unless a rule
        // says otherwise; buyers may not even see them.
        Canonical::Exception(kind) => kind != ExceptionKind::ConditionExcursion,
        // The steps where the buyer has something to do or to know.
        Canonical::Return(step) => matches!(
            step,
            ReturnStatus::Approved
                | ReturnStatus::Declined
                | ReturnStatus::LabelIssued
                | ReturnStatus::Received
                | ReturnStatus::Refunded
                | ReturnStatus::Credited
        ),
        Canonical::Resolved(_) | Canonical::Note | Canonical::Unmapped => false,
    }
}

/// Exceptions cannot wait for the morning, nor can a driver at the door;
/// other good news can.
pub fn is_urgent(canonical: Canonical) -> bool {
    match canonical {
        // A forecast can wait for the morning: nothing has gone wrong yet.
        Canonical::Exception(ExceptionKind::PredictedLate) => false,
        Canonical::Exception(_) | Canonical::Milestone(Milestone::ArrivingSoon) => true,
        _ => false,
    }
}

/// An event that happened long ago (a backfill, a late carrier feed) is
/// history, not news: nobody wants "out for delivery" two days later.
pub const FRESH_FOR: Duration = Duration::hours(24);

pub fn is_news(occurred_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - occurred_at <= FRESH_FOR
}

/// Non-urgent messages wait out quiet hours in the recipient's time zone.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            start: NaiveTime::from_hms_opt(21, 0, 0).expect("valid"),
            end: NaiveTime::from_hms_opt(8, 0, 0).expect("valid"),
        }
    }
}

impl QuietHours {
    /// From `HH:MM` texts; `None` if either is not a time.
    pub fn parse(start: &str, end: &str) -> Option<Self> {
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
        Some(QuietHours { start: time(start)?, end: time(end)? })
    }

    fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// The first moment at or after `now` the recipient may be messaged.
    pub fn send_at(&self, now: DateTime<Utc>, zone: TimeZone, urgent: bool) -> DateTime<Utc> {
        let local = zone.local(now);
        if urgent || !self.contains(local.time()) {
            return now;
        }
        let day = if local.time() >= self.end { local.date_naive().succ_opt() } else { Some(local.date_naive()) };
        day.map(|d| d.and_time(self.end))
            .and_then(|end| zone.tz().from_local_datetime(&end).earliest())
            .map_or(now, |end| end.to_utc())
    }
}

/// Exponential backoff with jitter: about `base` times 2^(attempt-1), capped
/// at an hour, scaled by `jitter` in 0.5..1 so retries from many messages do
/// not arrive at the provider together.
pub fn retry_delay(attempt: u32, base: Duration, jitter: f64) -> Duration {
    let exponential = base * 2_i32.saturating_pow(attempt.saturating_sub(1).min(16));
    let capped = exponential.min(Duration::hours(1));
    let scale = 0.5 + jitter.clamp(0.0, 1.0) / 2.0;
    Duration::milliseconds((capped.num_milliseconds() as f64 * scale) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn four_milestones_and_every_exception_notify() {
        let notifying: Vec<Milestone> =
            Milestone::ALL.into_iter().filter(|m| notifies_by_default(Canonical::Milestone(*m))).collect();
        assert_eq!(
            notifying,
            [
                Milestone::Confirmed,
                Milestone::Shipped,
                Milestone::OutForDelivery,
                Milestone::ArrivingSoon,
                Milestone::Delivered
            ]
        );
        assert!(ExceptionKind::ALL
            .into_iter()
            .filter(|x| *x != ExceptionKind::ConditionExcursion)
            .all(|x| notifies_by_default(Canonical::Exception(x))));
        assert!(!notifies_by_default(Canonical::Exception(ExceptionKind::ConditionExcursion)));
        assert!(!notifies_by_default(Canonical::Unmapped));
    }

    #[test]
    fn quiet_hours_hold_good_news_until_morning_but_not_bad_news() {
        let chicago = TimeZone::parse("America/Chicago").unwrap();
        let quiet = QuietHours::default();
        // 23:30 in Chicago (05:30 UTC next day): held until 08:00 Chicago.
        let late = utc("2026-11-26T05:30:00Z");
        assert_eq!(quiet.send_at(late, chicago, false), utc("2026-11-26T14:00:00Z"));
        assert_eq!(quiet.send_at(late, chicago, true), late, "exceptions go at once");
        // 21:15 Chicago: held until tomorrow 08:00.
        assert_eq!(quiet.send_at(utc("2026-11-26T03:15:00Z"), chicago, false), utc("2026-11-26T14:00:00Z"));
        // 12:00 Chicago: now.
        let noon = utc("2026-11-26T18:00:00Z");
        assert_eq!(quiet.send_at(noon, chicago, false), noon);
    }

    #[test]
    fn a_predicted_late_message_waits_out_quiet_hours() {
        assert!(notifies_by_default(Canonical::Exception(ExceptionKind::PredictedLate)));
        assert!(!is_urgent(Canonical::Exception(ExceptionKind::PredictedLate)));
        assert!(is_urgent(Canonical::Exception(ExceptionKind::Delayed)));
        assert!(!notifies_by_default(Canonical::Resolved(ExceptionKind::PredictedLate)));
    }

    #[test]
    fn tenants_set_their_own_quiet_hours() {
        let quiet = QuietHours::parse("13:00", "15:30").unwrap();
        let tokyo = TimeZone::parse("Asia/Tokyo").unwrap();
        // 14:00 in Tokyo is 05:00 UTC: held until 15:30 Tokyo, 06:30 UTC.
        assert_eq!(quiet.send_at(utc("2026-11-26T05:00:00Z"), tokyo, false), utc("2026-11-26T06:30:00Z"));
        let none = QuietHours::parse("00:00", "00:00").unwrap();
        assert_eq!(none.send_at(utc("2026-11-26T05:00:00Z"), tokyo, false), utc("2026-11-26T05:00:00Z"));
        assert_eq!(QuietHours::parse("25:00", "08:00"), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let base = Duration::seconds(30);
        assert_eq!(retry_delay(1, base, 1.0), Duration::seconds(30));
        assert_eq!(retry_delay(3, base, 1.0), Duration::seconds(120));
        assert_eq!(retry_delay(3, base, 0.0), Duration::seconds(60));
        assert_eq!(retry_delay(40, base, 1.0), Duration::hours(1));
    }

    #[test]
    fn old_events_are_history() {
        let now = utc("2026-11-26T18:00:00Z");
        assert!(is_news(utc("2026-11-26T09:00:00Z"), now));
        assert!(!is_news(utc("2026-11-24T09:00:00Z"), now));
    }
}

/// Reads what a buyer typed to get updates: an email address, or a phone
/// number written in international form (+ and 8 to 15 digits, spaces,
/// dashes, dots and brackets allowed). Returns the channel and the address.
pub fn contact_address(input: &str) -> Result<(&'static str, String), &'static str> {
    let input = input.trim();
    if input.contains('@') {
        let (local, domain) = input.rsplit_once('@').ok_or("an email address")?;
        let valid = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && input.len() <= 254
            && !input.chars().any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c));
        return if valid { Ok(("email", input.to_ascii_lowercase())) } else { Err("a valid email address") };
    }
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    let only_phone_marks = input.chars().all(|c| c.is_ascii_digit() || " +-.()".contains(c));
    if input.starts_with('+') && only_phone_marks && (8..=15).contains(&digits.len()) {
        Ok(("sms", format!("+{digits}")))
    } else {
        Err("an email address, or a phone number starting with + and the country code")
    }
}

#[cfg(test)]
mod contact_tests {
    use super::contact_address;

    #[test]
    fn emails_and_international_numbers_are_accepted() {
        assert_eq!(contact_address(" Robin@Example.com "), Ok(("email", "robin@example.com".into())));
        assert_eq!(contact_address("+1 (512) 555-0123"), Ok(("sms", "+15125550123".into())));
        for bad in
            ["robin@", "@example.com", "robin@example", "a b@example.com", "5125550123", "+12", "+1 512 CALL ME", ""]
        {
            assert!(contact_address(bad).is_err(), "{bad}");
        }
    }
}
