//! X12 dates (`CCYYMMDD`, `YYMMDD`), times (`HHMM`, `HHMMSS`, `HHMMSSDD`) and
//! time codes (element 623). A time is local to wherever it was written; the
//! code says which zone, `LT` (or none) means the partner's local time, for
//! which the tenant's zone is the best guess we have.

use crate::ingest::carrier_event::SourceTime;
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

pub fn date(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    match value.len() {
        8 => NaiveDate::parse_from_str(value, "%Y%m%d").ok(),
        // Two-digit years are this century: X12 4010 predates any other use.
        6 => NaiveDate::parse_from_str(&format!("20{value}"), "%Y%m%d").ok(),
        _ => None,
    }
}

pub fn time(value: &str) -> Option<NaiveTime> {
    let value = value.trim();
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match value.len() {
        4 => NaiveTime::parse_from_str(value, "%H%M").ok(),
        6 | 8 => NaiveTime::parse_from_str(&value[..6], "%H%M%S").ok(),
        _ => None,
    }
}

/// Zones by time code: `S`tandard and `D`aylight codes are fixed offsets,
/// the `T`ime codes follow the zone's daylight-saving rules.
fn zone(code: &str) -> Option<Result<FixedOffset, Tz>> {
    let fixed = |minutes: i32| Some(Ok(FixedOffset::east_opt(minutes * 60).expect("offsets below are in range")));
    match code {
        "UT" | "GM" | "Z" => fixed(0),
        "ES" => fixed(-300),
        "ED" => fixed(-240),
        "CS" => fixed(-360),
        "CD" => fixed(-300),
        "MS" => fixed(-420),
        "MD" => fixed(-360),
        "PS" => fixed(-480),
        "PD" => fixed(-420),
        "AS" => fixed(-540),
        "AD" => fixed(-480),
        "HS" => fixed(-600),
        "HD" => fixed(-540),
        "NS" => fixed(-210),
        "ND" => fixed(-150),
        "TS" => fixed(-240),
        "TD" => fixed(-180),
        "ET" => Some(Err(chrono_tz::America::New_York)),
        "CT" => Some(Err(chrono_tz::America::Chicago)),
        "MT" => Some(Err(chrono_tz::America::Denver)),
        "PT" => Some(Err(chrono_tz::America::Los_Angeles)),
        "AT" => Some(Err(chrono_tz::America::Anchorage)),
        "HT" => Some(Err(chrono_tz::Pacific::Honolulu)),
        "NT" => Some(Err(chrono_tz::America::St_Johns)),
        "TT" => Some(Err(chrono_tz::America::Halifax)),
        _ => None,
    }
}

/// The instant a date, time and time code name. `Err` says which part is
/// wrong, for the caller to put in its segment error.
pub fn instant(date_value: &str, time_value: &str, time_code: &str, local: Tz) -> Result<SourceTime, &'static str> {
    let date = date(date_value).ok_or("a date as CCYYMMDD")?;
    let time = if time_value.trim().is_empty() {
        NaiveTime::MIN
    } else {
        time(time_value).ok_or("a time as HHMM or HHMMSS")?
    };
    let naive = NaiveDateTime::new(date, time);
    let zone = match time_code.trim() {
        "" | "LT" => Err(local),
        code => zone(code).ok_or("a time code such as UT, ET, CT, MT, PT, ES, CD or LT")?,
    };
    let at = match zone {
        Ok(offset) => offset.from_local_datetime(&naive).single(),
        // In a fall-back hour the earlier reading is taken; a spring-forward
        // hour does not exist and is refused rather than guessed.
        Err(tz) => tz.from_local_datetime(&naive).earliest().map(|t| t.fixed_offset()),
    };
    at.map(SourceTime::with_offset).ok_or("a local time that exists in its time zone")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc_and_offset(t: SourceTime) -> (String, Option<i32>) {
        (t.utc.format("%Y-%m-%d %H:%M").to_string(), t.offset_minutes)
    }

    #[test]
    fn time_codes_give_offsets_and_the_instant_in_utc() {
        let utc = chrono_tz::UTC;
        assert_eq!(
            utc_and_offset(instant("20261124", "1405", "CT", utc).unwrap()),
            ("2026-11-24 20:05".into(), Some(-360))
        );
        assert_eq!(
            utc_and_offset(instant("20260704", "1405", "CT", utc).unwrap()),
            ("2026-07-04 19:05".into(), Some(-300))
        );
        assert_eq!(
            utc_and_offset(instant("20261124", "1405", "CD", utc).unwrap()),
            ("2026-11-24 19:05".into(), Some(-300))
        );
        assert_eq!(
            utc_and_offset(instant("261124", "140530", "UT", utc).unwrap()),
            ("2026-11-24 14:05".into(), Some(0))
        );
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            utc_and_offset(instant("20261124", "0900", "LT", berlin).unwrap()),
            ("2026-11-24 08:00".into(), Some(60))
        );
        assert_eq!(utc_and_offset(instant("20261124", "0900", "", berlin).unwrap()).1, Some(60));
    }

    #[test]
    fn bad_parts_are_named() {
        let utc = chrono_tz::UTC;
        assert_eq!(instant("2026-11-24", "1405", "CT", utc).unwrap_err(), "a date as CCYYMMDD");
        assert_eq!(instant("20261124", "25:00", "CT", utc).unwrap_err(), "a time as HHMM or HHMMSS");
        assert!(instant("20261124", "1405", "XX", utc).unwrap_err().contains("time code"));
        // 02:30 on the spring-forward night does not exist in Chicago.
        assert!(instant("20260308", "0230", "CT", utc).unwrap_err().contains("exists"));
    }
}
