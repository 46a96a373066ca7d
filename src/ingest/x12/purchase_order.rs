//! X12 850, purchase order: the buyer's PO number and date (BEG), requested
//! delivery (DTM*002), parties (N1 loops: BY buyer, ST ship-to), contact
//! (PER) and lines (PO1 with PID descriptions), counted by CTT.

use super::{pairs, time, EdiError, Segment, Transaction};
use crate::domain::Quantity;
use chrono::NaiveDate;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// `00` original (and `07` duplicate, `06` confirmation): create.
    Original,
    /// `05` replace: update the order.
    Replace,
    /// `01` cancellation.
    Cancel,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PurchaseOrder {
    pub purpose: Purpose,
    pub po_number: String,
    pub po_date: NaiveDate,
    pub requested_delivery: Option<NaiveDate>,
    pub buyer: Option<Party>,
    pub ship_to: Option<Party>,
    pub contact: Contact,
    pub lines: Vec<PoLine>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Party {
    pub name: String,
    /// N1-04: the party's code (the buyer's account, the ship-to's store).
    pub code: Option<String>,
    pub address: Vec<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PoLine {
    pub position: usize,
    /// PO1-01: the buyer's line number.
    pub line_number: Option<String>,
    pub quantity: Quantity,
    pub unit: String,
    pub product_ids: Vec<(String, String)>,
    /// PID*F: free-form description.
    pub description: Option<String>,
}

/// The seller's SKU among a line's product ids: the vendor's part number
/// first, then the SKU, the buyer's part number, UPC/EAN/GTIN.
pub fn sku(product_ids: &[(String, String)]) -> Option<&str> {
    ["VP", "SK", "VN", "BP", "IN", "UP", "UK", "EN", "EA"]
        .iter()
        .find_map(|q| product_ids.iter().find(|(qualifier, _)| qualifier == q))
        .or(product_ids.first())
        .map(|(_, value)| value.as_str())
}

pub fn read(transaction: &Transaction) -> Result<PurchaseOrder, EdiError> {
    let beg = transaction
        .segments
        .iter()
        .find(|s| s.id == "BEG")
        .ok_or_else(|| transaction.missing("BEG", "a BEG segment with the PO number"))?;
    let purpose = match beg.required(1, "the purpose code")? {
        "00" | "06" | "07" => Purpose::Original,
        "05" => Purpose::Replace,
        "01" => Purpose::Cancel,
        other => return Err(beg.error_at(1, &format!("00 (original), 05 (replace) or 01 (cancel), found `{other}`"))),
    };
    let mut order = PurchaseOrder {
        purpose,
        po_number: beg.required(3, "the purchase order number")?.to_string(),
        po_date: time::date(beg.required(5, "the PO date")?).ok_or_else(|| beg.error_at(5, "a date as CCYYMMDD"))?,
        requested_delivery: None,
        buyer: None,
        ship_to: None,
        contact: Contact::default(),
        lines: Vec::new(),
    };
    // N1 opens a party loop that N2/N3/N4/PER continue.
    let mut party: Option<(&str, Party)> = None;
    let mut line_count = None;
    for segment in &transaction.segments {
        match segment.id.as_str() {
            "DTM" if matches!(segment.element(1), "002" | "074") => {
                order.requested_delivery =
                    Some(time::date(segment.element(2)).ok_or_else(|| segment.error_at(2, "a date as CCYYMMDD"))?);
            }
            "N1" => {
                close_party(&mut order, party.take());
                let name = segment.optional(2).unwrap_or_default().to_string();
                party = Some((
                    segment.element(1),
                    Party { name, code: segment.optional(4).map(str::to_string), ..Party::default() },
                ));
            }
            "N2" | "N3" => {
                if let Some((_, p)) = party.as_mut() {
                    p.address
                        .extend([segment.optional(1), segment.optional(2)].into_iter().flatten().map(str::to_string));
                }
            }
            "N4" => {
                if let Some((_, p)) = party.as_mut() {
                    p.city = segment.optional(1).map(str::to_string);
                    p.region = segment.optional(2).map(str::to_string);
                    p.postcode = segment.optional(3).map(str::to_string);
                    p.country = segment.optional(4).map(str::to_string);
                }
            }
            "PER" => contact(&mut order.contact, segment),
            "PO1" => {
                close_party(&mut order, party.take());
                order.lines.push(PoLine {
                    position: segment.position,
                    line_number: segment.optional(1).map(str::to_string),
                    quantity: segment.quantity(2, "the quantity ordered")?,
                    unit: segment.optional(3).unwrap_or("EA").to_string(),
                    product_ids: pairs(segment, 6),
                    description: None,
                });
                if order.lines.last().is_some_and(|l| l.product_ids.is_empty()) {
                    return Err(segment.error_at(6, "a product id qualifier, with PO107 its value"));
                }
            }
            "PID" => {
                if let Some(line) = order.lines.last_mut() {
                    line.description = line.description.take().or(segment.optional(5).map(str::to_string));
                }
            }
            "CTT" => line_count = Some(segment),
            _ => {}
        }
    }
    close_party(&mut order, party);
    if let Some(ctt) = line_count {
        let counted = order.lines.len().to_string();
        if ctt.element(1).trim() != counted {
            return Err(ctt.error_at(1, &format!("{counted}, the number of PO1 lines, found `{}`", ctt.element(1))));
        }
    }
    if order.lines.is_empty() && purpose != Purpose::Cancel {
        return Err(transaction.missing("PO1", "at least one PO1 line"));
    }
    Ok(order)
}

fn close_party(order: &mut PurchaseOrder, party: Option<(&str, Party)>) {
    match party {
        Some(("ST", p)) => order.ship_to = Some(p),
        Some(("BY", p)) => order.buyer = Some(p),
        _ => {}
    }
}

/// PER: name in 02, then communication qualifier/number pairs (TE, EM).
fn contact(contact: &mut Contact, per: &Segment) {
    contact.name = contact.name.take().or(per.optional(2).map(str::to_string));
    for (qualifier, value) in pairs(per, 3) {
        match qualifier.as_str() {
            "TE" => contact.phone = contact.phone.take().or(Some(value)),
            "EM" => contact.email = contact.email.take().or(Some(value)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::x12::po_acknowledgment::{self, LineChange};

    const SAMPLE: &str = include_str!("../../../tests/samples/edi/850_855_purchase_order_and_acknowledgment.x12");

    fn sets(sample: &str) -> Vec<Transaction> {
        super::super::parse(sample.as_bytes()).unwrap().groups.into_iter().flat_map(|g| g.transactions).collect()
    }

    #[test]
    fn reads_the_order_its_parties_and_lines() {
        let po = read(&sets(SAMPLE)[0]).unwrap();
        assert_eq!((po.purpose, po.po_number.as_str()), (Purpose::Original, "4500012345"));
        assert_eq!(po.requested_delivery, NaiveDate::from_ymd_opt(2026, 11, 30));
        assert_eq!(po.buyer.as_ref().and_then(|b| b.code.as_deref()), Some("NW-001"));
        let ship_to = po.ship_to.unwrap();
        assert_eq!(ship_to.address, ["1200 Market Street", "Receiving Door 3"]);
        assert_eq!((ship_to.city.as_deref(), ship_to.postcode.as_deref()), (Some("Denver"), Some("80202")));
        assert_eq!(po.contact.email.as_deref(), Some("receiving42@northwind.example"));
        assert_eq!(po.lines.len(), 3);
        assert_eq!(sku(&po.lines[0].product_ids), Some("TRAIL-BOOT-42"));
        assert_eq!(po.lines[0].description.as_deref(), Some("Trail boot, size 42"));
        assert_eq!((po.lines[2].quantity, po.lines[2].unit.as_str()), (Quantity::whole(5), "PR"));
    }

    #[test]
    fn decimal_quantities_are_read_exactly_and_nonsense_is_named() {
        let half = SAMPLE.replacen("PO1^3^5^PR", "PO1^3^2.5^LB", 1);
        let po = read(&sets(&half)[0]).unwrap();
        assert_eq!((po.lines[2].quantity.to_string(), po.lines[2].unit.as_str()), ("2.5".into(), "LB"));
        let err = read(&sets(&SAMPLE.replacen("PO1^3^5^PR", "PO1^3^2.5001^PR", 1))[0]).unwrap_err();
        assert!(err.expected.contains("PO102") && err.expected.contains("at most three decimals"), "{err}");
        let err = read(&sets(&SAMPLE.replacen("PO1^3^5^PR", "PO1^3^0^PR", 1))[0]).unwrap_err();
        assert!(err.expected.contains("more than zero"), "{err}");
    }

    #[test]
    fn a_wrong_line_count_is_refused() {
        let err = read(&sets(&SAMPLE.replacen("CTT^3", "CTT^4", 1))[0]).unwrap_err();
        assert_eq!(err.segment, "CTT");
        assert!(err.expected.contains("3, the number of PO1 lines"), "{err}");
    }

    #[test]
    fn acknowledgment_lines_say_what_will_ship() {
        let ack = po_acknowledgment::read(&sets(SAMPLE)[1]).unwrap();
        assert_eq!((ack.acknowledgment.as_str(), ack.po_number.as_str()), ("AC", "4500012345"));
        let changes: Vec<_> = ack.lines.iter().map(|l| l.change()).collect();
        // 4 accepted + 2 backordered ship; 2 rejected do not.
        assert_eq!(
            changes,
            [
                Some(LineChange::Quantity(Quantity::whole(10))),
                Some(LineChange::Quantity(Quantity::whole(6))),
                Some(LineChange::Rejected)
            ]
        );
    }
}
