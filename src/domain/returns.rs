//! Returns and credits (RMA) on the same order thread: a tenant's return
//! policy, which requested lines may come back, the return's lifecycle,
//! its RMA number, what inspection found, the credit memo that closes it,
//! and the few numbers the KPI page shows about returns.
//!
//! Pure: the store reads what is needed (inside its transaction), hands it
//! in, and writes what comes out. Nothing here knows about time zones,
//! languages or the database; English texts are the fallback the
//! translations are keyed on.

use super::{OrderLineId, Quantity};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// A stored or sent code that names no value of the type it was read as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{code}` is not a known {kind} code")]
pub struct UnknownReturnCode {
    pub kind: &'static str,
    pub code: String,
}

/// `code()`, `ALL`, `FromStr` and `Display` (the code) for an enum whose
/// serde names are its codes; the tests hold the two together.
macro_rules! coded {
    ($ty:ident, $kind:literal, [$($variant:ident => $code:literal),* $(,)?]) => {
        impl $ty {
            pub const ALL: [$ty; [$($code),*].len()] = [$($ty::$variant),*];

            /// The stable name stored in the database and used by the API.
            pub fn code(self) -> &'static str {
                match self {
                    $($ty::$variant => $code,)*
                }
            }
        }

        impl FromStr for $ty {
            type Err = UnknownReturnCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::ALL
                    .into_iter()
                    .find(|v| v.code() == s)
                    .ok_or_else(|| UnknownReturnCode { kind: $kind, code: s.to_string() })
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

// ------------------------------------------------------------------ policy

/// Why the buyer sends something back. Merchandising reads the reasons to
/// find bad listings and bad packaging, so they are a fixed list rather
/// than free text (a note may go with them).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    WrongItem,
    Damaged,
    Defective,
    NotAsDescribed,
    NoLongerNeeded,
    ArrivedLate,
    Other,
}

coded!(ReturnReason, "return reason", [
    WrongItem => "wrong_item",
    Damaged => "damaged",
    Defective => "defective",
    NotAsDescribed => "not_as_described",
    NoLongerNeeded => "no_longer_needed",
    ArrivedLate => "arrived_late",
    Other => "other",
]);

impl ReturnReason {
    /// As the buyer picks it from the list.
    pub fn label(self) -> &'static str {
        match self {
            ReturnReason::WrongItem => "Wrong item sent",
            ReturnReason::Damaged => "Arrived damaged",
            ReturnReason::Defective => "Doesn't work",
            ReturnReason::NotAsDescribed => "Not as described",
            ReturnReason::NoLongerNeeded => "No longer needed",
            ReturnReason::ArrivedLate => "Arrived too late",
            ReturnReason::Other => "Other reason",
        }
    }
}

/// What the buyer gets for the return.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Refund,
    Exchange,
    StoreCredit,
}

coded!(Resolution, "resolution", [
    Refund => "refund",
    Exchange => "exchange",
    StoreCredit => "store_credit",
]);

impl Resolution {
    pub fn label(self) -> &'static str {
        match self {
            Resolution::Refund => "Refund",
            Resolution::Exchange => "Exchange",
            Resolution::StoreCredit => "Store credit",
        }
    }
}

/// A SKU that cannot be returned, or (`GIFT-*`) every SKU starting so.
/// Stored and edited as that text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum SkuRule {
    Exact(String),
    Prefix(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a SKU, or a SKU prefix followed by a single * at the end")]
pub struct SkuRuleError(pub String);

impl SkuRule {
    /// `GIFT-*` is a prefix, anything else one SKU. A `*` anywhere but at
    /// the end, or a bare `*` (which would make the whole catalogue
    /// non-returnable, better said by not offering returns), is refused.
    pub fn parse(text: &str) -> Result<SkuRule, SkuRuleError> {
        let text = text.trim();
        let refused = || SkuRuleError(text.to_string());
        match text.strip_suffix('*') {
            Some(prefix) if prefix.is_empty() || prefix.contains('*') => Err(refused()),
            Some(prefix) => Ok(SkuRule::Prefix(prefix.to_string())),
            None if text.is_empty() || text.contains('*') => Err(refused()),
            None => Ok(SkuRule::Exact(text.to_string())),
        }
    }

    /// Ignoring ASCII case and surrounding blanks: the rule is typed by a
    /// person and the SKU comes from the order feed, and a rule that misses
    /// on `gift-` vs `GIFT-` would let a final-sale item be returned.
    pub fn matches(&self, sku: &str) -> bool {
        let sku = sku.trim();
        match self {
            SkuRule::Exact(exact) => sku.eq_ignore_ascii_case(exact),
            SkuRule::Prefix(prefix) => {
                sku.len() >= prefix.len()
                    && sku.is_char_boundary(prefix.len())
                    && sku[..prefix.len()].eq_ignore_ascii_case(prefix)
            }
        }
    }
}

impl fmt::Display for SkuRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkuRule::Exact(sku) => f.write_str(sku),
            SkuRule::Prefix(prefix) => write!(f, "{prefix}*"),
        }
    }
}

impl FromStr for SkuRule {
    type Err = SkuRuleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SkuRule::parse(s)
    }
}

impl TryFrom<String> for SkuRule {
    type Error = SkuRuleError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        SkuRule::parse(&value)
    }
}

impl From<SkuRule> for String {
    fn from(rule: SkuRule) -> String {
        rule.to_string()
    }
}

/// What a tenant accepts back. Missing fields read as the default, so a
/// policy stored before a field existed still loads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReturnPolicy {
    /// Days after delivery during which a return may be requested.
    pub window_days: u32,
    /// SKUs (or prefixes) that are final sale: gift cards, hygiene goods,
    /// made-to-order items.
    pub non_returnable: Vec<SkuRule>,
    /// The reasons offered, in the order the buyer sees them.
    pub reasons: Vec<ReturnReason>,
    /// Reasons the buyer must back with a photo, so damage claims can be
    /// passed to the carrier and defects to the supplier.
    pub photo_required: Vec<ReturnReason>,
    pub resolutions: Vec<Resolution>,
    /// When false a request is approved as it is made (it still passes
    /// the eligibility checks).
    pub requires_approval: bool,
}

impl Default for ReturnPolicy {
    fn default() -> Self {
        ReturnPolicy {
            window_days: 30,
            non_returnable: Vec::new(),
            reasons: ReturnReason::ALL.to_vec(),
            photo_required: vec![ReturnReason::Damaged, ReturnReason::Defective],
            resolutions: Resolution::ALL.to_vec(),
            requires_approval: false,
        }
    }
}

/// A policy that cannot work. Each names the field the settings form
/// shows it under.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("window_days must be between 1 and {MAX_WINDOW_DAYS}, found {0}")]
    WindowDays(u32),
    #[error("non_returnable has an empty SKU rule")]
    EmptySkuRule,
    #[error("reasons must offer at least one return reason")]
    NoReasons,
    #[error("photo_required lists `{0}`, which is not one of the reasons offered")]
    PhotoForReasonNotOffered(ReturnReason),
    #[error("resolutions must offer at least one of refund, exchange or store credit")]
    NoResolutions,
}

impl PolicyError {
    pub fn field(&self) -> &'static str {
        match self {
            PolicyError::WindowDays(_) => "window_days",
            PolicyError::EmptySkuRule => "non_returnable",
            PolicyError::NoReasons => "reasons",
            PolicyError::PhotoForReasonNotOffered(_) => "photo_required",
            PolicyError::NoResolutions => "resolutions",
        }
    }
}

/// A year: longer windows are warranty claims, not returns.
pub const MAX_WINDOW_DAYS: u32 = 365;

