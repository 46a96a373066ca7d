//! What the tracking page shows, already localised and filtered for the
//! customer. Built on the server (see `super::tracking`), serialised into the
//! page for hydration, so the browser needs no time-zone data or dictionary.

use crate::domain::Quantity;
use serde::{Deserialize, Serialize};

/// What a tracking link opens: the live view and the page's fixed words.
/// The live stream sends only views; the words change only when the buyer
/// switches language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackingPage {
    pub view: TrackingView,
    pub texts: PageTexts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackingView {
    /// The newest event this view includes; the live stream resumes after it.
    pub last_event_id: i64,
    pub brand: BrandView,
    pub order_number: String,
    pub customer_po: Option<String>,
    /// The stage in a few words: "Out for delivery", "Delivery attempt failed".
    pub headline: String,
    /// The headline's date, place and person: "Monday 23 Nov, 14:14 · Front
    /// porch · Received by J. Smith", or today's arrival window.
    pub headline_when: Option<String>,
    /// What happens next, when the buyer might wonder (a problem, a
    /// cancellation, a late order without a new date).
    pub next_step: Option<String>,
    pub delivered: bool,
    pub late: bool,
    /// Why the order is late and since when; shown while it is still coming.
    pub late_notice: Option<String>,
    /// "Expected by" while that date is the order's best estimate, "Promised
    /// for" beside a newer one; `None` hides the date (a finished order).
    pub promised_label: Option<String>,
    /// e.g. "Tue, Nov 24" in the ship-to's calendar.
    pub promised: Option<String>,
    /// Milepost's predicted delivery window while the order is on its way.
    pub forecast: Option<ForecastView>,
    /// After a failed attempt, a hold or an address problem: where the
    /// buyer changes the delivery on the carrier's own site.
    pub change_delivery: Option<LinkView>,
    pub ship_to: Vec<String>,
    /// What a sign-up would tell the buyer about ("when your order ships,
    /// is out for delivery and arrives"); `None` once nothing is left to tell.
    pub updates_offer: Option<UpdatesOffer>,
    pub time_zone_note: String,
    /// "Show all 7 updates", for the timeline's toggle.
    pub show_all_updates: String,
    pub progress: Vec<ProgressStep>,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
    pub exceptions: Vec<ExceptionNotice>,
    pub shipments: Vec<ShipmentView>,
    pub lines: Vec<LineView>,
    /// While a shipment is out for delivery and its vehicle reports.
    pub last_mile: Option<LastMileView>,
    /// Who signed for which shipment, when.
    pub proof_of_delivery: Vec<PodView>,
    /// Returns on this order, and the form to start one while something
    /// delivered can still go back.
    pub returns: Option<super::returns_view::ReturnsView>,
}

/// The sign-up's two sentences: before and after the buyer signs up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UpdatesOffer {
    pub intro: String,
    pub confirmed: String,
}

/// The tracking page's fixed words in one language, and the languages the
/// page can switch to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageTexts {
    /// The `lang` and `dir` attributes.
    pub lang: String,
    pub dir: String,
    pub languages: Vec<LanguageChoice>,
    pub language_label: String,
    pub language_change: String,
    pub title: String,
    /// "Order A-1001".
    pub order: String,
    /// "PO 4500012345", when the buyer gave one.
    pub po: Option<String>,
    pub progress_label: String,
    pub problems_label: String,
    pub tracking_history: String,
    pub show_fewer_updates: String,
    /// Leads the screen reader's announcement of a new update.
    pub new_update: String,
    pub shipments_heading: String,
    pub shipment_heading: String,
    pub tracking_number: String,
    pub items_heading: String,
    pub item_column: String,
    pub ordered_column: String,
    pub shipped_column: String,
    pub to_follow_column: String,
    pub on_its_way_heading: String,
    pub map_label: String,
    pub map_vehicle: String,
    pub map_address: String,
    pub pod_heading: String,
    pub pod_received_by: String,
    /// "Proof of delivery (PDF)".
    pub pod_download: String,
    pub delivering_to: String,
    pub contact_service: String,
    pub updates_heading: String,
    pub updates_address_label: String,
    pub updates_send_code: String,
    pub updates_code_label: String,
    pub updates_confirm: String,
    pub updates_unavailable: String,
    pub help_heading: String,
    pub request_kind_label: String,
    pub request_instructions: String,
    pub request_problem: String,
    pub request_text_label: String,
    pub request_send: String,
    pub request_sent: String,
    pub request_empty: String,
    pub request_limited: String,
    pub copy: String,
    pub copied: String,
    pub carrier_site: String,
}

