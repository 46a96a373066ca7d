//! The printable return label for a return (RMA) as an archival PDF
//! (PDF/A-2b), through krilla like the proof of delivery: it shares
//! `pod_pdf`'s embedded faces and text shaping, so names and addresses in
//! any script DejaVu Sans has (accents, Greek, Cyrillic, Hebrew, Arabic)
//! print as written.
//!
//! One A4 page (the paper `pod_pdf` prints on): at the top a 4 × 6 inch
//! label inside a dashed cut line, the size of a carrier's thermal label,
//! so it can be cut out and stuck on the parcel; it holds the brand, the
//! buyer's address (from), the tenant's return address (to), the RMA
//! number in large type, a QR code and a Code 128 barcode of it. Below
//! the label, the part that goes into the parcel: the caller's
//! instructions and the lines being sent back, continued on further pages
//! only when they do not fit. A footer with the RMA and order number is on
//! every page.
//!
//! Both codes are vector shapes, not pictures, so their edges are sharp on
//! any printer; bar and module widths are whole 1/300 inch dots, so 300 and
//! 600 dpi printers print every module of a width the same, which is what a
//! scanner measures. Layout first (pure: marks with coordinates, y up),
//! drawing second, as in `pod_pdf`. The document date comes from the data,
//! so the same return gives the same bytes.

use crate::documents::pod_pdf::{gray, Shaped, Typefaces, Weight};
use crate::domain::returns::RmaNumber;
use chrono::{DateTime, Utc};
use krilla::configure::{Archival, ConfigurationBuilder, Validator};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::{Document, SerializeSettings};
use qrcode::{EcLevel, QrCode};

/// What the return label says, already formatted and translated for the
/// buyer who prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnLabel {
    /// The tenant's brand, printed at the head of the label.
    pub brand: String,
    pub rma: RmaNumber,
    pub order_number: String,
    /// The buyer, who sends the parcel.
    pub from: LabelAddress,
    /// The tenant's return address.
    pub to: LabelAddress,
    /// What is in the parcel.
    pub lines: Vec<LabelLine>,
    /// Sentences, in order; printed as a numbered list under the label.
    pub instructions: Vec<String>,
    /// What the QR code holds, e.g. the return's page on the portal; when
    /// blank, the RMA number itself.
    pub qr_payload: String,
    /// When the return was authorised: the document's date, a fact from
    /// the data rather than the time of printing, so the same label always
    /// prints the same file (PDF/A requires a date).
    pub issued_at: DateTime<Utc>,
    /// The label's own words, in the buyer's language.
    pub texts: ReturnLabelTexts,
}

/// A name and the lines under it, as they go on the parcel (the country
/// too, when it is needed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelAddress {
    pub name: String,
    pub lines: Vec<String>,
}

/// One line of the return, as the caller formats it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelLine {
    pub sku: String,
    pub description: String,
    /// With its unit: "2 EA", "2.5 KG".
    pub quantity: String,
    pub reason: String,
}

/// The fixed words of a return label. English by default; the caller
/// passes the buyer's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnLabelTexts {
    /// BCP 47 tag, written into the PDF's metadata.
    pub language: String,
    pub title: String,
    pub from: String,
    pub to: String,
    pub rma: String,
    pub order: String,
    pub cut_here: String,
    pub instructions: String,
    pub contents: String,
    pub sku: String,
    pub description: String,
    pub quantity: String,
    pub reason: String,
    pub no_lines: String,
    pub continued: String,
}

impl Default for ReturnLabelTexts {
    fn default() -> Self {
        ReturnLabelTexts {
            language: "en".into(),
            title: "Return label".into(),
            from: "From".into(),
            to: "To".into(),
            rma: "Return number".into(),
            order: "Order".into(),
            cut_here: "Cut along the dashed line".into(),
            instructions: "Instructions".into(),
            contents: "In this parcel".into(),
            sku: "SKU".into(),
            description: "Description".into(),
            quantity: "Quantity".into(),
            reason: "Reason".into(),
            no_lines: "No lines.".into(),
            continued: "(continued)".into(),
        }
    }
}

/// Why the label could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnLabelError {
    /// The Code 128 encoder refused the text (never for an RMA number,
    /// whose characters are all in code set B).
    #[error("the return label's barcode could not encode `{text}`: {reason}")]
    Barcode { text: String, reason: String },
    /// The QR payload does not fit a QR code, or would need modules too
    /// small to scan in the label's space.
    #[error("the return label's QR code cannot hold {bytes} bytes (a shorter URL, or none, would fit)")]
    QrPayloadTooLong { bytes: usize },
    /// The PDF library refused the document.
    #[error("the return label PDF could not be made: {0}")]
    Pdf(String),
}

/// The label as a PDF/A-2b: one A4 page, more when the parcel's lines do
/// not fit on it. Long values are wrapped or cut with an ellipsis, never
/// drawn over the codes.
pub fn render(label: &ReturnLabel) -> Result<Vec<u8>, ReturnLabelError> {
    let faces = Typefaces::load();
    let symbols = Symbols::new(label)?;
    draw(label, &faces, &layout(label, &faces, &symbols))
}

// ---------------------------------------------------------------------------
// Page geometry (points; A4 is 210 × 297 mm), y measured up from the bottom.

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_W - 50.0;
/// Top of the content on continuation pages.
const TOP: f32 = PAGE_H - 50.0;
/// Content stays above this; the footer sits below it.
const BOTTOM: f32 = 64.0;
const FOOTER_Y: f32 = 36.0;

const BODY: f32 = 10.0;
const BODY_LH: f32 = 14.0;
const SMALL: f32 = 8.0;

/// The label: 4 × 6 inches, centred at the head of the page.
const INCH: f32 = 72.0;
const LABEL_W: f32 = 4.0 * INCH;
const LABEL_H: f32 = 6.0 * INCH;
const LABEL_X: f32 = (PAGE_W - LABEL_W) / 2.0;
const LABEL_TOP: f32 = PAGE_H - 40.0;
const LABEL_BOTTOM: f32 = LABEL_TOP - LABEL_H;
/// Nothing is printed this close to the cut line: a cut a little off
/// takes nothing with it.
const PAD: f32 = 14.0;
const IN_L: f32 = LABEL_X + PAD;
const IN_R: f32 = LABEL_X + LABEL_W - PAD;
const IN_W: f32 = IN_R - IN_L;

