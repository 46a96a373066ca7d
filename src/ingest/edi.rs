//! X12 interchanges into Milepost: each transaction set becomes what it
//! means (214 -> carrier events, 856 -> a shipment with packs, 850 -> an
//! order, 855 -> a confirmation with line changes) through the same ingest
//! path as the API, and the interchange is kept byte for byte with what each
//! transaction became. Nothing is dropped: a document that names an order or
//! shipment Milepost does not know yet is reported `unmatched` and kept
//! (carrier events in the unmatched queue, the rest in the interchange log).

use super::x12::acknowledgment::{self, ControlNumbers, GroupVerdict, SetVerdict, Ta1Note};
use super::x12::po_acknowledgment::{self, LineChange};
use super::x12::purchase_order::{self, PurchaseOrder, Purpose};
use super::x12::ship_notice::{self, NoticeOrder, Pack, ShipNotice};
use super::x12::{self, shipment_status, EdiError, FaultKind, Interchange, Transaction};
use crate::auth::api_key::Scope;
use crate::domain::address_zone::zone_for_address;
use crate::domain::edi_partner::{AckKind, PartnerProfile, PartnerShipTo};
use crate::domain::ExceptionKind;
use crate::domain::{Quantity, StatusDictionary, TenantId};
use crate::state::AppState;
use crate::store::{self, LineAcknowledgment, LineRecord, NewEvent, NewOrder, NewOrderLine, NewPack, NewShipment};
use crate::store::{ShipTo, TrackedOutcome};
use chrono::TimeZone;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::ToSchema;

/// Events from EDI are recorded under this source.
pub const SOURCE: &str = "edi";

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EdiOutcome {
    pub sender: String,
    pub receiver: String,
    /// ISA13.
    pub control_number: String,
    /// True when this interchange was received before: these are the first
    /// results and nothing changed.
    pub replayed: bool,
    pub results: Vec<TransactionResult>,
    /// The acknowledgment interchange for the sender (997 or 999 per group,
    /// a TA1 when asked for), in the sender's own separators; null when its
    /// profile asks for none. Also served as the whole response body to
    /// `Accept: application/edi-x12`, and kept with the interchange.
    #[serde(default)]
    pub acknowledgment: Option<String>,
    /// Envelope problems the partner's profile tolerates (a miscounted
    /// GE01 or IEA01), also noted in the acknowledgment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TransactionResult {
    /// GS06, the functional group's control number.
    pub group: String,
    /// ST01: 214, 856, 850 or 855.
    pub set: String,
    /// ST02.
    pub control_number: String,
    /// `created`, `updated`, `duplicate` (seen before, nothing changed),
    /// `unmatched` (kept until its order or shipment appears), `rejected`
    /// (the message says why) or `unsupported` (kept, not interpreted).
    pub status: String,
    pub order_number: Option<String>,
    pub tracking_number: Option<String>,
    /// Events recorded.
    pub events: usize,
    pub message: String,
}

/// Applies each interchange of a body or file on its own, in order, as if
/// each had come alone: one refused for its envelope does not stop the rest.
pub async fn apply_each(
    state: &AppState,
    tenant: TenantId,
    parts: &[&[u8]],
    parsed: Vec<Result<Interchange, EdiError>>,
) -> store::Result<Vec<BatchItem>> {
    let mut items = Vec::with_capacity(parts.len());
    for (part, parsed) in parts.iter().zip(parsed) {
        let result = match parsed {
            Ok(interchange) => apply(state, tenant, part, &interchange).await?,
            Err(error) => Err(refuse(state, tenant, part, error).await?),
        };
        items.push(match result {
            Ok(outcome) => BatchItem::Applied(outcome),
            Err(refusal) => {
                BatchItem::Refused { refused: refusal.error.to_string(), acknowledgment: refusal.acknowledgment }
            }
        });
    }
    Ok(items)
}

/// An interchange refused as a whole: why, and the TA1 that says so when
/// the partner wants one. Nothing was recorded.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub error: EdiError,
    pub acknowledgment: Option<String>,
}

/// The answer to `POST /api/v1/edi`: one interchange's outcome, or a list
/// when the body held several.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum EdiAnswer {
    One(EdiOutcome),
    Several(EdiBatch),
}

