//! The proof-of-delivery document as an archival PDF (PDF/A-2b), through
//! krilla: DejaVu Sans embedded and subset (vendored under assets/fonts, so
//! the binary needs no system font), text shaped by rustybuzz and put in
//! visual order by unicode-bidi, so names and addresses print in their own
//! script, and the signature and photos drawn on the page.
//!
//! Layout first, drawing second: [`layout`] turns the document into pages of
//! marks (shaped text, rules, pictures) with PDF coordinates (y up, as the
//! layout constants read), and [`draw`] hands them to krilla. The document
//! date comes from the data (the delivery), so the same POD gives the same
//! bytes.

use crate::domain::pod_document::{PodDocument, PodFile};
use krilla::color::luma;
use krilla::configure::{Archival, ConfigurationBuilder, Validator};
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::{Level, ParagraphBidiInfo};

/// DejaVu Sans 2.37 (Debian's fonts-dejavu-core), Bitstream Vera licence:
/// assets/fonts/LICENSE-DejaVu.txt. Latin, Greek, Cyrillic, Armenian,
/// Georgian, Hebrew and Arabic; no CJK.
static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Printed in place of a character the font has no glyph for (PDF/A forbids
/// drawing the empty `.notdef` glyph, and a reader should see that something
/// is missing rather than a wrong letter).
const REPLACEMENT: char = '\u{FFFD}';

/// Why the PDF could not be made.
#[derive(Debug)]
pub struct PodPdfError(String);

impl std::fmt::Display for PodPdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the proof-of-delivery PDF could not be made: {}", self.0)
    }
}

impl std::error::Error for PodPdfError {}

/// A one-or-more-page A4 PDF/A-2b of the document: heading, details, the
/// lines table (continued on further pages with its header repeated), the
/// note, the stored files with their pictures, and a footer with the page
/// number on every page. Long values are wrapped or cut with an ellipsis.
///
/// A picture that cannot be embedded (not PNG or JPEG, damaged, or a kind
/// PDF/A cannot hold) does not cost the document: it is printed without
/// pictures, each file still listed.
pub fn render_pdf(doc: &PodDocument) -> Result<Vec<u8>, PodPdfError> {
    let faces = Typefaces::load();
    let with_pictures = pictures(&doc.files);
    if with_pictures.iter().any(Option::is_some) {
        match draw(doc, &faces, &layout(doc, &faces, &with_pictures)) {
            Ok(pdf) => return Ok(pdf),
            Err(error) => tracing::warn!(%error, pod = %doc.pod_id, "printing the POD without its pictures"),
        }
    }
    let none = vec![None; doc.files.len()];
    draw(doc, &faces, &layout(doc, &faces, &none))
}

