//! A trading partner's profile: what Milepost expects from one EDI sender
//! (its ISA06 id) and how it answers it. Senders without a profile get
//! `PartnerProfile::default_for`: any set Milepost reads, a 997, a TA1 only
//! when ISA14 asks, strict counts, the tenant's zone.

use super::zone::TimeZone;
use serde::{Deserialize, Serialize};

/// A transaction set a partner may be expected to send: the ones Milepost reads.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
pub enum TransactionSet {
    #[serde(rename = "214")]
    ShipmentStatus,
    #[serde(rename = "850")]
    PurchaseOrder,
    #[serde(rename = "855")]
    PoAcknowledgment,
    #[serde(rename = "856")]
    ShipNotice,
}

impl TransactionSet {
    pub const ALL: [TransactionSet; 4] = [
        TransactionSet::ShipmentStatus,
        TransactionSet::PurchaseOrder,
        TransactionSet::PoAcknowledgment,
        TransactionSet::ShipNotice,
    ];

    /// ST01.
    pub fn id(self) -> &'static str {
        match self {
            TransactionSet::ShipmentStatus => "214",
            TransactionSet::PurchaseOrder => "850",
            TransactionSet::PoAcknowledgment => "855",
            TransactionSet::ShipNotice => "856",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// What the set is, for people.
    pub fn label(self) -> &'static str {
        match self {
            TransactionSet::ShipmentStatus => "214 shipment status",
            TransactionSet::PurchaseOrder => "850 purchase order",
            TransactionSet::PoAcknowledgment => "855 PO acknowledgment",
            TransactionSet::ShipNotice => "856 ship notice",
        }
    }
}

/// Which acknowledgment a partner expects for each functional group.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum AckKind {
    /// 997 functional acknowledgment (AK3/AK4/AK5).
    #[default]
    #[serde(rename = "997")]
    Functional,
    /// 999 implementation acknowledgment (IK3/IK4/IK5), 005010X231A1.
    #[serde(rename = "999")]
    Implementation,
    #[serde(rename = "none")]
    None,
}

impl AckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AckKind::Functional => "997",
            AckKind::Implementation => "999",
            AckKind::None => "none",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [AckKind::Functional, AckKind::Implementation, AckKind::None].into_iter().find(|k| k.as_str() == value)
    }
}

/// When an interchange acknowledgment (TA1) is sent.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ta1Policy {
    /// When the interchange asks for one (ISA14 = 1).
    #[default]
    OnRequest,
    Always,
    Never,
}

impl Ta1Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Ta1Policy::OnRequest => "on_request",
            Ta1Policy::Always => "always",
            Ta1Policy::Never => "never",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Ta1Policy::OnRequest, Ta1Policy::Always, Ta1Policy::Never].into_iter().find(|k| k.as_str() == value)
    }

    /// Whether this interchange gets a TA1.
    pub fn wanted(self, requested: bool) -> bool {
        match self {
            Ta1Policy::OnRequest => requested,
            Ta1Policy::Always => true,
            Ta1Policy::Never => false,
        }
    }
}

/// The ship-to a partner's purchase orders mean when they name none (its
/// one distribution centre, say). The zone is derived from the address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartnerShipTo {
    pub name: String,
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    pub city: String,
    #[serde(default)]
    pub region: Option<String>,
    pub postcode: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartnerProfile {
    /// ISA06 as sent, without its padding.
    pub sender_id: String,
    pub name: Option<String>,
    /// The sets this partner sends, in order; empty for any set Milepost
    /// reads. Others are rejected as not supported.
    pub expected_sets: Vec<TransactionSet>,
    pub acknowledgment: AckKind,
    pub ta1: Ta1Policy,
    /// Accept an interchange or group whose IEA01/GE01 miscounts what it
    /// holds, with a warning in the acknowledgment, instead of refusing it.
    pub tolerant_counts: bool,
    /// The zone of the partner's dates and times that carry none.
    pub time_zone: Option<TimeZone>,
    pub default_ship_to: Option<PartnerShipTo>,
    /// Where each acknowledgment is also POSTed (`application/edi-x12`,
    /// signed per Standard Webhooks with the profile's own secret).
    pub ack_url: Option<String>,
}