/// A body of several interchanges (a file from a VAN or a translator's
/// batch): each is applied or refused on its own, as if posted alone, and
/// answered in order.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EdiBatch {
    pub interchanges: Vec<BatchItem>,
}

/// One interchange of a batch: what it became, or why it was refused.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum BatchItem {
    Applied(EdiOutcome),
    Refused {
        /// What is wrong with its envelope, naming the segment; nothing of
        /// this interchange was recorded.
        refused: String,
        /// The TA1 for it, when its sender asks for one.
        acknowledgment: Option<String>,
    },
}

impl BatchItem {
    pub fn acknowledgment(&self) -> Option<&str> {
        match self {
            BatchItem::Applied(outcome) => outcome.acknowledgment.as_deref(),
            BatchItem::Refused { acknowledgment, .. } => acknowledgment.as_deref(),
        }
    }
}

/// The API scope each transaction set needs: carriers send 214s, the
/// warehouse 856s, the order system 850s and 855s.
pub fn scope_for(set: &str) -> Option<Scope> {
    match set {
        "214" => Some(Scope::Carrier),
        "856" => Some(Scope::Wms),
        "850" | "855" => Some(Scope::Oms),
        _ => None,
    }
}

/// The sets Milepost reads.
const READ: [&str; 4] = ["214", "850", "855", "856"];

/// An interchange that could not be read: the TA1 for it, if its ISA was
/// readable and the sender wants one. Nothing else is recorded.
pub async fn refuse(state: &AppState, tenant: TenantId, raw: &[u8], error: EdiError) -> store::Result<Refusal> {
    let Ok(header) = x12::header(raw) else { return Ok(Refusal { error, acknowledgment: None }) };
    let note = Ta1Note::for_error(&error);
    let acknowledgment = ta1_refusal(state, tenant, &header, note).await?;
    Ok(Refusal { error, acknowledgment })
}

async fn ta1_refusal(
    state: &AppState,
    tenant: TenantId,
    header: &x12::Header,
    note: Ta1Note,
) -> store::Result<Option<String>> {
    let profile = partner_profile(state, tenant, &header.sender).await?;
    if !profile.ta1.wanted(header.ta1_requested) {
        return Ok(None);
    }
    let (number, _) = store::next_acknowledgment_numbers(&state.pool, tenant, &header.sender, 0).await?;
    Ok(Some(acknowledgment::ta1_only(header, note, isa13(number), chrono::Utc::now())))
}

async fn partner_profile(state: &AppState, tenant: TenantId, sender: &str) -> store::Result<PartnerProfile> {
    Ok(store::edi_partner(&state.pool, tenant, sender).await?.unwrap_or_else(|| PartnerProfile::default_for(sender)))
}

/// ISA13 has nine digits: the sequence wraps after 999,999,999.
fn isa13(n: i64) -> u64 {
    (n.max(1) as u64 - 1) % 999_999_999 + 1
}

