//! Documents the server prints from domain models: the proof-of-delivery
//! PDF. Server only, so the PDF library never reaches the browser build.

pub mod pod_pdf;
