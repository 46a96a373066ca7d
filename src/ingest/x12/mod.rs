//! ANSI X12 interchanges: the envelope (ISA/GS/ST ... SE/GE/IEA) with its
//! separators read from the ISA segment and its control counts and numbers
//! checked. Transaction sets (214, 856, 850, 855) are read from the
//! `Transaction` segments this produces. Errors name the segment position
//! and what was expected; no input makes it panic.

pub mod acknowledgment;
pub mod po_acknowledgment;
pub mod purchase_order;
pub mod ship_notice;
pub mod shipment_status;
pub mod time;

use crate::domain::Quantity;
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
        self.optional(n).ok_or_else(|| self.missing_element(n, what))
    }

    /// A positive quantity in element `n`: `12`, `12.0`, `2.5` (X12's R
    /// type), at most three decimals.
    pub fn quantity(&self, n: usize, what: &str) -> Result<Quantity, EdiError> {
        self.decimal(n, what, false)
    }

    /// Like `quantity`, where zero is meaningful (nothing of a line ships).
    pub fn count(&self, n: usize, what: &str) -> Result<Quantity, EdiError> {
        self.decimal(n, what, true)
    }

    fn decimal(&self, n: usize, what: &str, zero_allowed: bool) -> Result<Quantity, EdiError> {
        let value = self.required(n, what)?;
        let least = if zero_allowed { "zero or more" } else { "more than zero" };
        match value.parse::<Quantity>() {
            Ok(q) if q.is_positive() || (zero_allowed && q.is_zero()) => Ok(q),
            Ok(_) => Err(self.error_at(n, &format!("{what}, {least}, found `{value}`"))),
            Err(e) => {
                Err(self.error_at(n, &format!("{what} as a number with at most three decimals, found `{value}` ({e})")))
            }
        }
    }

    pub fn error(&self, expected: impl Into<String>) -> EdiError {
        error(self.position, &self.id, expected)
    }

    /// A wrong value in element `n`.
    pub fn error_at(&self, n: usize, what: &str) -> EdiError {
        EdiError { element: Some(n), ..self.error(format!("{}{n:02} ({what})", self.id)) }
    }

    /// Element `n` is empty where it is needed.
    pub fn missing_element(&self, n: usize, what: &str) -> EdiError {
        EdiError { missing: true, ..self.error_at(n, what) }
    }

    /// A segment `id` this one needs is not there (a PRF in an HL order level).
    pub fn missing_segment(&self, id: &str, what: &str) -> EdiError {
        EdiError { missing: true, ..error(self.position, id, what) }
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
pub struct EdiError {
    /// 1-based segment position (0 when the ISA itself is unreadable).
    pub position: usize,
    pub segment: String,
    pub expected: String,
    /// The element at fault (`2` for BEG02), for the acknowledgment's AK4.
    pub element: Option<usize>,
    /// The element or segment is absent, rather than wrong.
    pub missing: bool,
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
    EdiError { position, segment: segment.to_string(), expected: expected.into(), element: None, missing: false }
}

/// ISA is fixed width: 16 elements of these widths, the element separator
/// its 4th byte, the component separator its 105th and the segment
/// terminator its 106th.
const ISA_LENGTH: usize = 106;
const ISA_WIDTHS: [usize; 16] = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];

/// The interchange header, read before anything else so that even a
/// refused interchange can be answered (TA1) and every acknowledgment can
/// reverse its envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub sender_qualifier: String,
    /// ISA06, trimmed.
    pub sender: String,
    pub receiver_qualifier: String,
    /// ISA08, trimmed.
    pub receiver: String,
    /// ISA09 (YYMMDD) and ISA10 (HHMM), as sent.
    pub date: String,
    pub time: String,
    /// ISA11: `U` before 00402, the repetition separator after.
    pub standards_id: String,
    /// ISA12: `00401`, `00501`...
    pub version: String,
    /// ISA13.
    pub control_number: String,
    /// ISA14 = 1: the sender asks for a TA1.
    pub ta1_requested: bool,
    /// ISA15: `P` production, `T` test.
    pub usage: String,
    pub element_separator: char,
    pub component_separator: char,
    pub terminator: char,
    /// `\n` or `\r\n` when segments are written one per line, else empty:
    /// answers are written the same way.
    pub line_break: String,
}