/// Applies a parsed interchange: each transaction set on its own, with
/// what it became, and the acknowledgment the sender's profile asks for.
/// An interchange whose IEA disagrees with it is refused (a miscount is
/// accepted with a warning when the profile tolerates it).
pub async fn apply(
    state: &AppState,
    tenant: TenantId,
    raw: &[u8],
    interchange: &Interchange,
) -> store::Result<Result<EdiOutcome, Refusal>> {
    let sender = &interchange.sender;
    let mut outcome = EdiOutcome {
        sender: sender.clone(),
        receiver: interchange.receiver.clone(),
        control_number: interchange.control_number.clone(),
        replayed: false,
        results: Vec::new(),
        acknowledgment: None,
        warnings: Vec::new(),
    };
    if let Some((results, acknowledgment)) =
        store::edi_interchange_results(&state.pool, tenant, sender, &outcome.control_number).await?
    {
        outcome.replayed = true;
        outcome.results = serde_json::from_value(results).map_err(store::corrupt)?;
        outcome.acknowledgment = acknowledgment;
        return Ok(Ok(outcome));
    }
    let profile = partner_profile(state, tenant, sender).await?;
    let ta1 = match &interchange.trailer_fault {
        None => Ta1Note::NoError,
        Some(fault) if fault.kind == FaultKind::Count && profile.tolerant_counts => {
            outcome.warnings.push(fault.error.to_string());
            Ta1Note::GroupCount { tolerated: true }
        }
        Some(fault) => {
            let note = match fault.kind {
                FaultKind::Count => Ta1Note::GroupCount { tolerated: false },
                FaultKind::ControlNumber => Ta1Note::ControlNumberMismatch,
            };
            let acknowledgment = ta1_refusal(state, tenant, &interchange.header, note).await?;
            return Ok(Err(Refusal { error: fault.error.clone(), acknowledgment }));
        }
    };
    let context = Context::new(state, tenant, sender, &profile).await?;
    let mut waiting = Vec::new();
    let mut verdicts = Vec::new();
    for group in &interchange.groups {
        let group_refusal = match &group.trailer_fault {
            Some(fault) if fault.kind == FaultKind::Count && profile.tolerant_counts => {
                outcome.warnings.push(fault.error.to_string());
                None
            }
            Some(fault) => Some(format!("the whole functional group is refused: {}", fault.error)),
            None => None,
        };
        let mut verdict = GroupVerdict { sets: Vec::new(), count_tolerated: profile.tolerant_counts };
        for transaction in &group.transactions {
            let result = |status: &str, message: String| TransactionResult {
                group: group.control_number.clone(),
                set: transaction.set_id.clone(),
                control_number: transaction.control_number.clone(),
                status: status.into(),
                order_number: None,
                tracking_number: None,
                events: 0,
                message,
            };
            let set = transaction.set_id.as_str();
            let refused = if let Some(message) = &group_refusal {
                Some((SetVerdict::Accepted, message.clone()))
            } else if let Some(fault) = &transaction.trailer_fault {
                Some((SetVerdict::Trailer(fault.kind), fault.error.to_string()))
            } else if !profile.expects(set) {
                let expected = profile.expected_sets.iter().map(|s| s.id()).collect::<Vec<_>>().join(", ");
                Some((SetVerdict::NotSupported, format!("this partner's profile expects only sets {expected}")))
            } else {
                None
            };
            if let Some((set_verdict, message)) = refused {
                verdict.sets.push(set_verdict);
                outcome.results.push(result("rejected", message));
                continue;
            }
            let applied = match set {
                "214" => context.shipment_status(transaction).await,
                "850" => context.purchase_order(transaction).await,
                _ => context.order_document(transaction).await.map(|applied| {
                    applied.unwrap_or_else(|| {
                        vec![Applied::new("unsupported", format!("transaction set {set} is kept but not read"))]
                    })
                }),
            };
            match applied {
                Ok(all) => {
                    // A set Milepost does not read is kept, but the partner
                    // hears it is not supported rather than accepted.
                    let read = READ.contains(&set) || group.functional_id == "FA";
                    verdict.sets.push(if read { SetVerdict::Accepted } else { SetVerdict::NotSupported });
                    outcome.results.extend(all.into_iter().map(|a| {
                        if let Some(po_number) = a.waiting_for {
                            waiting.push(store::WaitingDocument {
                                po_number,
                                group_control: group.control_number.clone(),
                                set_control: transaction.control_number.clone(),
                            });
                        }
                        TransactionResult {
                            order_number: a.order_number,
                            tracking_number: a.tracking_number,
                            events: a.events,
                            ..result(a.status, a.message)
                        }
                    }))
                }
                Err(Failure::Invalid(error)) => {
                    outcome.results.push(result("rejected", error.to_string()));
                    verdict.sets.push(SetVerdict::Invalid(error));
                }
                // The document is well formed; Milepost cannot act on it
                // (the results say why), which is not the partner's syntax.
                Err(Failure::Rejected(message)) => {
                    outcome.results.push(result("rejected", message));
                    verdict.sets.push(SetVerdict::Accepted);
                }
                Err(Failure::Store(e)) => return Err(e),
            }
        }
        verdicts.push(verdict);
    }
    let ta1 = profile.ta1.wanted(interchange.header.ta1_requested).then_some(ta1);
    let acknowledged = interchange.groups.iter().filter(|g| g.functional_id != "FA").count() as i64;
    let wants_groups = profile.acknowledgment != AckKind::None && acknowledged > 0;
    if wants_groups || ta1.is_some() {
        let groups = if wants_groups { acknowledged } else { 0 };
        let (number, first_group) = store::next_acknowledgment_numbers(&state.pool, tenant, sender, groups).await?;
        let numbers = ControlNumbers { interchange: isa13(number), first_group: first_group.max(1) as u64 };
        outcome.acknowledgment = acknowledgment::acknowledgment(
            interchange,
            &verdicts,
            profile.acknowledgment,
            ta1,
            numbers,
            chrono::Utc::now(),
        );
    }
    let results = serde_json::to_value(&outcome.results).map_err(store::corrupt)?;
    store::record_edi_interchange(
        &state.pool,
        tenant,
        sender,
        &outcome.control_number,
        raw,
        &results,
        outcome.acknowledgment.as_deref(),
        profile.ack_url.as_deref(),
        &waiting,
    )
    .await?;
    if profile.ack_url.is_some() && outcome.acknowledgment.is_some() {
        // The push waits in the outbox; wake the worker that delivers it.
        state.outbox.notify_one();
    }
    Ok(Ok(outcome))
}

