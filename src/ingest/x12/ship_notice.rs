//! X12 856, advance ship notice: the HL hierarchy of shipment, orders, tares
//! (pallets), packs (cartons) and items, with the carrier, its references,
//! SSCC-18 labels and the quantity of each item shipped.

use super::{pairs, time, EdiError, Segment, Transaction};
use crate::domain::Quantity;
use crate::ingest::carrier_event::SourceTime;
use chrono_tz::Tz;

#[derive(Clone, Debug, PartialEq)]
pub struct ShipNotice {
    /// BSN-02: the shipper's id for this notice.
    pub shipment_id: String,
    /// DTM*011 (shipped), else the notice's own BSN date and time.
    pub shipped_at: SourceTime,
    /// TD5-03 when TD5-02 says it is a SCAC.
    pub scac: Option<String>,
    /// TD5-05: routing, usually the carrier's name and service.
    pub routing: Option<String>,
    /// REF*2I or REF*CN: the tracking or PRO number of the whole shipment.
    pub tracking_number: Option<String>,
    /// REF*BM.
    pub bill_of_lading: Option<String>,
    pub orders: Vec<NoticeOrder>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NoticeOrder {
    /// PRF-01: the buyer's purchase order number.
    pub po_number: String,
    /// Tares and packs directly under the order.
    pub packs: Vec<Pack>,
    /// Items packed directly under the order (the "standard pack" layout).
    pub items: Vec<Item>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PackKind {
    Tare,
    Pack,
}

impl PackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PackKind::Tare => "tare",
            PackKind::Pack => "pack",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pack {
    pub kind: PackKind,
    /// MAN*GM: the SSCC-18, check digit verified.
    pub sscc: Option<String>,
    /// A MAN*GM label that is no SSCC-18 (wrong length or check digit): the
    /// pack is kept without one and the label reported, not the notice refused.
    pub unreadable_label: Option<String>,
    /// MAN*CP: the parcel's tracking number.
    pub tracking_number: Option<String>,
    pub packs: Vec<Pack>,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub position: usize,
    /// LIN-01: the buyer's PO line number, when sent.
    pub line_number: Option<String>,
    /// LIN qualifier/value pairs (`VP` vendor part, `BP` buyer part, `UP`...).
    pub product_ids: Vec<(String, String)>,
    /// SN1-02 and SN1-03.
    pub quantity: Quantity,
    pub unit: String,
}

impl NoticeOrder {
    /// Every item of the order, wherever it is packed.
    pub fn all_items(&self) -> Vec<&Item> {
        fn walk<'a>(pack: &'a Pack, into: &mut Vec<&'a Item>) {
            into.extend(&pack.items);
            pack.packs.iter().for_each(|p| walk(p, into));
        }
        let mut items: Vec<&Item> = self.items.iter().collect();
        self.packs.iter().for_each(|p| walk(p, &mut items));
        items
    }

    /// MAN*GM labels that are no SSCC-18, in pack order.
    pub fn unreadable_labels(&self) -> Vec<&str> {
        fn walk<'a>(pack: &'a Pack, into: &mut Vec<&'a str>) {
            into.extend(pack.unreadable_label.as_deref());
            pack.packs.iter().for_each(|p| walk(p, into));
        }
        let mut labels = Vec::new();
        self.packs.iter().for_each(|p| walk(p, &mut labels));
        labels
    }

    /// The first parcel tracking number among its packs, if packs carry them.
    pub fn first_pack_tracking_number(&self) -> Option<&str> {
        fn walk(pack: &Pack) -> Option<&str> {
            pack.tracking_number.as_deref().or_else(|| pack.packs.iter().find_map(walk))
        }
        self.packs.iter().find_map(walk)
    }
}

/// One HL level with the segments that follow it up to the next HL.
struct Level<'a> {
    hl: &'a Segment,
    id: &'a str,
    parent: Option<&'a str>,
    code: &'a str,
    segments: Vec<&'a Segment>,
}