/// Reads the ISA segment: fixed widths, three usable separators.
pub fn header(input: &[u8]) -> Result<Header, EdiError> {
    let start = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let start = &start[start.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(start.len())..];
    if !start.starts_with(b"ISA") || start.len() < ISA_LENGTH {
        return Err(error(0, "", "an interchange starting with a 106-character ISA segment"));
    }
    let isa = &start[..ISA_LENGTH];
    let separator = |at: usize, name: &str, element: &str| -> Result<char, EdiError> {
        let byte = isa[at];
        if !byte.is_ascii() || byte.is_ascii_alphanumeric() || byte == b' ' {
            return Err(error(
                1,
                "ISA",
                format!(
                    "the {name} ({element}, byte {}) to be one ASCII character that is neither a letter, a digit nor \
                     a space, found byte 0x{byte:02X}; the ISA is 106 single-byte characters",
                    at + 1
                ),
            ));
        }
        Ok(byte as char)
    };
    let element = separator(3, "element separator", "after ISA")?;
    let component = separator(104, "component separator", "ISA16")?;
    let terminator = separator(105, "segment terminator", "after ISA16")?;
    if element == terminator || component == element || component == terminator {
        return Err(error(
            1,
            "ISA",
            format!(
                "three different separators, found element `{element}`, component `{component}` and terminator \
                 `{}`",
                terminator.escape_default()
            ),
        ));
    }
    // A common mistake: ISA16 left out, so the terminator stands in its
    // place, a line break in the terminator's, and every segment seems to
    // end with a stray `~`. Say that, not what breaks at the first IEA.
    let next_line = start[ISA_LENGTH..].split(|b| *b == b'\n').find(|l| !l.trim_ascii().is_empty());
    if terminator.is_ascii_whitespace() && next_line.is_some_and(|l| l.trim_ascii().ends_with(&[component as u8])) {
        return Err(error(
            1,
            "ISA",
            format!(
                "ISA16, the component separator: it seems to be missing, as `{component}` stands where it should \
                 and every segment ends with `{component}` before its line break"
            ),
        ));
    }
    let text = std::str::from_utf8(&isa[..ISA_LENGTH - 1]).map_err(|_| {
        error(1, "ISA", "an ISA segment of 106 single-byte characters (it holds a multi-byte character)")
    })?;
    let fields: Vec<&str> = text.split(element).skip(1).collect();
    if fields.len() != ISA_WIDTHS.len() {
        return Err(error(
            1,
            "ISA",
            format!(
                "16 fixed-width elements separated by `{element}`, found {}: is `{element}` also used inside the \
                 data, or an element not padded to its width?",
                fields.len()
            ),
        ));
    }
    if let Some((n, (field, width))) =
        fields.iter().zip(ISA_WIDTHS).enumerate().find(|(n, (field, width))| *n < 15 && field.len() != *width)
    {
        return Err(error(
            1,
            "ISA",
            format!("ISA{:02} padded to its fixed width of {width}, found {} characters `{field}`", n + 1, field.len()),
        ));
    }
    let f = |n: usize| fields[n - 1].trim().to_string();
    Ok(Header {
        sender_qualifier: f(5),
        sender: f(6),
        receiver_qualifier: f(7),
        receiver: f(8),
        date: f(9),
        time: f(10),
        standards_id: f(11),
        version: f(12),
        control_number: f(13),
        ta1_requested: f(14) == "1",
        usage: f(15),
        element_separator: element,
        component_separator: component,
        terminator,
        line_break: match &start[ISA_LENGTH..] {
            _ if terminator == '\n' || terminator == '\r' => "",
            [b'\r', b'\n', ..] => "\r\n",
            [b'\n', ..] => "\n",
            _ => "",
        }
        .to_string(),
    })
}

/// Splits the interchange into segments using the separators the ISA declares.
pub fn segments(input: &[u8]) -> Result<(Vec<Segment>, Header), EdiError> {
    let header = header(input)?;
    let text = String::from_utf8_lossy(input);
    let text = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let mut result = Vec::new();
    for raw in text.split(header.terminator) {
        // Line breaks after (or instead of around) terminators are not data.
        let raw = raw.trim_matches(|c: char| c == '\r' || c == '\n');
        if raw.trim().is_empty() {
            continue;
        }
        let mut parts = raw.split(header.element_separator);
        let id = parts.next().unwrap_or_default().trim().to_string();
        let position = result.len() + 1;
        if id.is_empty() || id.len() > 3 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(error(
                position,
                &id,
                format!(
                    "a segment id of 2 or 3 letters or digits (is the segment terminator `{}` declared in the ISA \
                     also used inside the data?)",
                    header.terminator.escape_default()
                ),
            ));
        }
        result.push(Segment { position, id, elements: parts.map(str::to_string).collect() });
    }
    Ok((result, header))
}

