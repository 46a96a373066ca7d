//! What the signed-in portal's pages show, built on the server (already
//! authorized, formatted and scoped) and sent to the browser as is.

use crate::domain::Quantity;
use crate::policy::Role;
use serde::{Deserialize, Serialize};

/// Who is looking, for the header and every form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub brand: String,
    /// The tenant's colours as CSS custom properties (`--brand`...).
    pub brand_style: String,
    pub logo_url: Option<String>,
    /// Goes into every form as the `csrf` field.
    pub csrf: String,
}

impl Viewer {
    /// The pages this role works in, for the navigation bar.
    pub fn nav(&self) -> Vec<(&'static str, &'static str)> {
        let mut nav = Vec::new();
        match self.role {
            Role::Buyer => nav.push(("Orders", "/portal/orders")),
            Role::Receiver => {
                nav.push(("Inbound", "/portal/inbound"));
                nav.push(("Orders", "/portal/orders"));
            }
            Role::Ap => {
                nav.push(("Deliveries", "/portal/deliveries"));
                nav.push(("Orders", "/portal/orders"));
            }
            Role::Cs | Role::Admin => {
                nav.push(("Search", "/portal/cs"));
                nav.push(("Exceptions", "/portal/cs/exceptions"));
                nav.push(("Returns", "/portal/cs/returns"));
                nav.push(("Deliveries", "/portal/deliveries"));
                nav.push(("Dashboard", "/portal/dashboard"));
            }
        }
        if self.role == Role::Admin {
            nav.push(("People", "/portal/admin/users"));
            nav.push(("EDI partners", "/portal/admin/edi"));
            nav.push(("Return policy", "/portal/admin/returns"));
        }
        nav
    }
}

