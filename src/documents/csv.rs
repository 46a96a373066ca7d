//! CSV downloads meant for spreadsheets: RFC 4180 (CRLF, quoted only where
//! needed, written by the `csv` crate) with formula cells defused. Order
//! numbers, carrier and site names come from partners, so a cell that a
//! spreadsheet would run as a formula (CSV injection) gets a leading `'`;
//! numbers, negative ones included, stay numbers.

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