/// A file as partners' systems write them: one interchange after another.
/// Splits it before each ISA that starts a segment, as the first ISA's
/// separators say; each part is then parsed on its own.
pub fn interchanges(input: &[u8]) -> Vec<&[u8]> {
    let Ok(first) = header(input) else { return vec![input] };
    let mut starts = vec![0];
    let mut after_terminator = false;
    for (i, &byte) in input.iter().enumerate() {
        if after_terminator
            && input[i..].starts_with(b"ISA")
            && input.get(i + 3) == Some(&(first.element_separator as u8))
        {
            starts.push(i);
        }
        if byte == first.terminator as u8 {
            after_terminator = true;
        } else if !byte.is_ascii_whitespace() {
            after_terminator = false;
        }
    }
    starts.push(input.len());
    starts.windows(2).map(|w| &input[w[0]..w[1]]).collect()
}

/// A trailer (SE, GE, IEA) that disagrees with what it closes. The
/// interchange is still read; what to do (reject the set or group, refuse
/// the interchange, or accept it with a warning) is the caller's decision,
/// and the acknowledgment reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrailerFault {
    pub kind: FaultKind,
    pub error: EdiError,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// SE01, GE01 or IEA01 counts differently.
    Count,
    /// SE02, GE02 or IEA02 differs from its header's control number.
    ControlNumber,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction {
    /// Position of its ST segment, for errors about missing segments.
    pub position: usize,
    /// ST01: `214`, `856`, `850`, `855`...
    pub set_id: String,
    pub control_number: String,
    /// ST03, the implementation convention (`005010X231A1`), if any.
    pub convention: Option<String>,
    /// Between ST and SE, exclusive.
    pub segments: Vec<Segment>,
    pub trailer_fault: Option<TrailerFault>,
}

impl Transaction {
    pub fn error(&self, expected: impl Into<String>) -> EdiError {
        error(self.position, "ST", expected)
    }

