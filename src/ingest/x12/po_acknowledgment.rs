//! X12 855, purchase order acknowledgment: the seller's answer to a PO
//! (BAK-02: accepted, accepted with changes, rejected...) and, per line
//! (PO1), what happens to it (ACK: accepted, quantity changed, backordered,
//! rejected...).

use super::{pairs, EdiError, Transaction};
use crate::domain::Quantity;

#[derive(Clone, Debug, PartialEq)]
pub struct PoAcknowledgment {
    /// BAK-02: `AC`, `AD`, `AK` accept; `RD`, `RF`, `RJ` reject; `AH` hold...
    pub acknowledgment: String,
    /// BAK-03.
    pub po_number: String,
    pub lines: Vec<AckLine>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AckLine {
    pub position: usize,
    pub line_number: Option<String>,
    pub product_ids: Vec<(String, String)>,
    /// ACK-01 and ACK-02 pairs: `IA` 8 accepted, `IB` 2 backordered...
    pub statuses: Vec<(String, Option<Quantity>)>,
}

/// What a line acknowledgment does to the order line.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LineChange {
    /// The seller will ship this many in all (accepted, changed, backordered).
    Quantity(Quantity),
    /// Nothing of the line will ship.
    Rejected,
}

/// ACK-01 codes that mean the quantity given will not ship.
const NOT_SHIPPING: [&str; 3] = ["IR", "ID", "R1"];

impl AckLine {
    pub fn change(&self) -> Option<LineChange> {
        let shipping: Option<Quantity> = self
            .statuses
            .iter()
            .filter(|(status, _)| !NOT_SHIPPING.contains(&status.as_str()))
            .map(|(_, quantity)| *quantity)
            .sum();
        match shipping {
            _ if self.statuses.is_empty() => None,
            Some(quantity) if quantity.is_zero() => Some(LineChange::Rejected),
            Some(quantity) => Some(LineChange::Quantity(quantity)),
            // A status without a quantity accepts the line as ordered.
            None => None,
        }
    }
}

pub fn read(transaction: &Transaction) -> Result<PoAcknowledgment, EdiError> {
    let bak = transaction
        .segments
        .iter()
        .find(|s| s.id == "BAK")
        .ok_or_else(|| transaction.missing("BAK", "a BAK segment with the acknowledgment type and PO number"))?;
    let mut ack = PoAcknowledgment {
        acknowledgment: bak.required(2, "the acknowledgment type")?.to_string(),
        po_number: bak.required(3, "the purchase order number")?.to_string(),
        lines: Vec::new(),
    };
    for segment in &transaction.segments {
        match segment.id.as_str() {
            "PO1" => ack.lines.push(AckLine {
                position: segment.position,
                line_number: segment.optional(1).map(str::to_string),
                product_ids: pairs(segment, 6),
                statuses: Vec::new(),
            }),
            "ACK" => {
                let line = ack.lines.last_mut().ok_or_else(|| segment.error("a PO1 line before its ACK"))?;
                let status = segment.required(1, "the line item status code")?.to_string();
                let quantity = match segment.optional(2) {
                    Some(_) => Some(segment.count(2, "the quantity")?),
                    None => None,
                };
                line.statuses.push((status, quantity));
            }
            _ => {}
        }
    }
    Ok(ack)
}
