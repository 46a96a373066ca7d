//! Returns as the signed-in portal shows them: customer service's queue,
//! the returns part of an order page (with the credits accounts payable
//! matches), the request form, and what a receiver should expect back.
//! Plain data, built and authorized on the server (`present::portal_returns`).

use super::portal_view::Viewer;
use serde::{Deserialize, Serialize};

/// One return, formatted for staff and account people alike; what only
/// some may do is said by the flags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalReturn {
    pub rma: String,
    pub order_number: String,
    pub account: Option<String>,
    /// The status code (`requested`...), for tests and styling.
    pub status: String,
    /// "Requested", "Received"...
    pub status_label: String,
    /// "2026-12-04 10:12 CST by Carla (customer service)"
    pub requested: String,
    /// How long it has waited for what it waits for ("2 d 3 h"), while open.
    pub waiting: Option<String>,
    /// "Refund", "Exchange", "Store credit".
    pub resolution: String,
    /// The requester's own words.
    pub comment: Option<String>,
    pub lines: Vec<PortalReturnLine>,
    /// "UPS 1Z…" per return parcel.
    pub tracking: Vec<String>,
    /// "Approved 2026-12-04 10:12 CST", or "Declined …: <reason>".
    pub decision: Option<String>,
    pub credit: Option<CreditMemoView>,
    /// Waiting for a decision and the viewer may take it.
    pub may_decide: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalReturnLine {
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    /// "2 EA"
    pub quantity: String,
    /// "Arrived damaged"
    pub reason: String,
    /// The buyer's photo, when there is one and the viewer may open it.
    pub photo: Option<String>,
    /// What inspection found: "2 counted, as new".
    pub inspected: Option<String>,
}

/// The credit memo that settled a return, as accounts payable files it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreditMemoView {
    /// "49.90 EUR"
    pub amount: String,
    pub reference: String,
    /// "2026-12-04"
    pub date: String,
    /// "Refund" or "Store credit".
    pub settlement: String,
}

/// The returns part of an order page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderReturns {
    /// Oldest first.
    pub returns: Vec<PortalReturn>,
    /// The form to ask for a return, when the viewer may and something
    /// delivered can still come back.
    pub request: Option<ReturnRequestForm>,
    /// Where a decision sends the person back to (the form's `back`).
    pub back: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnRequestForm {
    /// "Start a return for the caller" or "Request a return".
    pub title: String,
    /// "Returns are accepted until 2027-01-03."
    pub window: Option<String>,
    pub lines: Vec<RequestableLine>,
    /// (code, label)
    pub reasons: Vec<(String, String)>,
    pub resolutions: Vec<(String, String)>,
    /// "A photo is needed for: Arrived damaged, Doesn't work."
    pub photo_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestableLine {
    pub line_id: i64,
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    /// "up to 4 EA"
    pub returnable: String,
    /// The quantity input's `max` and `step`, plain decimals.
    pub max: String,
    pub step: String,
}

/// Customer service's returns queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnsQueuePage {
    pub viewer: Viewer,
    /// The status filter as the address carries it ("" for the open returns).
    pub status: String,
    /// (code, label) of every filter choice, "" (open) first.
    pub statuses: Vec<(String, String)>,
    /// (label, count) of each kind of work, over the open returns.
    pub counts: Vec<(String, usize)>,
    pub groups: Vec<ReturnsGroup>,
    /// Returns matching the filter, before the page's limit.
    pub matching: usize,
    pub limited_to: Option<usize>,
    /// The form's `back`: this view of the queue.
    pub back: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnsGroup {
    /// "Waiting for a decision"; empty when the list is one status.
    pub title: String,
    pub items: Vec<PortalReturn>,
}

/// A return a receiver's site should expect back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExpectedReturn {
    pub rma: String,
    pub order_number: String,
    pub status_label: String,
    /// "2 EA · SKU-A Widget"
    pub lines: Vec<String>,
    /// "UPS 1Z…" per return parcel; none until a label is made.
    pub tracking: Vec<String>,
}

/// The administrator's return policy page: the policy as the form edits
/// it, and the return addresses per ship-from site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnPolicyPage {
    pub viewer: Viewer,
    pub window_days: u32,
    /// One SKU, or `PREFIX-*`, per line.
    pub non_returnable: String,
    pub reasons: Vec<ReasonChoice>,
    /// (code, label, offered)
    pub resolutions: Vec<(String, String, bool)>,
    pub requires_approval: bool,
    pub addresses: Vec<ReturnAddressRow>,
    /// Ship-from sites seen on orders, offered when adding an address.
    pub sites: Vec<String>,
    /// "Saved 2026-12-04 10:12 CST", or that the defaults apply.
    pub saved: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReasonChoice {
    pub code: String,
    pub label: String,
    pub offered: bool,
    pub needs_photo: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnAddressRow {
    /// The site as the form sends it back (empty: every site).
    pub ship_from: String,
    /// "Every site", or the site's name.
    pub site: String,
    pub lines: Vec<String>,
}
