//! The answer every EDI partner expects: a 997 functional acknowledgment
//! (or a 999 implementation acknowledgment for 005010 partners) per
//! functional group received, and a TA1 for the interchange when the
//! partner asks for one (ISA14 = 1) or its profile says so.
//!
//! These say whether each transaction set was syntactically acceptable,
//! not whether Milepost could act on it: an 855 for a PO Milepost does not
//! know yet is accepted (and kept until the order arrives). Error codes come
//! from the X12 code lists: 716 (AK9), 717/718 (AK5/IK5), 720 (AK3), 723
//! (AK4/IK4) and I18 (TA1).
//!
//! The envelope is the received one reversed (sender and receiver swapped,
//! at interchange and group level), with the received separators, version
//! and usage indicator, and Milepost's own control numbers for the partner.

use super::{EdiError, FaultKind, Group, Header, Interchange};
pub use crate::domain::edi_partner::AckKind;
use chrono::{DateTime, Utc};

/// What the acknowledgment says about one transaction set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetVerdict {
    Accepted,
    /// A set this partner is not expected to send, or one Milepost does not
    /// read at all (AK5 code 1).
    NotSupported,
    /// Its SE disagrees with what it closes (AK5 code 4 or 3).
    Trailer(FaultKind),
    /// A segment or element in error, as the set's reader found it.
    Invalid(EdiError),
}

/// What the acknowledgment says about one functional group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupVerdict {
    /// One per transaction set, in order.
    pub sets: Vec<SetVerdict>,
    /// The GE01 count is wrong but the partner's profile tolerates it: the
    /// group is read, and the acknowledgment notes the error (AK9 `E`).
    pub count_tolerated: bool,
}

/// The TA1's verdict on the interchange envelope (code list I18).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Ta1Note {
    /// 000: no error.
    NoError,
    /// 001: the control numbers in ISA13 and IEA02 differ. Refused.
    ControlNumberMismatch,
    /// 021: IEA01 miscounts the groups; refused, or `E` when tolerated.
    GroupCount {
        tolerated: bool,
    },
    /// 022 invalid control structure, or 023 premature end of file. Refused.
    InvalidStructure,
    PrematureEnd,
}

impl Ta1Note {
    fn parts(self) -> (&'static str, &'static str) {
        match self {
            Ta1Note::NoError => ("A", "000"),
            Ta1Note::ControlNumberMismatch => ("R", "001"),
            Ta1Note::GroupCount { tolerated: true } => ("E", "021"),
            Ta1Note::GroupCount { tolerated: false } => ("R", "021"),
            Ta1Note::InvalidStructure => ("R", "022"),
            Ta1Note::PrematureEnd => ("R", "023"),
        }
    }

    /// The note for an interchange that could not be read past its ISA.
    pub fn for_error(error: &EdiError) -> Self {
        if error.expected.contains("before the end of input") {
            Ta1Note::PrematureEnd
        } else {
            Ta1Note::InvalidStructure
        }
    }
}

/// Milepost's own control numbers for this acknowledgment: ISA13, and the
/// first GS06 (one group per group acknowledged, numbered on from it).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ControlNumbers {
    pub interchange: u64,
    pub first_group: u64,
}

/// Writes segments with the received separators.
struct Writer<'a> {
    header: &'a Header,
    text: String,
    /// Segments since the current ST, ST included.
    in_set: usize,
}

impl Writer<'_> {
    fn segment(&mut self, id: &str, elements: &[&str]) {
        let mut segment = id.to_string();
        // Trailing empty elements are left out, as X12 requires.
        let used = elements.iter().rposition(|e| !e.is_empty()).map_or(0, |i| i + 1);
        for element in &elements[..used] {
            segment.push(self.header.element_separator);
            segment.push_str(element);
        }
        self.text.push_str(&segment);
        self.text.push(self.header.terminator);
        self.text.push_str(&self.header.line_break);
        self.in_set += 1;
    }
}

