//! How much of each order line was ordered, cancelled, shipped and
//! delivered, over split shipments (one line in several parcels), partial
//! ones (part of a line still to come) and cancelled quantities. The
//! tracking page and the portal both read their line tables from here.

use super::{OrderLineId, ShipmentId};

/// An order line as ordered.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OrderedLine {
    pub id: OrderLineId,
    pub quantity: i64,
    /// What the seller said will never ship (a rejected PO line).
    pub cancelled: i64,
}

/// Some of a line, carried by a shipment.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CarriedQuantity {
    pub shipment: ShipmentId,
    pub line: OrderLineId,
    pub quantity: i64,
}

/// One line's quantities.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineQuantities {
    pub line: OrderLineId,
    /// As ordered, cancellations included.
    pub ordered: i64,
    pub cancelled: i64,
    /// Each shipment carrying the line and how many, in the order given.
    pub shipped_in: Vec<(ShipmentId, i64)>,
    pub shipped: i64,
    /// Carried by shipments that are delivered.
    pub delivered: i64,
}

impl LineQuantities {
    /// Ordered less cancelled: what the buyer is still to get in the end.
    pub fn due(&self) -> i64 {
        self.ordered - self.cancelled
    }

    /// Due and not shipped yet (never below zero: a carrier may ship more).
    pub fn unshipped(&self) -> i64 {
        (self.due() - self.shipped).max(0)
    }

    /// Due and not delivered yet.
    pub fn undelivered(&self) -> i64 {
        (self.due() - self.delivered).max(0)
    }
}

/// Each line's quantities, in the order of `lines`. `delivered` says which
/// shipments have been delivered; a carried quantity of a line that is not
/// in `lines` is ignored.
pub fn line_quantities(
    lines: &[OrderedLine],
    carried: &[CarriedQuantity],
    delivered: impl Fn(ShipmentId) -> bool,
) -> Vec<LineQuantities> {
    lines
        .iter()
        .map(|line| {
            let shipped_in: Vec<(ShipmentId, i64)> =
                carried.iter().filter(|c| c.line == line.id).map(|c| (c.shipment, c.quantity)).collect();
            LineQuantities {
                line: line.id,
                ordered: line.quantity,
                cancelled: line.cancelled,
                shipped: shipped_in.iter().map(|(_, q)| q).sum(),
                delivered: shipped_in.iter().filter(|(s, _)| delivered(*s)).map(|(_, q)| q).sum(),
                shipped_in,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, quantity: i64, cancelled: i64) -> OrderedLine {
        OrderedLine { id: OrderLineId(id), quantity, cancelled }
    }

    fn carried(shipment: i64, line: i64, quantity: i64) -> CarriedQuantity {
        CarriedQuantity { shipment: ShipmentId(shipment), line: OrderLineId(line), quantity }
    }

    /// Shipment 100 is delivered, 101 is on its way.
    fn delivered(s: ShipmentId) -> bool {
        s == ShipmentId(100)
    }

    #[test]
    fn a_line_split_over_two_shipments_adds_up_and_counts_only_the_delivered_one() {
        let q = line_quantities(&[line(10, 10, 0)], &[carried(100, 10, 6), carried(101, 10, 4)], delivered);
        assert_eq!(q[0].shipped_in, vec![(ShipmentId(100), 6), (ShipmentId(101), 4)]);
        assert_eq!((q[0].ordered, q[0].shipped, q[0].delivered), (10, 10, 6));
        assert_eq!((q[0].due(), q[0].unshipped(), q[0].undelivered()), (10, 0, 4));
    }

    #[test]
    fn a_partial_shipment_leaves_the_rest_to_ship() {
        let q = line_quantities(&[line(10, 10, 0)], &[carried(100, 10, 3)], delivered);
        assert_eq!((q[0].shipped, q[0].delivered, q[0].unshipped(), q[0].undelivered()), (3, 3, 7, 7));
    }

    #[test]
    fn cancelled_quantities_are_not_due() {
        // Five ordered, one cancelled, four shipped and delivered: nothing left.
        let q = line_quantities(&[line(11, 5, 1)], &[carried(100, 11, 4)], delivered);
        assert_eq!((q[0].ordered, q[0].cancelled, q[0].due()), (5, 1, 4));
        assert_eq!((q[0].unshipped(), q[0].undelivered()), (0, 0));
        // A line cancelled outright is due nothing, shipped or not.
        let q = line_quantities(&[line(12, 3, 3)], &[], delivered);
        assert_eq!((q[0].due(), q[0].unshipped(), q[0].undelivered()), (0, 0, 0));
    }

    #[test]
    fn over_shipping_leaves_nothing_outstanding_rather_than_a_negative() {
        let q = line_quantities(&[line(10, 2, 0)], &[carried(100, 10, 3)], delivered);
        assert_eq!((q[0].shipped, q[0].unshipped(), q[0].undelivered()), (3, 0, 0));
    }

    #[test]
    fn lines_keep_their_order_and_ignore_other_lines_quantities() {
        let q =
            line_quantities(&[line(12, 2, 0), line(10, 1, 0)], &[carried(100, 10, 1), carried(101, 99, 7)], delivered);
        assert_eq!(q.iter().map(|l| l.line).collect::<Vec<_>>(), [OrderLineId(12), OrderLineId(10)]);
        assert!(q[0].shipped_in.is_empty());
        assert_eq!((q[0].shipped, q[0].unshipped()), (0, 2));
        assert_eq!((q[1].shipped, q[1].delivered), (1, 1));
    }
}
