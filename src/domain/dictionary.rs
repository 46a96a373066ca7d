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
            let [source, code, canonical, meaning] = fields[..] else {
                return Err(DictionaryError {
                    line,
                    reason: format!("expected 4 tab-separated fields, found {}", fields.len()),
                });
            };
            let canonical = canonical
                .parse()
                .map_err(|e: super::milestone::UnknownCode| DictionaryError { line, reason: e.to_string() })?;
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
            merged.entries.insert(key(&entry.source, &entry.code), entry);
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
        assert!(err.reason.contains("4 tab-separated"));
        let err = StatusDictionary::parse("oms\tX\tplaced\ta\noms\tx\tconfirmed\tb").unwrap_err();
        assert!(err.reason.contains("duplicate"));
    }
}