/// An acknowledgment interchange: the TA1 (if `ta1` is given), then a 997 or
/// 999 per received group that is not itself an acknowledgment.
pub fn acknowledgment(
    interchange: &Interchange,
    verdicts: &[GroupVerdict],
    kind: AckKind,
    ta1: Option<Ta1Note>,
    numbers: ControlNumbers,
    now: DateTime<Utc>,
) -> Option<String> {
    let groups: Vec<(&Group, &GroupVerdict)> = interchange
        .groups
        .iter()
        .zip(verdicts)
        // Acknowledgments are never acknowledged.
        .filter(|(g, _)| g.functional_id != "FA")
        .collect();
    let kind = if groups.is_empty() { AckKind::None } else { kind };
    if kind == AckKind::None && ta1.is_none() {
        return None;
    }
    let mut w = Writer { header: &interchange.header, text: String::new(), in_set: 0 };
    open_interchange(&mut w, numbers, now);
    if let Some(note) = ta1 {
        ta1_segment(&mut w, note);
    }
    let mut count = 0;
    if kind != AckKind::None {
        for (i, (group, verdict)) in groups.iter().enumerate() {
            let control = (numbers.first_group + i as u64).to_string();
            functional_group(&mut w, group, verdict, kind, &control, now);
            count += 1;
        }
    }
    w.segment("IEA", &[&count.to_string(), &format!("{:09}", numbers.interchange)]);
    Some(w.text)
}

/// A TA1 alone, for an interchange refused at its envelope.
pub fn ta1_only(header: &Header, note: Ta1Note, interchange: u64, now: DateTime<Utc>) -> String {
    let mut w = Writer { header, text: String::new(), in_set: 0 };
    open_interchange(&mut w, ControlNumbers { interchange, first_group: 0 }, now);
    ta1_segment(&mut w, note);
    w.segment("IEA", &["0", &format!("{interchange:09}")]);
    w.text
}

fn open_interchange(w: &mut Writer, numbers: ControlNumbers, now: DateTime<Utc>) {
    let h = w.header;
    let pad = |value: &str, width: usize| format!("{value:<width$}");
    w.segment(
        "ISA",
        &[
            "00",
            &pad("", 10),
            "00",
            &pad("", 10),
            &pad(&h.receiver_qualifier, 2),
            &pad(&h.receiver, 15),
            &pad(&h.sender_qualifier, 2),
            &pad(&h.sender, 15),
            &now.format("%y%m%d").to_string(),
            &now.format("%H%M").to_string(),
            &h.standards_id,
            &h.version,
            &format!("{:09}", numbers.interchange),
            "0",
            &h.usage,
            &h.component_separator.to_string(),
        ],
    );
}

fn ta1_segment(w: &mut Writer, note: Ta1Note) {
    let h = w.header;
    let (status, code) = note.parts();
    w.segment("TA1", &[&h.control_number, &h.date, &h.time, status, code]);
}

fn functional_group(
    w: &mut Writer,
    group: &Group,
    verdict: &GroupVerdict,
    kind: AckKind,
    control: &str,
    now: DateTime<Utc>,
) {
    let (set_id, version) = match kind {
        AckKind::Implementation => ("999", "005010X231A1".to_string()),
        _ => ("997", group.version.clone()),
    };
    w.segment(
        "GS",
        &[
            "FA",
            &group.receiver_code,
            &group.sender_code,
            &now.format("%Y%m%d").to_string(),
            &now.format("%H%M").to_string(),
            control,
            "X",
            &version,
        ],
    );
    w.in_set = 0;
    w.segment("ST", &[set_id, "0001", if kind == AckKind::Implementation { &version } else { "" }]);
    let ak103 = if kind == AckKind::Implementation { group.version.as_str() } else { "" };
    w.segment("AK1", &[&group.functional_id, &group.control_number, ak103]);

    let received = group.transactions.len().to_string();
    let trailer = group.trailer_fault.as_ref().map(|f| f.kind);
    let rejected_group = match trailer {
        Some(FaultKind::ControlNumber) => Some("4"),
        Some(FaultKind::Count) if !verdict.count_tolerated => Some("5"),
        _ => None,
    };
    if let Some(code) = rejected_group {
        w.segment("AK9", &["R", &received, &received, "0", code]);
    } else {
        let mut accepted = 0;
        for (transaction, set) in group.transactions.iter().zip(&verdict.sets) {
            let ok = set_response(w, transaction, set, kind);
            accepted += usize::from(ok);
        }
        let tolerated = trailer == Some(FaultKind::Count);
        let status = match (accepted, tolerated) {
            (0, _) => "R",
            (n, _) if n < verdict.sets.len() => "P",
            (_, true) => "E",
            _ => "A",
        };
        let notes = if tolerated { "5" } else { "" };
        w.segment("AK9", &[status, &received, &received, &accepted.to_string(), notes]);
    }
    let count = (w.in_set + 1).to_string();
    w.segment("SE", &[&count, "0001"]);
    w.segment("GE", &["1", control]);
}

