//! Which past deliveries are like this one. A lane is carrier + service
//! level + where it starts + where it ends; a lane seen a thousand times
//! answers for itself, a new one borrows from ever coarser versions of it
//! (postcode prefix → state/region → country → everything). The hand-over
//! weekday splits the finest rungs, where a Friday hand-over that waits
//! over the weekend differs from a Monday one.

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a parcel starts or ends, as far as lanes care.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Place {
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    /// State, province or region code ("SP", "OH"); may be empty.
    pub region: String,
    /// The postal code as printed; lanes use a prefix of its letters and digits.
    pub postcode: String,
    /// Shown to people ("São Paulo"); not part of any key.
    pub name: String,
}

impl Place {
    pub fn new(country: &str, region: &str, postcode: &str) -> Self {
        Place {
            country: country.trim().to_uppercase(),
            region: region.trim().to_uppercase(),
            postcode: postcode.trim().to_string(),
            name: String::new(),
        }
    }

    /// The first `len` letters and digits of the postcode, upper case.
    pub fn postcode_prefix(&self, len: usize) -> String {
        self.postcode.chars().filter(|c| c.is_ascii_alphanumeric()).take(len).collect::<String>().to_uppercase()
    }

    fn label(&self) -> String {
        match (&self.name, &self.region) {
            (n, _) if !n.is_empty() => n.clone(),
            (_, r) if !r.is_empty() => r.clone(),
            _ => self.country.clone(),
        }
    }
}

/// How coarse a rung of the fallback ladder is, finest first.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaneLevel {
    /// Origin region → destination postcode prefix.
    Postcode,
    /// Origin region → destination region.
    Region,
    /// Origin country → destination country.
    Country,
    /// Every delivery of this carrier and service.
    Carrier,
    /// Every delivery.
    Everything,
}

impl LaneLevel {
    pub const ALL: [LaneLevel; 5] =
        [LaneLevel::Postcode, LaneLevel::Region, LaneLevel::Country, LaneLevel::Carrier, LaneLevel::Everything];

    pub fn as_str(self) -> &'static str {
        match self {
            LaneLevel::Postcode => "postcode",
            LaneLevel::Region => "region",
            LaneLevel::Country => "country",
            LaneLevel::Carrier => "carrier",
            LaneLevel::Everything => "everything",
        }
    }
}

/// One completed delivery, in the destination's local dates: what lane
/// history and the backtest learn from.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub order_id: String,
    /// The ship-from site (a warehouse, a seller).
    pub site: String,
    pub lane: Lane,
    pub purchased: NaiveDate,
    pub handed_over: NaiveDate,
    pub delivered: NaiveDate,
    pub promised: NaiveDate,
}

/// A shipment's lane, from which the keys of every rung are made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Lane {
    pub carrier: String,
    pub service: String,
    pub origin: Place,
    pub destination: Place,
}

/// The key of one rung: what the store groups rollup rows by. Its text
/// form (`Display`) is the `lane_key` column.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LaneKey {
    pub level: LaneLevel,
    pub carrier: String,
    pub service: String,
    pub origin: String,
    pub destination: String,
    /// Only on the rungs split by weekday.
    pub weekday: Option<Weekday>,
}

impl fmt::Display for LaneKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Unit separators cannot occur in codes, so keys never collide.
        let weekday = self.weekday.map(|w| w.to_string()).unwrap_or_default();
        write!(
            f,
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.level.as_str(),
            self.carrier,
            self.service,
            self.origin,
            self.destination,
            weekday
        )
    }
}

/// How the ladder is cut; the defaults are what the Olist backtest chose
/// on months before its test months.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaneShape {
    /// Letters and digits of the destination postcode on the finest rung.
    pub postcode_prefix: usize,
    /// Split the postcode and region rungs by hand-over weekday.
    pub by_weekday: bool,
}

impl Default for LaneShape {
    fn default() -> Self {
        LaneShape { postcode_prefix: 3, by_weekday: false }
    }
}

/// One rung as the estimator sees it: its key and the words for the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rung {
    pub key: LaneKey,
    /// "from SP to RJ", "from SP to 220xx", "to Brazil", "" for everything.
    pub description: String,
}