impl ReturnPolicy {
    /// The first problem, in the order of the fields.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.window_days == 0 || self.window_days > MAX_WINDOW_DAYS {
            return Err(PolicyError::WindowDays(self.window_days));
        }
        let empty = |text: &str| text.trim().is_empty();
        if self.non_returnable.iter().any(|r| match r {
            SkuRule::Exact(text) | SkuRule::Prefix(text) => empty(text),
        }) {
            return Err(PolicyError::EmptySkuRule);
        }
        if self.reasons.is_empty() {
            return Err(PolicyError::NoReasons);
        }
        if let Some(reason) = self.photo_required.iter().find(|r| !self.reasons.contains(r)) {
            return Err(PolicyError::PhotoForReasonNotOffered(*reason));
        }
        if self.resolutions.is_empty() {
            return Err(PolicyError::NoResolutions);
        }
        Ok(())
    }

    pub fn is_returnable(&self, sku: &str) -> bool {
        !self.non_returnable.iter().any(|rule| rule.matches(sku))
    }

    pub fn offers(&self, reason: ReturnReason) -> bool {
        self.reasons.contains(&reason)
    }

    pub fn offers_resolution(&self, resolution: Resolution) -> bool {
        self.resolutions.contains(&resolution)
    }

    pub fn needs_photo(&self, reason: ReturnReason) -> bool {
        self.photo_required.contains(&reason)
    }

    /// The last instant a return may be requested for something delivered
    /// at `delivered_at`: whole 24-hour days after the delivery scan, so
    /// the answer is the same in every time zone. `None` when the window
    /// reaches past the calendar (only an unvalidated policy does that):
    /// it never closes.
    pub fn window_closes(&self, delivered_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        Duration::try_days(i64::from(self.window_days)).and_then(|days| delivered_at.checked_add_signed(days))
    }
}

// ------------------------------------------------------------- eligibility

/// An order line as the store reads it when a return is requested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnableLine {
    pub line: OrderLineId,
    pub sku: String,
    /// Carried by delivered shipments.
    pub delivered: Quantity,
    /// Already in returns that hold their quantity (every status but
    /// declined and cancelled, see [`ReturnStatus::holds_quantity`]).
    pub already_returned: Quantity,
    /// When the last delivered shipment carrying the line was delivered
    /// (the buyer can only judge a split line once all of it is there);
    /// `None` when none is.
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One line of what the buyer asks to send back.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedLine {
    pub line: OrderLineId,
    pub quantity: Quantity,
    pub reason: ReturnReason,
    pub has_photo: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnRequest {
    pub resolution: Resolution,
    pub lines: Vec<RequestedLine>,
}

/// Why a requested line cannot come back. A line is refused whole rather
/// than cut down to what is returnable: the buyer decides what to send.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    NotDelivered,
    OutsideWindow {
        closed_on: DateTime<Utc>,
    },
    NotReturnable,
    /// More than delivered less what is already returned or in a return.
    MoreThanReturnable {
        returnable: Quantity,
    },
    PhotoRequired,
    /// Zero or less.
    ZeroQuantity,
    UnknownLine,
    /// The line appears earlier in the same request; the first is decided.
    DuplicateLine,
    ReasonNotOffered,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotDelivered => "not_delivered",
            Refusal::OutsideWindow { .. } => "outside_window",
            Refusal::NotReturnable => "not_returnable",
            Refusal::MoreThanReturnable { .. } => "more_than_returnable",
            Refusal::PhotoRequired => "photo_required",
            Refusal::ZeroQuantity => "zero_quantity",
            Refusal::UnknownLine => "unknown_line",
            Refusal::DuplicateLine => "duplicate_line",
            Refusal::ReasonNotOffered => "reason_not_offered",
        }
    }
}

/// The sentence shown under the line. The window's date is the UTC date;
/// pages that know the tenant's zone format `closed_on` themselves.
impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotDelivered => f.write_str("This item hasn't been delivered yet."),
            Refusal::OutsideWindow { closed_on } => {
                write!(f, "The return window for this item closed on {}.", closed_on.format("%-d %B %Y"))
            }
            Refusal::NotReturnable => f.write_str("This item can't be returned."),
            Refusal::MoreThanReturnable { returnable } if !returnable.is_positive() => {
                f.write_str("This item has already been returned in full.")
            }
            Refusal::MoreThanReturnable { returnable } => {
                write!(f, "Only {returnable} of this item can still be returned.")
            }
            Refusal::PhotoRequired => f.write_str("Please add a photo for this return reason."),
            Refusal::ZeroQuantity => f.write_str("Please choose how many to return."),
            Refusal::UnknownLine => f.write_str("This item isn't on the order."),
            Refusal::DuplicateLine => f.write_str("This item is already in the request."),
            Refusal::ReasonNotOffered => f.write_str("Please choose one of the return reasons offered."),
        }
    }
}

impl std::error::Error for Refusal {}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", content = "refusal", rename_all = "snake_case")]
pub enum Verdict {
    Accepted,
    Refused(Refusal),
}

/// A requested line and what was decided for it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDecision {
    pub line: OrderLineId,
    /// As requested; when accepted, the quantity the return holds.
    pub quantity: Quantity,
    pub reason: ReturnReason,
    pub verdict: Verdict,
}

impl LineDecision {
    pub fn is_accepted(&self) -> bool {
        self.verdict == Verdict::Accepted
    }

    pub fn refusal(&self) -> Option<Refusal> {
        match self.verdict {
            Verdict::Accepted => None,
            Verdict::Refused(refusal) => Some(refusal),
        }
    }
}

/// A request as decided, its lines in the order asked. Whether a request
/// with some refused lines goes ahead with the rest is the caller's call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub resolution: Resolution,
    pub lines: Vec<LineDecision>,
}

impl Eligibility {
    pub fn accepted(&self) -> impl Iterator<Item = &LineDecision> {
        self.lines.iter().filter(|d| d.is_accepted())
    }

    pub fn refused(&self) -> impl Iterator<Item = (&LineDecision, Refusal)> {
        self.lines.iter().filter_map(|d| d.refusal().map(|r| (d, r)))
    }

    pub fn all_accepted(&self) -> bool {
        self.lines.iter().all(LineDecision::is_accepted)
    }

    pub fn any_accepted(&self) -> bool {
        self.lines.iter().any(LineDecision::is_accepted)
    }

    /// What this request adds to the line's returned quantity.
    pub fn accepted_quantity(&self, line: OrderLineId) -> Quantity {
        self.accepted().filter(|d| d.line == line).map(|d| d.quantity).sum()
    }
}

/// A request refused as a whole.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", content = "resolution", rename_all = "snake_case")]
pub enum RequestError {
    #[error("Please choose at least one item to return.")]
    NoLines,
    #[error("{} isn't offered for returns.", .0.label())]
    ResolutionNotOffered(Resolution),
}

/// Decides each requested line against the policy and the order's lines.
/// An accepted line's quantity never exceeds the line's delivered quantity
/// less `already_returned`, and a line is accepted at most once per request.
///
/// That bound only holds against concurrent requests if the store calls
/// this inside the write transaction that reads `already_returned` and
/// inserts the accepted lines (SQLite `BEGIN IMMEDIATE`, or in Postgres the
/// order's line rows locked `FOR UPDATE`): a second request then waits and
/// reads the first one's lines as already returned. The function is pure
/// and quick, so holding the transaction across it costs next to nothing.
pub fn assess_request(
    policy: &ReturnPolicy,
    order_lines: &[ReturnableLine],
    request: &ReturnRequest,
    now: DateTime<Utc>,
) -> Result<Eligibility, RequestError> {
    if request.lines.is_empty() {
        return Err(RequestError::NoLines);
    }
    if !policy.offers_resolution(request.resolution) {
        return Err(RequestError::ResolutionNotOffered(request.resolution));
    }
    let mut seen = BTreeSet::new();
    let lines = request
        .lines
        .iter()
        .map(|asked| {
            let first = seen.insert(asked.line);
            let verdict = match assess_line(policy, order_lines, asked, first, now) {
                Ok(()) => Verdict::Accepted,
                Err(refusal) => Verdict::Refused(refusal),
            };
            LineDecision { line: asked.line, quantity: asked.quantity, reason: asked.reason, verdict }
        })
        .collect();
    Ok(Eligibility { resolution: request.resolution, lines })
}

