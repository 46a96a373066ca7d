//! The proof-of-delivery document: what it says, and the same thing as a
//! small, self-contained PDF. The PDF is written by hand (PDF 1.4, the
//! base-14 Helvetica fonts in WinAnsiEncoding, no images, no compression) so
//! that this module stays pure: std only, identical bytes for identical input,
//! and it builds for the browser as well as the server.

/// What a proof-of-delivery document says, already formatted for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodDocument {
    pub brand_name: String,
    pub order_number: String,
    pub customer_po: Option<String>,
    /// e.g. "UPS 1Z999…"
    pub shipment: String,
    pub receiver_name: String,
    /// Already formatted, with its zone.
    pub delivered_at: String,
    /// "51.50740, -0.12780 (±12 m)" or an address line.
    pub place: Option<String>,
    /// Address lines.
    pub ship_to: Vec<String>,
    pub lines: Vec<PodLine>,
    pub note: Option<String>,
    /// e.g. "POD-42"
    pub pod_id: String,
    /// e.g. "signature sha256:ab12…", one per stored file.
    pub files: Vec<String>,
}

/// One order line as the proof of delivery lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodLine {
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
}

/// A one-or-more-page A4 PDF (PDF 1.4) with the document's text, built by hand:
/// Helvetica / Helvetica-Bold base-14 fonts (WinAnsiEncoding), no images.
///
/// Text outside WinAnsiEncoding becomes '?'; long values are wrapped or cut
/// with an ellipsis; the lines table continues on further pages with its
/// header repeated. The output has no timestamp, so the same document always
/// gives the same bytes.
pub fn render_pdf(doc: &PodDocument) -> Vec<u8> {
    let pages = layout(doc);
    let title = format!("Proof of delivery {}", doc.order_number);
    write_pdf(&pages, &info_string(&title))
}

// ---------------------------------------------------------------------------
// Page geometry (points; A4 is 210 × 297 mm).

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_W - 50.0;
const TOP: f32 = PAGE_H - 50.0;
/// Content stays above this; the footer sits below it.
const BOTTOM: f32 = 64.0;
const FOOTER_Y: f32 = 36.0;

const BODY: f32 = 10.0;
const BODY_LH: f32 = 14.0;
const SMALL: f32 = 8.0;

/// Key/value block: labels on the left, values from here.
const VALUE_X: f32 = 160.0;
/// Most lines a single value (or a single address line) may wrap onto.
const MAX_VALUE_LINES: usize = 4;
/// Most lines the note may take; beyond that it is cut with an ellipsis.
const MAX_NOTE_LINES: usize = 80;
/// Lines table columns.
const COL_LINE_X: f32 = LEFT;
const COL_LINE_W: f32 = 34.0;
const COL_SKU_X: f32 = 88.0;
const COL_SKU_W: f32 = 110.0;
const COL_DESC_X: f32 = 204.0;
const COL_QTY_W: f32 = 92.0;
const COL_DESC_W: f32 = RIGHT - COL_QTY_W - 8.0 - COL_DESC_X;
const ROW_SIZE: f32 = 9.5;
const ROW_LH: f32 = 12.5;
const MAX_DESC_LINES: usize = 3;
const MAX_SKU_LINES: usize = 2;

/// WinAnsiEncoding's code for '…'.
const ELLIPSIS: u8 = 0x85;
/// WinAnsiEncoding's code for '·'.
const MIDDLE_DOT: u8 = 0xB7;
/// WinAnsiEncoding's code for '—'.
const EM_DASH: u8 = 0x97;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }

    fn widths(self) -> &'static [u16; 224] {
        match self {
            Font::Regular => &HELVETICA_WIDTHS,
            Font::Bold => &HELVETICA_BOLD_WIDTHS,
        }
    }
}

// ---------------------------------------------------------------------------
// Text: encoding, measuring, wrapping, escaping.

/// The text in WinAnsiEncoding (Windows-1252, which the PDF viewer maps to
/// glyphs): ASCII and Latin-1 as themselves, the Windows-1252 extras (curly
/// quotes, dashes, €, …) to their codes, white space to a space, and
/// everything else (other scripts, emoji, control characters) to '?'.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => b' ',
            ' '..='~' => c as u8,
            '\u{A0}'..='\u{FF}' => c as u32 as u8,
            '\u{20AC}' => 0x80,
            '\u{201A}' => 0x82,
            '\u{0192}' => 0x83,
            '\u{201E}' => 0x84,
            '\u{2026}' => 0x85,
            '\u{2020}' => 0x86,
            '\u{2021}' => 0x87,
            '\u{02C6}' => 0x88,
            '\u{2030}' => 0x89,
            '\u{0160}' => 0x8A,
            '\u{2039}' => 0x8B,
            '\u{0152}' => 0x8C,
            '\u{017D}' => 0x8E,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201C}' => 0x93,
            '\u{201D}' => 0x94,
            '\u{2022}' => 0x95,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{02DC}' => 0x98,
            '\u{2122}' => 0x99,
            '\u{0161}' => 0x9A,
            '\u{203A}' => 0x9B,
            '\u{0153}' => 0x9C,
            '\u{017E}' => 0x9E,
            '\u{0178}' => 0x9F,
            _ => b'?',
        })
        .collect()
}