/// The picture of each stored file, when its bytes are a PNG or a JPEG.
fn pictures(files: &[PodFile]) -> Vec<Option<Image>> {
    files
        .iter()
        .map(|file| {
            let bytes = file.image.as_ref()?;
            // Interpolation is off: PDF/A forbids asking the reader to smooth.
            if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
                Image::from_png(bytes.clone().into(), false).ok()
            } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
                Image::from_jpeg(bytes.clone().into(), false).ok()
            } else {
                None
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Page geometry (points; A4 is 210 × 297 mm), y measured up from the bottom.

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
/// Stored files: the label is indented past the bullet, pictures too.
const FILE_INDENT: f32 = 12.0;
/// The box a picture is scaled into (never enlarged more than twice).
const PICTURE_W: f32 = 240.0;
const PICTURE_H: f32 = 150.0;

// ---------------------------------------------------------------------------
// Text: what can be printed, shaping, measuring, wrapping.

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// One face twice: for krilla to embed, and for rustybuzz to shape and measure.
pub(crate) struct Typeface {
    pub(crate) pdf: Font,
    shaper: rustybuzz::Face<'static>,
    units_per_em: f32,
}

impl Typeface {
    fn load(data: &'static [u8]) -> Typeface {
        let shaper = rustybuzz::Face::from_slice(data, 0).expect("the vendored font parses");
        Typeface {
            pdf: Font::new(data.into(), 0).expect("the vendored font parses"),
            units_per_em: shaper.units_per_em() as f32,
            shaper,
        }
    }

    fn has(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }
}

/// The two faces, and the text machinery the other PDF documents
/// (`return_label`) share.
pub(crate) struct Typefaces {
    regular: Typeface,
    bold: Typeface,
}

impl Typefaces {
    pub(crate) fn load() -> Typefaces {
        Typefaces { regular: Typeface::load(REGULAR_TTF), bold: Typeface::load(BOLD_TTF) }
    }

    pub(crate) fn get(&self, weight: Weight) -> &Typeface {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// The text as it can be printed on one line: white space and line
    /// breaks as spaces, invisible format characters (bidi overrides,
    /// zero-width marks, tags) dropped, and a character neither face has
    /// as U+FFFD.
    pub(crate) fn printable(&self, text: &str) -> String {
        text.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some(' '),
                c if c.is_control() || is_invisible_format(c) => None,
                c if self.regular.has(c) => Some(c),
                _ => Some(REPLACEMENT),
            })
            .collect()
    }

    /// The text shaped in visual order, in the given weight where that face
    /// has the glyphs and in the regular face where only it has them.
    pub(crate) fn shape(&self, text: &str, weight: Weight) -> Shaped {
        let mut runs = Vec::new();
        if !text.is_empty() {
            let bidi = ParagraphBidiInfo::new(text, Some(Level::ltr()));
            let (levels, visual) = bidi.visual_runs(0..text.len());
            for range in visual {
                let rtl = levels[range.start].is_rtl();
                let mut pieces = self.split_by_face(&text[range], weight);
                if rtl {
                    pieces.reverse();
                }
                runs.extend(pieces.into_iter().map(|(piece, face)| self.shape_run(piece, face, rtl)));
            }
        }
        let width_em = runs.iter().map(|r: &Run| r.advance_em).sum();
        Shaped { runs, width_em }
    }

    fn split_by_face<'t>(&self, text: &'t str, weight: Weight) -> Vec<(&'t str, Weight)> {
        let face_for =
            |c: char| if weight == Weight::Bold && self.bold.has(c) { Weight::Bold } else { Weight::Regular };
        let mut pieces = Vec::new();
        let mut start = 0;
        let mut current = None;
        for (i, c) in text.char_indices() {
            let face = face_for(c);
            if current.is_some_and(|f| f != face) {
                pieces.push((&text[start..i], current.unwrap()));
                start = i;
            }
            current = Some(face);
        }
        if let Some(face) = current {
            pieces.push((&text[start..], face));
        }
        pieces
    }

    fn shape_run(&self, text: &str, weight: Weight, rtl: bool) -> Run {
        let face = self.get(weight);
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        buffer.set_direction(if rtl { Direction::RightToLeft } else { Direction::LeftToRight });
        let shaped = rustybuzz::shape(&face.shaper, &[], buffer);
        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();
        // A glyph stands for the text from its cluster to the next cluster
        // up, in either direction.
        let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        let end_of = |start: usize| starts.iter().find(|&&s| s > start).copied().unwrap_or(text.len());
        let upem = face.units_per_em;
        let glyphs: Vec<KrillaGlyph> = infos
            .iter()
            .zip(positions)
            .map(|(info, pos)| {
                let start = info.cluster as usize;
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    pos.x_advance as f32 / upem,
                    pos.x_offset as f32 / upem,
                    pos.y_offset as f32 / upem,
                    pos.y_advance as f32 / upem,
                    start..end_of(start),
                    None,
                )
            })
            .collect();
        let advance_em = glyphs.iter().map(|g| g.x_advance).sum();
        Run { weight, text: text.to_string(), glyphs, advance_em }
    }

    /// Width in points of printable text at the given size.
    pub(crate) fn width(&self, text: &str, weight: Weight, size: f32) -> f32 {
        self.shape(text, weight).width_em * size
    }

    /// The longest prefix of `text` (at least one character, if any) no
    /// wider than `max`, as a byte length.
    fn fitting_prefix_len(&self, text: &str, weight: Weight, size: f32, max: f32) -> usize {
        let ends: Vec<usize> = text.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        // Widths grow with the prefix, so the last one that fits is found by halving.
        let (mut lo, mut hi) = (0, ends.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if self.width(&text[..ends[mid - 1]], weight, size) <= max {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        ends.get(lo.max(1) - 1).copied().unwrap_or(0)
    }

    /// The text cut so that it, plus a trailing ellipsis, fits in `max`.
    pub(crate) fn ellipsize(&self, text: &str, weight: Weight, size: f32, max: f32) -> String {
        let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let with_ellipsis = |end: usize| format!("{}…", text[..end].trim_end());
        let (mut lo, mut hi) = (0, ends.len() - 1);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if self.width(&with_ellipsis(ends[mid]), weight, size) <= max {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        with_ellipsis(ends[lo])
    }

    /// The text on one line: as it is when it fits, else cut with an ellipsis.
    pub(crate) fn fit(&self, text: &str, weight: Weight, size: f32, max: f32) -> String {
        let text = self.printable(text);
        let text = text.trim();
        if self.width(text, weight, size) <= max {
            text.to_string()
        } else {
            self.ellipsize(text, weight, size, max)
        }
    }

    /// The text broken into at most `max_lines` lines no wider than `max`:
    /// at spaces where it can, inside a word (hashes, long references) where
    /// it must; the last line ends in an ellipsis when something was left
    /// out. Never empty.
    pub(crate) fn wrap(&self, text: &str, weight: Weight, size: f32, max: f32, max_lines: usize) -> Vec<String> {
        let text = self.printable(text);
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        // Nothing past the line that gets the ellipsis is ever shown, so
        // wrapping stops one line past the limit.
        let mut cut = false;
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            if !current.is_empty() {
                let candidate = format!("{current} {word}");
                if self.width(&candidate, weight, size) <= max {
                    current = candidate;
                    continue;
                }
                lines.push(std::mem::take(&mut current));
            }
            let mut rest = word;
            while lines.len() <= max_lines && self.width(rest, weight, size) > max {
                let n = self.fitting_prefix_len(rest, weight, size, max);
                lines.push(rest[..n].to_string());
                rest = &rest[n..];
            }
            if lines.len() > max_lines {
                cut = true;
                break;
            }
            current = rest.to_string();
        }
        if !cut && (!current.is_empty() || lines.is_empty()) {
            lines.push(current);
        }
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                *last = self.ellipsize(last, weight, size, max);
            }
        }
        lines
    }
}

