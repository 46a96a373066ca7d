//! X12 interchanges into Milepost: each transaction set becomes what it
//! means (214 -> carrier events, 856 -> a shipment with packs, 850 -> an
//! order, 855 -> a confirmation with line changes) through the same ingest
//! path as the API, and the interchange is kept byte for byte with what each
//! transaction became. Nothing is dropped: a document that names an order or
//! shipment Milepost does not know yet is reported `unmatched` and kept
//! (carrier events in the unmatched queue, the rest in the interchange log).

use super::x12::po_acknowledgment::{self, LineChange};
use super::x12::purchase_order::{self, PurchaseOrder, Purpose};
use super::x12::ship_notice::{self, NoticeOrder, Pack, ShipNotice};
use super::x12::{self, shipment_status, EdiError, Interchange, Transaction};
use crate::auth::api_key::Scope;
use crate::domain::{StatusDictionary, TenantId};
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

pub async fn apply(
    state: &AppState,
    tenant: TenantId,
    raw: &[u8],
    interchange: &Interchange,
) -> store::Result<EdiOutcome> {
    let mut outcome = EdiOutcome {
        sender: interchange.sender.clone(),
        receiver: interchange.receiver.clone(),
        control_number: interchange.control_number.clone(),
        replayed: false,
        results: Vec::new(),
    };
    let sender = &interchange.sender;
    if let Some(results) = store::edi_interchange_results(&state.pool, tenant, sender, &outcome.control_number).await? {
        outcome.replayed = true;
        outcome.results = serde_json::from_value(results).map_err(store::corrupt)?;
        return Ok(outcome);
    }
    let context = Context::new(state, tenant, sender).await?;
    let mut waiting = Vec::new();
    for group in &interchange.groups {
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
            let applied = match transaction.set_id.as_str() {
                "214" => context.shipment_status(transaction).await,
                "850" => context.purchase_order(transaction).await,
                set => context.order_document(transaction).await.map(|applied| {
                    applied.unwrap_or_else(|| {
                        vec![Applied::new("unsupported", format!("transaction set {set} is kept but not read"))]
                    })
                }),
            };
            match applied {
                Ok(all) => outcome.results.extend(all.into_iter().map(|a| {
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
                })),
                Err(Failure::Rejected(message)) => outcome.results.push(result("rejected", message)),
                Err(Failure::Store(e)) => return Err(e),
            }
        }
    }
    let results = serde_json::to_value(&outcome.results).map_err(store::corrupt)?;
    store::record_edi_interchange(&state.pool, tenant, sender, &outcome.control_number, raw, &results, &waiting)
        .await?;
    Ok(outcome)
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
        let context = Context::new(state, tenant, &interchange.sender).await?;
        let results: Vec<serde_json::Value> = match context.order_document(transaction).await {
            Ok(applied) => applied
                .unwrap_or_default()
                .into_iter()
                .map(
                    |a| serde_json::json!({ "status": a.status, "message": a.message, "order_number": a.order_number }),
                )
                .collect(),
            Err(Failure::Rejected(message)) => vec![serde_json::json!({ "status": "rejected", "message": message })],
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
    Rejected(String),
    Store(store::StoreError),
}

impl From<EdiError> for Failure {
    fn from(e: EdiError) -> Self {
        Failure::Rejected(e.to_string())
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
    /// EDI times without a zone are the partner's local time: the tenant's.
    local: Tz,
    dictionary: Arc<StatusDictionary>,
}

impl<'a> Context<'a> {
    async fn new(state: &'a AppState, tenant: TenantId, sender: &'a str) -> store::Result<Self> {
        let local = store::get_tenant(&state.pool, tenant).await?.time_zone.tz();
        Ok(Context { state, tenant, sender, local, dictionary: state.dictionary_for(tenant).await? })
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
        let mut shipped: BTreeMap<i64, (crate::domain::OrderLineId, i64)> = BTreeMap::new();
        for item in order.all_items() {
            let line = match_line(&lines, item.line_number.as_deref(), &item.product_ids).ok_or_else(|| {
                Failure::Rejected(format!(
                    "the item at segment {} ({}) is not a line of order {order_number}",
                    item.position,
                    describe(&item.product_ids)
                ))
            })?;
            shipped.entry(line.line_number).or_insert((line.id, 0)).1 += item.quantity;
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
        Ok(Applied { events, ..applied("created", format!("shipment with {} pack(s) recorded", shipment.packs.len())) })
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
        let order = new_order(&po, self.tenant, account, order_number, placed_at, self.local)?;
        let placed = self.event(format!("850:{}:{}", self.sender, po.po_number), "850", None, placed_at);
        let saved = super::save_order(self.state, &order, placed).await?;
        Ok(vec![Applied {
            order_number: Some(order.order_number),
            events: saved.placed.inserted.len(),
            ..Applied::new(
                if saved.created { "created" } else { "updated" },
                format!("order with {} line(s) saved", order.lines.len()),
            )
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

fn new_order(
    po: &PurchaseOrder,
    tenant: TenantId,
    account: Option<crate::domain::AccountId>,
    order_number: String,
    placed_at: chrono::DateTime<chrono::Utc>,
    local: Tz,
) -> Result<NewOrder, Failure> {
    let missing = |what: &str| Failure::Rejected(format!("the ship-to (N1*ST loop) needs {what}"));
    let ship_to =
        po.ship_to.as_ref().ok_or_else(|| Failure::Rejected("an N1*ST loop with the ship-to address".into()))?;
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
    Ok(NewOrder {
        tenant,
        account,
        order_number,
        customer_po: Some(po.po_number.clone()),
        placed_at,
        promised_date: po.requested_delivery,
        contact_name: po.contact.name.clone(),
        contact_email: po.contact.email.clone(),
        contact_phone: po.contact.phone.clone(),
        ship_to: ShipTo {
            name: ship_to.name.clone(),
            line1: ship_to.address.first().cloned().ok_or_else(|| missing("an N3 street address"))?,
            line2: ship_to.address.get(1).cloned(),
            city: ship_to.city.clone().ok_or_else(|| missing("an N4 city"))?,
            region: ship_to.region.clone(),
            postcode: ship_to.postcode.clone().ok_or_else(|| missing("an N4 postal code"))?,
            country: ship_to.country.clone().unwrap_or_else(|| "US".into()),
            // X12 addresses carry no zone; the tenant's is the best guess.
            time_zone: local.into(),
            latitude: None,
            longitude: None,
        },
        lines,
    })
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