/// Mistakes in the form first (a repeated or unknown line, no quantity, a
/// reason not offered), then what the buyer cannot change (the item, its
/// delivery, the window), then the quantity, then the photo they can add.
fn assess_line(
    policy: &ReturnPolicy,
    order_lines: &[ReturnableLine],
    asked: &RequestedLine,
    first_in_request: bool,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    if !first_in_request {
        return Err(Refusal::DuplicateLine);
    }
    let line = order_lines.iter().find(|l| l.line == asked.line).ok_or(Refusal::UnknownLine)?;
    if !asked.quantity.is_positive() {
        return Err(Refusal::ZeroQuantity);
    }
    if !policy.offers(asked.reason) {
        return Err(Refusal::ReasonNotOffered);
    }
    if !policy.is_returnable(&line.sku) {
        return Err(Refusal::NotReturnable);
    }
    let delivered_at = match line.delivered_at {
        Some(at) if line.delivered.is_positive() => at,
        _ => return Err(Refusal::NotDelivered),
    };
    if let Some(closes) = policy.window_closes(delivered_at) {
        if now > closes {
            return Err(Refusal::OutsideWindow { closed_on: closes });
        }
    }
    let returnable = line.delivered.saturating_sub(line.already_returned);
    if asked.quantity > returnable {
        return Err(Refusal::MoreThanReturnable { returnable });
    }
    if policy.needs_photo(asked.reason) && !asked.has_photo {
        return Err(Refusal::PhotoRequired);
    }
    Ok(())
}

// --------------------------------------------------------------- lifecycle

/// Where a return stands. Each status is also an event on the order's
/// timeline, so the buyer follows the return where they followed the order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    Requested,
    Approved,
    Declined,
    LabelIssued,
    InTransit,
    Received,
    Inspected,
    Refunded,
    Credited,
    /// Withdrawn before the parcel left the buyer.
    Cancelled,
}

coded!(ReturnStatus, "return status", [
    Requested => "requested",
    Approved => "approved",
    Declined => "declined",
    LabelIssued => "label_issued",
    InTransit => "in_transit",
    Received => "received",
    Inspected => "inspected",
    Refunded => "refunded",
    Credited => "credited",
    Cancelled => "cancelled",
]);

/// What moves a return on: a person in the portal, the label provider or
/// the carrier's webhook, the warehouse, accounting.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStep {
    Approve,
    Decline,
    IssueLabel,
    /// The carrier has the return parcel.
    Ship,
    Receive,
    Inspect,
    Refund,
    Credit,
    Cancel,
}

coded!(ReturnStep, "return step", [
    Approve => "approve",
    Decline => "decline",
    IssueLabel => "issue_label",
    Ship => "ship",
    Receive => "receive",
    Inspect => "inspect",
    Refund => "refund",
    Credit => "credit",
    Cancel => "cancel",
]);

impl ReturnStep {
    /// The status the step leads to.
    pub fn target(self) -> ReturnStatus {
        match self {
            ReturnStep::Approve => ReturnStatus::Approved,
            ReturnStep::Decline => ReturnStatus::Declined,
            ReturnStep::IssueLabel => ReturnStatus::LabelIssued,
            ReturnStep::Ship => ReturnStatus::InTransit,
            ReturnStep::Receive => ReturnStatus::Received,
            ReturnStep::Inspect => ReturnStatus::Inspected,
            ReturnStep::Refund => ReturnStatus::Refunded,
            ReturnStep::Credit => ReturnStatus::Credited,
            ReturnStep::Cancel => ReturnStatus::Cancelled,
        }
    }
}

/// A step the return's status does not allow. `Display` names both.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a return that is {from} cannot become {to}")]
pub struct TransitionError {
    pub from: ReturnStatus,
    pub to: ReturnStatus,
}

impl TransitionError {
    /// The return is already past the step: a late or out-of-order
    /// webhook, which the caller may log and drop.
    pub fn is_backwards(&self) -> bool {
        matches!((self.from.stage(), self.to.stage()), (Some(from), Some(to)) if to < from)
    }
}

impl ReturnStatus {
    /// Statuses a return may move to from this one. Labels and carrier
    /// scans are optional (a buyer may drop the parcel at a store).
    pub fn next(self) -> &'static [ReturnStatus] {
        use ReturnStatus::*;
        match self {
            Requested => &[Approved, Declined, Cancelled],
            Approved => &[LabelIssued, InTransit, Received, Cancelled],
            LabelIssued => &[InTransit, Received, Cancelled],
            InTransit => &[Received],
            Received => &[Inspected],
            Inspected => &[Refunded, Credited],
            Declined | Refunded | Credited | Cancelled => &[],
        }
    }

    /// The status after `step`. Repeating the step that led here changes
    /// nothing and is not an error, so a retried webhook is harmless.
    pub fn apply(self, step: ReturnStep) -> Result<ReturnStatus, TransitionError> {
        let to = step.target();
        if to == self || self.next().contains(&to) {
            Ok(to)
        } else {
            Err(TransitionError { from: self, to })
        }
    }

    pub fn is_terminal(self) -> bool {
        self.next().is_empty()
    }

    /// Whether the return's lines count against what can still be
    /// returned: all but a declined or cancelled return's.
    pub fn holds_quantity(self) -> bool {
        !matches!(self, ReturnStatus::Declined | ReturnStatus::Cancelled)
    }

    /// Position on the way from request to money; `None` off that way.
    fn stage(self) -> Option<u8> {
        match self {
            ReturnStatus::Requested => Some(0),
            ReturnStatus::Approved => Some(1),
            ReturnStatus::LabelIssued => Some(2),
            ReturnStatus::InTransit => Some(3),
            ReturnStatus::Received => Some(4),
            ReturnStatus::Inspected => Some(5),
            ReturnStatus::Refunded | ReturnStatus::Credited => Some(6),
            ReturnStatus::Declined | ReturnStatus::Cancelled => None,
        }
    }

    /// The buyer-facing title on the timeline.
    pub fn headline(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "Return requested",
            ReturnStatus::Approved => "Return approved",
            ReturnStatus::Declined => "Return declined",
            ReturnStatus::LabelIssued => "Return label ready",
            ReturnStatus::InTransit => "Return on its way",
            ReturnStatus::Received => "We've received your return",
            ReturnStatus::Inspected => "Return checked",
            ReturnStatus::Refunded => "Refund issued",
            ReturnStatus::Credited => "Store credit issued",
            ReturnStatus::Cancelled => "Return cancelled",
        }
    }

    /// One line under the headline: what happens next, or what it means.
    pub fn description(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "We've got your request and will review it shortly.",
            ReturnStatus::Approved => "Your return is approved. Please send the items back as instructed.",
            ReturnStatus::Declined => "We can't accept this return. Our message explains why.",
            ReturnStatus::LabelIssued => "Print the return label and attach it to your parcel.",
            ReturnStatus::InTransit => "The carrier has your return parcel and is bringing it to us.",
            ReturnStatus::Received => "We're checking the items and will let you know the outcome.",
            ReturnStatus::Inspected => "We've checked the items and are settling your return.",
            ReturnStatus::Refunded => "Your refund is issued. It can take a few working days to show.",
            ReturnStatus::Credited => "Store credit for your return has been added to your account.",
            ReturnStatus::Cancelled => "This return was cancelled. Nothing more is needed from you.",
        }
    }
}

/// The status a new return starts in: approved at once when the tenant
/// does not review requests (the request is still recorded as made).
pub fn initial_status(policy: &ReturnPolicy) -> ReturnStatus {
    if policy.requires_approval {
        ReturnStatus::Requested
    } else {
        ReturnStatus::Approved
    }
}

/// What a carrier's scan of the return parcel means for the return: the
/// delivery scan (at the warehouse) is its receipt, a label-created or
/// other pre-transit scan says the label exists, anything later that the
/// parcel is on its way. Exceptions and notes are not steps (`None`).
pub fn carrier_scan(canonical: super::Canonical) -> Option<ReturnStatus> {
    use super::Milestone;
    match canonical {
        super::Canonical::Milestone(Milestone::Delivered) => Some(ReturnStatus::Received),
        super::Canonical::Milestone(m) if m < Milestone::Shipped => Some(ReturnStatus::LabelIssued),
        super::Canonical::Milestone(_) => Some(ReturnStatus::InTransit),
        _ => None,
    }
}

impl ReturnStatus {
    /// The step that leads to this status; `None` for `Requested`, where
    /// every return starts.
    pub fn step(self) -> Option<ReturnStep> {
        ReturnStep::ALL.into_iter().find(|s| s.target() == self)
    }
}