/// Applies the ship notices and acknowledgments that were waiting for an
/// order with one of these PO numbers; called once such an order is saved.
pub async fn apply_waiting(state: &AppState, tenant: TenantId, po_numbers: &[&str]) -> store::Result<()> {
    for (id, raw, document) in store::waiting_edi_documents(&state.pool, tenant, po_numbers).await? {
        // It parsed when it was accepted; the bytes have not changed since.
        let interchange = x12::parse(&raw).map_err(store::corrupt)?;
        let transaction = interchange
            .groups
            .iter()
            .filter(|g| g.control_number == document.group_control)
            .flat_map(|g| &g.transactions)
            .find(|t| t.control_number == document.set_control)
            .ok_or_else(|| store::corrupt("a waiting EDI document is missing from its interchange"))?;
        let profile = partner_profile(state, tenant, &interchange.sender).await?;
        let context = Context::new(state, tenant, &interchange.sender, &profile).await?;
        let results: Vec<serde_json::Value> = match context.order_document(transaction).await {
            Ok(applied) => applied
                .unwrap_or_default()
                .into_iter()
                .map(
                    |a| serde_json::json!({ "status": a.status, "message": a.message, "order_number": a.order_number }),
                )
                .collect(),
            Err(Failure::Rejected(message)) => vec![serde_json::json!({ "status": "rejected", "message": message })],
            Err(Failure::Invalid(error)) => {
                vec![serde_json::json!({ "status": "rejected", "message": error.to_string() })]
            }
            Err(Failure::Store(e)) => return Err(e),
        };
        store::mark_edi_document_applied(&state.pool, id, &serde_json::json!(results)).await?;
    }
    Ok(())
}

/// What one transaction (or, for an 856, one of its orders) became.
struct Applied {
    status: &'static str,
    message: String,
    order_number: Option<String>,
    tracking_number: Option<String>,
    events: usize,
    /// The PO number whose order this document waits for.
    waiting_for: Option<String>,
}

impl Applied {
    fn new(status: &'static str, message: String) -> Self {
        Applied { status, message, order_number: None, tracking_number: None, events: 0, waiting_for: None }
    }

    fn waiting(po_number: &str, message: String) -> Self {
        Applied { waiting_for: Some(po_number.to_string()), ..Applied::new("unmatched", message) }
    }
}

/// Why a transaction did not apply: the document's fault (reported, the
/// rest of the interchange goes on) or the store's (the request fails).
enum Failure {
    /// The document breaks the standard where Milepost reads it: the
    /// acknowledgment names the segment and element.
    Invalid(EdiError),
    /// Well formed, but Milepost cannot act on it.
    Rejected(String),
    Store(store::StoreError),
}

impl From<EdiError> for Failure {
    fn from(e: EdiError) -> Self {
        Failure::Invalid(e)
    }
}

impl From<store::StoreError> for Failure {
    fn from(e: store::StoreError) -> Self {
        match e {
            // A rule the store enforces (a line below what shipped) is the
            // document's fault, not the server's.
            store::StoreError::Invalid(message) => Failure::Rejected(message),
            other => Failure::Store(other),
        }
    }
}

struct Context<'a> {
    state: &'a AppState,
    tenant: TenantId,
    sender: &'a str,
    /// EDI times without a zone are the partner's local time: its
    /// profile's zone, else the tenant's.
    local: Tz,
    dictionary: Arc<StatusDictionary>,
    profile: &'a PartnerProfile,
}