/// A PDF literal string body (without the parentheses) for WinAnsi bytes:
/// `\`, `(` and `)` escaped, everything outside printable ASCII as a
/// three-digit octal escape, so content streams stay pure ASCII.
fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'(' => out.push_str("\\("),
            b')' => out.push_str("\\)"),
            b' '..=b'~' => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

/// A text string for the document information dictionary. Those are
/// PDFDocEncoding, which agrees with WinAnsi on ASCII and Latin-1 but not
/// on 0x80–0x9F, so the Windows-1252 extras become '?' there.
fn info_string(s: &str) -> String {
    let bytes: Vec<u8> = win_ansi(s).into_iter().map(|b| if (0x80..0xA0).contains(&b) { b'?' } else { b }).collect();
    escape(&bytes)
}

fn char_width(font: Font, b: u8) -> u16 {
    if b < 32 {
        278
    } else {
        font.widths()[(b - 32) as usize]
    }
}

/// Width in points of WinAnsi text at the given size.
fn text_width(text: &[u8], font: Font, size: f32) -> f32 {
    let units: u32 = text.iter().map(|&b| u32::from(char_width(font, b))).sum();
    units as f32 * size / 1000.0
}

fn trim_spaces(mut text: &[u8]) -> &[u8] {
    while let [b' ', rest @ ..] = text {
        text = rest;
    }
    while let [rest @ .., b' '] = text {
        text = rest;
    }
    text
}

/// The longest prefix of `text` (at least one byte, if any) no wider than `max`.
fn fitting_prefix_len(text: &[u8], font: Font, size: f32, max: f32) -> usize {
    let mut width = 0.0;
    for (i, &b) in text.iter().enumerate() {
        width += f32::from(char_width(font, b)) * size / 1000.0;
        if width > max {
            return i.max(1);
        }
    }
    text.len()
}

/// The text cut so that it, plus a trailing ellipsis, fits in `max`.
fn ellipsize(text: &[u8], font: Font, size: f32, max: f32) -> Vec<u8> {
    let room = max - text_width(&[ELLIPSIS], font, size);
    let mut cut = 0;
    let mut width = 0.0;
    for &b in text {
        width += f32::from(char_width(font, b)) * size / 1000.0;
        if width > room {
            break;
        }
        cut += 1;
    }
    let mut out = trim_spaces(&text[..cut]).to_vec();
    out.push(ELLIPSIS);
    out
}

/// The text on one line: as it is when it fits, else cut with an ellipsis.
fn fit(text: &[u8], font: Font, size: f32, max: f32) -> Vec<u8> {
    let text = trim_spaces(text);
    if text_width(text, font, size) <= max {
        text.to_vec()
    } else {
        ellipsize(text, font, size, max)
    }
}

/// The text broken into lines no wider than `max`: at spaces where it can,
/// inside a word (hashes, long references) where it must. Never empty.
fn wrap(text: &[u8], font: Font, size: f32, max: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    for word in text.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        if !current.is_empty() {
            let mut candidate = current.clone();
            candidate.push(b' ');
            candidate.extend_from_slice(word);
            if text_width(&candidate, font, size) <= max {
                current = candidate;
                continue;
            }
            lines.push(std::mem::take(&mut current));
        }
        let mut rest = word;
        while text_width(rest, font, size) > max {
            let n = fitting_prefix_len(rest, font, size, max);
            lines.push(rest[..n].to_vec());
            rest = &rest[n..];
        }
        current = rest.to_vec();
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// [`wrap`], keeping at most `max_lines` lines; the last kept line ends in
/// an ellipsis when something was left out.
fn wrap_at_most(text: &[u8], font: Font, size: f32, max: f32, max_lines: usize) -> Vec<Vec<u8>> {
    let mut lines = wrap(text, font, size, max);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = ellipsize(last, font, size, max);
        }
    }
    lines
}

