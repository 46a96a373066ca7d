//! The shared status dictionary: source codes -> canonical milestones, as data.
//!
//! The global table ships with Milepost (`status_codes.tsv`); a tenant can
//! override single (source, code) rows. Lookups never fail: an unknown code
//! maps to `Canonical::Unmapped` so the event is kept and flagged.

use super::milestone::Canonical;
use std::collections::HashMap;

const GLOBAL_TABLE: &str = include_str!("status_codes.tsv");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DictionaryEntry {
    pub source: String,
    pub code: String,
    pub canonical: Canonical,
    pub meaning: String,
}

#[derive(Clone, Debug, Default)]
pub struct StatusDictionary {
    entries: HashMap<(String, String), DictionaryEntry>,
    /// What a row means to a buyer when that is more than its milestone
    /// says (the table's optional fifth column).
    meanings: HashMap<(String, String), BuyerMeaning>,
}

/// A buyer's meaning finer than the milestone or problem a code maps to:
/// status derivation treats "available for pickup" as arrived at the hub,
/// but the buyer must read where to collect it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum BuyerMeaning {
    AvailableForPickup,
    DeliveredToNeighbour,
    DeliveredToSafePlace,
    DeliveredToLocker,
    Lost,
    HeldAtCustoms,
}

impl BuyerMeaning {
    pub const ALL: [BuyerMeaning; 6] = [
        BuyerMeaning::AvailableForPickup,
        BuyerMeaning::DeliveredToNeighbour,
        BuyerMeaning::DeliveredToSafePlace,
        BuyerMeaning::DeliveredToLocker,
        BuyerMeaning::Lost,
        BuyerMeaning::HeldAtCustoms,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BuyerMeaning::AvailableForPickup => "available_for_pickup",
            BuyerMeaning::DeliveredToNeighbour => "delivered_to_neighbour",
            BuyerMeaning::DeliveredToSafePlace => "delivered_to_safe_place",
            BuyerMeaning::DeliveredToLocker => "delivered_to_locker",
            BuyerMeaning::Lost => "lost",
            BuyerMeaning::HeldAtCustoms => "held_at_customs",
        }
    }

    fn parse(code: &str) -> Option<BuyerMeaning> {
        BuyerMeaning::ALL.into_iter().find(|m| m.code() == code)
    }

    /// The milestone or problem this meaning refines; a row (or a tenant's
    /// override) mapping elsewhere loses the finer meaning.
    pub fn refines(self) -> Canonical {
        use super::milestone::{ExceptionKind, Milestone};
        match self {
            BuyerMeaning::AvailableForPickup => Canonical::Milestone(Milestone::ArrivedAtHub),
            BuyerMeaning::DeliveredToNeighbour
            | BuyerMeaning::DeliveredToSafePlace
            | BuyerMeaning::DeliveredToLocker => Canonical::Milestone(Milestone::Delivered),
            BuyerMeaning::Lost => Canonical::Exception(ExceptionKind::Damaged),
            BuyerMeaning::HeldAtCustoms => Canonical::Exception(ExceptionKind::Held),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("status dictionary line {line}: {reason}")]
pub struct DictionaryError {
    pub line: usize,
    pub reason: String,
}

/// Every source other than the OMS and the WMS is a carrier (`carrier`,
/// `ups`, `easypost`, ...). Carrier sources share the generic carrier codes.
pub fn is_carrier_source(source: &str) -> bool {
    !matches!(source.trim().to_ascii_lowercase().as_str(), "oms" | "wms")
}

fn key(source: &str, code: &str) -> (String, String) {
    (source.trim().to_ascii_lowercase(), code.trim().to_ascii_uppercase())
}

impl StatusDictionary {
    /// The dictionary every tenant starts from.
    pub fn global() -> Self {
        Self::parse(GLOBAL_TABLE).expect("the bundled status dictionary is valid (checked by a unit test)")
    }

    /// Parses the tab-separated table: `source, code, canonical, meaning`.
    pub fn parse(table: &str) -> Result<Self, DictionaryError> {
        let mut dictionary = Self::default();
        for (index, raw) in table.lines().enumerate() {
            let line = index + 1;
            if raw.trim().is_empty() || raw.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = raw.split('\t').collect();
            let (source, code, canonical, meaning, buyer) = match fields[..] {
                [source, code, canonical, meaning] => (source, code, canonical, meaning, None),
                [source, code, canonical, meaning, buyer] => (source, code, canonical, meaning, Some(buyer)),
                _ => {
                    return Err(DictionaryError {
                        line,
                        reason: format!("expected 4 or 5 tab-separated fields, found {}", fields.len()),
                    })
                }
            };
            let canonical: Canonical = canonical
                .parse()
                .map_err(|e: super::milestone::UnknownCode| DictionaryError { line, reason: e.to_string() })?;
            if let Some(buyer) = buyer {
                let meaning = BuyerMeaning::parse(buyer)
                    .ok_or_else(|| DictionaryError { line, reason: format!("unknown buyer meaning `{buyer}`") })?;
                if meaning.refines() != canonical {
                    return Err(DictionaryError {
                        line,
                        reason: format!("`{buyer}` does not refine {}", canonical.code()),
                    });
                }
                dictionary.meanings.insert(key(source, code), meaning);
            }
            let entry =
                DictionaryEntry { source: source.into(), code: code.into(), canonical, meaning: meaning.into() };
            if dictionary.entries.insert(key(source, code), entry).is_some() {
                return Err(DictionaryError { line, reason: format!("duplicate mapping for {source}/{code}") });
            }
        }
        Ok(dictionary)
    }

    /// Returns a copy with a tenant's overrides applied on top.
    pub fn with_overrides(&self, overrides: impl IntoIterator<Item = DictionaryEntry>) -> Self {
        let mut merged = self.clone();
        for entry in overrides {
            let key = key(&entry.source, &entry.code);
            if merged.meanings.get(&key).is_some_and(|m| m.refines() != entry.canonical) {
                merged.meanings.remove(&key);
            }
            merged.entries.insert(key, entry);
        }
        merged
    }

    /// A carrier's own table (`ups`, `fedex`, ...) is consulted first; codes
    /// it does not list fall back to the generic `carrier` table.
    pub fn map(&self, source: &str, code: &str) -> Canonical {
        let (source, code) = key(source, code);
        let generic = || match source.as_str() {
            "carrier" => None,
            other if is_carrier_source(other) => self.entries.get(&("carrier".to_string(), code.clone())),
            _ => None,
        };
        self.entries.get(&(source.clone(), code.clone())).or_else(generic).map_or(Canonical::Unmapped, |e| e.canonical)
    }

    /// The bundled dictionary, parsed once (pages read buyer meanings per event).
    pub fn bundled() -> &'static StatusDictionary {
        static BUNDLED: std::sync::OnceLock<StatusDictionary> = std::sync::OnceLock::new();
        BUNDLED.get_or_init(StatusDictionary::global)
    }

    /// What an event's code means to a buyer beyond its milestone, found
    /// the way [`map`](Self::map) finds the row, and only while the event
    /// still maps to what that meaning refines.
    pub fn buyer_meaning(&self, source: &str, code: &str, canonical: Canonical) -> Option<BuyerMeaning> {
        let (source, code) = key(source, code);
        let generic = || match source.as_str() {
            "carrier" => None,
            other if is_carrier_source(other) => self.meanings.get(&("carrier".to_string(), code.clone())),
            _ => None,
        };
        let direct = self.entries.contains_key(&(source.clone(), code.clone()));
        let meaning = if direct { self.meanings.get(&(source.clone(), code.clone())) } else { generic() };
        meaning.copied().filter(|m| m.refines() == canonical)
    }

    /// The buyer meaning of one row, for the dictionary document.
    pub fn row_meaning(&self, entry: &DictionaryEntry) -> Option<BuyerMeaning> {
        self.meanings.get(&key(&entry.source, &entry.code)).copied().filter(|m| m.refines() == entry.canonical)
    }

    /// Whether this exact source has a row for the code (no fallback).
    pub fn knows(&self, source: &str, code: &str) -> bool {
        self.entries.contains_key(&key(source, code))
    }

    /// Every entry, sorted by source then code (for the dictionary document).
    pub fn entries(&self) -> Vec<&DictionaryEntry> {
        let mut all: Vec<_> = self.entries.values().collect();
        all.sort_by(|a, b| (&a.source, &a.code).cmp(&(&b.source, &b.code)));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::milestone::{ExceptionKind, Milestone};

    #[test]
    fn bundled_table_parses_and_covers_every_milestone_and_exception() {
        let dictionary = StatusDictionary::global();
        for m in Milestone::ALL {
            assert!(
                dictionary.entries().iter().any(|e| e.canonical == Canonical::Milestone(m)),
                "no source code maps to {m:?}"
            );
        }
        for x in ExceptionKind::ALL {
            assert!(
                dictionary.entries().iter().any(|e| e.canonical == Canonical::Exception(x)),
                "no source code maps to {x:?}"
            );
        }
    }

    #[test]
    fn the_buyers_meaning_survives_the_milestone_it_refines() {
        let d = StatusDictionary::global();
        let hub = Canonical::Milestone(Milestone::ArrivedAtHub);
        assert_eq!(d.buyer_meaning("aftership", "AVAILABLEFORPICKUP", hub), Some(BuyerMeaning::AvailableForPickup));
        assert_eq!(d.buyer_meaning("shippo", "*/PICKUP_AVAILABLE", hub), Some(BuyerMeaning::AvailableForPickup));
        let lost = Canonical::Exception(ExceptionKind::Damaged);
        assert_eq!(d.buyer_meaning("easypost", "*/LOST", lost), Some(BuyerMeaning::Lost));
        assert_eq!(d.buyer_meaning("carrier", "DAMAGED", lost), None, "damaged stays damaged");
        let delivered = Canonical::Milestone(Milestone::Delivered);
        assert_eq!(
            d.buyer_meaning("ups", "DELIVERED_TO_NEIGHBOUR", delivered),
            Some(BuyerMeaning::DeliveredToNeighbour),
            "through the generic carrier rows"
        );
        assert_eq!(
            d.buyer_meaning("carrier", "CUSTOMS_HOLD", Canonical::Exception(ExceptionKind::Held)),
            Some(BuyerMeaning::HeldAtCustoms)
        );
        // A tenant that maps the code elsewhere loses the finer meaning.
        let tenant = d.with_overrides([DictionaryEntry {
            source: "carrier".into(),
            code: "CUSTOMS_HOLD".into(),
            canonical: Canonical::Exception(ExceptionKind::Delayed),
            meaning: "x".into(),
        }]);
        assert_eq!(tenant.buyer_meaning("carrier", "CUSTOMS_HOLD", Canonical::Exception(ExceptionKind::Delayed)), None);
        assert!(StatusDictionary::parse("carrier\tX\tdelivered\tx\tlost").is_err(), "lost does not refine delivered");
        assert!(StatusDictionary::parse("carrier\tX\tdelivered\tx\tteleported").is_err());
        for meaning in BuyerMeaning::ALL {
            assert!(d.meanings.values().any(|m| *m == meaning), "no row means {meaning:?}");
        }
    }

    #[test]
    fn lookups_ignore_case_and_whitespace() {
        let d = StatusDictionary::global();
        assert_eq!(d.map("carrier", "delivered"), Canonical::Milestone(Milestone::Delivered));
        assert_eq!(d.map("CARRIER", " Out_For_Delivery "), Canonical::Milestone(Milestone::OutForDelivery));
        assert_eq!(d.map("wms", "PICKED"), Canonical::Milestone(Milestone::Picked));
    }

    #[test]
    fn carrier_sources_fall_back_to_the_generic_carrier_table() {
        let d = StatusDictionary::global();
        assert_eq!(d.map("ups", "DELIVERED"), Canonical::Milestone(Milestone::Delivered));
        assert_eq!(d.map("oms", "DELIVERED"), Canonical::Unmapped, "the OMS does not speak carrier");
        let ups = d.with_overrides([DictionaryEntry {
            source: "ups".into(),
            code: "DELIVERED".into(),
            canonical: Canonical::Exception(ExceptionKind::Held),
            meaning: String::new(),
        }]);
        assert_eq!(ups.map("ups", "delivered"), Canonical::Exception(ExceptionKind::Held));
    }

    #[test]
    fn unknown_codes_are_unmapped_not_errors() {
        let d = StatusDictionary::global();
        assert_eq!(d.map("carrier", "TELEPORTED"), Canonical::Unmapped);
        assert_eq!(d.map("wms", "DELIVERED"), Canonical::Unmapped);
    }

    #[test]
    fn tenant_overrides_win_and_leave_the_global_table_alone() {
        let global = StatusDictionary::global();
        let tenant = global.with_overrides([DictionaryEntry {
            source: "carrier".into(),
            code: "DELIVERED_TO_NEIGHBOUR".into(),
            canonical: Canonical::Exception(ExceptionKind::Held),
            meaning: "we treat neighbour drops as held".into(),
        }]);
        assert_eq!(tenant.map("carrier", "DELIVERED_TO_NEIGHBOUR"), Canonical::Exception(ExceptionKind::Held));
        assert_eq!(global.map("carrier", "DELIVERED_TO_NEIGHBOUR"), Canonical::Milestone(Milestone::Delivered));
    }

    #[test]
    fn malformed_tables_name_the_line() {
        let err = StatusDictionary::parse("# header\noms\tX\tnot_a_code\tmeaning").unwrap_err();
        assert_eq!(err.line, 2);
        let err = StatusDictionary::parse("oms\tX").unwrap_err();
        assert!(err.reason.contains("4 or 5 tab-separated"), "{}", err.reason);
        let err = StatusDictionary::parse("oms\tX\tplaced\ta\noms\tx\tconfirmed\tb").unwrap_err();
        assert!(err.reason.contains("duplicate"));
    }
}
