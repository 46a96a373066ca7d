//! The proof-of-delivery document: what it says, already formatted for
//! people. It is printed as a PDF by `crate::documents::pod_pdf` (server
//! only: the PDF library stays out of the domain, which builds for the
//! browser too).

use chrono::{DateTime, Utc};

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
    /// The moment of delivery, as the document's date: a fact from the data,
    /// never the time of printing, so the same POD always prints the same file.
    pub document_date: DateTime<Utc>,
    /// "51.50740, -0.12780 (±12 m)" or an address line.
    pub place: Option<String>,
    /// Address lines.
    pub ship_to: Vec<String>,
    pub lines: Vec<PodLine>,
    pub note: Option<String>,
    /// What the receiver counted against the shipment (shortages, damage,
    /// the reason), once they have: what accounts payable matches against.
    pub receiving: Option<String>,
    /// e.g. "POD-42"
    pub pod_id: String,
    /// One per stored file, in the order they were captured.
    pub files: Vec<PodFile>,
    /// The document's own words, in the reader's language.
    pub labels: PodLabels,
}

/// The fixed words of a proof-of-delivery document. English by default
/// (accounts payable's copy); a buyer's copy is in the tracking page's
/// language (`i18n::Translator::pod_labels`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodLabels {
    /// BCP 47 tag, written into the PDF's metadata.
    pub language: String,
    pub title: String,
    pub order: String,
    pub customer_po: String,
    pub shipment: String,
    pub received_by: String,
    pub delivered_at: String,
    pub place: String,
    pub ship_to: String,
    pub pod_reference: String,
    pub lines: String,
    pub line: String,
    pub sku: String,
    pub description: String,
    pub quantity: String,
    pub no_lines: String,
    pub note: String,
    pub receiving: String,
    pub stored_files: String,
    pub no_files: String,
    pub continued: String,
}

impl Default for PodLabels {
    fn default() -> Self {
        PodLabels {
            language: "en".into(),
            title: "Proof of delivery".into(),
            order: "Order".into(),
            customer_po: "Customer PO".into(),
            shipment: "Shipment".into(),
            received_by: "Received by".into(),
            delivered_at: "Delivered at".into(),
            place: "Place".into(),
            ship_to: "Ship to".into(),
            pod_reference: "POD reference".into(),
            lines: "Lines".into(),
            line: "Line".into(),
            sku: "SKU".into(),
            description: "Description".into(),
            quantity: "Quantity".into(),
            no_lines: "No lines recorded.".into(),
            note: "Note".into(),
            stored_files: "Stored files".into(),
            no_files: "No files stored.".into(),
            receiving: "Found at receiving".into(),
            continued: "(continued)".into(),
        }
    }
}

/// A stored POD file: how the document names it, and the picture itself
/// when it could be read from the blob store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodFile {
    /// e.g. "signature sha256:ab12…"
    pub label: String,
    /// The original PNG or JPEG bytes, shown in the document; `None` when
    /// the file is only listed.
    pub image: Option<Vec<u8>>,
}

/// One order line as the proof of delivery lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodLine {
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    pub quantity: super::Quantity,
    pub unit: String,
}
