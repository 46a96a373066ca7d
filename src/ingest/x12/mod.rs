//! ANSI X12 interchanges: the envelope (ISA/GS/ST ... SE/GE/IEA) with its
//! separators read from the ISA segment and its control counts and numbers
//! checked. Transaction sets (214, 856, 850, 855) are read from the
//! `Transaction` segments this produces. Errors name the segment position
//! and what was expected; no input makes it panic.

pub mod po_acknowledgment;
pub mod purchase_order;
pub mod ship_notice;
pub mod shipment_status;
pub mod time;

use std::fmt;

/// One segment: its id and elements (element 1 is `elements[0]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// 1-based position in the interchange, for error messages.
    pub position: usize,
    pub id: String,
    pub elements: Vec<String>,
}

impl Segment {
    /// Element `n` as X12 numbers them (`ISA13` is `element(13)`), or "".
    pub fn element(&self, n: usize) -> &str {
        n.checked_sub(1).and_then(|i| self.elements.get(i)).map_or("", |s| s.as_str())
    }

    /// Element `n` trimmed, or `None` when empty.
    pub fn optional(&self, n: usize) -> Option<&str> {
        Some(self.element(n).trim()).filter(|v| !v.is_empty())
    }

    /// Element `n`, or an error naming it (`B10-01`) and what it should hold.
    pub fn required(&self, n: usize, what: &str) -> Result<&str, EdiError> {
        self.optional(n).ok_or_else(|| self.error_at(n, what))
    }

    /// A positive whole number of units in element `n` (`12`, or `12.0` as
    /// some partners write it).
    pub fn quantity(&self, n: usize, what: &str) -> Result<i64, EdiError> {
        self.whole_number(n, what, 1)
    }

    /// Like `quantity`, where zero is meaningful (nothing of a line ships).
    pub fn count(&self, n: usize, what: &str) -> Result<i64, EdiError> {
        self.whole_number(n, what, 0)
    }

    fn whole_number(&self, n: usize, what: &str, min: i64) -> Result<i64, EdiError> {
        let value = self.required(n, what)?;
        let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
        match whole.parse::<i64>() {
            Ok(q) if q >= min && fraction.chars().all(|c| c == '0') => Ok(q),
            _ => Err(self.error_at(n, &format!("{what} as a whole number of at least {min}, found `{value}`"))),
        }
    }

    pub fn error(&self, expected: impl Into<String>) -> EdiError {
        error(self.position, &self.id, expected)
    }

    pub fn error_at(&self, n: usize, what: &str) -> EdiError {
        self.error(format!("{}{n:02} ({what})", self.id))
    }
}