/// AK2 ... AK5 (or IK5) for one set. True when it is accepted.
fn set_response(w: &mut Writer, transaction: &super::Transaction, verdict: &SetVerdict, kind: AckKind) -> bool {
    let implementation = kind == AckKind::Implementation;
    let convention = if implementation { transaction.convention.as_deref().unwrap_or("") } else { "" };
    w.segment("AK2", &[&transaction.set_id, &transaction.control_number, convention]);
    let (segment_id, element_id, set_id) = if implementation { ("IK3", "IK4", "IK5") } else { ("AK3", "AK4", "AK5") };
    let code = match verdict {
        SetVerdict::Accepted => None,
        SetVerdict::NotSupported => Some("1"),
        SetVerdict::Trailer(FaultKind::Count) => Some("4"),
        SetVerdict::Trailer(FaultKind::ControlNumber) => Some("3"),
        SetVerdict::Invalid(error) => {
            // A segment in error: where it is within the set (ST is 1)...
            let position = (error.position + 1).saturating_sub(transaction.position).max(1).to_string();
            if error.segment != "ST" && !error.segment.is_empty() {
                let problem = match (error.missing, error.element) {
                    (true, None) => "3", // mandatory segment missing
                    _ => "8",            // segment has data element errors
                };
                w.segment(segment_id, &[&error.segment, &position, "", problem]);
                if let Some(n) = error.element {
                    let found = transaction
                        .segments
                        .iter()
                        .find(|s| s.position == error.position)
                        .map_or("", |s| s.element(n).trim());
                    let (problem, copy) = if error.missing { ("1", "") } else { ("7", found) };
                    // The bad value is copied, up to 99 characters.
                    let copy: String = copy.chars().take(99).collect();
                    w.segment(element_id, &[&n.to_string(), "", problem, &copy]);
                }
            }
            Some("5")
        }
    };
    match code {
        None => w.segment(set_id, &["A"]),
        Some(code) => w.segment(set_id, &["R", code]),
    }
    code.is_none()
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;
    use chrono::TimeZone;

    const TWO_GROUPS: &str =
        "ISA*00*          *00*          *ZZ*CARRIERX       *ZZ*MILEPOST       *261124*1430*U*00401*000000905*1*P*>~
GS*QM*CARRIERX*MILEPOST*20261124*1430*905*X*004010~
ST*214*0001~
B10*PRO123*SO-1001*CARX~
AT7*X1*NS***20261124*1405*CT~
SE*4*0001~
ST*214*0002~
B10*PRO124*SO-1002*CARX~
SE*3*0002~
GE*2*905~
GS*SH*WHSE*MILEPOST*20261124*1431*906*X*004010~
ST*856*0101~
BSN*00*ASN1*20261124*1431~
SE*3*0101~
GE*1*906~
IEA*2*000000905~
";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 9, 5, 0).unwrap()
    }

    fn numbers() -> ControlNumbers {
        ControlNumbers { interchange: 17, first_group: 41 }
    }

    fn accepted(n: usize) -> GroupVerdict {
        GroupVerdict { sets: vec![SetVerdict::Accepted; n], count_tolerated: false }
    }

    fn lines(text: &str) -> Vec<&str> {
        text.lines().collect()
    }

    #[test]
    fn a_clean_interchange_gets_a_997_per_group_in_a_reversed_envelope() {
        let interchange = parse(TWO_GROUPS.as_bytes()).unwrap();
        let ack = acknowledgment(
            &interchange,
            &[accepted(2), accepted(1)],
            AckKind::Functional,
            Some(Ta1Note::NoError),
            numbers(),
            now(),
        )
        .unwrap();
        assert_eq!(
            lines(&ack),
            [
                "ISA*00*          *00*          *ZZ*MILEPOST       *ZZ*CARRIERX       *261203*0905*U*00401*000000017*0*P*>~",
                "TA1*000000905*261124*1430*A*000~",
                "GS*FA*MILEPOST*CARRIERX*20261203*0905*41*X*004010~",
                "ST*997*0001~",
                "AK1*QM*905~",
                "AK2*214*0001~",
                "AK5*A~",
                "AK2*214*0002~",
                "AK5*A~",
                "AK9*A*2*2*2~",
                "SE*8*0001~",
                "GE*1*41~",
                "GS*FA*MILEPOST*WHSE*20261203*0905*42*X*004010~",
                "ST*997*0001~",
                "AK1*SH*906~",
                "AK2*856*0101~",
                "AK5*A~",
                "AK9*A*1*1*1~",
                "SE*6*0001~",
                "GE*1*42~",
                "IEA*2*000000017~",
            ]
        );
        // Milepost reads its own acknowledgment back: the envelope is sound.
        let back = parse(ack.as_bytes()).unwrap();
        assert!(back.trailer_fault.is_none());
        assert!(back.groups.iter().all(|g| g.trailer_fault.is_none()));
        assert!(back.groups.iter().flat_map(|g| &g.transactions).all(|t| t.trailer_fault.is_none()));
        assert_eq!((back.sender.as_str(), back.receiver.as_str()), ("MILEPOST", "CARRIERX"));
    }

    #[test]
    fn errors_are_named_by_segment_and_element_and_the_group_is_partly_accepted() {
        let interchange = parse(TWO_GROUPS.as_bytes()).unwrap();
        let b10 = &interchange.groups[0].transactions[1].segments[0];
        let bad_reference = b10.error_at(3, "the carrier's SCAC");
        let missing_at7 = interchange.groups[0].transactions[1].missing("AT7", "at least one AT7 status");
        let ack = |set: SetVerdict| {
            let verdicts =
                [GroupVerdict { sets: vec![SetVerdict::Accepted, set], count_tolerated: false }, accepted(1)];
            acknowledgment(&interchange, &verdicts, AckKind::Functional, None, numbers(), now()).unwrap()
        };
        let text = ack(SetVerdict::Invalid(bad_reference));
        assert!(text.contains("AK2*214*0002~\nAK3*B10*2**8~\nAK4*3**7*CARX~\nAK5*R*5~\nAK9*P*2*2*1~"), "{text}");
        assert!(!text.contains("TA1"), "no TA1 unless asked");
        let text = ack(SetVerdict::Invalid(missing_at7));
        assert!(text.contains("AK3*AT7*1**3~\nAK5*R*5~"), "{text}");
        let text = ack(SetVerdict::Invalid(b10.missing_element(1, "the carrier's reference")));
        assert!(text.contains("AK3*B10*2**8~\nAK4*1**1~\nAK5*R*5~"), "{text}");
        let text = ack(SetVerdict::NotSupported);
        assert!(text.contains("AK2*214*0002~\nAK5*R*1~"), "{text}");
        let text = ack(SetVerdict::Trailer(FaultKind::Count));
        assert!(text.contains("AK5*R*4~"), "{text}");
        // Segment counts stay right with the error segments in.
        assert!(parse(text.as_bytes()).unwrap().groups.iter().all(|g| g.transactions[0].trailer_fault.is_none()));
    }

    #[test]
    fn a_miscounted_group_is_rejected_or_tolerated_with_a_note() {
        let miscounted = TWO_GROUPS.replace("GE*2*905", "GE*3*905");
        let interchange = parse(miscounted.as_bytes()).unwrap();
        let verdicts =
            |tolerated| [GroupVerdict { sets: vec![SetVerdict::Accepted; 2], count_tolerated: tolerated }, accepted(1)];
        let strict =
            acknowledgment(&interchange, &verdicts(false), AckKind::Functional, None, numbers(), now()).unwrap();
        assert!(strict.contains("AK1*QM*905~\nAK9*R*2*2*0*5~"), "{strict}");
        let tolerant =
            acknowledgment(&interchange, &verdicts(true), AckKind::Functional, None, numbers(), now()).unwrap();
        assert!(tolerant.contains("AK5*A~\nAK9*E*2*2*2*5~"), "{tolerant}");
        let wrong_control = TWO_GROUPS.replace("GE*2*905", "GE*2*907");
        let interchange = parse(wrong_control.as_bytes()).unwrap();
        let text = acknowledgment(&interchange, &verdicts(true), AckKind::Functional, None, numbers(), now()).unwrap();
        assert!(text.contains("AK9*R*2*2*0*4~"), "a wrong control number is never tolerated: {text}");
    }

    #[test]
    fn a_005010_partner_gets_a_999_with_its_repetition_separator_and_conventions() {
        let text = TWO_GROUPS
            .replace("*U*00401*", "*^*00501*")
            .replace("*X*004010~", "*X*005010X214~")
            .replace("ST*214*0001~", "ST*214*0001*005010X214~");
        let interchange = parse(text.as_bytes()).unwrap();
        let b10 = interchange.groups[0].transactions[0].segments[0].error_at(2, "the shipment id");
        let verdicts = [
            GroupVerdict { sets: vec![SetVerdict::Invalid(b10), SetVerdict::Accepted], count_tolerated: false },
            accepted(1),
        ];
        let ack = acknowledgment(&interchange, &verdicts, AckKind::Implementation, None, numbers(), now()).unwrap();
        let ack_lines = lines(&ack);
        assert!(ack_lines[0].contains("*^*00501*000000017*0*P*>~"), "{ack}");
        assert_eq!(ack_lines[1], "GS*FA*MILEPOST*CARRIERX*20261203*0905*41*X*005010X231A1~");
        assert_eq!(ack_lines[2], "ST*999*0001*005010X231A1~");
        assert_eq!(ack_lines[3], "AK1*QM*905*005010X214~");
        assert_eq!(&ack_lines[4..8], ["AK2*214*0001*005010X214~", "IK3*B10*2**8~", "IK4*2**7*SO-1001~", "IK5*R*5~"]);
        assert!(ack.contains("AK2*214*0002~\nIK5*A~\nAK9*P*2*2*1~"), "{ack}");
    }

    #[test]
    fn acknowledgments_are_not_acknowledged_and_a_refused_interchange_gets_a_ta1() {
        let fa = "ISA*00*          *00*          *ZZ*CARRIERX       *ZZ*MILEPOST       *261124*1430*U*00401*000000906*0*P*>~GS*FA*CARRIERX*MILEPOST*20261124*1430*907*X*004010~ST*997*0001~AK1*QM*1~AK9*A*1*1*1~SE*4*0001~GE*1*907~IEA*1*000000906~";
        let interchange = parse(fa.as_bytes()).unwrap();
        assert_eq!(acknowledgment(&interchange, &[accepted(1)], AckKind::Functional, None, numbers(), now()), None);

        let header = super::super::header(TWO_GROUPS.as_bytes()).unwrap();
        let text = ta1_only(&header, Ta1Note::ControlNumberMismatch, 18, now());
        assert_eq!(
            lines(&text),
            [
                "ISA*00*          *00*          *ZZ*MILEPOST       *ZZ*CARRIERX       *261203*0905*U*00401*000000018*0*P*>~",
                "TA1*000000905*261124*1430*R*001~",
                "IEA*0*000000018~",
            ]
        );
        let truncated = parse(TWO_GROUPS.replace("IEA*2*000000905~\n", "").as_bytes()).unwrap_err();
        assert_eq!(Ta1Note::for_error(&truncated), Ta1Note::PrematureEnd);
    }
}
