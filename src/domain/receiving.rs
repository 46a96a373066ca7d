//! A receiving confirmation: what the receiver counted against what the
//! shipment said, and what that means for the timeline.

use super::milestone::{Canonical, ExceptionKind};
use super::Quantity;
use serde::{Deserialize, Serialize};

/// One line of a shipment as counted at the dock. `counted` is every unit
/// that arrived, damaged ones included; `damaged` is how many of those.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountedLine {
    pub line_number: i64,
    pub sku: String,
    /// What the shipment (its ASN) said it carried of this line.
    pub expected: Quantity,
    pub counted: Quantity,
    pub damaged: Quantity,
}

impl CountedLine {
    pub fn shortage(&self) -> Quantity {
        self.expected.saturating_sub(self.counted)
    }

    pub fn overage(&self) -> Quantity {
        self.counted.saturating_sub(self.expected)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("line {line}: {field} must be zero or more")]
    Negative { line: i64, field: &'static str },
    #[error("line {line}: damaged ({damaged}) cannot exceed counted ({counted})")]
    MoreDamagedThanCounted { line: i64, damaged: Quantity, counted: Quantity },
    #[error("a receipt needs at least one line")]
    Empty,
}

/// What a receipt comes to: the event it records and the words for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptAssessment {
    /// Damage first (goods need replacing), then a count that differs,
    /// else a plain note that the delivery was received in full.
    pub canonical: Canonical,
    pub summary: String,
    pub shortage: bool,
    pub overage: bool,
    pub damaged: bool,
}

pub fn assess(lines: &[CountedLine]) -> Result<ReceiptAssessment, ReceiptError> {
    if lines.is_empty() {
        return Err(ReceiptError::Empty);
    }
    for line in lines {
        if line.counted < Quantity::ZERO {
            return Err(ReceiptError::Negative { line: line.line_number, field: "counted" });
        }
        if line.damaged < Quantity::ZERO {
            return Err(ReceiptError::Negative { line: line.line_number, field: "damaged" });
        }
        if line.damaged > line.counted {
            return Err(ReceiptError::MoreDamagedThanCounted {
                line: line.line_number,
                damaged: line.damaged,
                counted: line.counted,
            });
        }
    }
    let shortage = lines.iter().any(|l| l.shortage().is_positive());
    let overage = lines.iter().any(|l| l.overage().is_positive());
    let damaged = lines.iter().any(|l| l.damaged.is_positive());
    let issues: Vec<String> = lines
        .iter()
        .filter_map(|l| {
            let mut parts = Vec::new();
            if l.shortage().is_positive() {
                parts.push(format!("{} short", l.shortage()));
            }
            if l.overage().is_positive() {
                parts.push(format!("{} over", l.overage()));
            }
            if l.damaged.is_positive() {
                parts.push(format!("{} damaged", l.damaged));
            }
            (!parts.is_empty()).then(|| {
                format!(
                    "line {} ({}): {} of {} counted, {}",
                    l.line_number,
                    l.sku,
                    l.counted,
                    l.expected,
                    parts.join(", ")
                )
            })
        })
        .collect();
    let units: Quantity = lines.iter().map(|l| l.counted).sum();
    let summary = if issues.is_empty() {
        format!("Received in full: {units} units on {} lines", lines.len())
    } else {
        format!("Received with issues: {}", issues.join("; "))
    };
    let canonical = if damaged {
        Canonical::Exception(ExceptionKind::Damaged)
    } else if shortage || overage {
        Canonical::Exception(ExceptionKind::ReceivingDiscrepancy)
    } else {
        Canonical::Note
    };
    Ok(ReceiptAssessment { canonical, summary, shortage, overage, damaged })
}

impl ReceiptAssessment {
    /// Short, over or damaged: a person has to say why.
    pub fn has_discrepancy(&self) -> bool {
        self.shortage || self.overage || self.damaged
    }

    /// The receiving problems this count no longer finds: a correction
    /// resolves them on the order's timeline.
    pub fn resolves(&self) -> Vec<ExceptionKind> {
        [ExceptionKind::Damaged, ExceptionKind::ReceivingDiscrepancy]
            .into_iter()
            .filter(|k| self.canonical != Canonical::Exception(*k))
            .collect()
    }
}

/// Why a count differs from the shipment, or why a receipt was corrected.
/// Accounts payable reads it next to the shortage when matching the invoice.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiscrepancyReason {
    ShortShipped,
    OverShipped,
    DamagedInTransit,
    WrongItem,
    Miscounted,
    Other,
}