/// Qualifier/value pairs from element `first` on (`PO1-06`/`PO1-07`, ...),
/// as product ids (`VP`, `BP`, `UP`...) come.
pub fn pairs(segment: &Segment, first: usize) -> Vec<(String, String)> {
    (first..=segment.elements.len())
        .step_by(2)
        .filter_map(|n| Some((segment.optional(n)?.to_string(), segment.optional(n + 1)?.to_string())))
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction {
    /// Position of its ST segment, for errors about missing segments.
    pub position: usize,
    /// ST01: `214`, `856`, `850`, `855`...
    pub set_id: String,
    pub control_number: String,
    /// Between ST and SE, exclusive.
    pub segments: Vec<Segment>,
}

impl Transaction {
    pub fn error(&self, expected: impl Into<String>) -> EdiError {
        error(self.position, "ST", expected)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// GS01: `QM` (214), `SH` (856), `PO` (850), `PR` (855)...
    pub functional_id: String,
    pub control_number: String,
    pub transactions: Vec<Transaction>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interchange {
    pub sender: String,
    pub receiver: String,
    pub control_number: String,
    pub component_separator: char,
    pub groups: Vec<Group>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdiError {
    /// 1-based segment position (0 when the ISA itself is unreadable).
    pub position: usize,
    pub segment: String,
    pub expected: String,
}

impl fmt::Display for EdiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segment.is_empty() {
            write!(f, "segment {}: expected {}", self.position, self.expected)
        } else {
            write!(f, "segment {} ({}): expected {}", self.position, self.segment, self.expected)
        }
    }
}

impl std::error::Error for EdiError {}

fn error(position: usize, segment: &str, expected: impl Into<String>) -> EdiError {
    EdiError { position, segment: segment.to_string(), expected: expected.into() }
}

/// ISA is fixed width: the element separator is its 4th character, the
/// component separator its 105th and the segment terminator its 106th.
const ISA_LENGTH: usize = 106;

/// Splits the interchange into segments using the separators the ISA declares.
pub fn segments(input: &[u8]) -> Result<(Vec<Segment>, char), EdiError> {
    let text = String::from_utf8_lossy(input);
    let text = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let isa: Vec<char> = text.chars().take(ISA_LENGTH).collect();
    if isa.len() < ISA_LENGTH || !text.starts_with("ISA") {
        return Err(error(0, "", "an interchange starting with a 106-character ISA segment"));
    }
    let element = isa[3];
    let component = isa[104];
    let terminator = isa[105];
    if element.is_alphanumeric() || terminator.is_alphanumeric() || element == terminator {
        return Err(error(1, "ISA", "distinct, non-alphanumeric element separator and segment terminator"));
    }
    let mut result = Vec::new();
    for raw in text.split(terminator) {
        // Line breaks after (or instead of around) terminators are not data.
        let raw = raw.trim_matches(|c: char| c == '\r' || c == '\n');
        if raw.trim().is_empty() {
            continue;
        }
        let mut parts = raw.split(element);
        let id = parts.next().unwrap_or_default().trim().to_string();
        let position = result.len() + 1;
        if id.is_empty() || id.len() > 3 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(error(position, &id, "a segment id of 2 or 3 letters or digits"));
        }
        result.push(Segment { position, id, elements: parts.map(str::to_string).collect() });
    }
    Ok((result, component))
}

/// Parses and checks a whole interchange.
pub fn parse(input: &[u8]) -> Result<Interchange, EdiError> {
    let (segments, component_separator) = segments(input)?;
    let mut iter = segments.into_iter().peekable();
    let isa = iter.next().ok_or_else(|| error(1, "", "ISA"))?;
    if isa.id != "ISA" || isa.elements.len() < 16 {
        return Err(error(isa.position, &isa.id, "ISA with 16 elements"));
    }
    let mut interchange = Interchange {
        sender: isa.element(6).trim().to_string(),
        receiver: isa.element(8).trim().to_string(),
        control_number: isa.element(13).trim().to_string(),
        component_separator,
        groups: Vec::new(),
    };
    loop {
        let segment =
            iter.next().ok_or_else(|| error(isa.position, "ISA", "a matching IEA before the end of input"))?;
        match segment.id.as_str() {
            "GS" => interchange.groups.push(parse_group(&segment, &mut iter)?),
            "IEA" => {
                check_trailer(
                    &segment,
                    interchange.groups.len(),
                    "the groups in this interchange",
                    "ISA13",
                    &interchange.control_number,
                )?;
                if let Some(extra) = iter.next() {
                    return Err(error(extra.position, &extra.id, "nothing after IEA"));
                }
                return Ok(interchange);
            }
            other => return Err(error(segment.position, other, "GS (a functional group) or IEA")),
        }
    }
}

/// A trailer (SE, GE, IEA) counts what it closes in element 1 and repeats
/// its header's control number in element 2.
fn check_trailer(trailer: &Segment, counted: usize, what: &str, header: &str, control: &str) -> Result<(), EdiError> {
    let id = trailer.id.as_str();
    let count = trailer.element(1).trim();
    if count.parse::<usize>().ok() != Some(counted) {
        return Err(error(trailer.position, id, format!("{id}01 = {counted} ({what}), found `{count}`")));
    }
    let found = trailer.element(2).trim();
    if found != control {
        return Err(error(trailer.position, id, format!("{id}02 = {header} `{control}`, found `{found}`")));
    }
    Ok(())
}

fn parse_group(gs: &Segment, iter: &mut impl Iterator<Item = Segment>) -> Result<Group, EdiError> {
    let mut group = Group {
        functional_id: gs.element(1).to_string(),
        control_number: gs.element(6).trim().to_string(),
        transactions: Vec::new(),
    };
    loop {
        let segment = iter.next().ok_or_else(|| error(gs.position, "GS", "a matching GE before the end of input"))?;
        match segment.id.as_str() {
            "ST" => group.transactions.push(parse_transaction(segment, iter)?),
            "GE" => {
                check_trailer(
                    &segment,
                    group.transactions.len(),
                    "the transaction sets in this group",
                    "GS06",
                    &group.control_number,
                )?;
                return Ok(group);
            }
            other => return Err(error(segment.position, other, "ST (a transaction set) or GE")),
        }
    }
}

fn parse_transaction(st: Segment, iter: &mut impl Iterator<Item = Segment>) -> Result<Transaction, EdiError> {
    let mut transaction = Transaction {
        position: st.position,
        set_id: st.element(1).trim().to_string(),
        control_number: st.element(2).trim().to_string(),
        segments: Vec::new(),
    };
    if transaction.set_id.is_empty() || transaction.control_number.is_empty() {
        return Err(error(st.position, "ST", "ST01 (the transaction set id) and ST02 (its control number)"));
    }
    loop {
        let segment = iter.next().ok_or_else(|| error(st.position, "ST", "a matching SE before the end of input"))?;
        match segment.id.as_str() {
            "SE" => {
                // SE01 counts ST and SE too.
                let counted = transaction.segments.len() + 2;
                check_trailer(&segment, counted, "segments from ST to SE", "ST02", &transaction.control_number)?;
                return Ok(transaction);
            }
            "ST" | "GE" | "GS" | "IEA" | "ISA" => {
                return Err(error(
                    segment.position,
                    &segment.id,
                    format!("SE closing transaction set {} first", transaction.control_number),
                ))
            }
            _ => transaction.segments.push(segment),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn isa(element: char, component: char, terminator: char, control: &str) -> String {
        let fields = [
            "ISA",
            "00",
            "          ",
            "00",
            "          ",
            "ZZ",
            "CARRIERX       ",
            "ZZ",
            "MILEPOST       ",
            "261124",
            "1430",
            "U",
            "00401",
            control,
            "0",
            "P",
        ];
        format!("{}{element}{component}{terminator}", fields.join(&element.to_string()))
    }

    fn sample(element: char, terminator: char, newline: &str) -> String {
        let e = element;
        let t = format!("{terminator}{newline}");
        [
            isa(element, '>', terminator, "000000905").trim_end_matches(terminator).to_string(),
            format!("GS{e}QM{e}CARRIERX{e}MILEPOST{e}20261124{e}1430{e}905{e}X{e}004010"),
            format!("ST{e}214{e}0001"),
            format!("B10{e}PRO123{e}SO-1001{e}CARX"),
            format!("AT7{e}X1{e}NS{e}{e}{e}20261124{e}1405{e}CT"),
            format!("SE{e}4{e}0001"),
            format!("ST{e}214{e}0002"),
            format!("B10{e}PRO124{e}SO-1002{e}CARX"),
            format!("SE{e}3{e}0002"),
            format!("GE{e}2{e}905"),
            format!("GS{e}SH{e}WHSE{e}MILEPOST{e}20261124{e}1431{e}906{e}X{e}004010"),
            format!("ST{e}856{e}0101"),
            format!("BSN{e}00{e}ASN1{e}20261124{e}1431"),
            format!("SE{e}3{e}0101"),
            format!("GE{e}1{e}906"),
            format!("IEA{e}2{e}000000905"),
        ]
        .join(&t)
            + &terminator.to_string()
    }

    #[test]
    fn reads_groups_and_transactions_with_the_declared_separators() {
        for (element, terminator, newline) in [('*', '~', "\n"), ('|', '\'', "\r\n"), ('^', '~', ""), ('*', '\n', "")] {
            let interchange = parse(sample(element, terminator, newline).as_bytes())
                .unwrap_or_else(|e| panic!("{element} {terminator:?} {newline:?}: {e}"));
            assert_eq!(interchange.control_number, "000000905");
            assert_eq!(interchange.sender, "CARRIERX");
            assert_eq!(interchange.groups.len(), 2);
            assert_eq!(interchange.groups[0].transactions.len(), 2);
            let at7 = &interchange.groups[0].transactions[0].segments[1];
            assert_eq!((at7.id.as_str(), at7.element(1), at7.element(5)), ("AT7", "X1", "20261124"));
            assert_eq!(interchange.groups[1].transactions[0].set_id, "856");
        }
    }

    #[test]
    fn broken_envelopes_name_the_segment_and_what_was_expected() {
        let good = sample('*', '~', "\n");
        let cases = [
            (good.replace("SE*4*0001", "SE*5*0001"), 6, "SE01 = 4"),
            (good.replace("SE*3*0002", "SE*3*0009"), 9, "SE02 = ST02 `0002`"),
            (good.replace("GE*2*905", "GE*3*905"), 10, "GE01 = 2"),
            (good.replace("GE*1*906", "GE*1*907"), 15, "GE02 = GS06 `906`"),
            (good.replace("IEA*2*", "IEA*1*"), 16, "IEA01 = 2"),
            (good.replace("IEA*2*000000905", "IEA*2*000000999"), 16, "IEA02 = ISA13"),
            (good.replace("SE*3*0101~\n", ""), 14, "SE closing transaction set 0101"),
            (good.replace("IEA*2*000000905~", ""), 1, "a matching IEA"),
        ];
        for (input, position, expected) in cases {
            let err = parse(input.as_bytes()).unwrap_err();
            assert_eq!(err.position, position, "{err}");
            assert!(err.to_string().contains(expected), "{err} lacks {expected}");
        }
        assert_eq!(parse(b"GS*QM~").unwrap_err().position, 0);
        assert_eq!(parse(b"").unwrap_err().position, 0);
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse(&bytes);
        }

        /// Every transaction reader, on any transaction a damaged but
        /// well-enveloped interchange yields, gives a value or an error.
        #[test]
        fn readers_never_panic_on_damaged_documents(
            sample in 0usize..4, at in 0usize..1000, insert in "[*|^~>:'\n0-9A-Z]{0,6}", cut in 0usize..12,
        ) {
            let samples = [
                include_str!("../../../tests/samples/edi/214_before_the_shipment_exists.x12"),
                include_str!("../../../tests/samples/edi/214_delivered.x12"),
                include_str!("../../../tests/samples/edi/856_pick_and_pack.x12"),
                include_str!("../../../tests/samples/edi/850_855_purchase_order_and_acknowledgment.x12"),
            ];
            let mut text = samples[sample].to_string();
            // Damage after the ISA so the envelope usually still parses.
            let at = (106 + at).min(text.len());
            if text.is_char_boundary(at) {
                text.insert_str(at, &insert);
                let end = (at + cut).min(text.len());
                if text.is_char_boundary(end) {
                    text.replace_range(at + insert.len()..end.max(at + insert.len()), "");
                }
            }
            let Ok(interchange) = parse(text.as_bytes()) else { return Ok(()) };
            for transaction in interchange.groups.iter().flat_map(|g| &g.transactions) {
                if let Ok(status) = shipment_status::read(transaction, chrono_tz::UTC) {
                    let _ = status.carrier_events("X");
                }
                let _ = ship_notice::read(transaction, chrono_tz::UTC);
                let _ = purchase_order::read(transaction);
                if let Ok(ack) = po_acknowledgment::read(transaction) {
                    let _: Vec<_> = ack.lines.iter().map(|l| l.change()).collect();
                }
            }
        }

        #[test]
        fn never_panics_on_damaged_interchanges(cut in 0usize..700, insert in any::<u8>(), at in 0usize..700) {
            let mut bytes = sample('*', '~', "\n").into_bytes();
            let at = at.min(bytes.len());
            bytes.insert(at, insert);
            bytes.truncate(cut.max(1).min(bytes.len()));
            let _ = parse(&bytes);
        }
    }
}