impl<'a> Context<'a> {
    async fn new(
        state: &'a AppState,
        tenant: TenantId,
        sender: &'a str,
        profile: &'a PartnerProfile,
    ) -> store::Result<Self> {
        let local = match profile.time_zone {
            Some(zone) => zone.tz(),
            None => store::get_tenant(&state.pool, tenant).await?.time_zone.tz(),
        };
        Ok(Context { state, tenant, sender, local, dictionary: state.dictionary_for(tenant).await?, profile })
    }

    /// The sets that belong to an existing order (856, 855); `None` for others.
    async fn order_document(&self, transaction: &Transaction) -> Result<Option<Vec<Applied>>, Failure> {
        match transaction.set_id.as_str() {
            "856" => self.ship_notice(transaction).await.map(Some),
            "855" => self.acknowledgment(transaction).await.map(Some),
            _ => Ok(None),
        }
    }

    /// An EDI event read through the dictionary: `CODE/DETAIL` if it has a
    /// row, else `CODE`.
    fn event(&self, id: String, code: &str, detail: Option<&str>, at: chrono::DateTime<chrono::Utc>) -> NewEvent {
        let raw_code = detail.map_or(code.to_string(), |d| format!("{code}/{d}"));
        let canonical = if self.dictionary.knows(SOURCE, &raw_code) {
            self.dictionary.map(SOURCE, &raw_code)
        } else {
            self.dictionary.map(SOURCE, code)
        };
        NewEvent {
            shipment: None,
            source: SOURCE.into(),
            source_event_id: id,
            raw_code,
            canonical,
            occurred_at: at,
            occurred_offset_minutes: None,
            location: None,
            details: serde_json::json!({ "sender": self.sender }),
        }
    }

    async fn shipment_status(&self, transaction: &Transaction) -> Result<Vec<Applied>, Failure> {
        let status = shipment_status::read(transaction, self.local)?;
        let events: Vec<NewEvent> = status
            .carrier_events(self.sender)
            .into_iter()
            .map(|e| e.into_new_event(SOURCE, &self.dictionary))
            .collect();
        let tracking = status.carrier_reference.clone();
        let outcome = super::append_by_tracking_number(self.state, self.tenant, &tracking, &events).await?;
        let applied = match outcome {
            TrackedOutcome::Appended { outcome, .. } if outcome.inserted.is_empty() => {
                Applied::new("duplicate", "every status was recorded before".into())
            }
            TrackedOutcome::Appended { outcome, .. } => Applied {
                events: outcome.inserted.len(),
                ..Applied::new("created", format!("{} status event(s) recorded", outcome.inserted.len()))
            },
            TrackedOutcome::Unmatched { .. } => Applied {
                events: events.len(),
                ..Applied::new(
                    "unmatched",
                    format!("no shipment has tracking number {tracking} yet; kept and attached when it appears"),
                )
            },
        };
        Ok(vec![Applied { tracking_number: Some(tracking), ..applied }])
    }

    async fn ship_notice(&self, transaction: &Transaction) -> Result<Vec<Applied>, Failure> {
        let notice = ship_notice::read(transaction, self.local)?;
        let mut results = Vec::new();
        // Each order of a notice stands alone: one that cannot apply does
        // not hide the others that did.
        for order in &notice.orders {
            results.push(match self.ship_order(&notice, order).await {
                Err(Failure::Rejected(message)) => {
                    Applied::new("rejected", format!("PO {}: {message}", order.po_number))
                }
                Err(Failure::Invalid(error)) => Applied::new("rejected", format!("PO {}: {error}", order.po_number)),
                other => other?,
            });
        }
        Ok(results)
    }