/// A link with its words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkView {
    pub text: String,
    pub url: String,
}

/// A language the page offers, named in itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LanguageChoice {
    pub tag: String,
    pub name: String,
}

/// "Arriving Tue 3 – Thu 5 Dec, most likely Wed" and why we think so.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForecastView {
    pub arriving: String,
    /// "Based on 1,240 deliveries from TX to OH in the last 180 days", or
    /// the honest fallback ("the carrier's estimate; no delivery history yet").
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PodView {
    /// "Shipment 1 of 2", or "Shipment".
    pub shipment: String,
    /// The shipment's id: its PDF is `/t/{token}/pod-pdf/{id}`.
    pub shipment_id: i64,
    pub receiver_name: String,
    /// Local time at the ship-to.
    pub when: String,
    /// SHA-256 of the signature image (served under the tracking link).
    pub signature: Option<String>,
    pub signature_alt: String,
    pub photos: Vec<PodPhoto>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PodPhoto {
    pub sha256: String,
    /// "Delivery photo 2".
    pub alt: String,
}

/// The live map and the arrival window for the shipment on its way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LastMileView {
    /// `[latitude, longitude]` of the vehicle's latest fix.
    pub vehicle: [f64; 2],
    /// Where it has been over the last hour, oldest first.
    pub trail: Vec<[f64; 2]>,
    pub destination: Option<[f64; 2]>,
    /// "Arriving 2:10 PM – 2:30 PM", when the destination is known.
    pub eta: Option<String>,
    /// Deliveries the driver makes before this one.
    pub stops_ahead: usize,
    /// The same in words: "2 deliveries before yours".
    pub stops_text: String,
    /// "Location updated 2:02 PM".
    pub updated: String,
    /// Tile URL template (`{z}/{x}/{y}`); without one only markers show.
    pub tiles: Option<String>,
    pub attribution: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BrandView {
    pub name: String,
    pub logo_url: Option<String>,
    pub primary: String,
    pub on_primary: String,
    pub accent: String,
    pub support_email: Option<String>,
    pub support_phone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressStep {
    pub label: String,
    /// Every part of the order has reached this step.
    pub reached: bool,
    /// Some parts have, others not yet (a split or partial order).
    pub partly: bool,
    pub current: bool,
    /// The order stopped here: the label names the problem.
    pub problem: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub id: i64,
    pub label: String,
    pub explanation: String,
    /// Local time at the ship-to, formatted for the tenant's locale.
    pub when: String,
    /// RFC 3339 in UTC, for the `<time datetime>` attribute.
    pub when_utc: String,
    /// The time where it happened, when that zone differs from the ship-to's.
    pub source_clock: Option<String>,
    pub location: Option<String>,
    pub shipment: Option<String>,
    pub is_exception: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExceptionNotice {
    pub title: String,
    pub explanation: String,
    pub shipment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShipmentView {
    pub label: String,
    pub carrier: String,
    pub service: Option<String>,
    pub tracking_number: String,
    /// The carrier's own tracking page for this parcel, when the carrier is known.
    pub tracking_url: Option<String>,
    pub status: String,
    pub delivered: bool,
    /// This shipment's own bar, when the order has several.
    pub progress: Vec<ProgressStep>,
    pub lines: Vec<ShipmentLineView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShipmentLineView {
    pub sku: String,
    pub description: String,
    pub quantity: Quantity,
    pub unit: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineView {
    pub sku: String,
    pub description: String,
    pub unit: String,
    pub ordered: Quantity,
    pub shipped: Quantity,
    /// What the seller said will not ship (a rejected PO line).
    pub cancelled: Quantity,
    /// "2 will not ship (cancelled)".
    pub cancelled_note: Option<String>,
    pub outstanding: Quantity,
}