/// A page's answer: the content, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PortalPage<T> {
    Ready(T),
    /// Not signed in (or the session ended): go to the sign-in page.
    SignIn,
    /// Signed in, but this page is not for this role.
    Forbidden,
    /// No such record (or one this person may not know exists).
    NotFound,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderRow {
    pub number: String,
    pub po: Option<String>,
    pub account: Option<String>,
    pub placed: String,
    pub promised: Option<String>,
    pub headline: String,
    pub late: bool,
    pub exception: bool,
    pub ship_to: String,
    /// Why customer service sees it (queue) or what it matched (search).
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderList {
    pub viewer: Viewer,
    pub rows: Vec<OrderRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboundBoard {
    pub viewer: Viewer,
    /// (key, label) of every site; the selected one first.
    pub sites: Vec<(String, String)>,
    pub site: Option<String>,
    pub late: Vec<OrderRow>,
    pub today: Vec<OrderRow>,
    pub this_week: Vec<OrderRow>,
    pub later: Vec<OrderRow>,
    /// Delivered shipments nobody has counted yet: (order number, shipment label).
    pub to_receive: Vec<(String, String)>,
    /// Returns of the site's orders on their way back (approved, labelled, in transit).
    pub expected_returns: Vec<super::portal_returns_view::ExpectedReturn>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryLine {
    pub order_number: String,
    pub po: Option<String>,
    pub shipment: String,
    pub delivered_quantity: Quantity,
    pub delivered_at: String,
    pub pod: Option<String>,
    pub pod_pdf: Option<String>,
    pub receiver: Option<String>,
    pub shortage: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveriesPage {
    pub viewer: Viewer,
    pub from: String,
    pub to: String,
    pub rows: Vec<DeliveryLine>,
    pub csv_href: String,
    pub zip_href: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineItem {
    pub id: i64,
    pub label: String,
    pub detail: Option<String>,
    pub when: String,
    pub shipment: Option<String>,
    pub source: String,
    pub exception: bool,
    /// Not shown to buyers (only staff see these).
    pub internal: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineProgress {
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    pub unit: String,
    pub ordered: Quantity,
    /// (shipment label, quantity) for every shipment carrying this line.
    pub shipped_in: Vec<(String, Quantity)>,
    pub shipped: Quantity,
    pub delivered: Quantity,
    /// Ordered, not delivered yet.
    pub outstanding: Quantity,
    /// What receivers counted (damaged included), once they have.
    pub received: Option<Quantity>,
    pub damaged: Quantity,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackLine {
    pub label: String,
    pub items: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExpectedItem {
    pub order_line_id: i64,
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    pub quantity: Quantity,
    pub unit: String,
    /// What the receipt says now, when correcting it: (counted, damaged).
    pub received: Option<(Quantity, Quantity)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PodLinks {
    pub id: String,
    pub receiver: String,
    pub when: String,
    pub pdf: String,
    /// (label, href) of each original file.
    pub files: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalShipment {
    pub id: i64,
    pub label: String,
    pub status: String,
    pub packs: Vec<PackLine>,
    pub pod: Option<PodLinks>,
    /// What receiving recorded, once it has.
    pub receipt: Option<String>,
    /// Lines to count, when this person may receive it (again, to correct
    /// the receipt, when `correcting`).
    pub to_count: Vec<ExpectedItem>,
    pub correcting: bool,
    /// Each correction of the receipt: when, who, why and what changed.
    pub corrections: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub trigger: String,
    pub state: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditItem {
    pub when: String,
    pub who: String,
    pub action: String,
    pub detail: String,
}

/// Customer service's part of the order page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceDesk {
    pub contact: Vec<String>,
    pub notifications: Vec<NotificationItem>,
    /// One line per tracking link: created, expires, revoked.
    pub tracking_links: Vec<String>,
    /// (code, label) of open exceptions, for "resolve".
    pub open_exceptions: Vec<(String, String)>,
    /// (code, label) of every status customer service may set.
    pub statuses: Vec<(String, String)>,
    pub audit: Vec<AuditItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortalOrder {
    pub viewer: Viewer,
    pub number: String,
    pub po: Option<String>,
    pub headline: String,
    pub promised: Option<String>,
    pub late: bool,
    /// Milepost's predicted window while the order is on its way.
    pub forecast: Option<super::tracking_view::ForecastView>,
    /// Staff only: the chance of missing the promised date, e.g. "63%".
    pub late_risk: Option<String>,
    pub ship_to: Vec<String>,
    /// The buyer's progress bar, step for step.
    pub progress: Vec<super::tracking_view::ProgressStep>,
    pub timeline: Vec<TimelineItem>,
    pub lines: Vec<LineProgress>,
    pub shipments: Vec<PortalShipment>,
    pub desk: Option<ServiceDesk>,
    /// The order's returns (with their credits) and the form to ask for
    /// one; `None` when there is neither to show.
    pub returns: Option<super::portal_returns_view::OrderReturns>,
    pub last_event_id: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub account: Option<String>,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeoplePage {
    pub viewer: Viewer,
    pub people: Vec<PersonRow>,
    /// (id, name) of the tenant's customer accounts.
    pub accounts: Vec<(i64, String)>,
}

/// A trading partner's profile as the form shows it and posts it back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerFields {
    pub sender_id: String,
    pub name: String,
    /// Transaction set ids ticked (`214`...); none ticked means any.
    pub sets: Vec<String>,
    /// `997`, `999` or `none`.
    pub acknowledgment: String,
    /// `on_request`, `always` or `never`.
    pub ta1: String,
    pub tolerant_counts: bool,
    pub time_zone: String,
    pub ship_to: ShipToFields,
    pub ack_url: String,
}

/// A default ship-to as typed; all blank means none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShipToFields {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartnerRow {
    pub sender_id: String,
    pub name: String,
    /// "214, 856", or "any" when the profile names none.
    pub sets: String,
    pub acknowledgment: String,
    pub ta1: String,
    pub counts: String,
    /// The zone's name, or how unzoned times are read without one.
    pub time_zone: String,
    pub ship_to: Option<String>,
    /// Where acknowledgments are pushed, with the secret they are signed with.
    pub ack_push: Option<(String, String)>,
    /// Opens the form with this profile in it.
    pub edit_href: String,
}

/// One transaction set of an interchange and what it became.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterchangeSet {
    /// "856 #0001".
    pub set: String,
    /// `created`, `updated`, `duplicate`, `unmatched`, `rejected`, `unsupported`.
    pub status: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterchangeRow {
    pub received: String,
    pub sender: String,
    pub control_number: String,
    pub sets: Vec<InterchangeSet>,
    /// Downloads the 997/999/TA1 sent back, when one was.
    pub acknowledgment_href: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartnersPage {
    pub viewer: Viewer,
    pub partners: Vec<PartnerRow>,
    /// The form: empty for a new partner, or the profile being edited.
    pub form: PartnerFields,
    pub editing: bool,
    /// Transaction sets a partner may send: (id, label).
    pub set_choices: Vec<(String, String)>,
    pub interchanges: Vec<InterchangeRow>,
}

/// What a buyer narrows their order list by (all optional).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrdersQuery {
    /// A milestone code, `open` or `late`.
    #[serde(default)]
    pub status: String,
    /// Placed on or after (YYYY-MM-DD).
    #[serde(default)]
    pub from: String,
    /// Placed on or before (YYYY-MM-DD).
    #[serde(default)]
    pub to: String,
    /// Part of an order or PO number.
    #[serde(default)]
    pub number: String,
}

/// The statuses a buyer can filter by: (code, label).
pub const STATUS_FILTERS: [(&str, &str); 8] = [
    ("", "Any status"),
    ("open", "Not delivered yet"),
    ("late", "Late"),
    ("placed", "Placed"),
    ("packed", "Packed"),
    ("shipped", "Shipped"),
    ("in_transit", "In transit"),
    ("delivered", "Delivered"),
];

/// Stuck: no event for this many hours while not delivered (the queue's default).
pub const DEFAULT_STUCK_HOURS: i64 = 48;

/// The filters of customer service's queue, as the page's query string
/// carries them. Empty means "any".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueQuery {
    pub reason: Option<String>,
    pub carrier: Option<String>,
    pub account: Option<String>,
    /// "me", "nobody" or a person's id.
    pub owner: Option<String>,
    /// Open at least this many hours.
    pub age: Option<i64>,
    /// "reason" (default), "carrier", "account", "owner" or "none".
    pub group: Option<String>,
    /// Stuck: no update for this many hours.
    pub hours: Option<i64>,
}

impl QueueQuery {
    /// The same filters as a query string, to come back to after a form.
    #[cfg(feature = "ssr")]
    pub fn to_query_string(&self) -> String {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        let text = [
            ("reason", &self.reason),
            ("carrier", &self.carrier),
            ("account", &self.account),
            ("owner", &self.owner),
            ("group", &self.group),
        ];
        for (name, value) in text {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                pairs.append_pair(name, v);
            }
        }
        for (name, value) in [("age", self.age), ("hours", self.hours)] {
            if let Some(v) = value {
                pairs.append_pair(name, &v.to_string());
            }
        }
        pairs.finish()
    }
}

/// One reason's line in the counts at the top of the queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueCount {
    pub code: String,
    pub label: String,
    pub count: usize,
    pub overdue: usize,
    /// The tenant's target for it, as a person reads it ("4 working h").
    pub target: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    pub number: String,
    pub headline: String,
    pub reason: String,
    /// Every open problem, when there is more than the one leading.
    pub also: Option<String>,
    pub age: String,
    /// "2 h 10 min left" or "overdue by 1 d 3 h".
    pub due: String,
    pub overdue: bool,
    pub carrier: Option<String>,
    pub account: Option<String>,
    pub owner: Option<String>,
    pub promised: Option<String>,
    pub ship_to: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueGroup {
    /// Empty when the queue is not grouped.
    pub title: String,
    pub items: Vec<QueueItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub viewer: Viewer,
    pub query: QueueQuery,
    pub counts: Vec<QueueCount>,
    /// Orders matching every filter, before the page's limit.
    pub matching: usize,
    pub groups: Vec<QueueGroup>,
    /// Shown when more orders match than the page lists.
    pub limited_to: Option<usize>,
    pub carriers: Vec<String>,
    pub accounts: Vec<String>,
    /// (id, name) of everyone who can work the queue.
    pub staff: Vec<(i64, String)>,
    /// (trigger, label) of the messages a buyer can be sent.
    pub templates: Vec<(String, String)>,
    /// (code, label, hours, working hours) per reason, for administrators.
    pub targets: Option<Vec<(String, String, u32, bool)>>,
}
