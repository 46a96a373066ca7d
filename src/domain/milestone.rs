//! The canonical vocabulary every source is mapped onto: milestones in
//! lifecycle order and the exceptions that can interrupt them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A step in an order's life. The declaration order *is* the lifecycle order:
/// `Ord` is derived so "furthest milestone" is simply `max`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    Placed,
    Confirmed,
    ReleasedToWarehouse,
    Picked,
    Packed,
    Shipped,
    InTransit,
    ArrivedAtHub,
    OutForDelivery,
    /// The vehicle is within the tenant's radius of the address.
    ArrivingSoon,
    Delivered,
}

/// Something that went wrong. Exceptions stay open until a later milestone
/// resolves them, except the terminal ones which end the lifecycle.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    Delayed,
    FailedAttempt,
    AddressIssue,
    Damaged,
    Held,
    ReturnedToSender,
    Cancelled,
    /// A sensor read outside the shipment's limits (temperature, shock...).
    /// Internal unless the tenant shows condition alerts to buyers.
    ConditionExcursion,
    /// The receiver counted a different quantity than was shipped.
    ReceivingDiscrepancy,
    /// Milepost's delivery promise expects the order after its promised
    /// date (src/promise.rs opens and clears it).
    PredictedLate,
    /// The order was accepted without something it needs to ship, such as
    /// a purchase order without a ship-to; staff complete it. Internal.
    IncompleteOrder,
}

/// What an event means once the status dictionary has read its source code.
/// `Unmapped` events are kept (nothing is dropped) and flagged for the dictionary.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "code")]
pub enum Canonical {
    Milestone(Milestone),
    Exception(ExceptionKind),
    /// The exception is over (a sensor back in range): it closes the
    /// open exception of that kind in the same shipment or order.
    Resolved(ExceptionKind),
    /// A record that changes no status: a customer-service note, a
    /// delivery received in full. Internal; its details carry the text.
    Note,
    /// A step of a return (RMA) on the order's own thread. It never moves
    /// the order's delivery status: a returned parcel was still delivered.
    Return(crate::domain::returns::ReturnStatus),
    Unmapped,
}

/// How a canonical code is presented and whether it ends the lifecycle.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Presentation {
    pub label: &'static str,
    /// Plain-words explanation shown to buyers (mostly for exceptions).
    pub explanation: &'static str,
    pub customer_visible: bool,
    pub terminal: bool,
}

impl Milestone {
    pub const ALL: [Milestone; 11] = [
        Milestone::Placed,
        Milestone::Confirmed,
        Milestone::ReleasedToWarehouse,
        Milestone::Picked,
        Milestone::Packed,
        Milestone::Shipped,
        Milestone::InTransit,
        Milestone::ArrivedAtHub,
        Milestone::OutForDelivery,
        Milestone::ArrivingSoon,
        Milestone::Delivered,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Milestone::Placed => "placed",
            Milestone::Confirmed => "confirmed",
            Milestone::ReleasedToWarehouse => "released_to_warehouse",
            Milestone::Picked => "picked",
            Milestone::Packed => "packed",
            Milestone::Shipped => "shipped",
            Milestone::InTransit => "in_transit",
            Milestone::ArrivedAtHub => "arrived_at_hub",
            Milestone::OutForDelivery => "out_for_delivery",
            Milestone::ArrivingSoon => "arriving_soon",
            Milestone::Delivered => "delivered",
        }
    }

    pub fn presentation(self) -> Presentation {
        let (label, explanation, customer_visible) = match self {
            Milestone::Placed => ("Order placed", "We have received your order.", true),
            Milestone::Confirmed => ("Order confirmed", "Your order is confirmed and being prepared.", true),
            Milestone::ReleasedToWarehouse => ("Released to warehouse", "", false),
            Milestone::Picked => ("Picked", "", false),
            Milestone::Packed => ("Packed", "Your items are packed and waiting for the carrier.", true),
            Milestone::Shipped => ("Shipped", "The carrier has your parcel.", true),
            Milestone::InTransit => ("In transit", "Your parcel is on its way.", true),
            Milestone::ArrivedAtHub => ("Arrived at local hub", "Your parcel reached the depot near you.", true),
            Milestone::OutForDelivery => ("Out for delivery", "Your parcel is on the delivery vehicle today.", true),
            Milestone::ArrivingSoon => ("Arriving soon", "The driver is nearly at your address.", true),
            Milestone::Delivered => ("Delivered", "Your parcel has been delivered.", true),
        };
        Presentation { label, explanation, customer_visible, terminal: self == Milestone::Delivered }
    }
}