    async fn ship_order(&self, notice: &ShipNotice, order: &NoticeOrder) -> Result<Applied, Failure> {
        let Some((order_id, order_number)) =
            store::find_order_by_po(&self.state.pool, self.tenant, &order.po_number).await?
        else {
            return Ok(Applied::waiting(
                &order.po_number,
                format!("no order has PO number {} yet; the notice is applied when it appears", order.po_number),
            ));
        };
        let tracking_number = order
            .first_pack_tracking_number()
            .map(str::to_string)
            .or_else(|| notice.tracking_number.clone())
            .or_else(|| notice.bill_of_lading.clone())
            .unwrap_or_else(|| notice.shipment_id.clone());
        let carrier = notice.scac.clone().or_else(|| notice.routing.clone()).unwrap_or_else(|| "UNKNOWN".into());
        let applied = |status, message| Applied {
            order_number: Some(order_number.clone()),
            tracking_number: Some(tracking_number.clone()),
            ..Applied::new(status, message)
        };
        let event_id = format!("856:{}:{}:{}", self.sender, notice.shipment_id, order.po_number);
        if store::event_id_by_source(&self.state.pool, self.tenant, SOURCE, &event_id).await?.is_some() {
            return Ok(applied("duplicate", format!("notice {} was recorded before", notice.shipment_id)));
        }
        if store::tracking_number_taken(&self.state.pool, self.tenant, &carrier, &tracking_number).await? {
            return Err(Failure::Rejected(format!(
                "{carrier} tracking number {tracking_number} already belongs to another shipment"
            )));
        }
        let lines = store::order_lines(&self.state.pool, order_id).await?;
        let mut shipped: BTreeMap<i64, (crate::domain::OrderLineId, Quantity)> = BTreeMap::new();
        for item in order.all_items() {
            let line = match_line(&lines, item.line_number.as_deref(), &item.product_ids).ok_or_else(|| {
                Failure::Rejected(format!(
                    "the item at segment {} ({}) is not a line of order {order_number}",
                    item.position,
                    describe(&item.product_ids)
                ))
            })?;
            shipped.entry(line.line_number).or_insert((line.id, Quantity::ZERO)).1 += item.quantity;
        }
        let mut packs = Vec::new();
        for pack in &order.packs {
            flatten(pack, None, &lines, &mut packs);
        }
        let shipment = NewShipment {
            order: order_id,
            carrier: carrier.clone(),
            service: notice.routing.clone(),
            tracking_number: tracking_number.clone(),
            lines: shipped.into_values().collect(),
            packs,
            product_class: None,
        };
        let mut confirm = self.event(event_id, "856", None, notice.shipped_at.utc);
        confirm.occurred_offset_minutes = notice.shipped_at.offset_minutes;
        confirm.details = serde_json::json!({
            "sender": self.sender, "notice": notice.shipment_id, "bill_of_lading": notice.bill_of_lading,
            "carrier": carrier, "tracking_number": tracking_number,
        });
        let created = super::ship_confirm(self.state, self.tenant, &shipment, confirm).await?;
        let events = created.confirmed.inserted.len() + created.attached.inserted.len();
        let mut message = format!("shipment with {} pack(s) recorded", shipment.packs.len());
        let labels = order.unreadable_labels();
        if !labels.is_empty() {
            let labels = labels.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ");
            message.push_str(&format!("; kept without an SSCC, labels that are no SSCC-18: {labels}"));
        }
        Ok(Applied { events, ..applied("created", message) })
    }

