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
    /// e.g. "POD-42"
    pub pod_id: String,
    /// One per stored file, in the order they were captured.
    pub files: Vec<PodFile>,
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
    pub quantity: i64,
    pub unit: String,
}