impl ExceptionKind {
    pub const ALL: [ExceptionKind; 11] = [
        ExceptionKind::Delayed,
        ExceptionKind::FailedAttempt,
        ExceptionKind::AddressIssue,
        ExceptionKind::Damaged,
        ExceptionKind::Held,
        ExceptionKind::ReturnedToSender,
        ExceptionKind::Cancelled,
        ExceptionKind::ConditionExcursion,
        ExceptionKind::ReceivingDiscrepancy,
        ExceptionKind::PredictedLate,
        ExceptionKind::IncompleteOrder,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ExceptionKind::Delayed => "delayed",
            ExceptionKind::FailedAttempt => "failed_attempt",
            ExceptionKind::AddressIssue => "address_issue",
            ExceptionKind::Damaged => "damaged",
            ExceptionKind::Held => "held",
            ExceptionKind::ReturnedToSender => "returned_to_sender",
            ExceptionKind::Cancelled => "cancelled",
            ExceptionKind::ConditionExcursion => "condition_excursion",
            ExceptionKind::ReceivingDiscrepancy => "receiving_discrepancy",
            ExceptionKind::PredictedLate => "predicted_late",
            ExceptionKind::IncompleteOrder => "incomplete_order",
        }
    }

    pub fn presentation(self) -> Presentation {
        let (label, explanation) = match self {
            ExceptionKind::Delayed => (
                "Delayed",
                "Your parcel is running late. It is still on its way and we will update the delivery date as soon as the carrier does.",
            ),
            ExceptionKind::FailedAttempt => (
                "Delivery attempt failed",
                "The driver could not deliver your parcel. They will usually try again on the next working day.",
            ),
            ExceptionKind::AddressIssue => (
                "Problem with the address",
                "The carrier could not find or reach the delivery address. Please contact us so we can correct it.",
            ),
            ExceptionKind::Damaged => (
                "Damaged in transit",
                "Your parcel was damaged on its way. Our support team will contact you about a replacement.",
            ),
            ExceptionKind::Held => (
                "Held",
                "Your parcel is being held by the carrier (for example at customs or at the depot). It will move again once released.",
            ),
            ExceptionKind::ReturnedToSender => (
                "Returned to sender",
                "Your parcel is on its way back to us. Please contact support to arrange a new delivery or a refund.",
            ),
            ExceptionKind::Cancelled => ("Cancelled", "This order was cancelled."),
            ExceptionKind::ConditionExcursion => (
                "Condition alert",
                "A sensor travelling with your shipment reported conditions outside the agreed range. Our team is checking the goods.",
            ),
            ExceptionKind::ReceivingDiscrepancy => (
                "Quantity discrepancy at receiving",
                "The quantity counted at receiving differs from what was shipped. Our team is looking into it.",
            ),
            ExceptionKind::PredictedLate => (
                "Running late",
                "Your order is likely to arrive after the date we promised. It is still on its way; we are keeping an eye on it.",
            ),
            ExceptionKind::IncompleteOrder => (
                "Order details missing",
                "We are completing your order's details before it ships. We will contact you if we need anything.",
            ),
        };
        Presentation {
            label,
            explanation,
            customer_visible: !matches!(self, ExceptionKind::ConditionExcursion | ExceptionKind::IncompleteOrder),
            terminal: matches!(self, ExceptionKind::ReturnedToSender | ExceptionKind::Cancelled),
        }
    }

    /// What happens next, in a sentence for the buyer, shown beside the
    /// headline when this problem leads the tracking page.
    pub fn next_step(self) -> &'static str {
        match self {
            ExceptionKind::Delayed => {
                "It is still on its way; the new date shows here as soon as the carrier gives one."
            }
            ExceptionKind::FailedAttempt => "The carrier usually tries again on the next working day.",
            ExceptionKind::AddressIssue => {
                "Please contact us so we can correct the address; the parcel waits meanwhile."
            }
            ExceptionKind::Damaged => "Our support team will contact you about a replacement.",
            ExceptionKind::Held => "It moves again once the carrier releases it; this page updates when it does.",
            ExceptionKind::ReturnedToSender => "Please contact us to arrange a new delivery or a refund.",
            ExceptionKind::Cancelled => "Nothing more from this order will ship.",
            ExceptionKind::ConditionExcursion => {
                "Our team is checking the goods and will contact you if they are affected."
            }
            ExceptionKind::ReceivingDiscrepancy => "Our team is looking into the difference.",
            ExceptionKind::PredictedLate => "It is still on its way; we are keeping an eye on it.",
            ExceptionKind::IncompleteOrder => "We will contact you if we need anything before it ships.",
        }
    }

    /// A forecast, not a fact on the ground: the next scan does not end
    /// it, only its own all-clear (`Resolved`) does.
    /// A missing ship-to is not fixed by a scan either, only by the order
    /// being completed.
    pub fn outlives_progress(self) -> bool {
        matches!(self, ExceptionKind::PredictedLate | ExceptionKind::IncompleteOrder)
    }
}