    async fn purchase_order(&self, transaction: &Transaction) -> Result<Vec<Applied>, Failure> {
        let po = purchase_order::read(transaction)?;
        let existing = store::find_order_by_po(&self.state.pool, self.tenant, &po.po_number).await?;
        let placed_at = self
            .local
            .from_local_datetime(&po.po_date.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map_or_else(|| po.po_date.and_time(chrono::NaiveTime::MIN).and_utc(), |t| t.to_utc());
        if po.purpose == Purpose::Cancel {
            let Some((order, number)) = existing else {
                return Ok(vec![Applied::new(
                    "unmatched",
                    format!("no order has PO number {} to cancel", po.po_number),
                )]);
            };
            let event = self.event(
                format!("850:{}:{}:cancel", self.sender, po.po_number),
                "850",
                Some("01"),
                chrono::Utc::now(),
            );
            let outcome = super::append(self.state, self.tenant, order, &[event]).await?;
            let status = if outcome.inserted.is_empty() { "duplicate" } else { "updated" };
            return Ok(vec![Applied {
                order_number: Some(number),
                events: outcome.inserted.len(),
                ..Applied::new(status, "order cancelled by the buyer".into())
            }]);
        }
        let account = match po.buyer.as_ref().and_then(|b| b.code.as_deref()) {
            Some(code) => store::account_by_ref(&self.state.pool, self.tenant, code).await?,
            None => None,
        };
        let order_number = existing.map_or_else(|| po.po_number.clone(), |(_, number)| number);
        let (ship_to, missing) = ship_to(&po, self.profile.default_ship_to.as_ref(), self.local);
        let order = new_order(&po, self.tenant, account, order_number, placed_at, ship_to);
        let placed = self.event(format!("850:{}:{}", self.sender, po.po_number), "850", None, placed_at);
        let saved = super::save_order(self.state, &order, placed).await?;
        let mut events = saved.placed.inserted.len();
        let mut message = format!("order with {} line(s) saved", order.lines.len());
        // Accepted and flagged: customer service completes it from the
        // exceptions queue. A later 850 with the ship-to clears the flag.
        let flagged = store::order_snapshot(&self.state.pool, self.tenant, saved.id)
            .await?
            .order
            .open_exceptions
            .contains(ExceptionKind::IncompleteOrder);
        let flag = if !missing.is_empty() {
            let text = format!("needs ship-to: the purchase order has no {}", missing.join(", "));
            message = format!("{message}; {text}");
            let mut event = self.event(
                format!("850:{}:{}:{}:needs-ship-to", self.sender, po.po_number, transaction.control_number),
                "850",
                Some("NEEDS_SHIP_TO"),
                chrono::Utc::now(),
            );
            event.details = serde_json::json!({ "missing": missing, "message": text });
            (!flagged).then_some(event)
        } else {
            flagged.then(|| {
                let id = format!("850:{}:{}:{}:ship-to", self.sender, po.po_number, transaction.control_number);
                self.event(id, "850", Some("SHIP_TO"), chrono::Utc::now())
            })
        };
        if let Some(event) = flag {
            events += super::append(self.state, self.tenant, saved.id, &[event]).await?.inserted.len();
        }
        Ok(vec![Applied {
            order_number: Some(order.order_number),
            events,
            ..Applied::new(if saved.created { "created" } else { "updated" }, message)
        }])
    }

    async fn acknowledgment(&self, transaction: &Transaction) -> Result<Vec<Applied>, Failure> {
        let ack = po_acknowledgment::read(transaction)?;
        let Some((order, number)) = store::find_order_by_po(&self.state.pool, self.tenant, &ack.po_number).await?
        else {
            return Ok(vec![Applied::waiting(
                &ack.po_number,
                format!("no order has PO number {} yet; the acknowledgment is applied when it appears", ack.po_number),
            )]);
        };
        let lines = store::order_lines(&self.state.pool, order).await?;
        let mut changes = Vec::new();
        let mut described = Vec::new();
        for line in &ack.lines {
            let Some(change) = line.change() else { continue };
            let record = match_line(&lines, line.line_number.as_deref(), &line.product_ids).ok_or_else(|| {
                Failure::Rejected(format!("the line at segment {} is not a line of order {number}", line.position))
            })?;
            let (change, text) = match change {
                LineChange::Quantity(q) if q == record.quantity => continue,
                LineChange::Quantity(q) => {
                    (LineAcknowledgment::WillShip(q), format!("quantity {} -> {q}", record.quantity))
                }
                LineChange::Rejected => (LineAcknowledgment::Rejected, "rejected".to_string()),
            };
            changes.push((record.id, change));
            described.push(serde_json::json!({ "line": record.line_number, "sku": record.sku, "change": text }));
        }
        let mut event = self.event(
            format!("855:{}:{}:{}", self.sender, ack.po_number, transaction.control_number),
            "855",
            Some(&ack.acknowledgment),
            chrono::Utc::now(),
        );
        event.details = serde_json::json!({ "sender": self.sender, "acknowledgment": ack.acknowledgment, "line_changes": described });
        let outcome = store::acknowledge_order(&self.state.pool, self.tenant, order, &changes, event).await?;
        super::publish(self.state, self.tenant, order, &[&outcome]);
        let status = if outcome.inserted.is_empty() { "duplicate" } else { "updated" };
        Ok(vec![Applied {
            order_number: Some(number),
            events: outcome.inserted.len(),
            ..Applied::new(status, format!("acknowledged ({}), {} line change(s)", ack.acknowledgment, changes.len()))
        }])
    }
}

/// The ship-to an 850 means: its N1*ST loop, else the partner's default,
/// else what can be known (the buyer's name), with what is missing named.
/// X12 addresses carry no zone: it is derived from the address, with the
/// partner's (or tenant's) zone as the last resort.
fn ship_to(po: &PurchaseOrder, default: Option<&PartnerShipTo>, local: Tz) -> (ShipTo, Vec<&'static str>) {
    // The delivery's clock is the address's, not the partner's.
    let zoned = |name, line1, line2, city, region: Option<String>, postcode: String, country: String| ShipTo {
        time_zone: zone_for_address(&country, region.as_deref(), Some(&postcode), local.into()).0,
        name,
        line1,
        line2,
        city,
        region,
        postcode,
        country,
        latitude: None,
        longitude: None,
    };
    let Some(party) = po.ship_to.as_ref() else {
        if let Some(d) = default {
            let d = d.clone();
            return (zoned(d.name, d.line1, d.line2, d.city, d.region, d.postcode, d.country), Vec::new());
        }
        let buyer = po.buyer.as_ref();
        let name = buyer.map(|b| b.name.clone()).filter(|n| !n.is_empty()).unwrap_or_default();
        let country = buyer.and_then(|b| b.country.clone()).unwrap_or_else(|| "US".into());
        let empty = String::new;
        return (zoned(name, empty(), None, empty(), None, empty(), country), vec!["N1*ST ship-to loop"]);
    };
    let mut missing = Vec::new();
    let mut need = |value: Option<String>, what: &'static str| {
        value.filter(|v| !v.trim().is_empty()).unwrap_or_else(|| {
            missing.push(what);
            String::new()
        })
    };
    let line1 = need(party.address.first().cloned(), "N3 street address");
    let city = need(party.city.clone(), "N4 city");
    let postcode = need(party.postcode.clone(), "N4 postal code");
    let country = party.country.clone().unwrap_or_else(|| "US".into());
    let line2 = party.address.get(1).cloned();
    (zoned(party.name.clone(), line1, line2, city, party.region.clone(), postcode, country), missing)
}

