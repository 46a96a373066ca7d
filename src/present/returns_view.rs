//! The returns part of the tracking page: what the buyer can still send
//! back, and each return on its way to a refund. Plain data, localised on
//! the server (see `super::returns`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnsView {
    pub heading: String,
    /// While something delivered can still be returned.
    pub offer: Option<ReturnOffer>,
    /// Newest first.
    pub returns: Vec<ReturnCard>,
    /// What the last request came to, by the code the form's answer puts in
    /// the address (`sent`, with `%RMA%` for the number, or why it was refused).
    pub outcomes: Vec<Choice>,
}

/// The form: only lines that can be returned, each up to what is left.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnOffer {
    /// "You can return items until Fri 2 Jan."
    pub window: String,
    pub lines: Vec<OfferLine>,
    pub reasons: Vec<Choice>,
    pub resolutions: Vec<Choice>,
    /// "A photo is needed for: Arrived damaged, Doesn't work."
    pub photo_note: Option<String>,
    pub texts: ReturnFormTexts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferLine {
    pub line_id: i64,
    pub description: String,
    pub sku: String,
    /// "Up to 2 EA"
    pub returnable: String,
    /// The input's `max` and `step`, plain decimals.
    pub max: String,
    pub step: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnFormTexts {
    pub start: String,
    pub quantity: String,
    pub reason: String,
    pub photo: String,
    pub comment: String,
    pub resolution: String,
    pub submit: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnCard {
    pub rma: String,
    pub headline: String,
    pub explanation: String,
    /// "Requested Mon 4 Jan, 10:12"
    pub requested: String,
    pub steps: Vec<ReturnStepView>,
    /// "2 EA · Trail mug · Arrived damaged"
    pub lines: Vec<String>,
    /// The printable label's link text, once the return is approved. The
    /// page adds its own link (`/t/{token}/returns/{rma}/label.pdf`): one
    /// view is shared by every buyer watching the order, and tokens are not.
    pub label: Option<String>,
    /// "Refund issued: 49.90 EUR (ref. CN-1001)"
    pub settlement: Option<String>,
    /// "Return tracking: UPS 1Z…"
    pub tracking: Vec<String>,
    /// Why it was declined.
    pub declined_because: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnStepView {
    pub label: String,
    pub reached: bool,
    pub current: bool,
}