impl Canonical {
    pub fn presentation(self) -> Presentation {
        match self {
            Canonical::Milestone(m) => m.presentation(),
            Canonical::Exception(e) => e.presentation(),
            Canonical::Resolved(e) => Presentation {
                label: match e {
                    ExceptionKind::ConditionExcursion => "Conditions back in range",
                    ExceptionKind::PredictedLate => "Back on track",
                    ExceptionKind::IncompleteOrder => "Order details completed",
                    _ => "Problem resolved",
                },
                explanation: "",
                customer_visible: false,
                terminal: false,
            },
            Canonical::Note => {
                Presentation { label: "Note", explanation: "", customer_visible: false, terminal: false }
            }
            Canonical::Return(status) => Presentation {
                label: status.headline(),
                explanation: status.description(),
                customer_visible: true,
                terminal: false,
            },
            Canonical::Unmapped => {
                Presentation { label: "Status update", explanation: "", customer_visible: false, terminal: false }
            }
        }
    }

    /// A sensor excursion, or its all-clear.
    pub fn is_condition_alert(self) -> bool {
        matches!(
            self,
            Canonical::Exception(ExceptionKind::ConditionExcursion)
                | Canonical::Resolved(ExceptionKind::ConditionExcursion)
        )
    }

    /// Whether buyers (a tracking link, an account's people in the portal)
    /// see this: what the dictionary shows customers, and condition alerts
    /// only where the tenant chose to show them (`condition_alerts`).
    pub fn visible_to_buyers(self, condition_alerts: bool) -> bool {
        if self.is_condition_alert() {
            condition_alerts
        } else {
            self.presentation().customer_visible
        }
    }

    /// Stable text form used in the database and the dictionary data file:
    /// `delivered`, `exception:damaged`, `unmapped`.
    pub fn code(self) -> String {
        match self {
            Canonical::Milestone(m) => m.code().to_string(),
            Canonical::Exception(e) => format!("exception:{}", e.code()),
            Canonical::Resolved(e) => format!("resolved:{}", e.code()),
            Canonical::Note => "note".to_string(),
            Canonical::Return(status) => format!("return:{}", status.code()),
            Canonical::Unmapped => "unmapped".to_string(),
        }
    }
}

impl fmt::Display for Canonical {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// The exception kinds open on an order, as the orders table keeps them
/// beside its status (customer service's queue filters on them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenExceptions(pub Vec<ExceptionKind>);

impl OpenExceptions {
    pub fn contains(&self, kind: ExceptionKind) -> bool {
        self.0.contains(&kind)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The stored form: codes joined by commas, in order.
    pub fn codes(&self) -> String {
        self.0.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")
    }
}

impl FromStr for OpenExceptions {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',').filter(|c| !c.is_empty()).map(str::parse).collect::<Result<_, _>>().map(OpenExceptions)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a known milestone or exception code")]
pub struct UnknownCode(pub String);

impl FromStr for Milestone {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Milestone::ALL.into_iter().find(|m| m.code() == s).ok_or_else(|| UnknownCode(s.to_string()))
    }
}

impl FromStr for ExceptionKind {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExceptionKind::ALL.into_iter().find(|e| e.code() == s).ok_or_else(|| UnknownCode(s.to_string()))
    }
}

impl FromStr for Canonical {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "unmapped" => return Ok(Canonical::Unmapped),
            "note" => return Ok(Canonical::Note),
            _ => {}
        }
        if let Some(kind) = s.strip_prefix("exception:") {
            return kind.parse().map(Canonical::Exception);
        }
        if let Some(step) = s.strip_prefix("return:") {
            return step.parse().map(Canonical::Return).map_err(|_| UnknownCode(s.to_string()));
        }
        match s.strip_prefix("resolved:") {
            Some(kind) => kind.parse().map(Canonical::Resolved),
            None => s.parse().map(Canonical::Milestone),
        }
    }
}