pub fn read(transaction: &Transaction, local: Tz) -> Result<ShipNotice, EdiError> {
    let mut header: Vec<&Segment> = Vec::new();
    let mut levels: Vec<Level> = Vec::new();
    for segment in &transaction.segments {
        if segment.id == "HL" {
            let id = segment.required(1, "the hierarchical id")?;
            let parent = segment.optional(2);
            let code = segment.required(3, "the level: S, O, T, P or I")?;
            if levels.iter().any(|l| l.id == id) {
                return Err(segment.error_at(1, &format!("an id not used before, found `{id}` twice")));
            }
            let expected_parents: &[&str] = match code {
                "S" => &[],
                "O" => &["S"],
                "T" => &["O"],
                "P" => &["O", "T"],
                "I" => &["O", "T", "P"],
                _ => return Err(segment.error_at(3, &format!("S, O, T, P or I, found `{code}`"))),
            };
            let parent_code = parent.map(|p| levels.iter().find(|l| l.id == p).map(|l| l.code));
            match parent_code {
                None if expected_parents.is_empty() => {}
                Some(Some(found)) if expected_parents.contains(&found) => {}
                _ => {
                    let want = if expected_parents.is_empty() {
                        "no parent for the shipment level".to_string()
                    } else {
                        format!("the id of an earlier {} level", expected_parents.join(" or "))
                    };
                    return Err(segment.error_at(2, &want));
                }
            }
            levels.push(Level { hl: segment, id, parent, code, segments: Vec::new() });
        } else if let Some(level) = levels.last_mut() {
            level.segments.push(segment);
        } else {
            header.push(segment);
        }
    }
    let bsn = header
        .iter()
        .find(|s| s.id == "BSN")
        .copied()
        .ok_or_else(|| transaction.missing("BSN", "a BSN segment before the first HL"))?;
    let shipment = levels
        .first()
        .filter(|l| l.code == "S")
        .ok_or_else(|| transaction.missing("HL", "an HL shipment (S) level"))?;
    let find = |id: &str| shipment.segments.iter().copied().find(move |s| s.id == id);
    let reference = |qualifier: &str| {
        shipment
            .segments
            .iter()
            .find(|s| s.id == "REF" && s.element(1) == qualifier)
            .and_then(|s| s.optional(2))
            .map(str::to_string)
    };
    let shipped = shipment.segments.iter().copied().find(|s| s.id == "DTM" && s.element(1) == "011");
    let shipped_at = match shipped {
        Some(dtm) => time::instant(dtm.required(2, "the ship date")?, dtm.element(3), dtm.element(4), local)
            .map_err(|expected| dtm.error(format!("DTM02-DTM04 {expected}")))?,
        None => time::instant(bsn.required(3, "the notice date")?, bsn.element(4), "", local)
            .map_err(|expected| bsn.error(format!("BSN03-BSN04 {expected}")))?,
    };
    let td5 = find("TD5");
    let mut notice = ShipNotice {
        shipment_id: bsn.required(2, "the shipment id")?.to_string(),
        shipped_at,
        scac: td5.filter(|t| t.element(2) == "2").and_then(|t| t.optional(3)).map(str::to_string),
        routing: td5.and_then(|t| t.optional(5)).map(str::to_string),
        tracking_number: reference("2I").or_else(|| reference("CN")),
        bill_of_lading: reference("BM"),
        orders: Vec::new(),
    };
    for order in levels.iter().filter(|l| l.code == "O") {
        let prf = order.segments.iter().find(|s| s.id == "PRF").ok_or_else(|| {
            order.hl.missing_segment("PRF", "a PRF segment with the purchase order number in this order level")
        })?;
        notice.orders.push(NoticeOrder {
            po_number: prf.required(1, "the purchase order number")?.to_string(),
            packs: packs_under(&levels, order.id)?,
            items: items_under(&levels, order.id)?,
        });
    }
    if notice.orders.is_empty() {
        return Err(transaction.missing("HL", "at least one HL order (O) level"));
    }
    Ok(notice)
}

fn packs_under(levels: &[Level], parent: &str) -> Result<Vec<Pack>, EdiError> {
    levels
        .iter()
        .filter(|l| l.parent == Some(parent) && (l.code == "T" || l.code == "P"))
        .map(|level| {
            let mark = |qualifier: &str| level.segments.iter().find(|s| s.id == "MAN" && s.element(1) == qualifier);
            let label = match mark("GM") {
                Some(man) => Some(man.required(2, "the SSCC-18")?),
                None => None,
            };
            let sscc = label.and_then(sscc);
            Ok(Pack {
                kind: if level.code == "T" { PackKind::Tare } else { PackKind::Pack },
                unreadable_label: label.filter(|_| sscc.is_none()).map(str::to_string),
                sscc,
                tracking_number: mark("CP").and_then(|m| m.optional(2)).map(str::to_string),
                packs: packs_under(levels, level.id)?,
                items: items_under(levels, level.id)?,
            })
        })
        .collect()
}

