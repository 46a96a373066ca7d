//! CSV downloads meant for spreadsheets: RFC 4180 (CRLF, quoted only where
//! needed, written by the `csv` crate) with formula cells defused. Order
//! numbers, carrier and site names come from partners, so a cell that a
//! spreadsheet would run as a formula (CSV injection) gets a leading `'`;
//! numbers, negative ones included, stay numbers.

use crate::domain::receiving::DiscrepancyReason;
use crate::domain::{OrderId, Quantity};
use crate::present::portal::shipment_label;
use crate::present::portal_returns::plain_amount;
use crate::store::{DeliveryRow, ReturnedToOrder};

/// The rows (the header first) as one CSV document.
pub fn table<I, R, F>(rows: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = F>,
    F: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        // Writing to a Vec cannot fail.
        writer.write_record(row.into_iter().map(|f| defused(f.as_ref()))).expect("writing CSV to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushing CSV to memory")).expect("CSV of UTF-8 fields is UTF-8")
}

/// Accounts payable's invoice-matching file: PO, order, shipment, delivered
/// quantity (as counted when a receiver counted it), delivered at, POD id,
/// and what receiving found: units short, over and damaged, the reason given
/// and how often the count was corrected. Then what came back of the order
/// and what was credited for it (`returned`, see [`order_returns`]): on the
/// order's first row in the file only, since returns belong to the order,
/// not to one of its shipments, and a column summed must count each once.
pub fn deliveries(rows: &[DeliveryRow], returned: &[ReturnedToOrder]) -> String {
    let header = [
        "po",
        "order",
        "shipment",
        "delivered_quantity",
        "delivered_at",
        "pod_id",
        "shortage",
        "short_units",
        "over_units",
        "damaged_units",
        "discrepancy_reason",
        "receipt_corrections",
        "returned_units",
        "credit_amount",
        "credit_currency",
        "credit_reference",
    ]
    .map(String::from);
    let units = |n: Option<Quantity>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut first_row_of = std::collections::HashSet::new();
    let rows = rows.iter().map(|r| {
        let back = match first_row_of.insert(r.order_id) {
            true => order_returns(r.order_id, returned),
            false => OrderReturns::default(),
        };
        [
            r.customer_po.clone().unwrap_or_default(),
            r.order_number.clone(),
            shipment_label(&r.carrier, &r.tracking_number),
            r.counted_quantity.unwrap_or(r.shipped_quantity).to_string(),
            r.delivered_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            r.pod_id.map(|id| format!("POD-{id}")).unwrap_or_default(),
            if r.shortage { "yes" } else { "no" }.to_string(),
            units(r.short_units),
            units(r.over_units),
            units(r.damaged_units),
            r.discrepancy_reason
                .as_deref()
                .and_then(DiscrepancyReason::parse)
                .map(|x| x.label().to_string())
                .unwrap_or_default(),
            r.corrections.to_string(),
            back.units.map(|n| n.to_string()).unwrap_or_default(),
            back.amounts,
            back.currencies,
            back.references,
        ]
    });
    table(std::iter::once(header).chain(rows))
}

/// An order's returns as the file's last four columns.
#[derive(Default)]
struct OrderReturns {
    /// Units received back; empty when nothing came back.
    units: Option<Quantity>,
    /// One total per currency (nearly always one), `; ` between them, in
    /// the order of `currencies`.
    amounts: String,
    currencies: String,
    /// Every credit memo's reference, `; ` between them.
    references: String,
}

fn order_returns(order: OrderId, returned: &[ReturnedToOrder]) -> OrderReturns {
    let of_order: Vec<&ReturnedToOrder> = returned.iter().filter(|r| r.order_id == order).collect();
    if of_order.is_empty() {
        return OrderReturns::default();
    }
    let mut totals: Vec<(String, i64)> = Vec::new();
    let mut references = Vec::new();
    for r in &of_order {
        if let (Some(amount), Some(currency), Some(reference)) =
            (r.credit_amount_minor, &r.credit_currency, &r.credit_reference)
        {
            match totals.iter_mut().find(|(c, _)| c == currency) {
                Some((_, total)) => *total += amount,
                None => totals.push((currency.clone(), amount)),
            }
            references.push(reference.clone());
        }
    }
    OrderReturns {
        units: Some(of_order.iter().map(|r| r.units).sum()),
        amounts: totals.iter().map(|(c, a)| plain_amount(*a, c)).collect::<Vec<_>>().join("; "),
        currencies: totals.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join("; "),
        references: references.join("; "),
    }
}

/// A leading `'` on anything a spreadsheet would run as a formula.
pub fn defused(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        let csv = table([
            vec!["po", "note"],
            vec!["PO-1", "a,b"],
            vec!["say \"hi\"", "=HYPERLINK(\"x\")"],
            vec!["-5", "@SUM(A1)"],
        ]);
        assert_eq!(csv, "po,note\r\nPO-1,\"a,b\"\r\n\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\"\r\n-5,'@SUM(A1)\r\n");
    }
}