// -------------------------------------------------------------- RMA number

/// Crockford's base 32: no I, L, O or U, so a number read over the phone
/// or copied from a label cannot be misread.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RMA_PREFIX: &str = "RMA-";
const RMA_DIGITS: usize = 8;

/// `RMA-` and eight base-32 digits (40 bits): what the buyer writes on the
/// parcel and quotes to support.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RmaNumber([u8; RMA_DIGITS]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RmaNumberError {
    #[error("an RMA number starts with RMA-")]
    MissingPrefix,
    #[error("an RMA number has {RMA_DIGITS} characters after RMA-, found {0}")]
    WrongLength(usize),
    #[error("`{0}` cannot be in an RMA number")]
    BadCharacter(char),
}

impl RmaNumber {
    /// From the low 40 bits of `random`. Numbers may collide (a million
    /// returns make one likely): the store keeps them unique and draws again.
    pub fn from_random(random: u64) -> RmaNumber {
        let mut digits = [0u8; RMA_DIGITS];
        for (i, digit) in digits.iter_mut().enumerate() {
            let shift = 5 * (RMA_DIGITS - 1 - i);
            *digit = CROCKFORD[((random >> shift) & 31) as usize];
        }
        RmaNumber(digits)
    }

    /// As people type it: any case, the dash optional, and the letters
    /// Crockford reads as digits (O as 0, I and L as 1) accepted.
    pub fn parse(input: &str) -> Result<RmaNumber, RmaNumberError> {
        let text = input.trim();
        let prefix = text.get(..3).filter(|p| p.eq_ignore_ascii_case("RMA")).ok_or(RmaNumberError::MissingPrefix)?;
        let rest = &text[prefix.len()..];
        let body = rest.strip_prefix(['-', ' ']).unwrap_or(rest);
        let count = body.chars().count();
        if count != RMA_DIGITS {
            return Err(RmaNumberError::WrongLength(count));
        }
        let mut digits = [0u8; RMA_DIGITS];
        for (digit, c) in digits.iter_mut().zip(body.chars()) {
            let read = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            *digit =
                CROCKFORD.iter().copied().find(|&d| char::from(d) == read).ok_or(RmaNumberError::BadCharacter(c))?;
        }
        Ok(RmaNumber(digits))
    }
}

impl fmt::Display for RmaNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(RMA_PREFIX)?;
        self.0.iter().try_for_each(|&d| fmt::Write::write_char(f, char::from(d)))
    }
}

impl FromStr for RmaNumber {
    type Err = RmaNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RmaNumber::parse(s)
    }
}

impl TryFrom<String> for RmaNumber {
    type Error = RmaNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RmaNumber::parse(&value)
    }
}

impl From<RmaNumber> for String {
    fn from(rma: RmaNumber) -> String {
        rma.to_string()
    }
}

// -------------------------------------------------- inspection and credit

/// The state of returned goods, which decides restocking and whether the
/// full amount is credited.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    AsNew,
    Opened,
    Damaged,
    /// Not in the parcel.
    Missing,
}

coded!(Condition, "returned goods condition", [
    AsNew => "as_new",
    Opened => "opened",
    Damaged => "damaged",
    Missing => "missing",
]);

/// What the warehouse found of one returned line.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectedLine {
    pub line: OrderLineId,
    pub counted: Quantity,
    pub condition: Condition,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    #[error("line {0}: counted must be zero or more")]
    NegativeCount(OrderLineId),
    #[error("line {line}: {counted} counted but the condition is missing")]
    MissingButCounted { line: OrderLineId, counted: Quantity },
}

impl InspectedLine {
    pub fn validate(&self) -> Result<(), InspectionError> {
        if self.counted < Quantity::ZERO {
            return Err(InspectionError::NegativeCount(self.line));
        }
        if self.condition == Condition::Missing && self.counted.is_positive() {
            return Err(InspectionError::MissingButCounted { line: self.line, counted: self.counted });
        }
        Ok(())
    }
}

/// An ISO 4217 code such as `EUR`: three capital letters.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CurrencyCode([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a currency code of three capital letters")]
pub struct InvalidCurrency(pub String);

impl CurrencyCode {
    /// Capitals only: the code comes from accounting's system, and a
    /// lower-case one means something upstream is not sending ISO codes.
    pub fn parse(text: &str) -> Result<CurrencyCode, InvalidCurrency> {
        match text.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(CurrencyCode([a, b, c])),
            _ => Err(InvalidCurrency(text.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII capitals")
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CurrencyCode {
    type Err = InvalidCurrency;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CurrencyCode::parse(s)
    }
}

impl TryFrom<String> for CurrencyCode {
    type Error = InvalidCurrency;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CurrencyCode::parse(&value)
    }
}

impl From<CurrencyCode> for String {
    fn from(code: CurrencyCode) -> String {
        code.as_str().to_string()
    }
}

/// The money that settles a return, as accounting issued it. Amounts are
/// in the currency's minor unit (cents) so they add exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditMemo {
    pub amount_minor: i64,
    pub currency: CurrencyCode,
    /// Accounting's document number, quoted back to the buyer.
    pub reference: String,
}

/// A credit memo field that cannot be stored. Each names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditError {
    #[error("amount_minor must be more than zero, found {0}")]
    Amount(i64),
    #[error("currency: {0}")]
    Currency(InvalidCurrency),
    #[error("reference must be 1 to {MAX_REFERENCE_CHARS} characters without control characters")]
    Reference,
}

impl CreditError {
    pub fn field(&self) -> &'static str {
        match self {
            CreditError::Amount(_) => "amount_minor",
            CreditError::Currency(_) => "currency",
            CreditError::Reference => "reference",
        }
    }
}

pub const MAX_REFERENCE_CHARS: usize = 64;

impl CreditMemo {
    /// From what accounting sent; the reference is trimmed.
    pub fn new(amount_minor: i64, currency: &str, reference: &str) -> Result<CreditMemo, CreditError> {
        let memo = CreditMemo {
            amount_minor,
            currency: CurrencyCode::parse(currency).map_err(CreditError::Currency)?,
            reference: reference.trim().to_string(),
        };
        memo.validate()?;
        Ok(memo)
    }

    /// For a memo read whole (from JSON): the currency is checked as it
    /// is read, the amount and reference here.
    pub fn validate(&self) -> Result<(), CreditError> {
        if self.amount_minor <= 0 {
            return Err(CreditError::Amount(self.amount_minor));
        }
        let chars = self.reference.chars().count();
        if self.reference.trim().is_empty()
            || chars > MAX_REFERENCE_CHARS
            || self.reference.chars().any(char::is_control)
        {
            return Err(CreditError::Reference);
        }
        Ok(())
    }
}

// -------------------------------------------------------------------- KPIs

/// Returned units over delivered units; `None` before anything is
/// delivered. Not capped at 1: above it, the counts disagree and the page
/// should show it rather than hide it.
pub fn returns_rate(returned: Quantity, delivered: Quantity) -> Option<f64> {
    delivered.is_positive().then(|| returned.as_f64() / delivered.as_f64())
}

/// A returned line as the KPI page counts it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedLine {
    pub reason: ReturnReason,
    pub quantity: Quantity,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: ReturnReason,
    pub lines: usize,
    pub units: Quantity,
}

/// The `limit` most frequent reasons, by returned lines, then units, then
/// the reasons' order. Lines first: one bulk return of 500 screws should not
/// outrank forty buyers saying their parcel arrived damaged.
pub fn top_reasons(returned: &[ReturnedLine], limit: usize) -> Vec<ReasonCount> {
    let mut by_reason: BTreeMap<ReturnReason, (usize, Quantity)> = BTreeMap::new();
    for line in returned {
        let entry = by_reason.entry(line.reason).or_default();
        entry.0 += 1;
        entry.1 += line.quantity;
    }
    let mut counts: Vec<ReasonCount> =
        by_reason.into_iter().map(|(reason, (lines, units))| ReasonCount { reason, lines, units }).collect();
    counts.sort_by(|a, b| b.lines.cmp(&a.lines).then(b.units.cmp(&a.units)).then(a.reason.cmp(&b.reason)));
    counts.truncate(limit);
    counts
}

