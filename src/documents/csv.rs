//! CSV downloads meant for spreadsheets: RFC 4180 (CRLF, quoted only where
//! needed, written by the `csv` crate) with formula cells defused. Order
//! numbers, carrier and site names come from partners, so a cell that a
//! spreadsheet would run as a formula (CSV injection) gets a leading `'`;
//! numbers, negative ones included, stay numbers.

use crate::domain::receiving::DiscrepancyReason;
use crate::domain::Quantity;
use crate::present::portal::shipment_label;
use crate::store::DeliveryRow;

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
/// and how often the count was corrected.
pub fn deliveries(rows: &[DeliveryRow]) -> String {
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
    ]
    .map(String::from);
    let units = |n: Option<Quantity>| n.map(|n| n.to_string()).unwrap_or_default();
    let rows = rows.iter().map(|r| {
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
        ]
    });
    table(std::iter::once(header).chain(rows))
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