fn items_under(levels: &[Level], parent: &str) -> Result<Vec<Item>, EdiError> {
    levels
        .iter()
        .filter(|l| l.parent == Some(parent) && l.code == "I")
        .map(|level| {
            let lin = level.segments.iter().find(|s| s.id == "LIN");
            let sn1 = level.segments.iter().find(|s| s.id == "SN1").ok_or_else(|| {
                level.hl.missing_segment("SN1", "an SN1 segment with the quantity shipped in this item level")
            })?;
            let product_ids = lin.map(|l| pairs(l, 2)).unwrap_or_default();
            if product_ids.is_empty() {
                return Err(level
                    .hl
                    .missing_segment("LIN", "a LIN segment with at least one product id in this item level"));
            }
            Ok(Item {
                position: level.hl.position,
                line_number: lin.and_then(|l| l.optional(1)).map(str::to_string),
                product_ids,
                quantity: sn1.quantity(2, "the number of units shipped")?,
                unit: sn1.optional(3).unwrap_or("EA").to_string(),
            })
        })
        .collect()
}

/// The 18-digit SSCC from a label (with or without its `00` application
/// identifier) when its GS1 mod-10 check digit is right.
pub fn sscc(label: &str) -> Option<String> {
    let digits = match label.len() {
        20 => label.strip_prefix("00")?,
        18 => label,
        _ => return None,
    };
    let values: Vec<u32> = digits.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    // From the right, excluding the check digit, weights alternate 3, 1.
    let sum: u32 = values[..17].iter().rev().enumerate().map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d }).sum();
    ((10 - sum % 10) % 10 == values[17]).then(|| digits.to_string())
}

#[cfg(test)]
mod tests {
    use super::sscc;

    #[test]
    fn sscc_check_digits_are_verified() {
        assert_eq!(sscc("00106141411234567897").as_deref(), Some("106141411234567897"));
        assert_eq!(sscc("106141411234567897").as_deref(), Some("106141411234567897"));
        assert_eq!(sscc("106141411234567898"), None);
        assert_eq!(sscc("10614141123456789"), None);
        assert_eq!(sscc("10614141123456789X"), None);
    }
}

#[cfg(test)]
mod notice_tests {
    use super::*;

    fn notice(sample: &str) -> Result<ShipNotice, EdiError> {
        let interchange = super::super::parse(sample.as_bytes()).unwrap();
        read(&interchange.groups[0].transactions[0], chrono_tz::UTC)
    }

    const SAMPLE: &str = include_str!("../../../tests/samples/edi/856_pick_and_pack.x12");

    #[test]
    fn reads_the_hierarchy_of_tares_packs_and_items() {
        let notice = notice(SAMPLE).unwrap();
        assert_eq!(notice.shipment_id, "ASN-77120");
        assert_eq!(notice.scac.as_deref(), Some("UPSN"));
        assert_eq!(notice.bill_of_lading.as_deref(), Some("BOL-4471-0099"));
        assert_eq!(notice.shipped_at.utc.to_rfc3339(), "2026-11-25T19:00:00+00:00");
        let order = &notice.orders[0];
        assert_eq!(order.po_number, "4500012345");
        let pallet = &order.packs[0];
        assert_eq!((pallet.kind, pallet.sscc.as_deref()), (PackKind::Tare, Some("106141411234567897")));
        assert_eq!(pallet.packs.len(), 2);
        assert_eq!(order.first_pack_tracking_number(), Some("1Z4RV8790312345678"));
        let items: Vec<(Quantity, &str)> =
            order.all_items().iter().map(|i| (i.quantity, i.product_ids[0].1.as_str())).collect();
        assert_eq!(items, [(Quantity::whole(10), "TRAIL-BOOT-42"), (Quantity::whole(4), "WOOL-SOCK-M")]);
    }

    #[test]
    fn broken_hierarchies_and_labels_are_named() {
        let orphan = SAMPLE.replace("HL|5|4|I", "HL|5|9|I");
        let err = notice(&orphan).unwrap_err();
        assert_eq!(err.segment, "HL");
        assert!(err.expected.contains("HL02"), "{err}");
        // A label that is no SSCC-18 keeps its pack, without an SSCC, and is reported.
        let bad_sscc = SAMPLE.replace("00106141411234567903", "00106141411234567904");
        let order = notice(&bad_sscc).unwrap().orders.remove(0);
        assert_eq!(order.unreadable_labels(), ["00106141411234567904"]);
        assert_eq!(notice(SAMPLE).unwrap().orders[0].unreadable_labels(), Vec::<&str>::new());
        let no_quantity = SAMPLE.replace("SN1||10|EA", "SN1|||EA");
        assert!(notice(&no_quantity).unwrap_err().expected.contains("SN102"));
        let no_po = SAMPLE.replace("PRF|4500012345|||20261120", "REF|ZZ|X");
        assert!(notice(&no_po).unwrap_err().expected.contains("PRF"));
    }
}