/// The label's bands, top to bottom (y of their edges): the head; the
/// sender, small, beside the QR code; the return address, large, for the
/// carrier; the RMA number; the barcode.
const HEAD_RULE_Y: f32 = LABEL_TOP - 38.0;
const FROM_TOP: f32 = LABEL_TOP - 44.0;
const FROM_BOTTOM: f32 = LABEL_TOP - 146.0;
const QR_SIDE: f32 = 100.0;
const QR_TOP: f32 = FROM_TOP;
const FROM_W: f32 = IN_W - QR_SIDE - 10.0;
const FROM_RULE_Y: f32 = LABEL_TOP - 151.0;
const TO_TOP: f32 = LABEL_TOP - 157.0;
const TO_BOTTOM: f32 = LABEL_TOP - 262.0;
const TO_RULE_Y: f32 = LABEL_TOP - 267.0;
const RMA_TOP: f32 = TO_RULE_Y - 6.0;
/// The Code 128 bars and the number under them.
const BARS_TOP: f32 = LABEL_TOP - 336.0;
const BARS_BOTTOM: f32 = LABEL_TOP - 392.0;
const BARCODE_TEXT_Y: f32 = LABEL_TOP - 406.0;

/// Captions over the label's blocks ("From", "To").
const CAPTION: f32 = 7.5;
/// The label's address blocks: the return address is the one a carrier
/// reads, so it is the larger.
const FROM_STYLE: Block = Block { name_size: 10.0, name_lh: 12.5, size: 9.0, lh: 11.5 };
const TO_STYLE: Block = Block { name_size: 14.0, name_lh: 17.5, size: 11.5, lh: 14.5 };
/// The RMA number's size, when it fits the label's width.
const RMA_SIZE: f32 = 28.0;

/// Contents table columns (the quantity right-aligned in its column).
const COL_SKU_X: f32 = LEFT;
const COL_SKU_W: f32 = 100.0;
const COL_DESC_X: f32 = 156.0;
const COL_DESC_W: f32 = 185.0;
const COL_QTY_RIGHT: f32 = 411.0;
const COL_QTY_W: f32 = 62.0;
const COL_REASON_X: f32 = 421.0;
const COL_REASON_W: f32 = RIGHT - COL_REASON_X;
const ROW_SIZE: f32 = 9.5;
const ROW_LH: f32 = 12.5;
const MAX_SKU_LINES: usize = 2;
const MAX_DESC_LINES: usize = 3;
const MAX_REASON_LINES: usize = 3;
/// Most lines one instruction may take.
const MAX_INSTRUCTION_LINES: usize = 6;
const NUMBER_W: f32 = 18.0;

// ---------------------------------------------------------------------------
// The codes: what the encoders give, and where their modules go.

/// A printer dot at 300 dpi (two at 600 dpi): module widths and the
/// barcode's left edge are whole dots.
const DOT: f32 = INCH / 300.0;
/// ISO/IEC 15417 asks for at least ten modules of white on each side of a
/// Code 128 symbol.
const CODE128_QUIET: usize = 10;
/// Narrowest bar worth printing: 0.25 mm, what hand scanners resolve
/// easily from a laser print. An RMA number gets 5 dots (0.42 mm).
const MIN_X: f32 = 3.0 * DOT;
/// ISO/IEC 18004 asks for four modules of white around a QR symbol.
const QR_QUIET: usize = 4;
/// Smallest QR module worth printing (0.34 mm): a phone camera reads it
/// from a sheet of paper without trouble.
const MIN_QR_MODULE: f32 = 4.0 * DOT;

/// The two codes of a label, encoded before anything is laid out.
struct Symbols {
    /// Code 128 modules as the encoder gives them: 1 for a bar module.
    code128: Vec<u8>,
    qr: QrCode,
}

impl Symbols {
    fn new(label: &ReturnLabel) -> Result<Symbols, ReturnLabelError> {
        let code128 = code128_modules(&label.rma.to_string())?;
        let payload = qr_payload(label);
        let too_long = || ReturnLabelError::QrPayloadTooLong { bytes: payload.len() };
        let qr = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).map_err(|_| too_long())?;
        if qr_module_size(qr.width()).is_none() {
            return Err(too_long());
        }
        Ok(Symbols { code128, qr })
    }
}

/// The QR code's content: the caller's URL, or the RMA number itself.
fn qr_payload(label: &ReturnLabel) -> String {
    match label.qr_payload.trim() {
        "" => label.rma.to_string(),
        url => url.to_string(),
    }
}

/// The Code 128 modules of `text`, start, check and stop characters
/// included. Code set B (`Ɓ` to the encoder) holds all printable ASCII, so
/// an RMA number needs no switching between sets.
fn code128_modules(text: &str) -> Result<Vec<u8>, ReturnLabelError> {
    let failed = |e: barcoders::error::Error| ReturnLabelError::Barcode { text: text.into(), reason: e.to_string() };
    let symbol = barcoders::sym::code128::Code128::new(format!("\u{0181}{text}")).map_err(failed)?;
    Ok(symbol.encode())
}

/// The bars of a module sequence: (first module, width in modules).
fn bars(modules: &[u8]) -> Vec<(usize, usize)> {
    let mut bars = Vec::new();
    let mut start = None;
    for (i, &dark) in modules.iter().chain([&0]).enumerate() {
        match (dark != 0, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                bars.push((s, i - s));
                start = None;
            }
            _ => {}
        }
    }
    bars
}

/// Where a barcode of `modules` modules goes between `left` and `right`:
/// its module width (whole dots, as wide as the room and both quiet zones
/// allow) and the left edge of its first bar (on a dot, centred).
fn place_barcode(modules: usize, left: f32, right: f32) -> Option<(f32, f32)> {
    let total = (modules + 2 * CODE128_QUIET) as f32;
    let x = ((right - left) / total / DOT).floor() * DOT;
    if x < MIN_X - 1e-4 {
        return None;
    }
    let start = left + (right - left - total * x) / 2.0 + CODE128_QUIET as f32 * x;
    Some((x, (start / DOT).floor() * DOT))
}

/// The side of a QR module for a symbol `width` modules wide, quiet zone
/// included in the label's square; `None` when too small to scan.
fn qr_module_size(width: usize) -> Option<f32> {
    let module = (QR_SIDE / (width + 2 * QR_QUIET) as f32 / DOT).floor() * DOT;
    (module >= MIN_QR_MODULE - 1e-4).then_some(module)
}

// ---------------------------------------------------------------------------
// Layout: the document as pages of marks.

/// Which code a set of filled rectangles draws.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Symbol {
    Code128,
    Qr,
}