fn fmt_num(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

// ---------------------------------------------------------------------------
// Layout: the document as pages of content-stream operators.

struct Layout<'a> {
    doc: &'a PodDocument,
    pages: Vec<String>,
    /// Top of the free space on the current page.
    y: f32,
    /// The lines table is being drawn: repeat its header on a new page.
    in_table: bool,
    /// Nothing but the running header is on the current page yet.
    fresh: bool,
}

impl<'a> Layout<'a> {
    fn new(doc: &'a PodDocument) -> Self {
        let mut layout = Layout { doc, pages: Vec::new(), y: TOP, in_table: false, fresh: true };
        layout.new_page();
        layout
    }

    fn ops(&mut self) -> &mut String {
        self.pages.last_mut().expect("a page is always open")
    }

    fn new_page(&mut self) {
        self.pages.push(String::new());
        self.y = TOP;
        if self.pages.len() > 1 {
            let mut running = b"Proof of delivery ".to_vec();
            running.push(MIDDLE_DOT);
            running.extend_from_slice(b" Order ");
            running.extend(win_ansi(&self.doc.order_number));
            running.extend_from_slice(b" (continued)");
            let running = fit(&running, Font::Regular, SMALL, RIGHT - LEFT);
            self.text(LEFT, self.y - SMALL, Font::Regular, SMALL, 0.4, &running);
            self.y -= SMALL + 14.0;
            if self.in_table {
                self.table_header();
            }
        }
        self.fresh = true;
    }