impl TryFrom<String> for Canonical {
    type Error = UnknownCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_exceptions_read_back_what_was_stored() {
        let open = OpenExceptions(vec![ExceptionKind::Damaged, ExceptionKind::PredictedLate]);
        assert_eq!(open.codes(), "damaged,predicted_late");
        assert_eq!(open.codes().parse::<OpenExceptions>(), Ok(open.clone()));
        assert!(open.contains(ExceptionKind::PredictedLate) && !open.contains(ExceptionKind::Held));
        assert_eq!("".parse::<OpenExceptions>(), Ok(OpenExceptions::default()));
        assert_eq!("damaged,teleported".parse::<OpenExceptions>(), Err(UnknownCode("teleported".into())));
    }

    #[test]
    fn lifecycle_order_is_declaration_order() {
        let mut sorted = Milestone::ALL;
        sorted.sort();
        assert_eq!(sorted, Milestone::ALL);
        assert!(Milestone::Shipped < Milestone::InTransit);
        assert!(Milestone::OutForDelivery < Milestone::Delivered);
    }

    #[test]
    fn codes_round_trip() {
        for m in Milestone::ALL {
            let c = Canonical::Milestone(m);
            assert_eq!(c.code().parse::<Canonical>().unwrap(), c);
        }
        for e in ExceptionKind::ALL {
            let c = Canonical::Exception(e);
            assert_eq!(c.code().parse::<Canonical>().unwrap(), c);
        }
        assert_eq!("unmapped".parse::<Canonical>().unwrap(), Canonical::Unmapped);
        assert_eq!("note".parse::<Canonical>().unwrap(), Canonical::Note);
        for r in crate::domain::returns::ReturnStatus::ALL {
            let c = Canonical::Return(r);
            assert_eq!(c.code().parse::<Canonical>().unwrap(), c);
        }
        assert!("return:teleported".parse::<Canonical>().is_err());
        assert!("exception:bogus".parse::<Canonical>().is_err());
        assert!("teleported".parse::<Canonical>().is_err());
    }

    #[test]
    fn only_delivered_returned_and_cancelled_end_the_lifecycle() {
        let terminal: Vec<String> = Milestone::ALL
            .into_iter()
            .map(Canonical::Milestone)
            .chain(ExceptionKind::ALL.into_iter().map(Canonical::Exception))
            .filter(|c| c.presentation().terminal)
            .map(|c| c.code())
            .collect();
        assert_eq!(terminal, ["delivered", "exception:returned_to_sender", "exception:cancelled"]);
    }

    #[test]
    fn condition_alerts_reach_buyers_only_where_the_tenant_shows_them() {
        let excursion = Canonical::Exception(ExceptionKind::ConditionExcursion);
        let back_in_range = Canonical::Resolved(ExceptionKind::ConditionExcursion);
        for alert in [excursion, back_in_range] {
            assert!(alert.is_condition_alert());
            assert!(!alert.visible_to_buyers(false), "{alert}");
            assert!(alert.visible_to_buyers(true), "{alert}");
        }
        // The switch changes nothing else: other codes follow the dictionary.
        let others = Milestone::ALL
            .into_iter()
            .map(Canonical::Milestone)
            .chain(ExceptionKind::ALL.into_iter().flat_map(|e| [Canonical::Exception(e), Canonical::Resolved(e)]))
            .chain([Canonical::Note, Canonical::Unmapped])
            .filter(|c| !c.is_condition_alert());
        for c in others {
            assert_eq!(c.visible_to_buyers(true), c.presentation().customer_visible, "{c}");
            assert_eq!(c.visible_to_buyers(false), c.presentation().customer_visible, "{c}");
        }
        assert!(Canonical::Exception(ExceptionKind::Delayed).visible_to_buyers(false));
        assert!(!Canonical::Resolved(ExceptionKind::Delayed).visible_to_buyers(true));
        assert!(!Canonical::Milestone(Milestone::Picked).visible_to_buyers(true));
    }

    #[test]
    fn warehouse_internals_are_hidden_from_customers() {
        assert!(!Milestone::Picked.presentation().customer_visible);
        assert!(!Milestone::ReleasedToWarehouse.presentation().customer_visible);
        assert!(Milestone::OutForDelivery.presentation().customer_visible);
        assert!(!Canonical::Unmapped.presentation().customer_visible);
    }
}