/// Format characters that draw nothing and that no face needs (bidi
/// embeddings and overrides, zero-width marks, word joiners, tags, the
/// byte-order mark, variation selectors); a reader never sees them, so they
/// are not printed (PDF/A forbids the `.notdef` glyph they would get).
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Text shaped for one line, its runs left to right.
#[derive(Clone)]
pub(crate) struct Shaped {
    pub(crate) runs: Vec<Run>,
    pub(crate) width_em: f32,
}

/// Glyphs of one face and one direction.
#[derive(Clone)]
pub(crate) struct Run {
    pub(crate) weight: Weight,
    pub(crate) text: String,
    pub(crate) glyphs: Vec<KrillaGlyph>,
    pub(crate) advance_em: f32,
}

// ---------------------------------------------------------------------------
// Layout: the document as pages of marks.

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
    Rule {
        y: f32,
        gray: f32,
        width: f32,
    },
    Picture {
        x: f32,
        top: f32,
        width: f32,
        height: f32,
        image: Image,
    },
}

struct Layout<'a> {
    doc: &'a PodDocument,
    faces: &'a Typefaces,
    pages: Vec<Vec<Mark>>,
    /// Top of the free space on the current page.
    y: f32,
    /// The lines table is being drawn: repeat its header on a new page.
    in_table: bool,
    /// Nothing but the running header is on the current page yet.
    fresh: bool,
}