    /// Makes room for `height` points on this page, opening a new one when
    /// they do not fit (unless the page is still empty, so that nothing
    /// taller than a page can loop).
    fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM && !self.fresh {
            self.new_page();
        }
    }

    fn gap(&mut self, height: f32) {
        self.y -= height;
        self.fresh = false;
    }

    fn text(&mut self, x: f32, baseline: f32, font: Font, size: f32, gray: f32, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let op = format!(
            "BT {} g /{} {} Tf {} {} Td ({}) Tj ET\n",
            fmt_num(gray),
            font.resource(),
            fmt_num(size),
            fmt_num(x),
            fmt_num(baseline),
            escape(bytes)
        );
        self.ops().push_str(&op);
    }

    fn text_right(&mut self, right: f32, baseline: f32, font: Font, size: f32, bytes: &[u8]) {
        let x = right - text_width(bytes, font, size);
        self.text(x, baseline, font, size, 0.0, bytes);
    }

    fn rule(&mut self, y: f32, gray: f32, width: f32) {
        let op = format!(
            "{} G {} w {} {} m {} {} l S\n",
            fmt_num(gray),
            fmt_num(width),
            fmt_num(LEFT),
            fmt_num(y),
            fmt_num(RIGHT),
            fmt_num(y)
        );
        self.ops().push_str(&op);
    }

    fn heading(&mut self) {
        let brand = fit(&win_ansi(&self.doc.brand_name), Font::Bold, 11.0, RIGHT - LEFT);
        if !brand.is_empty() {
            self.text(LEFT, self.y - 11.0, Font::Bold, 11.0, 0.35, &brand);
            self.gap(18.0);
        }
        self.text(LEFT, self.y - 20.0, Font::Bold, 20.0, 0.0, b"Proof of delivery");
        self.gap(28.0);
        self.rule(self.y, 0.0, 1.0);
        self.gap(12.0);
    }

    fn section(&mut self, title: &str) {
        self.gap(10.0);
        // Keep a title with at least two lines of what follows it.
        self.ensure(18.0 + 2.0 * BODY_LH);
        self.text(LEFT, self.y - 12.0, Font::Bold, 12.0, 0.0, title.as_bytes());
        self.gap(18.0);
    }

    /// A labelled value; the value wraps onto a few lines and stays together.
    fn field(&mut self, label: &str, value: &str) {
        let value = win_ansi(value);
        let value: Vec<Vec<u8>> = if trim_spaces(&value).is_empty() {
            vec![vec![EM_DASH]]
        } else {
            wrap_at_most(&value, Font::Regular, BODY, RIGHT - VALUE_X, MAX_VALUE_LINES)
        };
        self.field_lines(label, &value);
    }

    fn field_lines(&mut self, label: &str, lines: &[Vec<u8>]) {
        self.ensure(lines.len().max(1) as f32 * BODY_LH);
        let label = fit(label.as_bytes(), Font::Bold, BODY, VALUE_X - LEFT - 8.0);
        self.text(LEFT, self.y - BODY_LH + 3.5, Font::Bold, BODY, 0.0, &label);
        for line in lines {
            self.text(VALUE_X, self.y - BODY_LH + 3.5, Font::Regular, BODY, 0.0, line);
            self.gap(BODY_LH);
        }
        if lines.is_empty() {
            self.gap(BODY_LH);
        }
    }

    fn details(&mut self) {
        let doc = self.doc;
        self.field("Order", &doc.order_number);
        if let Some(po) = &doc.customer_po {
            self.field("Customer PO", po);
        }
        self.field("Shipment", &doc.shipment);
        self.field("Received by", &doc.receiver_name);
        self.field("Delivered at", &doc.delivered_at);
        if let Some(place) = &doc.place {
            self.field("Place", place);
        }
        let mut ship_to: Vec<Vec<u8>> = Vec::new();
        for line in &doc.ship_to {
            let line = win_ansi(line);
            if trim_spaces(&line).is_empty() {
                continue;
            }
            ship_to.extend(wrap_at_most(&line, Font::Regular, BODY, RIGHT - VALUE_X, 2));
        }
        if ship_to.is_empty() {
            ship_to.push(vec![EM_DASH]);
        }
        self.field_lines("Ship to", &ship_to);
        self.field("POD reference", &doc.pod_id);
    }

    fn table_header(&mut self) {
        let base = self.y - 11.0;
        self.text(COL_LINE_X, base, Font::Bold, 9.0, 0.0, b"Line");
        self.text(COL_SKU_X, base, Font::Bold, 9.0, 0.0, b"SKU");
        self.text(COL_DESC_X, base, Font::Bold, 9.0, 0.0, b"Description");
        self.text_right(RIGHT, base, Font::Bold, 9.0, b"Quantity");
        self.gap(15.0);
        self.rule(self.y, 0.3, 0.75);
        self.gap(2.0);
    }

    fn lines_table(&mut self) {
        self.section("Lines");
        if self.doc.lines.is_empty() {
            self.text(LEFT, self.y - BODY_LH + 3.5, Font::Regular, BODY, 0.4, b"No lines recorded.");
            self.gap(BODY_LH);
            return;
        }
        self.table_header();
        self.in_table = true;
        for line in &self.doc.lines {
            let number = fit(line.line_number.to_string().as_bytes(), Font::Regular, ROW_SIZE, COL_LINE_W);
            let sku = wrap_at_most(&win_ansi(&line.sku), Font::Regular, ROW_SIZE, COL_SKU_W, MAX_SKU_LINES);
            let desc = wrap_at_most(&win_ansi(&line.description), Font::Regular, ROW_SIZE, COL_DESC_W, MAX_DESC_LINES);
            let qty = format!("{} {}", line.quantity, line.unit);
            let qty = fit(&win_ansi(&qty), Font::Regular, ROW_SIZE, COL_QTY_W);
            let rows = sku.len().max(desc.len()).max(1);
            let height = rows as f32 * ROW_LH + 4.0;
            self.ensure(height);
            let first = self.y - ROW_LH + 2.0;
            self.text(COL_LINE_X, first, Font::Regular, ROW_SIZE, 0.0, &number);
            for (i, part) in sku.iter().enumerate() {
                self.text(COL_SKU_X, first - i as f32 * ROW_LH, Font::Regular, ROW_SIZE, 0.0, part);
            }
            for (i, part) in desc.iter().enumerate() {
                self.text(COL_DESC_X, first - i as f32 * ROW_LH, Font::Regular, ROW_SIZE, 0.0, part);
            }
            self.text_right(RIGHT, first, Font::Regular, ROW_SIZE, &qty);
            self.gap(height);
            self.rule(self.y + 1.0, 0.85, 0.5);
        }
        self.in_table = false;
    }

    fn note(&mut self) {
        let Some(note) = self.doc.note.as_deref().filter(|n| !n.trim().is_empty()) else {
            return;
        };
        self.section("Note");
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for paragraph in note.trim().lines() {
            let paragraph = win_ansi(paragraph);
            if trim_spaces(&paragraph).is_empty() {
                lines.push(Vec::new());
            } else {
                lines.extend(wrap(&paragraph, Font::Regular, BODY, RIGHT - LEFT));
            }
        }
        if lines.len() > MAX_NOTE_LINES {
            lines.truncate(MAX_NOTE_LINES);
            if let Some(last) = lines.last_mut() {
                *last = ellipsize(last, Font::Regular, BODY, RIGHT - LEFT);
            }
        }
        for line in lines {
            self.ensure(BODY_LH);
            self.text(LEFT, self.y - BODY_LH + 3.5, Font::Regular, BODY, 0.0, &line);
            self.gap(BODY_LH);
        }
    }

    fn files(&mut self) {
        self.section("Stored files");
        if self.doc.files.is_empty() {
            self.text(LEFT, self.y - BODY_LH + 3.5, Font::Regular, BODY, 0.4, b"No files stored.");
            self.gap(BODY_LH);
            return;
        }
        for file in &self.doc.files {
            let lines = wrap_at_most(&win_ansi(file), Font::Regular, 9.0, RIGHT - LEFT - 12.0, 3);
            self.ensure(lines.len() as f32 * 12.5);
            self.text(LEFT, self.y - 12.5 + 3.0, Font::Regular, 9.0, 0.0, &[0x95]);
            for line in lines {
                self.text(LEFT + 12.0, self.y - 12.5 + 3.0, Font::Regular, 9.0, 0.0, &line);
                self.gap(12.5);
            }
        }
    }

    /// "Brand · POD-42 · Order X" and "Page i of n" at the foot of every page.
    fn footers(&mut self) {
        let mut left = Vec::new();
        for part in [&self.doc.brand_name, &self.doc.pod_id, &format!("Order {}", self.doc.order_number)] {
            let part = win_ansi(part);
            if trim_spaces(&part).is_empty() {
                continue;
            }
            if !left.is_empty() {
                left.extend_from_slice(&[b' ', MIDDLE_DOT, b' ']);
            }
            left.extend_from_slice(trim_spaces(&part));
        }
        let left = fit(&left, Font::Regular, SMALL, (RIGHT - LEFT) * 0.7);
        let count = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let number = format!("Page {} of {}", i + 1, count);
            let x = RIGHT - text_width(number.as_bytes(), Font::Regular, SMALL);
            page.push_str(&format!(
                "0.6 G 0.5 w {l} {y} m {r} {y} l S\n",
                l = fmt_num(LEFT),
                r = fmt_num(RIGHT),
                y = fmt_num(FOOTER_Y + 12.0)
            ));
            for (x, text) in [(LEFT, left.as_slice()), (x, number.as_bytes())] {
                if text.is_empty() {
                    continue;
                }
                page.push_str(&format!(
                    "BT 0.4 g /F1 {} Tf {} {} Td ({}) Tj ET\n",
                    fmt_num(SMALL),
                    fmt_num(x),
                    fmt_num(FOOTER_Y),
                    escape(text)
                ));
            }
        }
    }
}