impl DiscrepancyReason {
    pub const ALL: [DiscrepancyReason; 6] = [
        DiscrepancyReason::ShortShipped,
        DiscrepancyReason::OverShipped,
        DiscrepancyReason::DamagedInTransit,
        DiscrepancyReason::WrongItem,
        DiscrepancyReason::Miscounted,
        DiscrepancyReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DiscrepancyReason::ShortShipped => "short_shipped",
            DiscrepancyReason::OverShipped => "over_shipped",
            DiscrepancyReason::DamagedInTransit => "damaged_in_transit",
            DiscrepancyReason::WrongItem => "wrong_item",
            DiscrepancyReason::Miscounted => "miscounted",
            DiscrepancyReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DiscrepancyReason::ShortShipped => "Supplier shipped less",
            DiscrepancyReason::OverShipped => "Supplier shipped more",
            DiscrepancyReason::DamagedInTransit => "Damaged in transit",
            DiscrepancyReason::WrongItem => "Wrong item received",
            DiscrepancyReason::Miscounted => "Miscounted before",
            DiscrepancyReason::Other => "Other (see note)",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: i64, expected: i64, counted: i64, damaged: i64) -> CountedLine {
        let q = Quantity::whole;
        CountedLine {
            line_number: n,
            sku: format!("SKU-{n}"),
            expected: q(expected),
            counted: q(counted),
            damaged: q(damaged),
        }
    }

    #[test]
    fn a_full_count_is_a_note() {
        let a = assess(&[line(1, 10, 10, 0), line(2, 4, 4, 0)]).unwrap();
        assert_eq!(a.canonical, Canonical::Note);
        assert!(!a.shortage && !a.overage && !a.damaged);
        assert_eq!(a.summary, "Received in full: 14 units on 2 lines");
    }

    #[test]
    fn decimal_counts_are_compared_exactly() {
        let q = |t: &str| t.parse::<Quantity>().unwrap();
        let lb = CountedLine {
            line_number: 1,
            sku: "FLOUR".into(),
            expected: q("2.5"),
            counted: q("2.25"),
            damaged: q("0"),
        };
        let a = assess(&[lb]).unwrap();
        assert!(a.shortage && !a.overage);
        assert_eq!(a.summary, "Received with issues: line 1 (FLOUR): 2.25 of 2.5 counted, 0.25 short");
    }

    #[test]
    fn shortages_and_overages_are_a_discrepancy_naming_each_line() {
        let a = assess(&[line(1, 10, 8, 0), line(2, 4, 5, 0), line(3, 1, 1, 0)]).unwrap();
        assert_eq!(a.canonical, Canonical::Exception(ExceptionKind::ReceivingDiscrepancy));
        assert!(a.shortage && a.overage && !a.damaged);
        assert_eq!(
            a.summary,
            "Received with issues: line 1 (SKU-1): 8 of 10 counted, 2 short; line 2 (SKU-2): 5 of 4 counted, 1 over"
        );
    }

    #[test]
    fn damage_wins_over_a_discrepancy() {
        let a = assess(&[line(1, 10, 9, 3)]).unwrap();
        assert_eq!(a.canonical, Canonical::Exception(ExceptionKind::Damaged));
        assert!(a.shortage && a.damaged);
        assert!(a.summary.contains("1 short, 3 damaged"));
    }

    #[test]
    fn a_correction_resolves_what_it_no_longer_finds() {
        let full = assess(&[line(1, 10, 10, 0)]).unwrap();
        assert!(!full.has_discrepancy());
        assert_eq!(full.resolves(), [ExceptionKind::Damaged, ExceptionKind::ReceivingDiscrepancy]);
        let short = assess(&[line(1, 10, 8, 0)]).unwrap();
        assert!(short.has_discrepancy());
        assert_eq!(short.resolves(), [ExceptionKind::Damaged]);
        for reason in DiscrepancyReason::ALL {
            assert_eq!(DiscrepancyReason::parse(reason.code()), Some(reason));
        }
    }

    #[test]
    fn impossible_counts_are_refused() {
        assert_eq!(assess(&[]), Err(ReceiptError::Empty));
        assert_eq!(assess(&[line(2, 1, -1, 0)]), Err(ReceiptError::Negative { line: 2, field: "counted" }));
        assert_eq!(
            assess(&[line(3, 5, 2, 3)]),
            Err(ReceiptError::MoreDamagedThanCounted {
                line: 3,
                damaged: Quantity::whole(3),
                counted: Quantity::whole(2)
            })
        );
    }
}
