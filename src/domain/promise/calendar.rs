//! Delivery dates are counted in the destination's days: a parcel handed
//! over on Friday evening in São Paulo and delivered on Monday took one
//! working day, not three, and a promise for "Tuesday" means Tuesday where
//! the buyer lives. Durations are therefore kept in business days between
//! local dates, and turned back into dates with the same calendar.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The date an instant falls on in a zone. Generic over the zone so the
/// domain stays free of the zone database (the store parses the tenant's or
/// the address's IANA name with chrono-tz and passes the zone in).
pub fn local_date<Z: TimeZone>(at: DateTime<Utc>, zone: &Z) -> NaiveDate {
    at.with_timezone(zone).date_naive()
}

/// Which days carriers deliver on: a weekend and a set of holidays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessCalendar {
    /// Monday first, as `Weekday::num_days_from_monday`.
    weekend: [bool; 7],
    holidays: BTreeSet<NaiveDate>,
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        BusinessCalendar::weekdays()
    }
}

impl BusinessCalendar {
    /// Monday to Friday, no holidays.
    pub fn weekdays() -> Self {
        BusinessCalendar { weekend: [false, false, false, false, false, true, true], holidays: BTreeSet::new() }
    }

    /// Every day is a working day: durations become plain calendar days.
    pub fn every_day() -> Self {
        BusinessCalendar { weekend: [false; 7], holidays: BTreeSet::new() }
    }

    pub fn with_holidays(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.holidays.extend(days);
        self
    }

    pub fn is_business_day(&self, day: NaiveDate) -> bool {
        !self.weekend[day.weekday().num_days_from_monday() as usize] && !self.holidays.contains(&day)
    }

    /// Business days in `(from, to]`: zero for the same day, and zero for a
    /// Saturday delivery after a Friday hand-over (the weekend adds nothing).
    /// Negative (in calendar days) when `to` is before `from`, which only bad
    /// data produces; callers drop those.
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return (to - from).num_days();
        }
        if self.weekend.iter().all(|w| !w) && self.holidays.is_empty() {
            return (to - from).num_days();
        }
        let days = (to - from).num_days();
        // Whole weeks at once, then the rest day by day: transit times are
        // short but the backtest counts hundreds of thousands of them.
        let working_per_week = self.weekend.iter().filter(|w| !**w).count() as i64;
        let weeks = days / 7;
        let mut count = weeks * working_per_week;
        let mut day = from + Duration::days(weeks * 7);
        while day < to {
            day += Duration::days(1);
            if !self.weekend[day.weekday().num_days_from_monday() as usize] {
                count += 1;
            }
        }
        if to == from {
            return 0;
        }
        let holidays =
            self.holidays.range(from.succ_opt().unwrap_or(from)..=to).filter(|h| !self.weekend_day(**h)).count();
        count - holidays as i64
    }

    fn weekend_day(&self, day: NaiveDate) -> bool {
        self.weekend[day.weekday().num_days_from_monday() as usize]
    }

    /// The date `n` business days after `from`; `n == 0` is `from` itself,
    /// even on a weekend. The inverse of `business_days_between` on working
    /// days: `business_days_between(d, add_business_days(d, n)) == n`.
    pub fn add_business_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        if self.weekend.iter().all(|w| *w) {
            // A calendar with no working day would never get anywhere.
            return from + Duration::days(n as i64);
        }
        while left > 0 {
            day += Duration::days(1);
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        day
    }
}

/// The weekday a date falls on; the lane key uses the hand-over weekday.
pub fn weekday(day: NaiveDate) -> Weekday {
    day.weekday()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_weekend_adds_no_business_days() {
        let cal = BusinessCalendar::weekdays();
        // 2024-12-06 is a Friday.
        assert_eq!(cal.business_days_between(d("2024-12-06"), d("2024-12-07")), 0);
        assert_eq!(cal.business_days_between(d("2024-12-06"), d("2024-12-09")), 1);
        assert_eq!(cal.add_business_days(d("2024-12-06"), 1), d("2024-12-09"));
        assert_eq!(cal.add_business_days(d("2024-12-07"), 0), d("2024-12-07"));
        assert_eq!(cal.add_business_days(d("2024-12-07"), 1), d("2024-12-09"));
    }

    #[test]
    fn a_holiday_is_skipped() {
        // Christmas 2024 is a Wednesday.
        let cal = BusinessCalendar::weekdays().with_holidays([d("2024-12-25")]);
        assert_eq!(cal.business_days_between(d("2024-12-24"), d("2024-12-26")), 1);
        assert_eq!(cal.add_business_days(d("2024-12-24"), 1), d("2024-12-26"));
    }

    // The zone database is a server-side dependency (chrono-tz under `ssr`).
    #[cfg(feature = "ssr")]
    #[test]
    fn the_date_is_the_destinations_date() {
        let late_evening_utc = Utc.with_ymd_and_hms(2024, 12, 3, 2, 30, 0).unwrap();
        assert_eq!(local_date(late_evening_utc, &chrono_tz::America::Sao_Paulo), d("2024-12-02"));
        assert_eq!(local_date(late_evening_utc, &chrono_tz::Europe::Warsaw), d("2024-12-03"));
    }

    proptest! {
        #[test]
        fn counting_and_adding_agree(start in 0i64..3000, n in 0u32..400, holiday_offsets in proptest::collection::vec(0i64..3400, 0..30)) {
            let base = d("2016-01-01");
            let cal = BusinessCalendar::weekdays()
                .with_holidays(holiday_offsets.iter().map(|o| base + Duration::days(*o)));
            let from = base + Duration::days(start);
            let to = cal.add_business_days(from, n);
            prop_assert_eq!(cal.business_days_between(from, to), n as i64);
            prop_assert!(n == 0 || cal.is_business_day(to));
        }

        #[test]
        fn business_days_never_exceed_calendar_days(start in 0i64..3000, len in 0i64..200) {
            let cal = BusinessCalendar::weekdays();
            let from = d("2016-01-01") + Duration::days(start);
            let to = from + Duration::days(len);
            let naive = (1..=len).filter(|i| cal.is_business_day(from + Duration::days(*i))).count() as i64;
            prop_assert_eq!(cal.business_days_between(from, to), naive);
        }
    }
}