fn layout(doc: &PodDocument) -> Vec<String> {
    let mut l = Layout::new(doc);
    l.heading();
    l.details();
    l.lines_table();
    l.note();
    l.files();
    l.footers();
    l.pages
}

// ---------------------------------------------------------------------------
// The file: objects, cross-reference table, trailer.

const CATALOG: usize = 1;
const PAGES: usize = 2;
const FONT_REGULAR: usize = 3;
const FONT_BOLD: usize = 4;
const INFO: usize = 5;
const FIRST_PAGE: usize = 6;

fn page_obj(i: usize) -> usize {
    FIRST_PAGE + 2 * i
}

fn write_pdf(pages: &[String], title: &str) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    // The binary comment tells transfer tools the file is not plain text.
    out.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    let object_count = FIRST_PAGE + 2 * pages.len();
    let mut offsets = vec![0usize; object_count];

    let mut object = |out: &mut Vec<u8>, number: usize, body: &[u8]| {
        offsets[number] = out.len();
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };

    object(&mut out, CATALOG, format!("<< /Type /Catalog /Pages {PAGES} 0 R >>").as_bytes());
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", page_obj(i))).collect();
    object(&mut out, PAGES, format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).as_bytes());
    for (number, name) in [(FONT_REGULAR, "Helvetica"), (FONT_BOLD, "Helvetica-Bold")] {
        object(
            &mut out,
            number,
            format!("<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>").as_bytes(),
        );
    }
    object(&mut out, INFO, format!("<< /Title ({title}) /Producer (Milepost) >>").as_bytes());
    for (i, content) in pages.iter().enumerate() {
        let page = page_obj(i);
        let contents = page + 1;
        object(
            &mut out,
            page,
            format!(
                "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {} {}] \
                 /Resources << /Font << /F1 {FONT_REGULAR} 0 R /F2 {FONT_BOLD} 0 R >> >> \
                 /Contents {contents} 0 R >>",
                fmt_num(PAGE_W),
                fmt_num(PAGE_H)
            )
            .as_bytes(),
        );
        let mut body = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        body.extend_from_slice(content.as_bytes());
        body.extend_from_slice(b"\nendstream");
        object(&mut out, contents, &body);
    }

    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {object_count}\n0000000000 65535 f \n").as_bytes());
    for offset in &offsets[1..] {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {object_count} /Root {CATALOG} 0 R /Info {INFO} 0 R >>\nstartxref\n{xref}\n%%EOF\n")
            .as_bytes(),
    );
    out
}