impl PartnerProfile {
    pub fn default_for(sender_id: &str) -> Self {
        PartnerProfile {
            sender_id: sender_id.to_string(),
            name: None,
            expected_sets: Vec::new(),
            acknowledgment: AckKind::Functional,
            ta1: Ta1Policy::OnRequest,
            tolerant_counts: false,
            time_zone: None,
            default_ship_to: None,
            ack_url: None,
        }
    }

    /// Whether this partner is expected to send transaction set `set`.
    pub fn expects(&self, set: &str) -> bool {
        self.expected_sets.is_empty() || self.expected_sets.iter().any(|s| s.id() == set)
    }
}

/// A profile as an administrator typed it (API or portal), not yet checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartnerDraft {
    pub sender_id: String,
    pub name: Option<String>,
    pub expected_sets: Vec<TransactionSet>,
    pub acknowledgment: AckKind,
    pub ta1: Ta1Policy,
    pub tolerant_counts: bool,
    pub time_zone: Option<String>,
    pub default_ship_to: Option<PartnerShipTo>,
    pub ack_url: Option<String>,
}

/// A field of a draft that cannot be used, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftProblem {
    /// As the API names it (`default_ship_to.city`).
    pub field: String,
    pub message: &'static str,
}

impl PartnerDraft {
    /// The profile, trimmed and normalised (sets sorted once each, the
    /// country upper-cased, a blank name dropped), or every field at fault.
    pub fn check(self) -> Result<PartnerProfile, Vec<DraftProblem>> {
        let mut problems = Vec::new();
        let mut check = |ok: bool, field: &str, message: &'static str| {
            if !ok {
                problems.push(DraftProblem { field: field.into(), message });
            }
        };
        let sender = self.sender_id.trim();
        check(
            !sender.is_empty()
                && sender.chars().count() <= 15
                && sender.chars().all(|c| c.is_ascii_graphic() || c == ' '),
            "sender_id",
            "must be the partner's ISA06: 1 to 15 printable ASCII characters",
        );
        check(self.name.as_deref().is_none_or(|n| n.chars().count() <= 200), "name", "must be at most 200 characters");
        let zone = match self.time_zone.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
            None => None,
            Some(name) => {
                let zone = TimeZone::parse(name).ok();
                check(zone.is_some(), "time_zone", "must be an IANA time zone such as America/Chicago");
                zone
            }
        };
        if let Some(s) = &self.default_ship_to {
            let usable = |v: &str| !v.trim().is_empty() && v.chars().count() <= 200;
            for (field, value) in [("name", &s.name), ("line1", &s.line1), ("city", &s.city), ("postcode", &s.postcode)]
            {
                check(usable(value), &format!("default_ship_to.{field}"), "must be 1 to 200 characters");
            }
            check(
                s.country.trim().len() == 2 && s.country.trim().chars().all(|c| c.is_ascii_alphabetic()),
                "default_ship_to.country",
                "must be an ISO 3166-1 alpha-2 country code such as US",
            );
        }
        check(self.expected_sets.len() <= TransactionSet::ALL.len(), "expected_sets", "must list at most 4 sets");
        let ack_url = self.ack_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_string);
        if let Some(url) = &ack_url {
            let parsed = url::Url::parse(url).ok();
            check(
                url.len() <= 2000 && parsed.is_some_and(|u| matches!(u.scheme(), "https" | "http")),
                "ack_url",
                "must be an https URL such as https://edi.partner.example/acks",
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut expected_sets = self.expected_sets;
        expected_sets.sort();
        expected_sets.dedup();
        let trimmed = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let default_ship_to = self.default_ship_to.map(|s| PartnerShipTo {
            name: s.name.trim().to_string(),
            line1: s.line1.trim().to_string(),
            line2: trimmed(s.line2),
            city: s.city.trim().to_string(),
            region: trimmed(s.region),
            postcode: s.postcode.trim().to_string(),
            country: s.country.trim().to_uppercase(),
        });
        Ok(PartnerProfile {
            sender_id: sender.to_string(),
            name: trimmed(self.name),
            expected_sets,
            acknowledgment: self.acknowledgment,
            ta1: self.ta1,
            tolerant_counts: self.tolerant_counts,
            time_zone: zone,
            default_ship_to,
            ack_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_defaults_accept_everything() {
        for kind in [AckKind::Functional, AckKind::Implementation, AckKind::None] {
            assert_eq!(AckKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        for policy in [Ta1Policy::OnRequest, Ta1Policy::Always, Ta1Policy::Never] {
            assert_eq!(Ta1Policy::parse(policy.as_str()), Some(policy));
        }
        assert_eq!(AckKind::parse("998"), None);
        assert!(Ta1Policy::OnRequest.wanted(true) && !Ta1Policy::OnRequest.wanted(false));
        assert!(Ta1Policy::Always.wanted(false) && !Ta1Policy::Never.wanted(true));
        let profile = PartnerProfile::default_for("CARRIERX");
        assert!(profile.expects("214") && profile.expects("850"));
        let only_214 = PartnerProfile { expected_sets: vec![TransactionSet::ShipmentStatus], ..profile };
        assert!(only_214.expects("214") && !only_214.expects("850"));
        for set in TransactionSet::ALL {
            assert_eq!(TransactionSet::parse(set.id()), Some(set));
            assert_eq!(serde_json::to_value(set).unwrap(), set.id());
        }
    }

    fn dock() -> PartnerShipTo {
        PartnerShipTo {
            name: " Dock 4 ".into(),
            line1: "1 Loop Rd".into(),
            line2: Some("  ".into()),
            city: "Austin".into(),
            region: Some("TX".into()),
            postcode: "78701".into(),
            country: "us".into(),
        }
    }

    #[test]
    fn a_draft_is_normalised_into_a_profile() {
        let draft = PartnerDraft {
            sender_id: " ACME ".into(),
            name: Some("   ".into()),
            expected_sets: vec![TransactionSet::ShipNotice, TransactionSet::ShipmentStatus, TransactionSet::ShipNotice],
            time_zone: Some("America/Chicago".into()),
            default_ship_to: Some(dock()),
            ..Default::default()
        };
        let profile = draft.check().unwrap();
        assert_eq!(profile.sender_id, "ACME");
        assert_eq!(profile.name, None);
        assert_eq!(profile.expected_sets, [TransactionSet::ShipmentStatus, TransactionSet::ShipNotice]);
        assert_eq!(profile.time_zone.map(|z| z.name().to_string()).as_deref(), Some("America/Chicago"));
        let ship_to = profile.default_ship_to.unwrap();
        assert_eq!((ship_to.name.as_str(), ship_to.line2, ship_to.country.as_str()), ("Dock 4", None, "US"));
    }

    #[test]
    fn a_draft_names_every_field_at_fault() {
        let draft = PartnerDraft {
            sender_id: "MUCH-TOO-LONG-SENDER".into(),
            time_zone: Some("Mars/Olympus".into()),
            default_ship_to: Some(PartnerShipTo { city: String::new(), country: "USA".into(), ..dock() }),
            ..Default::default()
        };
        let draft = PartnerDraft { ack_url: Some("edi.partner.example/acks".into()), ..draft };
        let fields: Vec<String> = draft.check().unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["sender_id", "time_zone", "default_ship_to.city", "default_ship_to.country", "ack_url"]);
        let blank_zone = PartnerDraft { sender_id: "X".into(), time_zone: Some(" ".into()), ..Default::default() };
        assert_eq!(blank_zone.check().unwrap().time_zone, None);
    }
}
