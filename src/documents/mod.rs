//! Documents the server prints: the proof-of-delivery PDF, the ZIP of
//! PODs for a period, the return label PDF, and CSV downloads for
//! spreadsheets. Server only, so the PDF and ZIP libraries (and the barcode
//! encoders) never reach the browser build.

pub mod csv;
pub mod pod_archive;
pub mod pod_pdf;
pub mod return_label;