/// The median of the times from request to refund (or credit); with an
/// even count, halfway between the middle two. `None` for none.
pub fn median_time_to_refund(durations: &[Duration]) -> Option<Duration> {
    let mut sorted = durations.to_vec();
    sorted.sort();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => {
            let (low, high) = (sorted[n / 2 - 1], sorted[n / 2]);
            Some(low + (high - low) / 2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn q(units: i64) -> Quantity {
        Quantity::whole(units)
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 20, 12, 0, 0).unwrap()
    }

    fn days_ago(days: i64) -> DateTime<Utc> {
        now() - Duration::days(days)
    }

    /// Line 1: 5 delivered 10 days ago, 1 already returned. Line 2: a gift
    /// card. Line 3: not delivered. Line 4: delivered 40 days ago.
    fn order() -> Vec<ReturnableLine> {
        let line = |id, sku: &str, delivered, returned, at| ReturnableLine {
            line: OrderLineId(id),
            sku: sku.into(),
            delivered: q(delivered),
            already_returned: q(returned),
            delivered_at: at,
        };
        vec![
            line(1, "SHIRT-M", 5, 1, Some(days_ago(10))),
            line(2, "gift-card-50", 1, 0, Some(days_ago(10))),
            line(3, "MUG", 0, 0, None),
            line(4, "LAMP", 2, 0, Some(days_ago(40))),
        ]
    }

    fn policy() -> ReturnPolicy {
        ReturnPolicy {
            non_returnable: vec![SkuRule::parse("GIFT-*").unwrap()],
            reasons: ReturnReason::ALL.into_iter().filter(|r| *r != ReturnReason::ArrivedLate).collect(),
            ..ReturnPolicy::default()
        }
    }

    fn ask(line: i64, quantity: i64, reason: ReturnReason) -> RequestedLine {
        RequestedLine { line: OrderLineId(line), quantity: q(quantity), reason, has_photo: false }
    }

    fn verdicts(lines: Vec<RequestedLine>) -> Vec<Verdict> {
        let request = ReturnRequest { resolution: Resolution::Refund, lines };
        assess_request(&policy(), &order(), &request, now()).unwrap().lines.iter().map(|d| d.verdict).collect()
    }

    fn refused(line: RequestedLine) -> Refusal {
        match verdicts(vec![line])[0] {
            Verdict::Refused(r) => r,
            Verdict::Accepted => panic!("{line:?} accepted"),
        }
    }

    // ------------------------------------------------------------ policy

    #[test]
    fn the_default_policy_is_valid_and_generous() {
        let p = ReturnPolicy::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.window_days, 30);
        assert_eq!(p.reasons, ReturnReason::ALL);
        assert!(p.needs_photo(ReturnReason::Damaged) && p.needs_photo(ReturnReason::Defective));
        assert!(!p.needs_photo(ReturnReason::WrongItem));
        assert_eq!(p.resolutions, [Resolution::Refund, Resolution::Exchange, Resolution::StoreCredit]);
        assert!(!p.requires_approval);
        assert!(p.is_returnable("ANYTHING"));
    }

    #[test]
    fn nonsense_policies_are_refused_naming_the_field() {
        let with = |f: fn(&mut ReturnPolicy)| {
            let mut p = ReturnPolicy::default();
            f(&mut p);
            p.validate().unwrap_err()
        };
        let e = with(|p| p.window_days = 0);
        assert_eq!((e.clone(), e.field()), (PolicyError::WindowDays(0), "window_days"));
        assert_eq!(e.to_string(), "window_days must be between 1 and 365, found 0");
        assert_eq!(with(|p| p.window_days = 366), PolicyError::WindowDays(366));
        let e = with(|p| p.reasons.clear());
        assert_eq!((e.clone(), e.field()), (PolicyError::NoReasons, "reasons"));
        assert!(e.to_string().starts_with("reasons "));
        let e = with(|p| p.resolutions.clear());
        assert_eq!((e.clone(), e.field()), (PolicyError::NoResolutions, "resolutions"));
        assert!(e.to_string().starts_with("resolutions "));
        let e = with(|p| p.reasons = vec![ReturnReason::WrongItem, ReturnReason::Damaged]);
        assert_eq!(e, PolicyError::PhotoForReasonNotOffered(ReturnReason::Defective));
        assert_eq!(e.field(), "photo_required");
        assert!(e.to_string().contains("`defective`"));
        let e = with(|p| p.non_returnable = vec![SkuRule::Exact(" ".into())]);
        assert_eq!((e.clone(), e.field()), (PolicyError::EmptySkuRule, "non_returnable"));
        for ok in [1, 365] {
            let p = ReturnPolicy { window_days: ok, ..ReturnPolicy::default() };
            assert_eq!(p.validate(), Ok(()));
        }
    }

    #[test]
    fn policies_round_trip_through_json_and_missing_fields_default() {
        let p = ReturnPolicy { requires_approval: true, ..policy() };
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains(r#""non_returnable":["GIFT-*"]"#), "{json}");
        assert!(json.contains(r#""photo_required":["damaged","defective"]"#), "{json}");
        assert_eq!(serde_json::from_str::<ReturnPolicy>(&json).unwrap(), p);
        let partial: ReturnPolicy = serde_json::from_str(r#"{"window_days": 14}"#).unwrap();
        assert_eq!(partial, ReturnPolicy { window_days: 14, ..ReturnPolicy::default() });
        assert!(serde_json::from_str::<ReturnPolicy>(r#"{"non_returnable": ["A*B"]}"#).is_err());
        assert!(serde_json::from_str::<ReturnPolicy>(r#"{"reasons": ["lost_interest"]}"#).is_err());
    }

    #[test]
    fn sku_rules_are_exact_or_a_prefix() {
        let gift = SkuRule::parse(" GIFT-* ").unwrap();
        assert_eq!(gift, SkuRule::Prefix("GIFT-".into()));
        assert_eq!(gift.to_string(), "GIFT-*");
        assert!(gift.matches("GIFT-CARD-50") && gift.matches("gift-card") && gift.matches("GIFT-"));
        assert!(!gift.matches("GIF") && !gift.matches("XGIFT-1") && !gift.matches("GIFTCARD"));
        assert!(SkuRule::parse("É*").unwrap().matches("Éa"));
        assert!(!SkuRule::parse("ab*").unwrap().matches("aé"), "no panic on a char boundary");
        let exact = SkuRule::parse("SOAP-1").unwrap();
        assert_eq!(exact, SkuRule::Exact("SOAP-1".into()));
        assert!(exact.matches("soap-1") && !exact.matches("SOAP-10"));
        for bad in ["", "  ", "*", "**", "A*B", "*A", "A**"] {
            assert_eq!(SkuRule::parse(bad), Err(SkuRuleError(bad.trim().into())), "{bad:?}");
        }
    }

    #[test]
    fn codes_round_trip_and_match_serde() {
        fn check<T>(all: &[T])
        where
            T: Copy + fmt::Debug + PartialEq + FromStr<Err = UnknownReturnCode> + fmt::Display + Serialize,
        {
            let mut codes = BTreeSet::new();
            for v in all {
                let code = v.to_string();
                assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
                assert!(codes.insert(code.clone()), "{code} twice");
                assert_eq!(code.parse::<T>(), Ok(*v));
                assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{code}\""));
            }
            assert!("Nope".parse::<T>().is_err());
        }
        check(&ReturnReason::ALL);
        check(&Resolution::ALL);
        check(&ReturnStatus::ALL);
        check(&ReturnStep::ALL);
        check(&Condition::ALL);
        assert_eq!(ReturnReason::ALL.len(), 7);
        assert_eq!(ReturnStatus::ALL.len(), 10);
        assert_eq!("lost".parse::<ReturnReason>().unwrap_err().to_string(), "`lost` is not a known return reason code");
        assert_eq!(ReturnReason::NotAsDescribed.code(), "not_as_described");
        assert_eq!(Resolution::StoreCredit.code(), "store_credit");
    }

    // ------------------------------------------------------- eligibility

    #[test]
    fn a_returnable_line_is_accepted() {
        let request = ReturnRequest {
            resolution: Resolution::Exchange,
            lines: vec![ask(1, 4, ReturnReason::WrongItem), ask(4, 1, ReturnReason::Other)],
        };
        let e = assess_request(&policy(), &order(), &request, now()).unwrap();
        assert_eq!(e.lines[0].verdict, Verdict::Accepted);
        assert_eq!(e.accepted_quantity(OrderLineId(1)), q(4));
        assert!(e.any_accepted() && !e.all_accepted());
        assert_eq!(e.refused().map(|(d, _)| d.line).collect::<Vec<_>>(), [OrderLineId(4)]);
        assert_eq!(e.accepted().count(), 1);
    }

    #[test]
    fn decimal_quantities_are_compared_exactly() {
        let mut lines = order();
        lines[0].delivered = "2.5".parse().unwrap();
        lines[0].already_returned = "1.25".parse().unwrap();
        let request = |t: &str| ReturnRequest {
            resolution: Resolution::Refund,
            lines: vec![RequestedLine { quantity: t.parse().unwrap(), ..ask(1, 0, ReturnReason::Other) }],
        };
        let e = assess_request(&policy(), &lines, &request("1.25"), now()).unwrap();
        assert!(e.all_accepted());
        let e = assess_request(&policy(), &lines, &request("1.251"), now()).unwrap();
        assert_eq!(
            e.lines[0].verdict,
            Verdict::Refused(Refusal::MoreThanReturnable { returnable: "1.25".parse().unwrap() })
        );
    }

    #[test]
    fn each_refusal() {
        use ReturnReason::*;
        assert_eq!(refused(ask(3, 1, WrongItem)), Refusal::NotDelivered);
        let closed = days_ago(40) + Duration::days(30);
        assert_eq!(refused(ask(4, 1, WrongItem)), Refusal::OutsideWindow { closed_on: closed });
        assert_eq!(refused(ask(2, 1, WrongItem)), Refusal::NotReturnable);
        assert_eq!(refused(ask(1, 5, WrongItem)), Refusal::MoreThanReturnable { returnable: q(4) });
        assert_eq!(refused(ask(1, 1, Damaged)), Refusal::PhotoRequired);
        assert_eq!(refused(ask(1, 1, Defective)), Refusal::PhotoRequired);
        assert_eq!(verdicts(vec![RequestedLine { has_photo: true, ..ask(1, 1, Damaged) }]), [Verdict::Accepted]);
        assert_eq!(refused(ask(1, 0, WrongItem)), Refusal::ZeroQuantity);
        assert_eq!(refused(ask(1, -1, WrongItem)), Refusal::ZeroQuantity);
        assert_eq!(refused(ask(99, 1, WrongItem)), Refusal::UnknownLine);
        assert_eq!(refused(ask(1, 1, ArrivedLate)), Refusal::ReasonNotOffered);
        assert_eq!(
            verdicts(vec![ask(1, 1, WrongItem), ask(1, 1, Other)]),
            [Verdict::Accepted, Verdict::Refused(Refusal::DuplicateLine)]
        );
        // A refused first entry still makes the second a duplicate.
        assert_eq!(
            verdicts(vec![ask(1, 9, WrongItem), ask(1, 1, Other)]),
            [
                Verdict::Refused(Refusal::MoreThanReturnable { returnable: q(4) }),
                Verdict::Refused(Refusal::DuplicateLine)
            ]
        );
    }

    #[test]
    fn delivered_at_without_a_delivered_quantity_is_not_delivered() {
        let mut lines = order();
        lines[2].delivered_at = Some(days_ago(1));
        let request = ReturnRequest { resolution: Resolution::Refund, lines: vec![ask(3, 1, ReturnReason::Other)] };
        let e = assess_request(&policy(), &lines, &request, now()).unwrap();
        assert_eq!(e.lines[0].refusal(), Some(Refusal::NotDelivered));
    }

    #[test]
    fn fully_returned_lines_say_so() {
        let mut lines = order();
        lines[0].already_returned = q(7);
        let request = ReturnRequest { resolution: Resolution::Refund, lines: vec![ask(1, 1, ReturnReason::Other)] };
        let refusal = assess_request(&policy(), &lines, &request, now()).unwrap().lines[0].refusal().unwrap();
        assert_eq!(refusal, Refusal::MoreThanReturnable { returnable: Quantity::ZERO });
        assert_eq!(refusal.to_string(), "This item has already been returned in full.");
    }

    #[test]
    fn the_window_closes_whole_days_after_delivery() {
        let p = policy();
        let delivered = days_ago(30);
        let request = ReturnRequest { resolution: Resolution::Refund, lines: vec![ask(1, 1, ReturnReason::Other)] };
        let mut lines = order();
        lines[0].delivered_at = Some(delivered);
        let at = |t| assess_request(&p, &lines, &request, t).unwrap().lines[0].verdict;
        assert_eq!(at(now()), Verdict::Accepted, "the last instant is still inside");
        assert_eq!(at(now() + Duration::seconds(1)), Verdict::Refused(Refusal::OutsideWindow { closed_on: now() }));
        // Only an unvalidated policy reaches past the calendar: it never closes.
        let forever = ReturnPolicy { window_days: u32::MAX, ..policy() };
        assert_eq!(forever.window_closes(delivered), None);
        assert_eq!(
            assess_request(&forever, &lines, &request, now() + Duration::days(10_000)).unwrap().lines[0].verdict,
            Verdict::Accepted
        );
    }

    #[test]
    fn request_level_errors() {
        let p = ReturnPolicy { resolutions: vec![Resolution::Refund], ..policy() };
        let credit = ReturnRequest { resolution: Resolution::StoreCredit, lines: vec![ask(1, 1, ReturnReason::Other)] };
        let e = assess_request(&p, &order(), &credit, now()).unwrap_err();
        assert_eq!(e, RequestError::ResolutionNotOffered(Resolution::StoreCredit));
        assert_eq!(e.to_string(), "Store credit isn't offered for returns.");
        let empty = ReturnRequest { resolution: Resolution::Refund, lines: vec![] };
        assert_eq!(assess_request(&p, &order(), &empty, now()), Err(RequestError::NoLines));
    }

    #[test]
    fn refusals_read_as_sentences_and_serialize_with_their_code() {
        let closed = Utc.with_ymd_and_hms(2024, 3, 5, 9, 30, 0).unwrap();
        let all = [
            (Refusal::NotDelivered, "This item hasn't been delivered yet."),
            (Refusal::OutsideWindow { closed_on: closed }, "The return window for this item closed on 5 March 2024."),
            (Refusal::NotReturnable, "This item can't be returned."),
            (
                Refusal::MoreThanReturnable { returnable: "2.5".parse().unwrap() },
                "Only 2.5 of this item can still be returned.",
            ),
            (Refusal::PhotoRequired, "Please add a photo for this return reason."),
            (Refusal::ZeroQuantity, "Please choose how many to return."),
            (Refusal::UnknownLine, "This item isn't on the order."),
            (Refusal::DuplicateLine, "This item is already in the request."),
            (Refusal::ReasonNotOffered, "Please choose one of the return reasons offered."),
        ];
        for (refusal, sentence) in all {
            assert_eq!(refusal.to_string(), sentence);
            let json = serde_json::to_value(refusal).unwrap();
            assert_eq!(json["code"], refusal.code());
            assert_eq!(serde_json::from_value::<Refusal>(json).unwrap(), refusal);
        }
        let decision = LineDecision {
            line: OrderLineId(7),
            quantity: q(2),
            reason: ReturnReason::Damaged,
            verdict: Verdict::Refused(Refusal::PhotoRequired),
        };
        let json = serde_json::to_string(&decision).unwrap();
        assert_eq!(
            json,
            r#"{"line":7,"quantity":2,"reason":"damaged","verdict":{"verdict":"refused","refusal":{"code":"photo_required"}}}"#
        );
        assert_eq!(serde_json::from_str::<LineDecision>(&json).unwrap(), decision);
    }

    // --------------------------------------------------------- lifecycle

    fn allowed(from: ReturnStatus, to: ReturnStatus) -> bool {
        use ReturnStatus::*;
        matches!(
            (from, to),
            (Requested, Approved | Declined | Cancelled)
                | (Approved, LabelIssued | InTransit | Received | Cancelled)
                | (LabelIssued, InTransit | Received | Cancelled)
                | (InTransit, Received)
                | (Received, Inspected)
                | (Inspected, Refunded | Credited)
        )
    }

    #[test]
    fn every_status_and_step() {
        for from in ReturnStatus::ALL {
            for step in ReturnStep::ALL {
                let to = step.target();
                let result = from.apply(step);
                if to == from {
                    assert_eq!(result, Ok(from), "{from} repeating {step} is idempotent");
                } else if allowed(from, to) {
                    assert_eq!(result, Ok(to), "{from} --{step}--> {to}");
                } else {
                    assert_eq!(result, Err(TransitionError { from, to }), "{from} --{step}--> {to}");
                }
            }
            assert_eq!(from.is_terminal(), ReturnStatus::ALL.iter().all(|&to| !allowed(from, to)));
        }
    }

    #[test]
    fn the_usual_paths() {
        use ReturnStep::*;
        let run = |steps: &[ReturnStep]| steps.iter().try_fold(ReturnStatus::Requested, |s, step| s.apply(*step));
        assert_eq!(run(&[Approve, IssueLabel, Ship, Receive, Inspect, Refund]), Ok(ReturnStatus::Refunded));
        assert_eq!(run(&[Approve, Receive, Inspect, Credit]), Ok(ReturnStatus::Credited));
        assert_eq!(run(&[Approve, Ship, Ship, Receive, Receive, Inspect]), Ok(ReturnStatus::Inspected));
        assert_eq!(run(&[Decline, Decline]), Ok(ReturnStatus::Declined));
        assert_eq!(run(&[Approve, IssueLabel, Cancel]), Ok(ReturnStatus::Cancelled));
    }

    #[test]
    fn refused_transitions_name_both_statuses() {
        let e = ReturnStatus::Received.apply(ReturnStep::Approve).unwrap_err();
        assert_eq!(e.to_string(), "a return that is received cannot become approved");
        assert!(e.is_backwards());
        assert!(ReturnStatus::Refunded.apply(ReturnStep::Ship).unwrap_err().is_backwards());
        let skip = ReturnStatus::Requested.apply(ReturnStep::Receive).unwrap_err();
        assert_eq!(skip, TransitionError { from: ReturnStatus::Requested, to: ReturnStatus::Received });
        assert!(!skip.is_backwards());
        let sideways = ReturnStatus::Refunded.apply(ReturnStep::Credit).unwrap_err();
        assert!(!sideways.is_backwards());
        assert!(!ReturnStatus::Declined.apply(ReturnStep::Approve).unwrap_err().is_backwards());
        assert!(ReturnStatus::InTransit.apply(ReturnStep::Cancel).is_err(), "the parcel is already moving");
    }

    #[test]
    fn approval_is_skipped_when_the_policy_needs_none() {
        assert_eq!(initial_status(&ReturnPolicy::default()), ReturnStatus::Approved);
        let reviewed = ReturnPolicy { requires_approval: true, ..ReturnPolicy::default() };
        assert_eq!(initial_status(&reviewed), ReturnStatus::Requested);
    }

    #[test]
    fn carrier_scans_of_the_return_parcel_are_steps() {
        use crate::domain::{Canonical, ExceptionKind, Milestone};
        let scan = |m| carrier_scan(Canonical::Milestone(m));
        assert_eq!(scan(Milestone::Delivered), Some(ReturnStatus::Received));
        assert_eq!(scan(Milestone::Packed), Some(ReturnStatus::LabelIssued), "label created");
        assert_eq!(scan(Milestone::Shipped), Some(ReturnStatus::InTransit));
        assert_eq!(scan(Milestone::OutForDelivery), Some(ReturnStatus::InTransit));
        assert_eq!(carrier_scan(Canonical::Exception(ExceptionKind::Delayed)), None);
        assert_eq!(carrier_scan(Canonical::Return(ReturnStatus::Received)), None);
        for status in ReturnStatus::ALL {
            match status.step() {
                Some(step) => assert_eq!(step.target(), status),
                None => assert_eq!(status, ReturnStatus::Requested),
            }
        }
    }

    #[test]
    fn statuses_have_buyer_texts_and_say_which_hold_quantity() {
        assert_eq!(ReturnStatus::Requested.headline(), "Return requested");
        assert_eq!(ReturnStatus::Received.headline(), "We've received your return");
        let mut headlines = BTreeSet::new();
        for s in ReturnStatus::ALL {
            assert!(headlines.insert(s.headline()), "{s}");
            assert!(s.description().ends_with('.'), "{s}");
            assert_eq!(s.holds_quantity(), !matches!(s, ReturnStatus::Declined | ReturnStatus::Cancelled));
        }
    }

    // -------------------------------------------------------- RMA number

    #[test]
    fn rma_numbers_round_trip() {
        let rma = RmaNumber::from_random(0x0123_4567_89AB_CDEF);
        let text = rma.to_string();
        assert_eq!(text.len(), 12);
        assert!(text.starts_with("RMA-"));
        assert!(!text[4..].contains(['I', 'L', 'O', 'U']));
        assert_eq!(text.parse::<RmaNumber>(), Ok(rma));
        assert_eq!(serde_json::to_string(&rma).unwrap(), format!("\"{text}\""));
        assert_eq!(serde_json::from_str::<RmaNumber>(&format!("\"{text}\"")).unwrap(), rma);
        assert_eq!(RmaNumber::from_random(0).to_string(), "RMA-00000000");
        assert_eq!(RmaNumber::from_random(u64::MAX).to_string(), "RMA-ZZZZZZZZ");
        assert_eq!(RmaNumber::from_random(31).to_string(), "RMA-0000000Z");
        assert_eq!(RmaNumber::from_random(32).to_string(), "RMA-00000010");
        // Only the low 40 bits count.
        assert_eq!(RmaNumber::from_random(1 << 40), RmaNumber::from_random(0));
        for seed in (0..2_000u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)) {
            let rma = RmaNumber::from_random(seed);
            assert_eq!(RmaNumber::parse(&rma.to_string()), Ok(rma));
        }
    }

    #[test]
    fn rma_numbers_are_read_as_people_type_them() {
        let rma = RmaNumber::parse("RMA-7K3M0Q1Z").unwrap();
        for typed in [" rma-7k3m0q1z ", "RMA 7K3M0Q1Z", "RMA7K3MOQ1Z", "rma-7k3moqlz", "RMA-7K3M0QIZ"] {
            assert_eq!(RmaNumber::parse(typed), Ok(rma), "{typed:?}");
        }
        assert_eq!(RmaNumber::parse("7K3M0Q1Z"), Err(RmaNumberError::MissingPrefix));
        assert_eq!(RmaNumber::parse(""), Err(RmaNumberError::MissingPrefix));
        assert_eq!(RmaNumber::parse("RMÅ-1"), Err(RmaNumberError::MissingPrefix));
        assert_eq!(RmaNumber::parse("RMA-7K3M0Q1"), Err(RmaNumberError::WrongLength(7)));
        assert_eq!(RmaNumber::parse("RMA-7K3M0Q1ZZ"), Err(RmaNumberError::WrongLength(9)));
        assert_eq!(RmaNumber::parse("RMA-7K3M0Q1U"), Err(RmaNumberError::BadCharacter('U')));
        assert_eq!(RmaNumber::parse("RMA--7K3M0Q1"), Err(RmaNumberError::BadCharacter('-')));
        assert_eq!(RmaNumber::parse("RMA-7K3M0Q1É"), Err(RmaNumberError::BadCharacter('É')));
        assert!(serde_json::from_str::<RmaNumber>("\"RMA-UUUUUUUU\"").is_err());
    }

    // ---------------------------------------------- inspection and credit

    #[test]
    fn inspected_lines_are_checked() {
        let line = |counted, condition| InspectedLine { line: OrderLineId(3), counted: q(counted), condition };
        assert_eq!(line(2, Condition::Opened).validate(), Ok(()));
        assert_eq!(line(0, Condition::Missing).validate(), Ok(()));
        assert_eq!(line(-1, Condition::AsNew).validate(), Err(InspectionError::NegativeCount(OrderLineId(3))));
        let e = line(1, Condition::Missing).validate().unwrap_err();
        assert_eq!(e.to_string(), "line 3: 1 counted but the condition is missing");
        let json = serde_json::to_string(&line(2, Condition::AsNew)).unwrap();
        assert_eq!(json, r#"{"line":3,"counted":2,"condition":"as_new"}"#);
    }

    #[test]
    fn credit_memos_are_validated_naming_the_field() {
        let memo = CreditMemo::new(1_999, "EUR", "  CM-2024-0042 ").unwrap();
        assert_eq!(
            (memo.amount_minor, memo.currency.as_str(), memo.reference.as_str()),
            (1_999, "EUR", "CM-2024-0042")
        );
        let json = serde_json::to_string(&memo).unwrap();
        assert_eq!(json, r#"{"amount_minor":1999,"currency":"EUR","reference":"CM-2024-0042"}"#);
        assert_eq!(serde_json::from_str::<CreditMemo>(&json).unwrap(), memo);
        assert!(serde_json::from_str::<CreditMemo>(&json.replace("EUR", "eur")).is_err());

        let field = |r: Result<CreditMemo, CreditError>| r.unwrap_err().field();
        for amount in [0, -5] {
            let e = CreditMemo::new(amount, "EUR", "R").unwrap_err();
            assert_eq!(e, CreditError::Amount(amount));
            assert!(e.to_string().starts_with("amount_minor "));
        }
        for currency in ["eur", "EU", "EURO", "E1R", "", "ÉUR"] {
            assert_eq!(field(CreditMemo::new(1, currency, "R")), "currency", "{currency:?}");
        }
        assert!(CreditMemo::new(1, "usd", "R").unwrap_err().to_string().starts_with("currency: "));
        for reference in ["", "   ", "A\nB", &"x".repeat(65)] {
            assert_eq!(field(CreditMemo::new(1, "USD", reference)), "reference", "{reference:?}");
        }
        assert!(CreditMemo::new(1, "USD", &"é".repeat(64)).is_ok(), "characters, not bytes");
        assert!(CreditMemo::new(1, "USD", "R").is_ok());
        let mut read = memo.clone();
        read.amount_minor = 0;
        assert_eq!(read.validate(), Err(CreditError::Amount(0)));
    }

    // ------------------------------------------------------------- KPIs

    #[test]
    fn kpis() {
        assert_eq!(returns_rate(q(5), q(100)), Some(0.05));
        assert_eq!(returns_rate(q(0), q(0)), None);
        assert_eq!(returns_rate("0.5".parse().unwrap(), q(2)), Some(0.25));

        use ReturnReason::*;
        let r = |reason, units| ReturnedLine { reason, quantity: q(units) };
        let returned = [r(NoLongerNeeded, 500), r(Damaged, 1), r(Damaged, 2), r(WrongItem, 1), r(Other, 1)];
        let top = top_reasons(&returned, 3);
        assert_eq!(
            top,
            [
                ReasonCount { reason: Damaged, lines: 2, units: q(3) },
                ReasonCount { reason: NoLongerNeeded, lines: 1, units: q(500) },
                ReasonCount { reason: WrongItem, lines: 1, units: q(1) },
            ]
        );
        assert!(top_reasons(&[], 5).is_empty());

        let h = Duration::hours;
        assert_eq!(median_time_to_refund(&[]), None);
        assert_eq!(median_time_to_refund(&[h(5), h(1), h(100)]), Some(h(5)));
        assert_eq!(median_time_to_refund(&[h(4), h(1), h(2), h(100)]), Some(h(3)));
        assert_eq!(median_time_to_refund(&[h(1), h(2)]), Some(Duration::minutes(90)));
    }

    // --------------------------------------------------------- properties

    /// Mostly whole units, so a request hits what is returnable exactly,
    /// with some arbitrary thousandths.
    fn thousandths(whole_units: std::ops::Range<i64>, any: std::ops::Range<i64>) -> impl Strategy<Value = Quantity> {
        prop_oneof![3 => whole_units.prop_map(Quantity::whole), 1 => any.prop_map(Quantity::from_thousandths)]
    }

    /// Up to four lines, delivered or not, recently or not, some gift
    /// cards, some returned in full already (or more, as bad data would say).
    fn order_strategy() -> impl Strategy<Value = Vec<ReturnableLine>> {
        let line = (
            thousandths(0..7, 0..7_000),
            thousandths(0..4, 0..7_000),
            prop::option::weighted(0.85, 0i64..45),
            prop::bool::weighted(0.15),
        );
        prop::collection::vec(line, 1..5).prop_map(|lines| {
            lines
                .into_iter()
                .enumerate()
                .map(|(i, (delivered, already_returned, days, gift))| ReturnableLine {
                    line: OrderLineId(i as i64 + 1),
                    sku: if gift { format!("GIFT-{i}") } else { format!("SKU-{i}") },
                    delivered,
                    already_returned,
                    delivered_at: days.map(days_ago),
                })
                .collect()
        })
    }

    /// Mostly lines of the order, some unknown ones and duplicates; zero,
    /// negative and too large quantities; photos or none.
    fn request_strategy() -> impl Strategy<Value = ReturnRequest> {
        let line = (
            prop_oneof![9 => 1i64..5, 1 => 0i64..9],
            thousandths(0..5, -500..7_000),
            0usize..ReturnReason::ALL.len(),
            prop::bool::weighted(0.7),
        )
            .prop_map(|(line, quantity, reason, has_photo)| RequestedLine {
                line: OrderLineId(line),
                quantity,
                reason: ReturnReason::ALL[reason],
                has_photo,
            });
        prop::collection::vec(line, 1..5).prop_map(|lines| ReturnRequest { resolution: Resolution::Refund, lines })
    }

    fn returnable(line: &ReturnableLine) -> Quantity {
        line.delivered.saturating_sub(line.already_returned)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

        #[test]
        fn accepted_never_exceeds_what_is_returnable(lines in order_strategy(), request in request_strategy()) {
            let p = policy();
            let e = assess_request(&p, &lines, &request, now()).unwrap();
            prop_assert_eq!(e.lines.len(), request.lines.len());
            for line in &lines {
                let accepted: Vec<&LineDecision> = e.accepted().filter(|d| d.line == line.line).collect();
                prop_assert!(accepted.len() <= 1);
                prop_assert!(e.accepted_quantity(line.line) <= returnable(line));
                for d in accepted {
                    prop_assert!(d.quantity.is_positive());
                    prop_assert!(p.is_returnable(&line.sku) && p.offers(d.reason));
                    prop_assert!(line.delivered_at.is_some_and(|at| now() <= at + Duration::days(30)));
                }
            }
            // Refused lines never count, known or not.
            let counted: Quantity = lines.iter().map(|l| e.accepted_quantity(l.line)).sum();
            let accepted: Quantity = e.lines.iter().filter(|d| d.is_accepted()).map(|d| d.quantity).sum();
            prop_assert_eq!(counted, accepted);
            for (d, _) in e.refused() {
                if e.lines.iter().filter(|o| o.line == d.line).all(|o| !o.is_accepted()) {
                    prop_assert_eq!(e.accepted_quantity(d.line), Quantity::ZERO);
                }
            }
        }

        #[test]
        fn two_requests_in_sequence_never_return_more_than_was_delivered(
            lines in order_strategy(), first in request_strategy(), second in request_strategy(),
        ) {
            let p = policy();
            let one = assess_request(&p, &lines, &first, now()).unwrap();
            let after: Vec<ReturnableLine> = lines
                .iter()
                .map(|l| ReturnableLine { already_returned: l.already_returned + one.accepted_quantity(l.line), ..l.clone() })
                .collect();
            let two = assess_request(&p, &after, &second, now()).unwrap();
            for line in &lines {
                let added = one.accepted_quantity(line.line) + two.accepted_quantity(line.line);
                prop_assert!(added <= returnable(line));
                if line.already_returned <= line.delivered {
                    prop_assert!(line.already_returned + added <= line.delivered);
                }
            }
        }
    }
}