impl Lane {
    /// The rungs for a hand-over on `weekday`, finest first. Every key a
    /// delivery is counted under is one of these, so recording a delivery
    /// and predicting one read the same keys.
    pub fn ladder(&self, weekday: Weekday, shape: LaneShape) -> Vec<Rung> {
        let key = |level, origin: &str, destination: &str, weekday| LaneKey {
            level,
            carrier: self.carrier.clone(),
            service: self.service.clone(),
            origin: origin.to_string(),
            destination: destination.to_string(),
            weekday,
        };
        let (o, d) = (&self.origin, &self.destination);
        let prefix = d.postcode_prefix(shape.postcode_prefix);
        let region_pair = format!("from {} to {}", o.label(), d.label());
        let mut rungs = Vec::new();
        let split = |rungs: &mut Vec<Rung>, level, origin: &str, destination: &str, description: String| {
            if shape.by_weekday {
                rungs.push(Rung {
                    key: key(level, origin, destination, Some(weekday)),
                    description: description.clone(),
                });
            }
            rungs.push(Rung { key: key(level, origin, destination, None), description });
        };
        if !prefix.is_empty() {
            let description = format!("from {} to postcodes {}…", o.label(), prefix);
            split(
                &mut rungs,
                LaneLevel::Postcode,
                &format!("{}/{}", o.country, o.region),
                &format!("{}/{}", d.country, prefix),
                description,
            );
        }
        split(
            &mut rungs,
            LaneLevel::Region,
            &format!("{}/{}", o.country, o.region),
            &format!("{}/{}", d.country, d.region),
            region_pair,
        );
        rungs.push(Rung {
            key: key(LaneLevel::Country, &o.country, &d.country, None),
            description: match o.country == d.country {
                true => format!("within {}", d.country),
                false => format!("from {} to {}", o.country, d.country),
            },
        });
        rungs.push(Rung { key: key(LaneLevel::Carrier, "", "", None), description: String::new() });
        rungs.push(Rung {
            key: LaneKey {
                level: LaneLevel::Everything,
                carrier: String::new(),
                service: String::new(),
                origin: String::new(),
                destination: String::new(),
                weekday: None,
            },
            description: String::new(),
        });
        rungs
    }
}

/// Handling time is a property of the ship-from site (a warehouse, a
/// seller), with every site as the fallback.
pub fn handling_ladder(site: &str) -> Vec<Rung> {
    let key = |origin: &str, level| LaneKey {
        level,
        carrier: String::new(),
        service: String::new(),
        origin: origin.to_string(),
        destination: String::new(),
        weekday: None,
    };
    vec![
        Rung { key: key(site, LaneLevel::Postcode), description: format!("from this seller ({site})") },
        Rung { key: key("", LaneLevel::Everything), description: String::new() },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lane() -> Lane {
        Lane {
            carrier: "correios".into(),
            service: "pac".into(),
            origin: Place::new("br", "sp", "01310-100"),
            destination: Place::new("BR", "RJ", "22041-001"),
        }
    }

    #[test]
    fn the_ladder_goes_from_postcode_to_everything() {
        let rungs = lane().ladder(Weekday::Fri, LaneShape { postcode_prefix: 3, by_weekday: true });
        let levels: Vec<_> = rungs.iter().map(|r| (r.key.level, r.key.weekday)).collect();
        assert_eq!(
            levels,
            vec![
                (LaneLevel::Postcode, Some(Weekday::Fri)),
                (LaneLevel::Postcode, None),
                (LaneLevel::Region, Some(Weekday::Fri)),
                (LaneLevel::Region, None),
                (LaneLevel::Country, None),
                (LaneLevel::Carrier, None),
                (LaneLevel::Everything, None),
            ]
        );
        assert_eq!(rungs[1].key.destination, "BR/220");
        assert_eq!(rungs[3].description, "from SP to RJ");
        // Every key is distinct, so no two rungs share rollup rows.
        let texts: std::collections::BTreeSet<_> = rungs.iter().map(|r| r.key.to_string()).collect();
        assert_eq!(texts.len(), rungs.len());
    }

    #[test]
    fn no_postcode_means_no_postcode_rung() {
        let mut lane = lane();
        lane.destination.postcode = " - ".into();
        let rungs = lane.ladder(Weekday::Mon, LaneShape::default());
        assert_eq!(rungs[0].key.level, LaneLevel::Region);
    }
}