    /// A segment `id` the set must have is not there.
    pub fn missing(&self, id: &str, what: &str) -> EdiError {
        EdiError { missing: true, ..error(self.position, id, what) }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// GS01: `QM` (214), `SH` (856), `PO` (850), `PR` (855)...
    pub functional_id: String,
    /// GS02 and GS03: the application codes, swapped in an acknowledgment.
    pub sender_code: String,
    pub receiver_code: String,
    pub control_number: String,
    /// GS08: `004010`, `005010X231A1`...
    pub version: String,
    pub transactions: Vec<Transaction>,
    pub trailer_fault: Option<TrailerFault>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interchange {
    pub header: Header,
    pub sender: String,
    pub receiver: String,
    pub control_number: String,
    pub component_separator: char,
    pub groups: Vec<Group>,
    pub trailer_fault: Option<TrailerFault>,
}

/// Parses a whole interchange. Errors are what makes it unreadable (no
/// ISA, a trailer missing, a segment out of place); trailers that disagree
/// with what they close are kept as `trailer_fault`s for the caller.
pub fn parse(input: &[u8]) -> Result<Interchange, EdiError> {
    let (segments, header) = segments(input)?;
    let mut iter = segments.into_iter().peekable();
    let isa = iter.next().ok_or_else(|| error(1, "", "ISA"))?;
    let mut interchange = Interchange {
        sender: header.sender.clone(),
        receiver: header.receiver.clone(),
        control_number: header.control_number.clone(),
        component_separator: header.component_separator,
        header,
        groups: Vec::new(),
        trailer_fault: None,
    };
    loop {
        let segment =
            iter.next().ok_or_else(|| error(isa.position, "ISA", "a matching IEA before the end of input"))?;
        match segment.id.as_str() {
            "GS" => interchange.groups.push(parse_group(&segment, &mut iter)?),
            // An interchange acknowledgment for an interchange Milepost sent.
            "TA1" if interchange.groups.is_empty() => {}
            "IEA" => {
                interchange.trailer_fault = check_trailer(
                    &segment,
                    interchange.groups.len(),
                    "the groups in this interchange",
                    "ISA13",
                    &interchange.control_number,
                );
                if let Some(extra) = iter.next() {
                    let expected = match extra.id.as_str() {
                        // A file of several interchanges: `milepost edi import` splits them.
                        "ISA" => "nothing after IEA, or a next interchange written with the same separators",
                        _ => "nothing after IEA",
                    };
                    return Err(error(extra.position, &extra.id, expected));
                }
                return Ok(interchange);
            }
            other => return Err(error(segment.position, other, "GS (a functional group) or IEA")),
        }
    }
}

/// A trailer (SE, GE, IEA) counts what it closes in element 1 and repeats
/// its header's control number in element 2. Counts may be zero-padded.
fn check_trailer(trailer: &Segment, counted: usize, what: &str, header: &str, control: &str) -> Option<TrailerFault> {
    let id = trailer.id.as_str();
    let count = trailer.element(1).trim();
    if count.parse::<usize>().ok() != Some(counted) {
        let error = EdiError {
            element: Some(1),
            ..error(trailer.position, id, format!("{id}01 = {counted} ({what}), found `{count}`"))
        };
        return Some(TrailerFault { kind: FaultKind::Count, error });
    }
    let found = trailer.element(2).trim();
    // Control numbers are numeric: 905 and 000000905 are the same number.
    let same = found == control || matches!((found.parse::<u64>(), control.parse::<u64>()), (Ok(a), Ok(b)) if a == b);
    if !same {
        let error = EdiError {
            element: Some(2),
            ..error(trailer.position, id, format!("{id}02 = {header} `{control}`, found `{found}`"))
        };
        return Some(TrailerFault { kind: FaultKind::ControlNumber, error });
    }
    None
}

fn parse_group(gs: &Segment, iter: &mut impl Iterator<Item = Segment>) -> Result<Group, EdiError> {
    let mut group = Group {
        functional_id: gs.element(1).trim().to_string(),
        sender_code: gs.element(2).trim().to_string(),
        receiver_code: gs.element(3).trim().to_string(),
        control_number: gs.element(6).trim().to_string(),
        version: gs.element(8).trim().to_string(),
        transactions: Vec::new(),
        trailer_fault: None,
    };
    loop {
        let segment = iter.next().ok_or_else(|| error(gs.position, "GS", "a matching GE before the end of input"))?;
        match segment.id.as_str() {
            "ST" => group.transactions.push(parse_transaction(segment, iter)?),
            "GE" => {
                group.trailer_fault = check_trailer(
                    &segment,
                    group.transactions.len(),
                    "the transaction sets in this group",
                    "GS06",
                    &group.control_number,
                );
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
        convention: st.optional(3).map(str::to_string),
        segments: Vec::new(),
        trailer_fault: None,
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
                transaction.trailer_fault =
                    check_trailer(&segment, counted, "segments from ST to SE", "ST02", &transaction.control_number);
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
            (good.replace("SE*3*0101~\n", ""), 14, "SE closing transaction set 0101"),
            (good.replace("IEA*2*000000905~", ""), 1, "a matching IEA"),
            (good.replace("GE*1*906~\n", ""), 15, "ST (a transaction set) or GE"),
        ];
        for (input, position, expected) in cases {
            let err = parse(input.as_bytes()).unwrap_err();
            assert_eq!(err.position, position, "{err}");
            assert!(err.to_string().contains(expected), "{err} lacks {expected}");
        }
        assert_eq!(parse(b"GS*QM~").unwrap_err().position, 0);
        assert_eq!(parse(b"").unwrap_err().position, 0);
    }

    #[test]
    fn a_file_of_several_interchanges_is_split_before_each_isa() {
        let one = sample('*', '~', "\n");
        let two = one.replace("000000905", "000000906");
        let file = format!("{one}\r\n{two}");
        let parts = interchanges(file.as_bytes());
        assert_eq!(parts.len(), 2);
        assert_eq!(parse(parts[0]).unwrap().control_number, "000000905");
        assert_eq!(parse(parts[1]).unwrap().control_number, "000000906");
        // Parsed whole, the file is refused at the second ISA, saying why.
        let refused = parse(file.as_bytes()).unwrap_err().to_string();
        assert!(refused.contains("a next interchange written with the same separators"), "{refused}");
        assert_eq!(interchanges(one.as_bytes()).len(), 1);
        // "ISA" inside data is not a new interchange.
        assert_eq!(interchanges(one.replace("PRO123", "ISA*1").as_bytes()).len(), 1);
        assert_eq!(interchanges(b"junk").len(), 1);
    }

    #[test]
    fn trailers_that_disagree_are_kept_for_the_acknowledgment() {
        let good = sample('*', '~', "\n");
        let set = |i: &Interchange, g: usize, t: usize| i.groups[g].transactions[t].trailer_fault.clone();
        let fault = |f: Option<TrailerFault>| f.map(|f| (f.kind, f.error.position, f.error.to_string()));
        let i = parse(good.replace("SE*4*0001", "SE*5*0001").as_bytes()).unwrap();
        let (kind, position, message) = fault(set(&i, 0, 0)).unwrap();
        assert_eq!((kind, position), (FaultKind::Count, 6));
        assert!(message.contains("SE01 = 4"), "{message}");
        assert_eq!(set(&i, 0, 1), None, "the next set is fine");
        let i = parse(good.replace("SE*3*0002", "SE*3*0009").as_bytes()).unwrap();
        assert_eq!(fault(set(&i, 0, 1)).unwrap().0, FaultKind::ControlNumber);
        let i = parse(good.replace("GE*2*905", "GE*3*905").as_bytes()).unwrap();
        assert!(fault(i.groups[0].trailer_fault.clone()).unwrap().2.contains("GE01 = 2"));
        let i = parse(good.replace("GE*1*906", "GE*1*907").as_bytes()).unwrap();
        assert!(fault(i.groups[1].trailer_fault.clone()).unwrap().2.contains("GE02 = GS06 `906`"));
        let i = parse(good.replace("IEA*2*", "IEA*1*").as_bytes()).unwrap();
        assert!(fault(i.trailer_fault.clone()).unwrap().2.contains("IEA01 = 2"));
        let i = parse(good.replace("IEA*2*000000905", "IEA*2*000000999").as_bytes()).unwrap();
        assert_eq!(fault(i.trailer_fault).unwrap().0, FaultKind::ControlNumber);
        // Zero-padded counts and control numbers are the same numbers.
        let padded = good.replace("SE*4*0001", "SE*000004*0001").replace("GE*1*906", "GE*0001*000906");
        let i = parse(padded.as_bytes()).unwrap();
        assert!(i.groups.iter().all(|g| g.trailer_fault.is_none()));
        assert!(i.groups.iter().flat_map(|g| &g.transactions).all(|t| t.trailer_fault.is_none()));
    }

    #[test]
    fn the_isa_header_is_read_and_unusable_separators_are_named() {
        let good = sample('*', '~', "\n");
        let h = header(good.as_bytes()).unwrap();
        assert_eq!((h.sender_qualifier.as_str(), h.sender.as_str()), ("ZZ", "CARRIERX"));
        assert_eq!((h.version.as_str(), h.usage.as_str()), ("00401", "P"));
        assert!(!h.ta1_requested);
        assert_eq!((h.element_separator, h.component_separator, h.terminator), ('*', '>', '~'));
        // A byte-order mark and leading blank lines are not data.
        assert!(parse(format!("\u{feff}\r\n{good}").as_bytes()).is_ok());

        let message = |input: String| header(input.as_bytes()).unwrap_err().to_string();
        // A multi-byte separator shifts every fixed position: say so at once.
        let m = message(good.replacen('*', "§", 1));
        assert!(m.contains("segment 1 (ISA)") && m.contains("element separator"), "{m}");
        // The element separator inside a field.
        let m = message(good.replacen("CARRIERX       ", "CARRIER*X      ", 1));
        assert!(m.contains("also used inside the data"), "{m}");
        // A field not padded to its width.
        let m = message(good.replacen("*261124*1430*", "*26112*14300*", 1));
        assert!(m.contains("ISA09 padded to its fixed width of 6"), "{m}");
        // ISA16 left out.
        let missing = good.replacen("*0*P*>~\n", "*0*P*~\n", 1);
        let m = message(missing);
        assert!(m.contains("ISA16, the component separator: it seems to be missing"), "{m}");
        // Two separators the same.
        let m = message(good.replacen("*>~", "*~~", 1));
        assert!(m.contains("three different separators"), "{m}");
        // The terminator used inside the data is pointed at, not the segment after.
        let m = parse(good.replace("PRO123", "PRO~1.23").as_bytes()).unwrap_err().to_string();
        assert!(m.contains("segment terminator `~` declared in the ISA also used inside the data"), "{m}");
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