impl<'a> Layout<'a> {
    fn new(doc: &'a PodDocument, faces: &'a Typefaces) -> Self {
        let mut layout = Layout { doc, faces, pages: Vec::new(), y: TOP, in_table: false, fresh: true };
        layout.new_page();
        layout
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
        if self.pages.len() > 1 {
            let doc = self.doc;
            let l = &doc.labels;
            let running = format!("{} · {} {} {}", l.title, l.order, self.doc.order_number, l.continued);
            let running = self.faces.fit(&running, Weight::Regular, SMALL, RIGHT - LEFT);
            self.text(LEFT, self.y - SMALL, Weight::Regular, SMALL, 0.4, &running);
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

    /// Text already made printable and fitted (by `fit` or `wrap`).
    fn text(&mut self, x: f32, baseline: f32, weight: Weight, size: f32, gray: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        let shaped = self.faces.shape(text, weight);
        self.mark(Mark::Text { x, baseline, size, gray, text: text.to_string(), shaped });
    }

    fn text_right(&mut self, right: f32, baseline: f32, weight: Weight, size: f32, text: &str) {
        let x = right - self.faces.width(text, weight, size);
        self.text(x, baseline, weight, size, 0.0, text);
    }

    fn mark(&mut self, mark: Mark) {
        self.pages.last_mut().expect("a page is always open").push(mark);
    }

    fn rule(&mut self, y: f32, gray: f32, width: f32) {
        self.mark(Mark::Rule { y, gray, width });
    }

    fn heading(&mut self) {
        let brand = self.faces.fit(&self.doc.brand_name, Weight::Bold, 11.0, RIGHT - LEFT);
        if !brand.is_empty() {
            self.text(LEFT, self.y - 11.0, Weight::Bold, 11.0, 0.35, &brand);
            self.gap(18.0);
        }
        let title = self.faces.fit(&self.doc.labels.title, Weight::Bold, 20.0, RIGHT - LEFT);
        self.text(LEFT, self.y - 20.0, Weight::Bold, 20.0, 0.0, &title);
        self.gap(28.0);
        self.rule(self.y, 0.0, 1.0);
        self.gap(12.0);
    }

    fn section(&mut self, title: &str) {
        self.gap(10.0);
        // Keep a title with at least two lines of what follows it.
        self.ensure(18.0 + 2.0 * BODY_LH);
        self.text(LEFT, self.y - 12.0, Weight::Bold, 12.0, 0.0, title);
        self.gap(18.0);
    }

    /// A labelled value; the value wraps onto a few lines and stays together.
    fn field(&mut self, label: &str, value: &str) {
        let value = if value.trim().is_empty() {
            vec!["—".to_string()]
        } else {
            self.faces.wrap(value, Weight::Regular, BODY, RIGHT - VALUE_X, MAX_VALUE_LINES)
        };
        self.field_lines(label, &value);
    }

    fn field_lines(&mut self, label: &str, lines: &[String]) {
        self.ensure(lines.len().max(1) as f32 * BODY_LH);
        let label = self.faces.fit(label, Weight::Bold, BODY, VALUE_X - LEFT - 8.0);
        self.text(LEFT, self.y - BODY_LH + 3.5, Weight::Bold, BODY, 0.0, &label);
        for line in lines {
            self.text(VALUE_X, self.y - BODY_LH + 3.5, Weight::Regular, BODY, 0.0, line);
            self.gap(BODY_LH);
        }
        if lines.is_empty() {
            self.gap(BODY_LH);
        }
    }

    fn details(&mut self) {
        let doc = self.doc;
        let l = &doc.labels;
        self.field(&l.order, &doc.order_number);
        if let Some(po) = &doc.customer_po {
            self.field(&l.customer_po, po);
        }
        self.field(&l.shipment, &doc.shipment);
        self.field(&l.received_by, &doc.receiver_name);
        self.field(&l.delivered_at, &doc.delivered_at);
        if let Some(place) = &doc.place {
            self.field(&l.place, place);
        }
        let mut ship_to: Vec<String> = Vec::new();
        for line in doc.ship_to.iter().filter(|l| !self.faces.printable(l).trim().is_empty()) {
            ship_to.extend(self.faces.wrap(line, Weight::Regular, BODY, RIGHT - VALUE_X, 2));
        }
        if ship_to.is_empty() {
            ship_to.push("—".into());
        }
        self.field_lines(&l.ship_to, &ship_to);
        self.field(&l.pod_reference, &doc.pod_id);
        if let Some(receiving) = &doc.receiving {
            self.field(&l.receiving, receiving);
        }
    }

    fn table_header(&mut self) {
        let base = self.y - 11.0;
        let doc = self.doc;
        let l = &doc.labels;
        let line = self.faces.fit(&l.line, Weight::Bold, 9.0, COL_SKU_X - COL_LINE_X - 4.0);
        let sku = self.faces.fit(&l.sku, Weight::Bold, 9.0, COL_DESC_X - COL_SKU_X - 4.0);
        self.text(COL_LINE_X, base, Weight::Bold, 9.0, 0.0, &line);
        self.text(COL_SKU_X, base, Weight::Bold, 9.0, 0.0, &sku);
        self.text(COL_DESC_X, base, Weight::Bold, 9.0, 0.0, &l.description);
        self.text_right(RIGHT, base, Weight::Bold, 9.0, &l.quantity);
        self.gap(15.0);
        self.rule(self.y, 0.3, 0.75);
        self.gap(2.0);
    }

    fn lines_table(&mut self) {
        let doc = self.doc;
        self.section(&doc.labels.lines);
        if self.doc.lines.is_empty() {
            self.text(LEFT, self.y - BODY_LH + 3.5, Weight::Regular, BODY, 0.4, &doc.labels.no_lines);
            self.gap(BODY_LH);
            return;
        }
        self.table_header();
        self.in_table = true;
        let faces = self.faces;
        for line in &self.doc.lines {
            let number = faces.fit(&line.line_number.to_string(), Weight::Regular, ROW_SIZE, COL_LINE_W);
            let sku = faces.wrap(&line.sku, Weight::Regular, ROW_SIZE, COL_SKU_W, MAX_SKU_LINES);
            let desc = faces.wrap(&line.description, Weight::Regular, ROW_SIZE, COL_DESC_W, MAX_DESC_LINES);
            let qty = faces.fit(&format!("{} {}", line.quantity, line.unit), Weight::Regular, ROW_SIZE, COL_QTY_W);
            let rows = sku.len().max(desc.len()).max(1);
            let height = rows as f32 * ROW_LH + 4.0;
            self.ensure(height);
            let first = self.y - ROW_LH + 2.0;
            self.text(COL_LINE_X, first, Weight::Regular, ROW_SIZE, 0.0, &number);
            for (i, part) in sku.iter().enumerate() {
                self.text(COL_SKU_X, first - i as f32 * ROW_LH, Weight::Regular, ROW_SIZE, 0.0, part);
            }
            for (i, part) in desc.iter().enumerate() {
                self.text(COL_DESC_X, first - i as f32 * ROW_LH, Weight::Regular, ROW_SIZE, 0.0, part);
            }
            self.text_right(RIGHT, first, Weight::Regular, ROW_SIZE, &qty);
            self.gap(height);
            self.rule(self.y + 1.0, 0.85, 0.5);
        }
        self.in_table = false;
    }

    fn note(&mut self) {
        let Some(note) = self.doc.note.as_deref().filter(|n| !n.trim().is_empty()) else {
            return;
        };
        let doc = self.doc;
        self.section(&doc.labels.note);
        let mut lines: Vec<String> = Vec::new();
        for paragraph in note.trim().lines() {
            if lines.len() > MAX_NOTE_LINES {
                break;
            }
            if self.faces.printable(paragraph).trim().is_empty() {
                lines.push(String::new());
            } else {
                let room = MAX_NOTE_LINES + 1 - lines.len();
                lines.extend(self.faces.wrap(paragraph, Weight::Regular, BODY, RIGHT - LEFT, room));
            }
        }
        if lines.len() > MAX_NOTE_LINES {
            lines.truncate(MAX_NOTE_LINES);
            if let Some(last) = lines.last_mut() {
                *last = self.faces.ellipsize(last, Weight::Regular, BODY, RIGHT - LEFT);
            }
        }
        for line in lines {
            self.ensure(BODY_LH);
            self.text(LEFT, self.y - BODY_LH + 3.5, Weight::Regular, BODY, 0.0, &line);
            self.gap(BODY_LH);
        }
    }

    fn files(&mut self, pictures: &[Option<Image>]) {
        let doc = self.doc;
        self.section(&doc.labels.stored_files);
        if self.doc.files.is_empty() {
            self.text(LEFT, self.y - BODY_LH + 3.5, Weight::Regular, BODY, 0.4, &doc.labels.no_files);
            self.gap(BODY_LH);
            return;
        }
        for (file, picture) in self.doc.files.iter().zip(pictures) {
            let lines = self.faces.wrap(&file.label, Weight::Regular, 9.0, RIGHT - LEFT - FILE_INDENT, 3);
            self.ensure(lines.len() as f32 * 12.5);
            self.text(LEFT, self.y - 12.5 + 3.0, Weight::Regular, 9.0, 0.0, "•");
            for line in lines {
                self.text(LEFT + FILE_INDENT, self.y - 12.5 + 3.0, Weight::Regular, 9.0, 0.0, &line);
                self.gap(12.5);
            }
            match picture {
                Some(image) => self.picture(image),
                None if file.image.is_some() => {
                    self.ensure(12.5);
                    let why = "(the picture could not be shown; the original is kept)";
                    self.text(LEFT + FILE_INDENT, self.y - 12.5 + 3.0, Weight::Regular, 8.0, 0.4, why);
                    self.gap(12.5);
                }
                None => {}
            }
        }
    }

    /// The picture under its file's label, scaled into the picture box.
    fn picture(&mut self, image: &Image) {
        let (px_w, px_h) = image.size();
        if px_w == 0 || px_h == 0 {
            return;
        }
        let scale = (PICTURE_W / px_w as f32).min(PICTURE_H / px_h as f32).min(2.0);
        let (width, height) = (px_w as f32 * scale, px_h as f32 * scale);
        self.ensure(height + 8.0);
        self.gap(2.0);
        self.mark(Mark::Picture { x: LEFT + FILE_INDENT, top: self.y, width, height, image: image.clone() });
        self.gap(height + 6.0);
    }

    /// "Brand · POD-42 · Order X" and "i / n" at the foot of every page.
    fn footers(&mut self) {
        let order = format!("{} {}", self.doc.labels.order, self.doc.order_number);
        let parts = [&self.doc.brand_name, &self.doc.pod_id, &order]
            .into_iter()
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
            page.push(Mark::Rule { y: FOOTER_Y + 12.0, gray: 0.6, width: 0.5 });
            if let Some((text, shaped)) = &left {
                page.push(Mark::Text {
                    x: LEFT,
                    baseline: FOOTER_Y,
                    size: SMALL,
                    gray: 0.4,
                    text: text.clone(),
                    shaped: shaped.clone(),
                });
            }
            page.push(Mark::Text { x, baseline: FOOTER_Y, size: SMALL, gray: 0.4, text: number, shaped });
        }
    }
}

fn layout(doc: &PodDocument, faces: &Typefaces, pictures: &[Option<Image>]) -> Vec<Vec<Mark>> {
    let mut l = Layout::new(doc, faces);
    l.heading();
    l.details();
    l.lines_table();
    l.note();
    l.files(pictures);
    l.footers();
    l.pages
}

// ---------------------------------------------------------------------------
// Drawing: the marks through krilla, as PDF/A-2b.

pub(crate) fn gray(level: f32) -> luma::Color {
    luma::Color::new((level.clamp(0.0, 1.0) * 255.0).round() as u8)
}

fn draw(doc: &PodDocument, faces: &Typefaces, pages: &[Vec<Mark>]) -> Result<Vec<u8>, PodPdfError> {
    let configuration = ConfigurationBuilder::new()
        .set_validator(Validator::A(Archival::A2_B))
        .finish()
        .map_err(|e| PodPdfError(format!("{e:?}")))?;
    let settings = SerializeSettings { configuration, enable_tagging: false, ..SerializeSettings::default() };
    let mut document = Document::new_with(settings);
    let date = doc.document_date;
    use chrono::{Datelike, Timelike};
    let date = DateTime::new(date.year().clamp(0, 9999) as u16)
        .month(date.month() as u8)
        .day(date.day() as u8)
        .hour(date.hour() as u8)
        .minute(date.minute() as u8)
        .second(date.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    document.set_metadata(
        Metadata::new()
            .title(format!("{} {}", doc.labels.title, doc.order_number))
            .creator("Milepost".into())
            .producer("Milepost".into())
            .language(doc.labels.language.clone())
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
                Mark::Rule { y, gray: level, width } => {
                    let mut path = PathBuilder::new();
                    path.move_to(LEFT, PAGE_H - y);
                    path.line_to(RIGHT, PAGE_H - y);
                    let Some(path) = path.finish() else { continue };
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke { paint: gray(*level).into(), width: *width, ..Stroke::default() }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
                Mark::Picture { x, top, width, height, image } => {
                    let Some(size) = Size::from_wh(*width, *height) else { continue };
                    surface.push_transform(&Transform::from_translate(*x, PAGE_H - top));
                    surface.draw_image(image.clone(), size);
                    surface.pop();
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PodPdfError(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pod_document::PodLine;
    use crate::domain::Quantity;
    use chrono::TimeZone;

    fn sample() -> PodDocument {
        PodDocument {
            brand_name: "Acme Freight".into(),
            order_number: "ORD-10042".into(),
            customer_po: Some("PO 123/7".into()),
            shipment: "UPS 1Z999AA10123456784".into(),
            receiver_name: "Jane Receiver".into(),
            delivered_at: "2024-05-02 14:31 BST".into(),
            document_date: Utc.with_ymd_and_hms(2024, 5, 2, 13, 31, 0).unwrap(),
            place: Some("51.50740, -0.12780 (±12 m)".into()),
            ship_to: vec!["Acme Ltd".into(), "1 High Street".into(), "London SW1A 1AA".into()],
            lines: vec![
                PodLine {
                    line_number: 1,
                    sku: "WID-001".into(),
                    description: "Blue widget".into(),
                    quantity: Quantity::whole(12),
                    unit: "pcs".into(),
                },
                PodLine {
                    line_number: 2,
                    sku: "GAD-9".into(),
                    description: "Gadget, large".into(),
                    quantity: "2.5".parse().unwrap(),
                    unit: "kg".into(),
                },
            ],
            note: Some("Left with reception.".into()),
            receiving: Some("Received with issues: line 1 (SKU-1): 4 of 5 counted, 1 short".into()),
            labels: Default::default(),
            pod_id: "POD-42".into(),
            files: vec![PodFile {
                label: format!("signature sha256:{}", "ab12".repeat(16)),
                image: Some(crate::demo::signature_png(3)),
            }],
        }
    }

    use chrono::Utc;

    fn pages(doc: &PodDocument) -> Vec<Vec<Mark>> {
        let faces = Typefaces::load();
        layout(doc, &faces, &pictures(&doc.files))
    }

    /// Every piece of text on the pages, in the order it was laid out.
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

    fn find(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn renders_a_pdf_a_2b_file() {
        let pdf = render_pdf(&sample()).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7"), "PDF/A-2 is based on PDF 1.7");
        assert!(find(&pdf, b"pdfaid:part>2<") || find(&pdf, b"pdfaid:part=\"2\""), "XMP names PDF/A part 2");
        assert!(find(&pdf, b"pdfaid:conformance>B<") || find(&pdf, b"pdfaid:conformance=\"B\""));
        assert!(find(&pdf, b"/FontFile2"), "the font is embedded");
        assert!(find(&pdf, b"+DejaVuSans"), "and subset (its name has a subset tag)");
    }

    #[test]
    fn output_is_deterministic_and_dated_from_the_delivery() {
        let pdf = render_pdf(&sample()).unwrap();
        assert_eq!(pdf, render_pdf(&sample()).unwrap());
        assert!(find(&pdf, b"D:20240502133100"), "the creation date is the delivery's");
    }

    #[test]
    fn the_document_text_is_laid_out() {
        let texts = texts(&pages(&sample()));
        for expected in [
            "Proof of delivery",
            "Acme Freight",
            "ORD-10042",
            "PO 123/7",
            "UPS 1Z999AA10123456784",
            "Jane Receiver",
            "2024-05-02 14:31 BST",
            "51.50740, -0.12780 (±12 m)",
            "1 High Street",
            "WID-001",
            "Blue widget",
            "12 pcs",
            "2.5 kg",
            "Left with reception.",
            "POD-42",
            "1 / 1",
        ] {
            assert!(texts.iter().any(|t| t == expected), "missing {expected} in {texts:?}");
        }
        assert!(texts.iter().any(|t| t.contains(&"ab12".repeat(16))));
    }

    #[test]
    fn names_in_any_script_the_font_has_are_kept_as_written() {
        let faces = Typefaces::load();
        for name in ["Łódź", "São Paulo", "Zoë Müller", "Αθήνα", "Дмитрий Иванов", "القاهرة", "תל אביב"]
        {
            assert_eq!(faces.printable(name), name);
            let shaped = faces.shape(name, Weight::Regular);
            assert!(shaped.runs.iter().flat_map(|r| &r.glyphs).all(|g| g.glyph_id.to_u32() != 0), "{name}");
        }
        let mut doc = sample();
        doc.receiver_name = "Łukasz Żółć".into();
        doc.ship_to = vec!["ul. Piotrkowska 1, Łódź".into(), "Av. Paulista 1000, São Paulo".into()];
        let texts = texts(&pages(&doc));
        assert!(texts.iter().any(|t| t == "Łukasz Żółć") && texts.iter().any(|t| t.ends_with("Łódź")));
        render_pdf(&doc).unwrap();
    }

    #[test]
    fn what_no_font_has_is_a_replacement_character_and_invisible_controls_go() {
        let faces = Typefaces::load();
        assert_eq!(faces.printable("李 🚚"), "\u{FFFD} \u{FFFD}");
        assert_eq!(faces.printable("a\u{202E}b\u{0}c\u{7}\r\n\td\u{200B}"), "abc   d");
        // PDF/A would refuse a `.notdef` glyph: none of these may produce one.
        let mut doc = sample();
        doc.brand_name = "物流 🚚".into();
        doc.receiver_name = "\u{202E}gnp.exe\u{0} 東京".into();
        doc.lines[0].description = "ﾃｽﾄ \u{FE0F}\u{E0041}x ".repeat(40);
        doc.note = Some("Привет\r\n\tмир\u{2028}".into());
        render_pdf(&doc).unwrap();
    }

    #[test]
    fn right_to_left_text_is_shaped_right_to_left_inside_a_left_to_right_line() {
        let faces = Typefaces::load();
        let shaped = faces.shape("Cairo القاهرة 12", Weight::Regular);
        let texts: Vec<&str> = shaped.runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts.first(), Some(&"Cairo "), "{texts:?}");
        let arabic = shaped.runs.iter().find(|r| r.text.contains('ق')).unwrap();
        // Visual order: the first glyph drawn is the last letter written.
        let first = arabic.glyphs.first().unwrap().text_range.start;
        let last = arabic.glyphs.last().unwrap().text_range.start;
        assert!(first > last, "{:?}", arabic.glyphs.iter().map(|g| g.text_range.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn pictures_are_placed_under_their_file_and_bad_ones_are_only_listed() {
        let mut doc = sample();
        doc.files.push(PodFile { label: "photo sha256:00ff".into(), image: Some(b"not a picture".to_vec()) });
        doc.files.push(PodFile { label: "photo sha256:11ee".into(), image: None });
        let pages = pages(&doc);
        let pictures: Vec<(f32, f32)> = pages
            .iter()
            .flatten()
            .filter_map(|m| match m {
                Mark::Picture { width, height, .. } => Some((*width, *height)),
                _ => None,
            })
            .collect();
        // The 240 × 80 px signature, at 1 pt a pixel: it fits the box.
        assert_eq!(pictures, vec![(240.0, 80.0)]);
        let texts = texts(&pages);
        assert_eq!(texts.iter().filter(|t| t.starts_with("(the picture could not be shown")).count(), 1);
        render_pdf(&doc).unwrap();
    }

    #[test]
    fn a_picture_that_fails_inside_the_pdf_library_costs_only_the_picture() {
        let mut doc = sample();
        // A PNG header with a broken body: the size reads, the pixels do not.
        let mut broken = crate::demo::signature_png(1);
        let len = broken.len();
        broken[len / 2..len - 12].iter_mut().for_each(|b| *b = 0x55);
        doc.files[0].image = Some(broken);
        let pdf = render_pdf(&doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7"));
    }

    #[test]
    fn long_text_is_wrapped_or_cut_to_the_page() {
        let mut doc = sample();
        doc.lines[0].sku = "X".repeat(5000);
        doc.lines[0].description = "word ".repeat(2000);
        doc.shipment = "S".repeat(3000);
        doc.receiver_name = "Maria Aparecida dos Santos Oliveira de São Paulo e Łódź ".repeat(6);
        doc.ship_to = vec!["Ünterstraße ".repeat(100)];
        doc.note = Some("lorem ipsum ".repeat(5000));
        doc.files = vec![PodFile { label: format!("photo sha256:{}", "f".repeat(500)), image: None }];
        let faces = Typefaces::load();
        let pages = layout(&doc, &faces, &[None]);
        let mut shown = 0;
        for mark in pages.iter().flatten() {
            if let Mark::Text { x, size, shaped, text, .. } = mark {
                let width = shaped.width_em * size;
                assert!(*x >= LEFT - 0.01 && x + width <= RIGHT + 0.01, "overflows: {text}");
                shown += 1;
            }
        }
        assert!(shown > 80);
        assert!(pages.len() > 1, "the 80 note lines spill onto a second page");
        let texts = texts(&pages);
        let receiver: Vec<&String> =
            texts.iter().filter(|t| t.starts_with("Maria") || t.contains("Oliveira")).collect();
        assert_eq!(receiver.len(), MAX_VALUE_LINES, "the receiver wraps onto at most {MAX_VALUE_LINES} lines");
        assert!(receiver.last().unwrap().ends_with('…'));
        assert_eq!(texts.iter().filter(|t| t.starts_with("lorem") || t.starts_with("ipsum")).count(), MAX_NOTE_LINES);
        render_pdf(&doc).unwrap();
    }

    #[test]
    fn two_hundred_lines_paginate_with_the_table_header_repeated() {
        let mut doc = sample();
        doc.lines = (1..=200)
            .map(|n| PodLine {
                line_number: n,
                sku: format!("SKU-{n:04}"),
                description: format!("Item number {n}"),
                quantity: Quantity::whole(n),
                unit: "pcs".into(),
            })
            .collect();
        let pages = pages(&doc);
        let count = pages.len();
        assert!(count > 1);
        let texts = texts(&pages);
        assert!(texts.iter().any(|t| t == "SKU-0001") && texts.iter().any(|t| t == "SKU-0200"));
        assert!(texts.contains(&format!("{count} / {count}")));
        assert!(texts.iter().any(|t| t == "Proof of delivery · Order ORD-10042 (continued)"));
        assert!(texts.iter().filter(|t| *t == "Description").count() >= 2, "header repeated");
        for page in &pages {
            for mark in page {
                if let Mark::Text { baseline, text, .. } = mark {
                    assert!(*baseline >= FOOTER_Y - 0.01 && *baseline <= PAGE_H, "{text} at {baseline}");
                    assert!(*baseline > BOTTOM - 14.0 || *baseline == FOOTER_Y, "{text} in the footer band");
                }
            }
        }
        let pdf = render_pdf(&doc).unwrap();
        assert!(find(&pdf, format!("/Count {count}").as_bytes()));
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
            document_date: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
            place: None,
            ship_to: Vec::new(),
            lines: Vec::new(),
            note: None,
            receiving: None,
            labels: Default::default(),
            pod_id: String::new(),
            files: Vec::new(),
        };
        let pages = pages(&doc);
        assert_eq!(pages.len(), 1);
        let texts = texts(&pages);
        assert!(texts.iter().any(|t| t == "No lines recorded.") && texts.iter().any(|t| t == "No files stored."));
        render_pdf(&doc).unwrap();
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_long_words() {
        let faces = Typefaces::load();
        let w = |t: &str| faces.width(t, Weight::Regular, 10.0);
        assert_eq!(faces.wrap("aaa bbb ccc", Weight::Regular, 10.0, w("aaa bbb"), 9), vec!["aaa bbb", "ccc"]);
        let word = "W".repeat(100);
        let lines = faces.wrap(&word, Weight::Regular, 10.0, 100.0, 99);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| w(l) <= 100.0));
        assert_eq!(lines.concat(), word);
        assert_eq!(faces.wrap("", Weight::Regular, 10.0, 100.0, 3), vec![String::new()]);
        let cut = faces.wrap(&"Żółć ".repeat(50), Weight::Regular, 10.0, 100.0, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…') && w(&cut[1]) <= 100.0);
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        let faces = Typefaces::load();
        assert_eq!(faces.fit("short", Weight::Regular, 10.0, 100.0), "short");
        let cut = faces.fit(&"a".repeat(200), Weight::Bold, 10.0, 100.0);
        assert!(cut.ends_with('…'));
        assert!(faces.width(&cut, Weight::Bold, 10.0) <= 100.0);
    }
}