enum Mark {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        gray: f32,
        /// The line as written; the tests read the layout by it.
        #[cfg_attr(not(test), allow(dead_code))]
        text: String,
        shaped: Shaped,
    },
    /// Black rectangles filled as one path: the bars of the barcode or the
    /// dark modules of the QR code, each `[x, bottom, width, height]`.
    Filled {
        #[cfg_attr(not(test), allow(dead_code))]
        symbol: Symbol,
        rects: Vec<[f32; 4]>,
    },
    Line {
        x1: f32,
        x2: f32,
        y: f32,
        gray: f32,
        width: f32,
    },
    /// The dashed line around the label.
    CutLine,
}

/// An address block's type sizes and line heights.
struct Block {
    name_size: f32,
    name_lh: f32,
    size: f32,
    lh: f32,
}

struct Layout<'a> {
    label: &'a ReturnLabel,
    faces: &'a Typefaces,
    pages: Vec<Vec<Mark>>,
    /// Top of the free space on the current page.
    y: f32,
    /// The contents table is being drawn: repeat its header on a new page.
    in_table: bool,
    /// Nothing but the running header is on the current page yet.
    fresh: bool,
}

impl<'a> Layout<'a> {
    fn new(label: &'a ReturnLabel, faces: &'a Typefaces) -> Self {
        Layout { label, faces, pages: vec![Vec::new()], y: TOP, in_table: false, fresh: true }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
        let t = &self.label.texts;
        let running =
            format!("{} {} · {} {} {}", t.title, self.label.rma, t.order, self.label.order_number, t.continued);
        let running = self.faces.fit(&running, Weight::Regular, SMALL, RIGHT - LEFT);
        self.text(LEFT, self.y - SMALL, Weight::Regular, SMALL, 0.4, &running);
        self.y -= SMALL + 14.0;
        if self.in_table {
            self.table_header();
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

    /// Text already made printable and fitted (by `fit` or `wrap`).
    fn text(&mut self, x: f32, baseline: f32, weight: Weight, size: f32, gray: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        let shaped = self.faces.shape(text, weight);
        self.mark(Mark::Text { x, baseline, size, gray, text: text.to_string(), shaped });
    }

    fn text_right(&mut self, right: f32, baseline: f32, weight: Weight, size: f32, gray: f32, text: &str) {
        let x = right - self.faces.width(text, weight, size);
        self.text(x, baseline, weight, size, gray, text);
    }

    fn mark(&mut self, mark: Mark) {
        self.pages.last_mut().expect("a page is always open").push(mark);
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, gray: f32, width: f32) {
        self.mark(Mark::Line { x1, x2, y, gray, width });
    }

    // -- the label ----------------------------------------------------------

    fn label_area(&mut self, symbols: &Symbols) {
        let label = self.label;
        let faces = self.faces;
        let t = &label.texts;
        self.mark(Mark::CutLine);

        // Head: the brand, and what this is.
        let title = faces.fit(&t.title, Weight::Bold, 10.0, IN_W * 0.4);
        let title_w = faces.width(&title, Weight::Bold, 10.0);
        let brand = faces.fit(&label.brand, Weight::Bold, 14.0, IN_W - title_w - 10.0);
        self.text(IN_L, LABEL_TOP - PAD - 14.0, Weight::Bold, 14.0, 0.0, &brand);
        self.text_right(IN_R, LABEL_TOP - PAD - 13.0, Weight::Bold, 10.0, 0.35, &title);
        self.rule(IN_L, IN_R, HEAD_RULE_Y, 0.0, 1.5);

        self.address(&t.from, &label.from, [FROM_TOP, FROM_BOTTOM], FROM_W, &FROM_STYLE);
        self.qr(&symbols.qr);
        self.rule(IN_L, IN_R, FROM_RULE_Y, 0.55, 0.75);
        self.address(&t.to, &label.to, [TO_TOP, TO_BOTTOM], IN_W, &TO_STYLE);
        self.rule(IN_L, IN_R, TO_RULE_Y, 0.0, 1.5);

        // The RMA number, as large as the label's width allows, and the order.
        let rma = label.rma.to_string();
        let rma_size = RMA_SIZE.min(RMA_SIZE * IN_W / faces.width(&rma, Weight::Bold, RMA_SIZE));
        let caption = faces.fit(&t.rma, Weight::Bold, CAPTION, IN_W);
        self.text(IN_L, RMA_TOP - CAPTION, Weight::Bold, CAPTION, 0.35, &caption);
        // Room for the full ascent (accents), so it keeps clear of the caption.
        let rma_baseline = RMA_TOP - CAPTION - 3.0 - rma_size * 0.93;
        self.text(IN_L, rma_baseline, Weight::Bold, rma_size, 0.0, &rma);
        let order = faces.fit(&format!("{} {}", t.order, label.order_number), Weight::Regular, 10.0, IN_W);
        self.text(IN_L, rma_baseline - 17.5, Weight::Regular, 10.0, 0.0, &order);
        self.barcode(&symbols.code128, &rma);

        // Under the label, outside it: how to cut it out.
        let hint = match faces.printable("✂").as_str() {
            "✂" => format!("✂  {}", t.cut_here),
            _ => t.cut_here.clone(),
        };
        let hint = faces.fit(&hint, Weight::Regular, SMALL, LABEL_W);
        self.text(LABEL_X, LABEL_BOTTOM - 13.0, Weight::Regular, SMALL, 0.4, &hint);
        self.y = LABEL_BOTTOM - 30.0;
        self.fresh = false;
    }

    /// A captioned address between `top` and `bottom`: the name in bold,
    /// each line wrapped onto at most two; what does not fit is cut, the
    /// last line shown ending in an ellipsis.
    fn address(&mut self, caption: &str, address: &LabelAddress, [top, bottom]: [f32; 2], width: f32, style: &Block) {
        let faces = self.faces;
        let caption = faces.fit(caption, Weight::Bold, CAPTION, width);
        self.text(IN_L, top - CAPTION, Weight::Bold, CAPTION, 0.35, &caption);
        let mut rows: Vec<(Weight, f32, f32, String)> = Vec::new();
        if !faces.printable(&address.name).trim().is_empty() {
            for line in faces.wrap(&address.name, Weight::Bold, style.name_size, width, 2) {
                rows.push((Weight::Bold, style.name_size, style.name_lh, line));
            }
        }
        for line in address.lines.iter().filter(|l| !faces.printable(l).trim().is_empty()) {
            for part in faces.wrap(line, Weight::Regular, style.size, width, 2) {
                rows.push((Weight::Regular, style.size, style.lh, part));
            }
        }
        if rows.is_empty() {
            rows.push((Weight::Regular, style.size, style.lh, "—".into()));
        }
        let mut y = top - CAPTION - 4.0;
        let mut kept = 0;
        let mut used = 0.0;
        for (_, _, lh, _) in &rows {
            if y - used - lh < bottom - 0.01 {
                break;
            }
            used += lh;
            kept += 1;
        }
        if kept < rows.len() && kept > 0 {
            let (weight, size, _, last) = &mut rows[kept - 1];
            *last = faces.ellipsize(last, *weight, *size, width);
        }
        for (weight, size, lh, line) in rows.into_iter().take(kept) {
            // The baseline a little above the row's foot leaves the descenders in it.
            self.text(IN_L, y - lh + (lh - size) / 2.0 + size * 0.22, weight, size, 0.0, &line);
            y -= lh;
        }
    }

    /// The QR code in its square at the right of the sender, the quiet
    /// zone inside the square.
    fn qr(&mut self, qr: &QrCode) {
        let width = qr.width();
        let module = qr_module_size(width).expect("checked when the symbols were made");
        let side = (width + 2 * QR_QUIET) as f32 * module;
        let left = (((IN_R - side) / DOT).floor() * DOT) + QR_QUIET as f32 * module;
        let top = QR_TOP - (QR_SIDE - side) / 2.0 - QR_QUIET as f32 * module;
        let colors = qr.to_colors();
        let mut rects = Vec::new();
        for row in 0..width {
            for col in 0..width {
                if colors[row * width + col] == qrcode::Color::Dark {
                    let x = left + col as f32 * module;
                    rects.push([x, top - (row + 1) as f32 * module, module, module]);
                }
            }
        }
        self.mark(Mark::Filled { symbol: Symbol::Qr, rects });
    }

    /// The Code 128 bars across the label, quiet zones inside it, and the
    /// number under them for people.
    fn barcode(&mut self, modules: &[u8], text: &str) {
        let (x, left) = place_barcode(modules.len(), IN_L, IN_R).expect("an RMA number's barcode fits the label");
        let rects = bars(modules)
            .into_iter()
            .map(|(start, n)| [left + start as f32 * x, BARS_BOTTOM, n as f32 * x, BARS_TOP - BARS_BOTTOM])
            .collect();
        self.mark(Mark::Filled { symbol: Symbol::Code128, rects });
        let width = self.faces.width(text, Weight::Regular, 11.0);
        let centre = left + modules.len() as f32 * x / 2.0;
        self.text(centre - width / 2.0, BARCODE_TEXT_Y, Weight::Regular, 11.0, 0.0, text);
    }

    // -- under the label ----------------------------------------------------

    fn section(&mut self, title: &str) {
        self.gap(10.0);
        // Keep a title with at least two lines of what follows it.
        self.ensure(18.0 + 2.0 * BODY_LH);
        let title = self.faces.fit(title, Weight::Bold, 12.0, RIGHT - LEFT);
        self.text(LEFT, self.y - 12.0, Weight::Bold, 12.0, 0.0, &title);
        self.gap(18.0);
    }

    fn instructions(&mut self) {
        let label = self.label;
        let faces = self.faces;
        let steps: Vec<&String> = label.instructions.iter().filter(|s| !faces.printable(s).trim().is_empty()).collect();
        if steps.is_empty() {
            return;
        }
        self.section(&label.texts.instructions);
        for (i, step) in steps.into_iter().enumerate() {
            let lines = faces.wrap(step, Weight::Regular, BODY, RIGHT - LEFT - NUMBER_W, MAX_INSTRUCTION_LINES);
            self.ensure(lines.len() as f32 * BODY_LH);
            self.text(LEFT, self.y - BODY_LH + 3.5, Weight::Bold, BODY, 0.0, &format!("{}.", i + 1));
            for line in lines {
                self.text(LEFT + NUMBER_W, self.y - BODY_LH + 3.5, Weight::Regular, BODY, 0.0, &line);
                self.gap(BODY_LH);
            }
            self.gap(2.0);
        }
    }

    fn table_header(&mut self) {
        let base = self.y - 11.0;
        let t = &self.label.texts;
        let faces = self.faces;
        let sku = faces.fit(&t.sku, Weight::Bold, 9.0, COL_SKU_W);
        let description = faces.fit(&t.description, Weight::Bold, 9.0, COL_DESC_W);
        let quantity = faces.fit(&t.quantity, Weight::Bold, 9.0, COL_QTY_W);
        let reason = faces.fit(&t.reason, Weight::Bold, 9.0, COL_REASON_W);
        self.text(COL_SKU_X, base, Weight::Bold, 9.0, 0.0, &sku);
        self.text(COL_DESC_X, base, Weight::Bold, 9.0, 0.0, &description);
        self.text_right(COL_QTY_RIGHT, base, Weight::Bold, 9.0, 0.0, &quantity);
        self.text(COL_REASON_X, base, Weight::Bold, 9.0, 0.0, &reason);
        self.gap(15.0);
        self.rule(LEFT, RIGHT, self.y, 0.3, 0.75);
        self.gap(2.0);
    }

    fn contents(&mut self) {
        let label = self.label;
        let faces = self.faces;
        self.section(&label.texts.contents);
        if label.lines.is_empty() {
            self.text(LEFT, self.y - BODY_LH + 3.5, Weight::Regular, BODY, 0.4, &label.texts.no_lines);
            self.gap(BODY_LH);
            return;
        }
        self.table_header();
        self.in_table = true;
        for line in &label.lines {
            let sku = faces.wrap(&line.sku, Weight::Regular, ROW_SIZE, COL_SKU_W, MAX_SKU_LINES);
            let desc = faces.wrap(&line.description, Weight::Regular, ROW_SIZE, COL_DESC_W, MAX_DESC_LINES);
            let qty = faces.fit(&line.quantity, Weight::Regular, ROW_SIZE, COL_QTY_W);
            let reason = faces.wrap(&line.reason, Weight::Regular, ROW_SIZE, COL_REASON_W, MAX_REASON_LINES);
            let rows = sku.len().max(desc.len()).max(reason.len()).max(1);
            let height = rows as f32 * ROW_LH + 4.0;
            self.ensure(height);
            let first = self.y - ROW_LH + 2.0;
            for (x, parts) in [(COL_SKU_X, &sku), (COL_DESC_X, &desc), (COL_REASON_X, &reason)] {
                for (i, part) in parts.iter().enumerate() {
                    self.text(x, first - i as f32 * ROW_LH, Weight::Regular, ROW_SIZE, 0.0, part);
                }
            }
            self.text_right(COL_QTY_RIGHT, first, Weight::Regular, ROW_SIZE, 0.0, &qty);
            self.gap(height);
            self.rule(LEFT, RIGHT, self.y + 1.0, 0.85, 0.5);
        }
        self.in_table = false;
    }

    /// "Brand · RMA-… · Order X" and "i / n" at the foot of every page.
    fn footers(&mut self) {
        let label = self.label;
        let order = format!("{} {}", label.texts.order, label.order_number);
        let parts = [label.brand.clone(), label.rma.to_string(), order]
            .iter()
            .map(|part| self.faces.printable(part).trim().to_string())
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>();
        let left = self.faces.fit(&parts.join(" · "), Weight::Regular, SMALL, (RIGHT - LEFT) * 0.7);
        let left = (!left.is_empty()).then(|| self.faces.shape(&left, Weight::Regular)).map(|s| (left, s));
        let count = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let number = format!("{} / {}", i + 1, count);
            let shaped = self.faces.shape(&number, Weight::Regular);
            let x = RIGHT - shaped.width_em * SMALL;
            page.push(Mark::Line { x1: LEFT, x2: RIGHT, y: FOOTER_Y + 12.0, gray: 0.6, width: 0.5 });
            if let Some((text, shaped)) = &left {
                let (text, shaped) = (text.clone(), shaped.clone());
                page.push(Mark::Text { x: LEFT, baseline: FOOTER_Y, size: SMALL, gray: 0.4, text, shaped });
            }
            page.push(Mark::Text { x, baseline: FOOTER_Y, size: SMALL, gray: 0.4, text: number, shaped });
        }
    }
}

fn layout(label: &ReturnLabel, faces: &Typefaces, symbols: &Symbols) -> Vec<Vec<Mark>> {
    let mut l = Layout::new(label, faces);
    l.label_area(symbols);
    l.instructions();
    l.contents();
    l.footers();
    l.pages
}

// ---------------------------------------------------------------------------
// Drawing: the marks through krilla, as PDF/A-2b.

fn pdf_error(error: impl std::fmt::Debug) -> ReturnLabelError {
    ReturnLabelError::Pdf(format!("{error:?}"))
}

fn draw(label: &ReturnLabel, faces: &Typefaces, pages: &[Vec<Mark>]) -> Result<Vec<u8>, ReturnLabelError> {
    let configuration =
        ConfigurationBuilder::new().set_validator(Validator::A(Archival::A2_B)).finish().map_err(pdf_error)?;
    let settings = SerializeSettings { configuration, enable_tagging: false, ..SerializeSettings::default() };
    let mut document = Document::new_with(settings);
    let date = label.issued_at;
    use chrono::{Datelike, Timelike};
    let date = krilla::metadata::DateTime::new(date.year().clamp(0, 9999) as u16)
        .month(date.month() as u8)
        .day(date.day() as u8)
        .hour(date.hour() as u8)
        .minute(date.minute() as u8)
        .second(date.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    document.set_metadata(
        Metadata::new()
            .title(format!("{} {}", label.texts.title, label.rma))
            .creator("Milepost".into())
            .producer("Milepost".into())
            .language(label.texts.language.clone())
            .creation_date(date),
    );
    let page_settings = PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4 is a valid page size");
    for marks in pages {
        let mut page = document.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        for mark in marks {
            match mark {
                Mark::Text { x, baseline, size, gray: level, shaped, .. } => {
                    surface.set_fill(Some(Fill { paint: gray(*level).into(), ..Fill::default() }));
                    let mut x = *x;
                    for run in &shaped.runs {
                        let font = faces.get(run.weight).pdf.clone();
                        let start = Point::from_xy(x, PAGE_H - baseline);
                        surface.draw_glyphs(start, &run.glyphs, font, &run.text, *size, false);
                        x += run.advance_em * size;
                    }
                }
                Mark::Filled { rects, .. } => {
                    let mut path = PathBuilder::new();
                    for &[x, bottom, width, height] in rects {
                        if let Some(rect) = Rect::from_xywh(x, PAGE_H - bottom - height, width, height) {
                            path.push_rect(rect);
                        }
                    }
                    let Some(path) = path.finish() else { continue };
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill { paint: gray(0.0).into(), ..Fill::default() }));
                    surface.draw_path(&path);
                }
                Mark::Line { x1, x2, y, gray: level, width } => {
                    let mut path = PathBuilder::new();
                    path.move_to(*x1, PAGE_H - y);
                    path.line_to(*x2, PAGE_H - y);
                    let Some(path) = path.finish() else { continue };
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke { paint: gray(*level).into(), width: *width, ..Stroke::default() }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
                Mark::CutLine => {
                    let mut path = PathBuilder::new();
                    let Some(rect) = Rect::from_xywh(LABEL_X, PAGE_H - LABEL_TOP, LABEL_W, LABEL_H) else { continue };
                    path.push_rect(rect);
                    let Some(path) = path.finish() else { continue };
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: gray(0.35).into(),
                        width: 0.75,
                        dash: Some(StrokeDash { array: vec![5.0, 3.0], offset: 0.0 }),
                        ..Stroke::default()
                    }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(pdf_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::ffi::OsStr;

    fn sample() -> ReturnLabel {
        ReturnLabel {
            brand: "Acme Outdoor".into(),
            rma: RmaNumber::parse("RMA-7K2M9QXD").unwrap(),
            order_number: "ORD-10042".into(),
            from: LabelAddress {
                name: "Zoë Müller".into(),
                lines: vec!["Rua Augusta 1200, apto 31".into(), "01304-001 São Paulo SP".into(), "Brazil".into()],
            },
            to: LabelAddress {
                name: "Acme Returns Centre".into(),
                lines: vec!["Unit 4, Dock Road".into(), "Felixstowe IP11 3QW".into(), "United Kingdom".into()],
            },
            lines: vec![
                LabelLine {
                    sku: "TENT-2P".into(),
                    description: "Trekking tent, two person".into(),
                    quantity: "1 EA".into(),
                    reason: "Arrived damaged".into(),
                },
                LabelLine {
                    sku: "ROPE-50".into(),
                    description: "Climbing rope, by weight".into(),
                    quantity: "2.5 KG".into(),
                    reason: "No longer needed".into(),
                },
            ],
            instructions: vec![
                "Cut out the label and stick it flat on the largest side of the parcel.".into(),
                "Put this page in the parcel with the items.".into(),
                "Drop the parcel at any post office within 14 days.".into(),
            ],
            qr_payload: "https://track.acme.example/returns/RMA-7K2M9QXD".into(),
            issued_at: Utc.with_ymd_and_hms(2024, 5, 2, 13, 31, 0).unwrap(),
            texts: ReturnLabelTexts::default(),
        }
    }

    fn pages(label: &ReturnLabel) -> Vec<Vec<Mark>> {
        layout(label, &Typefaces::load(), &Symbols::new(label).unwrap())
    }

    fn texts(pages: &[Vec<Mark>]) -> Vec<String> {
        pages
            .iter()
            .flatten()
            .filter_map(|m| match m {
                Mark::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    fn filled(page: &[Mark], which: Symbol) -> Vec<[f32; 4]> {
        page.iter()
            .find_map(|m| match m {
                Mark::Filled { symbol, rects } if *symbol == which => Some(rects.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no {which:?} on the page"))
    }

    /// [left, bottom, right, top] of every text on a page, with its text;
    /// ascent and descent as DejaVu Sans draws them.
    fn text_boxes(page: &[Mark]) -> Vec<([f32; 4], String)> {
        page.iter()
            .filter_map(|m| match m {
                Mark::Text { x, baseline, size, text, shaped, .. } => Some((
                    [*x, baseline - 0.24 * size, x + shaped.width_em * size, baseline + 0.93 * size],
                    text.clone(),
                )),
                _ => None,
            })
            .collect()
    }

    fn overlap(a: [f32; 4], b: [f32; 4]) -> bool {
        a[0] < b[2] - 0.01 && b[0] < a[2] - 0.01 && a[1] < b[3] - 0.01 && b[1] < a[3] - 0.01
    }

    fn bounds(rects: &[[f32; 4]]) -> [f32; 4] {
        rects.iter().fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |b, r| {
            [b[0].min(r[0]), b[1].min(r[1]), b[2].max(r[0] + r[2]), b[3].max(r[1] + r[3])]
        })
    }

    fn find(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// The modules the drawn bars cover, read back from their rectangles.
    fn modules_drawn(rects: &[[f32; 4]], x: f32) -> Vec<u8> {
        let left = rects[0][0];
        let mut modules = Vec::new();
        for r in rects {
            let start = (r[0] - left) / x;
            let width = r[2] / x;
            assert!((start - start.round()).abs() < 1e-2 && (width - width.round()).abs() < 1e-3, "{r:?}");
            modules.resize(start.round() as usize, 0);
            modules.extend(std::iter::repeat_n(1, width.round() as usize));
        }
        modules
    }

    #[test]
    fn the_bars_drawn_are_the_encoders_modules() {
        for rma in ["RMA-7K2M9QXD", "RMA-00000000", "RMA-ZZZZZZZZ", "RMA-0123ABCD"] {
            let mut label = sample();
            label.rma = RmaNumber::parse(rma).unwrap();
            let encoded = code128_modules(rma).unwrap();
            // Start B, 12 characters, the check character: 11 modules each;
            // the stop character is 13.
            assert_eq!(encoded.len(), 11 * (rma.len() + 2) + 13);
            let pattern = |m: &[u8]| m.iter().map(|&d| if d == 1 { '1' } else { '0' }).collect::<String>();
            assert_eq!(pattern(&encoded[..11]), "11010010000", "the start B character (ISO/IEC 15417)");
            assert_eq!(pattern(&encoded[encoded.len() - 13..]), "1100011101011", "the stop character");
            let pages = pages(&label);
            let rects = filled(&pages[0], Symbol::Code128);
            let (x, _) = place_barcode(encoded.len(), IN_L, IN_R).unwrap();
            assert_eq!(modules_drawn(&rects, x), encoded, "{rma}");
            // Code 128 bars are one to four modules wide.
            assert!(rects.iter().all(|r| (1.0..=4.0).contains(&(r[2] / x).round())));
        }
    }

    #[test]
    fn bars_are_the_runs_of_dark_modules() {
        assert_eq!(bars(&[1, 1, 0, 1, 0, 0, 1, 1, 1, 1]), vec![(0, 2), (3, 1), (6, 4)]);
        assert_eq!(bars(&[0, 0]), vec![]);
        assert_eq!(bars(&[]), vec![]);
    }

    #[test]
    fn the_barcode_keeps_its_quiet_zones_inside_the_label_and_clear_of_everything() {
        let label = sample();
        let modules = code128_modules(&label.rma.to_string()).unwrap();
        let (x, left) = place_barcode(modules.len(), IN_L, IN_R).unwrap();
        // Whole printer dots: every bar prints the same width at 300 and 600 dpi.
        for value in [x, left] {
            assert!((value / DOT - (value / DOT).round()).abs() < 1e-3, "{value} is not on a dot");
        }
        assert!(x >= 5.0 * DOT - 1e-4, "an RMA number gets bars of at least 0.42 mm, not {x}");
        let pages = pages(&label);
        let rects = filled(&pages[0], Symbol::Code128);
        let b = bounds(&rects);
        assert!((b[2] - b[0] - modules.len() as f32 * x).abs() < 1e-3);
        let quiet = CODE128_QUIET as f32 * x;
        assert!(b[0] - quiet >= IN_L - 1e-3 && b[2] + quiet <= IN_R + 1e-3, "quiet zones inside the label");
        // Taller than ISO/IEC 15417's 15 % of the symbol's width.
        assert!(b[3] - b[1] >= 0.15 * (b[2] - b[0]));
        let zone = [b[0] - quiet, b[1], b[2] + quiet, b[3]];
        for (text_box, text) in text_boxes(&pages[0]) {
            assert!(!overlap(zone, text_box), "{text} is in the barcode's quiet zone");
        }
        let qr = bounds(&filled(&pages[0], Symbol::Qr));
        assert!(!overlap(zone, qr));
    }

    #[test]
    fn the_qr_code_is_the_encoders_with_its_quiet_zone_clear() {
        let label = sample();
        let pages = pages(&label);
        let rects = filled(&pages[0], Symbol::Qr);
        let code = QrCode::with_error_correction_level(qr_payload(&label), EcLevel::M).unwrap();
        let module = qr_module_size(code.width()).unwrap();
        assert!(rects.iter().all(|r| (r[2] - module).abs() < 1e-4 && (r[3] - module).abs() < 1e-4));
        let b = bounds(&rects);
        // Read the drawn squares back into a grid and compare.
        let mut grid = vec![qrcode::Color::Light; code.width() * code.width()];
        for r in &rects {
            let col = ((r[0] - b[0]) / module).round() as usize;
            let row = ((b[3] - r[1] - r[3]) / module).round() as usize;
            grid[row * code.width() + col] = qrcode::Color::Dark;
        }
        assert_eq!(grid, code.to_colors());
        let quiet = QR_QUIET as f32 * module;
        let zone = [b[0] - quiet, b[1] - quiet, b[2] + quiet, b[3] + quiet];
        assert!(zone[0] >= IN_L && zone[2] <= IN_R + 1e-3, "{zone:?}");
        assert!(zone[3] <= HEAD_RULE_Y && zone[1] >= FROM_RULE_Y, "{zone:?}");
        for (text_box, text) in text_boxes(&pages[0]) {
            assert!(!overlap(zone, text_box), "{text} is in the QR code's quiet zone");
        }
    }

    #[test]
    fn the_qr_code_holds_the_url_or_else_the_rma_number() {
        let mut label = sample();
        assert_eq!(qr_payload(&label), "https://track.acme.example/returns/RMA-7K2M9QXD");
        label.qr_payload = "  ".into();
        assert_eq!(qr_payload(&label), "RMA-7K2M9QXD");
        render(&label).unwrap();
    }

    #[test]
    fn a_qr_payload_too_long_to_scan_is_an_error() {
        let mut label = sample();
        // Fits a QR code (version 22 or so), but with modules too small for the label.
        label.qr_payload = format!("https://track.acme.example/{}", "a".repeat(700));
        let err = render(&label).unwrap_err();
        assert!(matches!(err, ReturnLabelError::QrPayloadTooLong { .. }), "{err}");
        label.qr_payload = "x".repeat(5000);
        assert!(matches!(render(&label), Err(ReturnLabelError::QrPayloadTooLong { bytes: 5000 })));
        // A long but ordinary URL still fits.
        label.qr_payload = format!("https://returns.acme.example/r/{}?token={}", label.rma, "f".repeat(64));
        render(&label).unwrap();
    }

    #[test]
    fn the_label_says_who_what_and_where() {
        let texts = texts(&pages(&sample()));
        for expected in [
            "Acme Outdoor",
            "Return label",
            "From",
            "Zoë Müller",
            "Rua Augusta 1200, apto 31",
            "01304-001 São Paulo SP",
            "To",
            "Acme Returns Centre",
            "Felixstowe IP11 3QW",
            "Return number",
            "RMA-7K2M9QXD",
            "Order ORD-10042",
            "TENT-2P",
            "Trekking tent, two person",
            "1 EA",
            "2.5 KG",
            "Arrived damaged",
            "Instructions",
            "1.",
            "Drop the parcel at any post office within 14 days.",
            "Acme Outdoor · RMA-7K2M9QXD · Order ORD-10042",
            "1 / 1",
        ] {
            assert!(texts.iter().any(|t| t == expected), "missing {expected} in {texts:?}");
        }
        assert_eq!(texts.iter().filter(|t| *t == "RMA-7K2M9QXD").count(), 2, "large and under the bars");
    }

    /// Every text on the label is inside it and in its own band, and no two
    /// texts on the page overlap, with the longest values there can be.
    #[test]
    fn long_values_stay_in_their_places() {
        let mut label = sample();
        label.brand = "The Extraordinarily Long Brand Name Company of Outdoor Things".into();
        label.from.name = "Maria Aparecida dos Santos Oliveira de São Paulo e Łódź ".repeat(4);
        label.from.lines = vec!["Ünterstraße ".repeat(30); 8];
        label.to.name = "W".repeat(300);
        label.to.lines = (1..=12).map(|n| format!("Return address line {n} with quite some words in it")).collect();
        label.order_number = "O".repeat(200);
        label.texts.rma = "Numéro d'autorisation de retour (à reporter sur le colis)".into();
        label.lines[0].sku = "X".repeat(500);
        label.lines[0].description = "word ".repeat(500);
        label.lines[0].reason = "because ".repeat(200);
        label.lines[0].quantity = "123456789012345 EA".into();
        label.instructions = vec!["lorem ipsum ".repeat(300)];
        let pages = pages(&label);
        let boxes = text_boxes(&pages[0]);
        for (b, text) in &boxes {
            let on_label = b[1] > LABEL_BOTTOM;
            if on_label {
                assert!(b[0] >= IN_L - 0.01 && b[2] <= IN_R + 0.01, "overflows the label: {text}");
                assert!(b[3] <= LABEL_TOP - PAD + 0.01 && b[1] >= LABEL_BOTTOM + PAD - 0.01, "{text}");
            } else {
                assert!(b[0] >= LEFT - 0.01 && b[2] <= RIGHT + 0.01, "overflows the page: {text}");
            }
        }
        for (i, (a, ta)) in boxes.iter().enumerate() {
            for (b, tb) in &boxes[i + 1..] {
                assert!(!overlap(*a, *b), "{ta} overlaps {tb}");
            }
        }
        let in_band = |top: f32, bottom: f32| {
            boxes.iter().filter(move |(b, _)| b[1] >= bottom - 0.01 && b[3] <= top + 0.01).count()
        };
        assert!(in_band(FROM_TOP, FROM_BOTTOM) >= 6 && in_band(TO_TOP, TO_BOTTOM) >= 6);
        for (b, text) in &boxes {
            if b[1] >= FROM_BOTTOM && b[3] <= FROM_TOP {
                assert!(b[2] <= IN_L + FROM_W + 0.01, "the sender runs into the QR code: {text}");
            }
        }
        // Cut, and shown cut: the lowest line of each address ends in an ellipsis.
        for [top, bottom] in [[FROM_TOP, FROM_BOTTOM], [TO_TOP, TO_BOTTOM]] {
            let band = boxes.iter().filter(|(b, _)| b[1] >= bottom - 0.01 && b[3] <= top + 0.01);
            let (_, last) = band.min_by(|a, b| a.0[1].total_cmp(&b.0[1])).unwrap();
            assert!(last.ends_with('…'), "{last}");
        }
        assert!(texts(&pages).iter().any(|t| t.starts_with("Maria")));
        render(&label).unwrap();
    }

    #[test]
    fn names_in_other_scripts_are_kept_as_written() {
        let mut label = sample();
        label.from = LabelAddress {
            name: "محمد عبد الله".into(),
            lines: vec!["شارع التحرير 12".into(), "القاهرة".into(), "Egypt".into()],
        };
        label.to.name = "Łukasz Żółć — Αθήνα".into();
        label.texts.language = "ar".into();
        let faces = Typefaces::load();
        let pages = pages(&label);
        for mark in &pages[0] {
            if let Mark::Text { shaped, text, .. } = mark {
                assert!(shaped.runs.iter().flat_map(|r| &r.glyphs).all(|g| g.glyph_id.to_u32() != 0), "{text}");
            }
        }
        let texts = texts(&pages);
        for expected in ["محمد عبد الله", "القاهرة", "Łukasz Żółć — Αθήνα"] {
            assert_eq!(faces.printable(expected), expected);
            assert!(texts.iter().any(|t| t == expected), "missing {expected}");
        }
        let pdf = render(&label).unwrap();
        assert!(find(&pdf, b"<rdf:li>ar</rdf:li>"), "the language is in the metadata");
    }

    #[test]
    fn many_lines_continue_on_further_pages_with_the_header_repeated() {
        let mut label = sample();
        label.lines = (1..=120)
            .map(|n| LabelLine {
                sku: format!("SKU-{n:04}"),
                description: format!("Item number {n}"),
                quantity: format!("{n} EA"),
                reason: "Wrong item sent".into(),
            })
            .collect();
        let pages = pages(&label);
        let count = pages.len();
        assert!(count >= 3, "{count} pages");
        let texts = texts(&pages);
        assert!(texts.iter().any(|t| t == "SKU-0001") && texts.iter().any(|t| t == "SKU-0120"));
        assert!(texts.contains(&format!("{count} / {count}")));
        assert!(texts.iter().any(|t| t == "Return label RMA-7K2M9QXD · Order ORD-10042 (continued)"));
        assert_eq!(texts.iter().filter(|t| *t == "Reason").count(), count, "header on every page");
        // The label is only on the first page.
        assert!(pages[1..].iter().flatten().all(|m| !matches!(m, Mark::Filled { .. } | Mark::CutLine)));
        for page in &pages {
            for (b, text) in text_boxes(page) {
                assert!(b[1] >= BOTTOM - 14.0 || text.contains(" / ") || text.starts_with("Acme"), "{text}");
            }
        }
        let pdf = render(&label).unwrap();
        assert!(find(&pdf, format!("/Count {count}").as_bytes()));
    }

    #[test]
    fn an_empty_label_still_renders() {
        let label = ReturnLabel {
            brand: String::new(),
            rma: RmaNumber::from_random(0),
            order_number: String::new(),
            from: LabelAddress::default(),
            to: LabelAddress::default(),
            lines: Vec::new(),
            instructions: vec!["  ".into()],
            qr_payload: String::new(),
            issued_at: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
            texts: ReturnLabelTexts::default(),
        };
        let pages = pages(&label);
        assert_eq!(pages.len(), 1);
        let texts = texts(&pages);
        assert!(texts.iter().any(|t| t == "No lines."));
        assert!(!texts.iter().any(|t| t == "Instructions"), "no empty section");
        assert_eq!(texts.iter().filter(|t| *t == "—").count(), 2, "both addresses say they are missing");
        render(&label).unwrap();
    }

    #[test]
    fn renders_a_deterministic_pdf_a_2b_file() {
        let pdf = render(&sample()).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7"));
        assert!(find(&pdf, b"pdfaid:part>2<") || find(&pdf, b"pdfaid:part=\"2\""));
        assert!(find(&pdf, b"+DejaVuSans"), "the font is embedded and subset");
        assert!(find(&pdf, b"D:20240502133100"), "dated from the return");
        assert_eq!(pdf, render(&sample()).unwrap());
    }

    // -----------------------------------------------------------------------
    // As a reader and a scanner see it: poppler extracts the text, renders the
    // page at 300 dpi, and zbar decodes both codes from the picture.

    /// Runs a command-line tool; a missing one fails the test, naming
    /// what installs it.
    fn tool(name: &str, package: &str, args: &[&OsStr]) -> std::process::Output {
        std::process::Command::new(name).args(args).output().unwrap_or_else(|e| {
            panic!("{name} could not be run ({e}): it comes with Debian's {package}; run scripts/setup.sh")
        })
    }

    #[test]
    fn a_reader_finds_the_text_and_a_scanner_reads_both_codes() {
        let label = sample();
        let pdf = render(&label).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("return-label.pdf");
        std::fs::write(&path, &pdf).unwrap();

        let output = tool("pdftotext", "poppler-utils", &[OsStr::new("-raw"), path.as_os_str(), OsStr::new("-")]);
        assert!(output.status.success(), "pdftotext: {}", String::from_utf8_lossy(&output.stderr));
        let text = String::from_utf8(output.stdout).unwrap();
        let address = |a: &LabelAddress| std::iter::once(a.name.clone()).chain(a.lines.clone()).collect::<Vec<_>>();
        let mut expected = vec![label.rma.to_string(), label.brand.clone(), "ORD-10042".to_string()];
        expected.extend(address(&label.from));
        expected.extend(address(&label.to));
        for line in &label.lines {
            expected.extend([line.sku.clone(), line.description.clone(), line.quantity.clone(), line.reason.clone()]);
        }
        expected.extend(label.instructions.iter().cloned());
        for wanted in &expected {
            assert!(text.contains(wanted.as_str()), "pdftotext does not find {wanted:?} in:\n{text}");
        }

        let prefix = dir.path().join("page");
        let mut args = ["-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile"].map(OsStr::new).to_vec();
        args.extend([path.as_os_str(), prefix.as_os_str()]);
        let output = tool("pdftoppm", "poppler-utils", &args);
        assert!(output.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&output.stderr));
        let png = dir.path().join("page.png");
        let output = tool("zbarimg", "zbar-tools", &[OsStr::new("--quiet"), png.as_os_str()]);
        assert!(output.status.success(), "zbarimg found no code: {}", String::from_utf8_lossy(&output.stderr));
        let mut decoded: Vec<String> = String::from_utf8(output.stdout).unwrap().lines().map(String::from).collect();
        decoded.sort();
        assert_eq!(
            decoded,
            vec![format!("CODE-128:{}", label.rma), format!("QR-Code:{}", label.qr_payload)],
            "exactly the two codes, each holding what it should"
        );

        // For a person to look at: `RETURN_LABEL_SAMPLE_DIR=/tmp cargo test …`.
        if let Some(out) = std::env::var_os("RETURN_LABEL_SAMPLE_DIR") {
            let out = std::path::Path::new(&out);
            std::fs::copy(&path, out.join("return-label-sample.pdf")).unwrap();
            std::fs::copy(&png, out.join("return-label-sample.png")).unwrap();
        }
    }
}