// ---------------------------------------------------------------------------
// Advance widths (1/1000 em) of WinAnsiEncoding codes 32..=255, from the
// Adobe font metrics of the base-14 fonts. Codes WinAnsi leaves undefined
// (0x81, 0x8D, 0x8F, 0x90, 0x9D) carry the bullet width; they are never
// written.

#[rustfmt::skip]
const HELVETICA_WIDTHS: [u16; 224] = [
    // 32..=63:  space ! " # $ % & ' ( ) * + , - . / 0-9 : ; < = > ?
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    // 64..=95:  @ A-Z [ \ ] ^ _
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    // 96..=127: ` a-z { | } ~ (127 unused)
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 350,
    // 128..=159: Windows-1252 extras
    556, 350, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350,
    350, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 350, 500, 667,
    // 160..=191
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    // 192..=223
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    // 224..=255
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

#[rustfmt::skip]
const HELVETICA_BOLD_WIDTHS: [u16; 224] = [
    // 32..=63
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    // 64..=95
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    // 96..=127
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 350,
    // 128..=159
    556, 350, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350,
    350, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 350, 500, 667,
    // 160..=191
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    // 192..=223
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    // 224..=255
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PodDocument {
        PodDocument {
            brand_name: "Acme Freight".into(),
            order_number: "ORD-10042".into(),
            customer_po: Some("PO 123/7".into()),
            shipment: "UPS 1Z999AA10123456784".into(),
            receiver_name: "Jane Receiver".into(),
            delivered_at: "2024-05-02 14:31 BST".into(),
            place: Some("51.50740, -0.12780 (±12 m)".into()),
            ship_to: vec!["Acme Ltd".into(), "1 High Street".into(), "London SW1A 1AA".into()],
            lines: vec![
                PodLine {
                    line_number: 1,
                    sku: "WID-001".into(),
                    description: "Blue widget".into(),
                    quantity: 12,
                    unit: "pcs".into(),
                },
                PodLine {
                    line_number: 2,
                    sku: "GAD-9".into(),
                    description: "Gadget, large".into(),
                    quantity: 3,
                    unit: "box".into(),
                },
            ],
            note: Some("Left with reception.".into()),
            pod_id: "POD-42".into(),
            files: vec![format!("signature sha256:{}", "ab12".repeat(16))],
        }
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn count(haystack: &[u8], needle: &[u8]) -> usize {
        haystack.windows(needle.len()).filter(|w| *w == needle).count()
    }

    /// The concatenated bodies of every content stream.
    fn content(pdf: &[u8]) -> String {
        let mut out = String::new();
        let mut rest = pdf;
        while let Some(start) = find(rest, b"stream\n") {
            let body = &rest[start + 7..];
            let end = find(body, b"\nendstream").expect("stream is closed");
            out.push_str(std::str::from_utf8(&body[..end]).expect("content streams are ASCII"));
            out.push('\n');
            rest = &body[end + "\nendstream".len()..];
        }
        out
    }

    fn page_count(pdf: &[u8]) -> usize {
        let at = find(pdf, b"/Count ").expect("a page tree");
        let digits: String = pdf[at + 7..].iter().take_while(|b| b.is_ascii_digit()).map(|&b| b as char).collect();
        digits.parse().unwrap()
    }

    #[test]
    fn starts_with_the_pdf_1_4_header() {
        let pdf = render_pdf(&sample());
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
    }

    #[test]
    fn ends_with_eof_marker() {
        let pdf = render_pdf(&sample());
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
    }

    #[test]
    fn every_xref_offset_points_at_its_object() {
        let mut doc = sample();
        doc.lines = sample().lines.into_iter().cycle().take(150).collect();
        let pdf = render_pdf(&doc);
        assert!(page_count(&pdf) > 1);
        // Everything from the last content stream on is ASCII.
        let startxref = pdf.windows(10).rposition(|w| w == b"startxref\n").unwrap();
        let tail = std::str::from_utf8(&pdf[startxref..]).unwrap();
        let xref: usize = tail.lines().nth(1).unwrap().trim().parse().unwrap();
        assert!(pdf[xref..].starts_with(b"xref\n"), "startxref points at the xref table");
        let text = std::str::from_utf8(&pdf[xref..]).unwrap();
        let mut rows = text.lines().skip(1);
        let header = rows.next().unwrap();
        let size: usize = header.split(' ').nth(1).unwrap().parse().unwrap();
        assert!(text.contains(&format!("/Size {size} ")));
        assert_eq!(rows.next().unwrap(), "0000000000 65535 f ");
        for n in 1..size {
            let row = rows.next().unwrap();
            assert_eq!(row.len(), 19, "xref rows are 20 bytes with their newline");
            assert!(row.ends_with(" 00000 n "));
            let offset: usize = row[..10].parse().unwrap();
            assert!(pdf[offset..].starts_with(format!("{n} 0 obj\n").as_bytes()), "object {n} at {offset}");
        }
        assert_eq!(rows.next().unwrap(), "trailer");
    }

    #[test]
    fn trailer_names_root_and_info() {
        let pdf = render_pdf(&sample());
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Root 1 0 R"));
        assert!(text.contains("/Info 5 0 R"));
        assert!(text.contains("/Title (Proof of delivery ORD-10042)"));
        assert!(text.contains("/Producer (Milepost)"));
        assert!(!text.contains("CreationDate"));
    }

    #[test]
    fn stream_lengths_match_their_bodies() {
        let pdf = render_pdf(&sample());
        let mut rest: &[u8] = &pdf;
        let mut seen = 0;
        while let Some(at) = find(rest, b"/Length ") {
            let digits: String = rest[at + 8..].iter().take_while(|b| b.is_ascii_digit()).map(|&b| b as char).collect();
            let length: usize = digits.parse().unwrap();
            let start = at + find(&rest[at..], b"stream\n").unwrap() + 7;
            assert_eq!(&rest[start + length..start + length + 10], b"\nendstream");
            rest = &rest[start + length..];
            seen += 1;
        }
        assert_eq!(seen, page_count(&pdf));
    }

    #[test]
    fn content_stream_holds_the_document_text() {
        let content = content(&render_pdf(&sample()));
        for expected in [
            "(Proof of delivery)",
            "(Acme Freight)",
            "(ORD-10042)",
            "(PO 123/7)",
            "(UPS 1Z999AA10123456784)",
            "(Jane Receiver)",
            "(2024-05-02 14:31 BST)",
            "(51.50740, -0.12780 \\(\\26112 m\\))",
            "(1 High Street)",
            "(WID-001)",
            "(Blue widget)",
            "(12 pcs)",
            "(Left with reception.)",
            "(POD-42)",
            "(Page 1 of 1)",
        ] {
            assert!(content.contains(expected), "missing {expected} in\n{content}");
        }
        assert!(content.contains(&"ab12".repeat(16)));
    }

    #[test]
    fn order_number_appears_in_the_content_stream() {
        let mut doc = sample();
        doc.order_number = "SO-77881".into();
        assert!(content(&render_pdf(&doc)).contains("(SO-77881)"));
    }

    #[test]
    fn escapes_parentheses_and_backslashes() {
        assert_eq!(escape(b"a (b) c\\d"), "a \\(b\\) c\\\\d");
        let mut doc = sample();
        doc.note = Some("Box (2 of 3) at C:\\dock".into());
        let content = content(&render_pdf(&doc));
        assert!(content.contains("(Box \\(2 of 3\\) at C:\\\\dock)"), "{content}");
    }

    #[test]
    fn latin1_is_written_as_octal_escapes() {
        assert_eq!(escape(&win_ansi("Zoë ±")), "Zo\\353 \\261");
        assert_eq!(escape(&win_ansi("“ok” – €")), "\\223ok\\224 \\226 \\200");
        let mut doc = sample();
        doc.receiver_name = "Zoë Müller".into();
        assert!(content(&render_pdf(&doc)).contains("(Zo\\353 M\\374ller)"));
    }

    #[test]
    fn non_latin_text_becomes_question_marks_without_panicking() {
        assert_eq!(win_ansi("Дима 李 🚚\u{7}"), b"???? ? ??");
        let mut doc = sample();
        doc.receiver_name = "Дмитрий Иванов".into();
        doc.brand_name = "物流 🚚".into();
        doc.lines[0].description = "ﾃｽﾄ \u{202E}gnp.exe \u{0}".repeat(40);
        doc.note = Some("Привет\r\n\tмир".into());
        let pdf = render_pdf(&doc);
        let content = content(&pdf);
        assert!(content.contains("(??????? ??????)"));
        assert!(content.is_ascii());
    }

    /// The WinAnsi bytes of a PDF literal string body.
    fn unescape(body: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut bytes = body.bytes();
        while let Some(b) = bytes.next() {
            if b != b'\\' {
                out.push(b);
                continue;
            }
            match bytes.next().unwrap() {
                d @ b'0'..=b'7' => {
                    let rest: Vec<u8> = bytes.by_ref().take(2).collect();
                    let octal = [d, rest[0], rest[1]];
                    out.push(u8::from_str_radix(std::str::from_utf8(&octal).unwrap(), 8).unwrap());
                }
                other => out.push(other),
            }
        }
        out
    }

    #[test]
    fn long_text_is_wrapped_or_cut_to_the_page() {
        let mut doc = sample();
        doc.lines[0].sku = "X".repeat(5000);
        doc.lines[0].description = "word ".repeat(2000);
        doc.shipment = "S".repeat(3000);
        doc.ship_to = vec!["Ünterstraße ".repeat(100)];
        doc.note = Some("lorem ipsum ".repeat(5000));
        doc.files = vec![format!("photo sha256:{}", "f".repeat(500))];
        let pdf = render_pdf(&doc);
        let mut shown = 0;
        for op in content(&pdf).lines().filter(|l| l.starts_with("BT ")) {
            // "BT <gray> g /F1 <size> Tf <x> <y> Td (<text>) Tj ET"
            let words: Vec<&str> = op.split(' ').collect();
            let font = if words[3] == "/F2" { Font::Bold } else { Font::Regular };
            let size: f32 = words[4].parse().unwrap();
            let x: f32 = words[6].parse().unwrap();
            let body = &op[op.find(" Td (").unwrap() + 5..op.len() - ") Tj ET".len()];
            let width = text_width(&unescape(body), font, size);
            assert!(x >= LEFT - 0.01 && x + width <= RIGHT + 0.01, "overflows: {op}");
            shown += 1;
        }
        assert!(shown > 80);
        assert!(page_count(&pdf) > 1, "the 80 note lines spill onto a second page");
    }

    #[test]
    fn two_hundred_lines_paginate() {
        let mut doc = sample();
        doc.lines = (1..=200)
            .map(|n| PodLine {
                line_number: n,
                sku: format!("SKU-{n:04}"),
                description: format!("Item number {n}"),
                quantity: n,
                unit: "pcs".into(),
            })
            .collect();
        let pdf = render_pdf(&doc);
        let pages = page_count(&pdf);
        assert!(pages > 1, "/Count {pages}");
        assert_eq!(count(&pdf, b"/Type /Page "), pages);
        let text = String::from_utf8_lossy(&pdf);
        let kids = &text[text.find("/Kids [").unwrap() + 7..];
        let kids = &kids[..kids.find(']').unwrap()];
        assert_eq!(kids.split(" 0 R").filter(|k| !k.trim().is_empty()).count(), pages);
        let content = content(&pdf);
        assert!(content.contains("(SKU-0001)") && content.contains("(SKU-0200)"));
        assert!(content.contains(&format!("(Page {pages} of {pages})")));
        assert!(content.contains("\\(continued\\))"));
        // The table header is repeated on every page the table reaches.
        assert!(count(content.as_bytes(), b"(Description)") >= 2);
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(render_pdf(&sample()), render_pdf(&sample()));
    }

    #[test]
    fn empty_document_still_renders() {
        let doc = PodDocument {
            brand_name: String::new(),
            order_number: String::new(),
            customer_po: None,
            shipment: String::new(),
            receiver_name: String::new(),
            delivered_at: String::new(),
            place: None,
            ship_to: Vec::new(),
            lines: Vec::new(),
            note: None,
            pod_id: String::new(),
            files: Vec::new(),
        };
        let pdf = render_pdf(&doc);
        assert_eq!(page_count(&pdf), 1);
        assert!(content(&pdf).contains("(No lines recorded.)"));
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        let lines = wrap(b"aaa bbb ccc", Font::Regular, 10.0, text_width(b"aaa bbb", Font::Regular, 10.0));
        assert_eq!(lines, vec![b"aaa bbb".to_vec(), b"ccc".to_vec()]);
        let lines = wrap(&[b'W'; 100], Font::Regular, 10.0, 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, Font::Regular, 10.0) <= 100.0));
        assert_eq!(lines.concat(), vec![b'W'; 100]);
        assert_eq!(wrap(b"", Font::Regular, 10.0, 100.0), vec![Vec::<u8>::new()]);
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit(b"short", Font::Regular, 10.0, 100.0), b"short");
        let cut = fit(&[b'a'; 200], Font::Bold, 10.0, 100.0);
        assert_eq!(cut.last(), Some(&ELLIPSIS));
        assert!(text_width(&cut, Font::Bold, 10.0) <= 100.0);
    }
}
