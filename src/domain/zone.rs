//! Time zones: an IANA name read once into a zone that cannot be wrong.
//! Everything that shows or schedules a local time (the tracking page, the
//! portal, quiet hours, EDI dates) takes a `TimeZone`, never a name.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use std::fmt;
use std::str::FromStr;

/// A known IANA time zone, such as `America/Chicago`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct TimeZone(Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an IANA time zone such as America/Chicago")]
pub struct UnknownZone(pub String);

impl TimeZone {
    pub const UTC: TimeZone = TimeZone(Tz::UTC);

    /// The one place a zone name is read. Exact IANA spelling, as the
    /// database and the API store it.
    pub fn parse(name: &str) -> Result<Self, UnknownZone> {
        Tz::from_str(name).map(TimeZone).map_err(|_| UnknownZone(name.to_string()))
    }

    /// A zone from stored data, where an unknown name must not take a page
    /// or a notification down: UTC is at least unambiguous, and pages say
    /// which zone they use. The error is returned too, for the caller to log.
    pub fn parse_or_utc(name: &str) -> (Self, Option<UnknownZone>) {
        match TimeZone::parse(name) {
            Ok(zone) => (zone, None),
            Err(unknown) => (TimeZone::UTC, Some(unknown)),
        }
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The chrono zone, for date arithmetic.
    pub fn tz(self) -> Tz {
        self.0
    }

    /// The same instant on this zone's clock.
    pub fn local(self, at: DateTime<Utc>) -> DateTime<Tz> {
        at.with_timezone(&self.0)
    }

    /// The calendar date here at `now`.
    pub fn today(self, now: DateTime<Utc>) -> NaiveDate {
        self.local(now).date_naive()
    }
}

impl From<Tz> for TimeZone {
    fn from(tz: Tz) -> Self {
        TimeZone(tz)
    }
}

impl FromStr for TimeZone {
    type Err = UnknownZone;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimeZone::parse(s)
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names_are_read_and_others_refused() {
        let chicago = TimeZone::parse("America/Chicago").unwrap();
        assert_eq!(chicago.name(), "America/Chicago");
        assert_eq!(chicago.to_string(), "America/Chicago");
        assert_eq!("Europe/London".parse::<TimeZone>().unwrap().tz(), chrono_tz::Europe::London);
        for bad in ["Mars/Olympus", "", "america/chicago", " America/Chicago", "CST6CDT7"] {
            assert_eq!(TimeZone::parse(bad), Err(UnknownZone(bad.to_string())), "{bad:?}");
        }
    }

    #[test]
    fn stored_names_fall_back_to_utc_and_say_so() {
        assert_eq!(TimeZone::parse_or_utc("Asia/Tokyo"), (TimeZone::parse("Asia/Tokyo").unwrap(), None));
        let (zone, unknown) = TimeZone::parse_or_utc("Mars/Olympus");
        assert_eq!(zone, TimeZone::UTC);
        assert_eq!(unknown, Some(UnknownZone("Mars/Olympus".into())));
    }

    #[test]
    fn today_is_the_local_calendar_date() {
        // 03:30 UTC on the 27th is still the evening of the 26th in Chicago.
        let at: DateTime<Utc> = "2026-11-27T03:30:00Z".parse().unwrap();
        let chicago = TimeZone::parse("America/Chicago").unwrap();
        assert_eq!(chicago.today(at), NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        assert_eq!(TimeZone::UTC.today(at), NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
        assert_eq!(chicago.local(at).format("%H:%M %Z").to_string(), "21:30 CST");
    }
}