fn new_order(
    po: &PurchaseOrder,
    tenant: TenantId,
    account: Option<crate::domain::AccountId>,
    order_number: String,
    placed_at: chrono::DateTime<chrono::Utc>,
    ship_to: ShipTo,
) -> NewOrder {
    let lines = po
        .lines
        .iter()
        .map(|l| {
            let sku = purchase_order::sku(&l.product_ids).unwrap_or_default().to_string();
            NewOrderLine {
                description: l.description.clone().unwrap_or_else(|| sku.clone()),
                sku,
                quantity: l.quantity,
                unit: l.unit.clone(),
            }
        })
        .collect();
    NewOrder {
        tenant,
        account,
        order_number,
        customer_po: Some(po.po_number.clone()),
        placed_at,
        promised_date: po.requested_delivery,
        contact_name: po.contact.name.clone(),
        contact_email: po.contact.email.clone(),
        contact_phone: po.contact.phone.clone(),
        ship_to,
        lines,
    }
}

/// The order line an EDI line means: by the buyer's line number when it
/// names one with a matching product, else by any product id equal to the
/// line's SKU.
fn match_line<'a>(
    lines: &'a [LineRecord],
    line_number: Option<&str>,
    ids: &[(String, String)],
) -> Option<&'a LineRecord> {
    let same_product = |l: &LineRecord| ids.iter().any(|(_, v)| v.eq_ignore_ascii_case(&l.sku));
    let by_number =
        line_number.and_then(|n| n.trim().parse::<i64>().ok()).and_then(|n| lines.iter().find(|l| l.line_number == n));
    by_number.filter(|l| same_product(l)).or_else(|| lines.iter().find(|l| same_product(l)))
}

fn describe(ids: &[(String, String)]) -> String {
    ids.iter().map(|(q, v)| format!("{q} {v}")).collect::<Vec<_>>().join(", ")
}

/// Packs in tree order, parents first, with items whose line is known.
fn flatten(pack: &Pack, parent: Option<usize>, lines: &[LineRecord], into: &mut Vec<NewPack>) {
    let items = pack
        .items
        .iter()
        .filter_map(|i| match_line(lines, i.line_number.as_deref(), &i.product_ids).map(|l| (l.id, i.quantity)))
        .collect();
    into.push(NewPack {
        kind: pack.kind.as_str(),
        parent,
        sscc: pack.sscc.clone(),
        tracking_number: pack.tracking_number.clone(),
        items,
    });
    let me = into.len() - 1;
    for child in &pack.packs {
        flatten(child, Some(me), lines, into);
    }
}
