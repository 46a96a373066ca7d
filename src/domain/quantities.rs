//! How much of each order line was ordered, cancelled, shipped and
//! delivered, over split shipments (one line in several parcels), partial
//! ones (part of a line still to come) and cancelled quantities. The
//! tracking page and the portal both read their line tables from here.

use super::{OrderLineId, Quantity, ShipmentId};

/// An order line as ordered.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OrderedLine {
    pub id: OrderLineId,
    pub quantity: Quantity,
    /// What the seller said will never ship (a rejected PO line).
    pub cancelled: Quantity,
}

/// Some of a line, carried by a shipment.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CarriedQuantity {
    pub shipment: ShipmentId,
    pub line: OrderLineId,
    pub quantity: Quantity,
}

/// One line's quantities.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineQuantities {
    pub line: OrderLineId,
    /// As ordered, cancellations included.
    pub ordered: Quantity,
    pub cancelled: Quantity,
    /// Each shipment carrying the line and how many, in the order given.
    pub shipped_in: Vec<(ShipmentId, Quantity)>,
    pub shipped: Quantity,
    /// Carried by shipments that are delivered.
    pub delivered: Quantity,
}

impl LineQuantities {
    /// Ordered less cancelled: what the buyer is still to get in the end.
    pub fn due(&self) -> Quantity {
        self.ordered - self.cancelled
    }

    /// Due and not shipped yet (never below zero: a carrier may ship more).
    pub fn unshipped(&self) -> Quantity {
        self.due().saturating_sub(self.shipped)
    }

    /// Due and not delivered yet.
    pub fn undelivered(&self) -> Quantity {
        self.due().saturating_sub(self.delivered)
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
            let shipped_in: Vec<(ShipmentId, Quantity)> =
                carried.iter().filter(|c| c.line == line.id).map(|c| (c.shipment, c.quantity)).collect();
            LineQuantities {
                line: line.id,
                ordered: line.quantity,
                cancelled: line.cancelled,
                shipped: shipped_in.iter().map(|(_, q)| *q).sum(),
                delivered: shipped_in.iter().filter(|(s, _)| delivered(*s)).map(|(_, q)| *q).sum(),
                shipped_in,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(units: i64) -> Quantity {
        Quantity::whole(units)
    }

    fn line(id: i64, quantity: i64, cancelled: i64) -> OrderedLine {
        OrderedLine { id: OrderLineId(id), quantity: n(quantity), cancelled: n(cancelled) }
    }

    fn carried(shipment: i64, line: i64, quantity: i64) -> CarriedQuantity {
        CarriedQuantity { shipment: ShipmentId(shipment), line: OrderLineId(line), quantity: n(quantity) }
    }

    /// Shipment 100 is delivered, 101 is on its way.
    fn delivered(s: ShipmentId) -> bool {
        s == ShipmentId(100)
    }

    #[test]
    fn a_line_split_over_two_shipments_adds_up_and_counts_only_the_delivered_one() {
        let q = line_quantities(&[line(10, 10, 0)], &[carried(100, 10, 6), carried(101, 10, 4)], delivered);
        assert_eq!(q[0].shipped_in, vec![(ShipmentId(100), n(6)), (ShipmentId(101), n(4))]);
        assert_eq!((q[0].ordered, q[0].shipped, q[0].delivered), (n(10), n(10), n(6)));
        assert_eq!((q[0].due(), q[0].unshipped(), q[0].undelivered()), (n(10), n(0), n(4)));
    }

    #[test]
    fn a_partial_shipment_leaves_the_rest_to_ship() {
        let q = line_quantities(&[line(10, 10, 0)], &[carried(100, 10, 3)], delivered);
        assert_eq!((q[0].shipped, q[0].delivered, q[0].unshipped(), q[0].undelivered()), (n(3), n(3), n(7), n(7)));
    }

    #[test]
    fn decimal_quantities_add_up_exactly() {
        // 2.5 LB ordered, shipped as 1.2 and 1.3 in two parcels.
        let half = |t: &str| t.parse::<Quantity>().unwrap();
        let lines = [OrderedLine { id: OrderLineId(10), quantity: half("2.5"), cancelled: Quantity::ZERO }];
        let carried = [
            CarriedQuantity { shipment: ShipmentId(100), line: OrderLineId(10), quantity: half("1.2") },
            CarriedQuantity { shipment: ShipmentId(101), line: OrderLineId(10), quantity: half("1.3") },
        ];
        let q = line_quantities(&lines, &carried, delivered);
        assert_eq!((q[0].shipped, q[0].unshipped()), (half("2.5"), Quantity::ZERO));
        assert_eq!((q[0].delivered, q[0].undelivered()), (half("1.2"), half("1.3")));
    }

    #[test]
    fn cancelled_quantities_are_not_due() {
        // Five ordered, one cancelled, four shipped and delivered: nothing left.
        let q = line_quantities(&[line(11, 5, 1)], &[carried(100, 11, 4)], delivered);
        assert_eq!((q[0].ordered, q[0].cancelled, q[0].due()), (n(5), n(1), n(4)));
        assert_eq!((q[0].unshipped(), q[0].undelivered()), (n(0), n(0)));
        // A line cancelled outright is due nothing, shipped or not.
        let q = line_quantities(&[line(12, 3, 3)], &[], delivered);
        assert_eq!((q[0].due(), q[0].unshipped(), q[0].undelivered()), (n(0), n(0), n(0)));
    }

    #[test]
    fn over_shipping_leaves_nothing_outstanding_rather_than_a_negative() {
        let q = line_quantities(&[line(10, 2, 0)], &[carried(100, 10, 3)], delivered);
        assert_eq!((q[0].shipped, q[0].unshipped(), q[0].undelivered()), (n(3), n(0), n(0)));
    }

    #[test]
    fn lines_keep_their_order_and_ignore_other_lines_quantities() {
        let q =
            line_quantities(&[line(12, 2, 0), line(10, 1, 0)], &[carried(100, 10, 1), carried(101, 99, 7)], delivered);
        assert_eq!(q.iter().map(|l| l.line).collect::<Vec<_>>(), [OrderLineId(12), OrderLineId(10)]);
        assert!(q[0].shipped_in.is_empty());
        assert_eq!((q[0].shipped, q[0].unshipped()), (n(0), n(2)));
        assert_eq!((q[1].shipped, q[1].delivered), (n(1), n(1)));
    }
}
