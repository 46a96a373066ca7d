//! Returns (RMA) on the order's own thread: the tenant's return policy and
//! return addresses, returns with their lines and parcels, and the few
//! figures the KPI page shows about them.
//!
//! Every step of a return is an event of its order (tied to the return by
//! `events.return_id`), written in the transaction that moves
//! `returns.status`, through the same insert as every other event: dedup
//! by (tenant, source, source event id), notifications queued, the live
//! hub told at commit. The order's own status ignores these events
//! (`events::recompute_status`). Each writer locks the order first, so two
//! requests for the same line, or a carrier scan and a warehouse receipt,
//! take turns (on SQLite the write lock already does).

use super::events::{insert_on_thread, mark_matched, tracking_key, waiting_events, AppendOutcome, NewEvent};
use super::{on_pool, on_tx, Pool, Result, StoreError, Tx};
use crate::domain::kpi::{self, KpiEvent};
use crate::domain::returns::{
    assess_request, carrier_scan, initial_status, median_time_to_refund, returns_rate, top_reasons, Condition,
    CreditMemo, CurrencyCode, Eligibility, InspectedLine, PolicyError, ReasonCount, RequestError, RequestedLine,
    Resolution, ReturnPolicy, ReturnReason, ReturnRequest, ReturnStatus, ReturnStep, ReturnableLine, ReturnedLine,
    RmaNumber, TransitionError,
};
use crate::domain::{AccountId, Canonical, Milestone, OrderId, OrderLineId, Quantity, ShipmentId, TenantId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A return's row id. The RMA number is what people and other systems
/// use; this id never leaves the server.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct ReturnId(pub i64);

/// The source of the events a return's own steps record (carrier scans
/// of its parcel keep their carrier's source).
pub const SOURCE: &str = "returns";

/// What can stop a change to a return. Each says what to show: a field
/// and its problem, the lines refused with their reasons, or the step the
/// return's status does not allow.
#[derive(Debug, thiserror::Error)]
pub enum ReturnError {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request as a whole (no lines, a resolution not offered).
    #[error("{0}")]
    Request(#[from] RequestError),
    /// Some requested lines cannot come back; nothing was recorded. The
    /// decisions are in the order the lines were asked.
    #[error("some lines cannot be returned")]
    Refused(Eligibility),
    #[error("{0}")]
    Policy(#[from] PolicyError),
    /// The return's status does not allow the step (a backwards or skipped one).
    #[error("{0}")]
    Transition(#[from] TransitionError),
    #[error("`{field}` {message}")]
    Field { field: String, message: String },
    /// The same step again with different facts (another credit, another
    /// count), or a tracking number already in use.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ReturnError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => ReturnError::NotFound(what),
            other => ReturnError::Store(other),
        }
    }
}

impl From<sqlx::Error> for ReturnError {
    fn from(error: sqlx::Error) -> Self {
        ReturnError::Store(error.into())
    }
}

impl ReturnError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ReturnError::Field { field: field.into(), message: message.into() }
    }
}

type ReturnResult<T> = std::result::Result<T, ReturnError>;

// ------------------------------------------------------------------ policy

/// Where returns are sent: per ship-from site (as the KPI page names the
/// site, `domain::kpi::ship_from`), or for every site (`ship_from: None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnAddress {
    pub ship_from: Option<String>,
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postcode: String,
    pub country: String,
}

impl ReturnAddress {
    /// As written on a label, one line each, blank parts left out.
    pub fn address_lines(&self) -> Vec<String> {
        crate::domain::address::label_lines(
            &self.name,
            &self.line1,
            self.line2.as_deref(),
            &self.city,
            self.region.as_deref(),
            &self.postcode,
            &self.country,
        )
    }
}

/// The key `return_addresses` keeps the every-site address under.
const ANY_SITE: &str = "*";

/// A tenant's return settings: the policy (the default one until the
/// tenant saves its own) and its return addresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReturnSettings {
    pub policy: ReturnPolicy,
    pub addresses: Vec<ReturnAddress>,
    /// `None` while the tenant runs on the default policy.
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct AddressRow {
    ship_from: String,
    name: String,
    line1: String,
    line2: Option<String>,
    city: String,
    region: Option<String>,
    postcode: String,
    country: String,
}

impl From<AddressRow> for ReturnAddress {
    fn from(r: AddressRow) -> Self {
        ReturnAddress {
            ship_from: (r.ship_from != ANY_SITE).then_some(r.ship_from),
            name: r.name,
            line1: r.line1,
            line2: r.line2,
            city: r.city,
            region: r.region,
            postcode: r.postcode,
            country: r.country,
        }
    }
}

pub async fn return_settings(pool: &Pool, tenant: TenantId) -> Result<ReturnSettings> {
    let mut tx = super::read_tx(pool).await?;
    let settings = settings_in_tx(&mut tx, tenant).await?;
    tx.commit().await?;
    Ok(settings)
}

async fn settings_in_tx(tx: &mut Tx, tenant: TenantId) -> Result<ReturnSettings> {
    let stored: Option<(String, DateTime<Utc>)> =
        on_tx!(tx, |c| sqlx::query_as("SELECT policy, updated_at FROM return_policies WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_optional(c)
            .await)?;
    let (policy, updated_at) = match stored {
        Some((json, at)) => (serde_json::from_str(&json).map_err(super::corrupt)?, Some(at)),
        None => (ReturnPolicy::default(), None),
    };
    let rows: Vec<AddressRow> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT ship_from, name, line1, line2, city, region, postcode, country FROM return_addresses
         WHERE tenant_id = $1 ORDER BY ship_from = '*' DESC, ship_from"
    )
    .bind(tenant)
    .fetch_all(c)
    .await)?;
    Ok(ReturnSettings { policy, addresses: rows.into_iter().map(Into::into).collect(), updated_at })
}

/// Replaces the tenant's policy and return addresses. The caller has
/// validated both (`ReturnPolicy::validate`, one address per site).
pub async fn put_return_settings(
    pool: &Pool,
    tenant: TenantId,
    policy: &ReturnPolicy,
    addresses: &[ReturnAddress],
) -> Result<ReturnSettings> {
    let json = serde_json::to_string(policy).map_err(super::corrupt)?;
    let mut tx = super::write_tx(pool).await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO return_policies (tenant_id, policy, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at"
    )
    .bind(tenant)
    .bind(&json)
    .bind(Utc::now())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    on_tx!(&mut tx, |c| sqlx::query("DELETE FROM return_addresses WHERE tenant_id = $1")
        .bind(tenant)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    for a in addresses {
        on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO return_addresses (tenant_id, ship_from, name, line1, line2, city, region, postcode, country)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(tenant)
        .bind(a.ship_from.as_deref().unwrap_or(ANY_SITE))
        .bind(&a.name)
        .bind(&a.line1)
        .bind(&a.line2)
        .bind(&a.city)
        .bind(&a.region)
        .bind(&a.postcode)
        .bind(&a.country)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    let settings = settings_in_tx(&mut tx, tenant).await?;
    tx.commit().await?;
    Ok(settings)
}

/// Where this return goes: the address of the site its order shipped
/// from (the site the KPI page names it by), else the every-site address.
/// `None` when the tenant has set neither.
pub async fn return_address(pool: &Pool, tenant: TenantId, rma: RmaNumber) -> ReturnResult<Option<ReturnAddress>> {
    let mut tx = super::read_tx(pool).await?;
    let order: OrderId =
        on_tx!(&mut tx, |c| sqlx::query_scalar("SELECT order_id FROM returns WHERE tenant_id = $1 AND rma = $2")
            .bind(tenant)
            .bind(rma.to_string())
            .fetch_optional(c)
            .await)?
        .ok_or(ReturnError::NotFound("return"))?;
    let scans: Vec<(i64, Option<ShipmentId>, String, String, DateTime<Utc>, Option<String>)> =
        on_tx!(&mut tx, |c| sqlx::query_as(
            "SELECT id, shipment_id, source, canonical, occurred_at, location FROM events
             WHERE order_id = $1 AND return_id IS NULL AND location IS NOT NULL ORDER BY id"
        )
        .bind(order)
        .fetch_all(c)
        .await)?;
    let events: Vec<KpiEvent> = scans
        .into_iter()
        .map(|(id, shipment, source, canonical, at, location)| KpiEvent {
            id,
            shipment: shipment.map(|s| s.0),
            source,
            canonical: canonical.parse().unwrap_or(Canonical::Unmapped),
            occurred_at: at,
            recorded_at: at,
            local_date: at.date_naive(),
            location,
        })
        .collect();
    let site = kpi::ship_from(&events);
    let addresses = settings_in_tx(&mut tx, tenant).await?.addresses;
    tx.commit().await?;
    let for_site = addresses.iter().find(|a| a.ship_from.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(&site)));
    Ok(for_site.or_else(|| addresses.iter().find(|a| a.ship_from.is_none())).cloned())
}

// ----------------------------------------------------------------- records

/// Who asked for a return.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "user_id", rename_all = "snake_case")]
pub enum RequestedBy {
    /// The buyer, on the tracking page (the tracking link is the key).
    Buyer,
    /// Customer service, for a caller.
    Staff(UserId),
    /// A person of the order's customer account (B2B portal).
    Account(UserId),
    /// Another system, through the API.
    Api,
}

impl RequestedBy {
    pub fn kind(self) -> &'static str {
        match self {
            RequestedBy::Buyer => "buyer",
            RequestedBy::Staff(_) => "staff",
            RequestedBy::Account(_) => "account",
            RequestedBy::Api => "api",
        }
    }

    pub fn user(self) -> Option<UserId> {
        match self {
            RequestedBy::Staff(user) | RequestedBy::Account(user) => Some(user),
            RequestedBy::Buyer | RequestedBy::Api => None,
        }
    }

    fn read(kind: &str, user: Option<UserId>) -> Result<RequestedBy> {
        match (kind, user) {
            ("buyer", _) => Ok(RequestedBy::Buyer),
            ("api", _) => Ok(RequestedBy::Api),
            ("staff", Some(user)) => Ok(RequestedBy::Staff(user)),
            ("account", Some(user)) => Ok(RequestedBy::Account(user)),
            (kind, _) => Err(super::corrupt(format!("return requested by `{kind}` without a user"))),
        }
    }
}

/// How accounting settled the return.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    Refund,
    StoreCredit,
}

impl Settlement {
    pub fn code(self) -> &'static str {
        match self {
            Settlement::Refund => "refund",
            Settlement::StoreCredit => "store_credit",
        }
    }

    pub fn step(self) -> ReturnStep {
        match self {
            Settlement::Refund => ReturnStep::Refund,
            Settlement::StoreCredit => ReturnStep::Credit,
        }
    }

    /// The settlement a settled return's status records.
    pub fn of(status: ReturnStatus) -> Option<Settlement> {
        match status {
            ReturnStatus::Refunded => Some(Settlement::Refund),
            ReturnStatus::Credited => Some(Settlement::StoreCredit),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReturnLineRecord {
    pub line: OrderLineId,
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    pub unit: String,
    pub quantity: Quantity,
    pub reason: ReturnReason,
    /// The buyer's photo in the blob store.
    pub photo_sha256: Option<String>,
    /// What inspection found; `None` until the line is inspected.
    pub counted: Option<Quantity>,
    pub condition: Option<Condition>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReturnShipmentRecord {
    pub carrier: String,
    pub tracking_number: String,
    pub created_at: DateTime<Utc>,
}

/// A return as every reader sees it: always read within its tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReturnRecord {
    pub id: ReturnId,
    pub tenant: TenantId,
    pub order: OrderId,
    pub order_number: String,
    /// The order's customer account (who else may see the return).
    pub account: Option<AccountId>,
    pub rma: RmaNumber,
    pub status: ReturnStatus,
    pub resolution: Resolution,
    pub comment: Option<String>,
    pub requested_by: RequestedBy,
    pub requested_at: DateTime<Utc>,
    /// When it was approved or declined.
    pub decided_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
    pub label_issued_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub inspected_at: Option<DateTime<Utc>>,
    pub credit: Option<CreditMemo>,
    pub credited_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub lines: Vec<ReturnLineRecord>,
    pub shipments: Vec<ReturnShipmentRecord>,
}

impl ReturnRecord {
    pub fn settlement(&self) -> Option<Settlement> {
        Settlement::of(self.status)
    }
}

#[derive(sqlx::FromRow)]
struct ReturnRow {
    id: ReturnId,
    tenant_id: TenantId,
    order_id: OrderId,
    order_number: String,
    account_id: Option<AccountId>,
    rma: RmaNumber,
    status: ReturnStatus,
    resolution: Resolution,
    comment: Option<String>,
    requested_by_kind: String,
    requested_by_user: Option<UserId>,
    requested_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    decline_reason: Option<String>,
    label_issued_at: Option<DateTime<Utc>>,
    received_at: Option<DateTime<Utc>>,
    inspected_at: Option<DateTime<Utc>>,
    credit_amount_minor: Option<i64>,
    credit_currency: Option<String>,
    credit_reference: Option<String>,
    credited_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    return_id: ReturnId,
    order_line_id: OrderLineId,
    line_number: i64,
    sku: String,
    description: String,
    unit: String,
    quantity: Quantity,
    reason: ReturnReason,
    photo_sha256: Option<String>,
    counted: Option<Quantity>,
    condition: Option<Condition>,
}

#[derive(sqlx::FromRow)]
struct ShipmentRow {
    return_id: ReturnId,
    carrier: String,
    tracking_number: String,
    created_at: DateTime<Utc>,
}

/// The returns with these ids, whole, in the order given.
async fn records(tx: &mut Tx, ids: &[ReturnId]) -> Result<Vec<ReturnRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = super::placeholders(1, ids.len());
    let sql = format!(
        "SELECT r.id, r.tenant_id, r.order_id, o.order_number, o.account_id, r.rma, r.status, r.resolution, r.comment,
                r.requested_by_kind, r.requested_by_user, r.requested_at, r.decided_at, r.decline_reason,
                r.label_issued_at, r.received_at, r.inspected_at, r.credit_amount_minor, r.credit_currency,
                r.credit_reference, r.credited_at, r.updated_at
         FROM returns r JOIN orders o ON o.id = r.order_id WHERE r.id IN ({list})"
    );
    let rows: Vec<ReturnRow> = on_tx!(tx, |c| {
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?;
    let sql = format!(
        "SELECT rl.return_id, rl.order_line_id, l.line_number, l.sku, l.description, l.unit, rl.quantity, rl.reason,
                rl.photo_sha256, rl.counted, rl.condition
         FROM return_lines rl JOIN order_lines l ON l.id = rl.order_line_id
         WHERE rl.return_id IN ({list}) ORDER BY l.line_number"
    );
    let lines: Vec<LineRow> = on_tx!(tx, |c| {
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?;
    let sql = format!(
        "SELECT return_id, carrier, tracking_number, created_at FROM return_shipments
         WHERE return_id IN ({list}) ORDER BY id"
    );
    let shipments: Vec<ShipmentRow> = on_tx!(tx, |c| {
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?;
    let mut by_id: BTreeMap<ReturnId, ReturnRecord> = BTreeMap::new();
    for r in rows {
        let credit = match (r.credit_amount_minor, r.credit_currency, r.credit_reference) {
            (Some(amount_minor), Some(currency), Some(reference)) => Some(CreditMemo {
                amount_minor,
                currency: CurrencyCode::parse(&currency).map_err(super::corrupt)?,
                reference,
            }),
            _ => None,
        };
        by_id.insert(
            r.id,
            ReturnRecord {
                id: r.id,
                tenant: r.tenant_id,
                order: r.order_id,
                order_number: r.order_number,
                account: r.account_id,
                rma: r.rma,
                status: r.status,
                resolution: r.resolution,
                comment: r.comment,
                requested_by: RequestedBy::read(&r.requested_by_kind, r.requested_by_user)?,
                requested_at: r.requested_at,
                decided_at: r.decided_at,
                decline_reason: r.decline_reason,
                label_issued_at: r.label_issued_at,
                received_at: r.received_at,
                inspected_at: r.inspected_at,
                credit,
                credited_at: r.credited_at,
                updated_at: r.updated_at,
                lines: Vec::new(),
                shipments: Vec::new(),
            },
        );
    }
    for l in lines {
        if let Some(record) = by_id.get_mut(&l.return_id) {
            record.lines.push(ReturnLineRecord {
                line: l.order_line_id,
                line_number: l.line_number,
                sku: l.sku,
                description: l.description,
                unit: l.unit,
                quantity: l.quantity,
                reason: l.reason,
                photo_sha256: l.photo_sha256,
                counted: l.counted,
                condition: l.condition,
            });
        }
    }
    for s in shipments {
        if let Some(record) = by_id.get_mut(&s.return_id) {
            record.shipments.push(ReturnShipmentRecord {
                carrier: s.carrier,
                tracking_number: s.tracking_number,
                created_at: s.created_at,
            });
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

async fn record(tx: &mut Tx, id: ReturnId) -> Result<ReturnRecord> {
    records(tx, &[id]).await?.pop().ok_or(StoreError::NotFound("return"))
}

/// A return of the tenant by its RMA number (another tenant's is `None`).
pub async fn return_by_rma(pool: &Pool, tenant: TenantId, rma: RmaNumber) -> Result<Option<ReturnRecord>> {
    let mut tx = super::read_tx(pool).await?;
    let id: Option<ReturnId> =
        on_tx!(&mut tx, |c| sqlx::query_scalar("SELECT id FROM returns WHERE tenant_id = $1 AND rma = $2")
            .bind(tenant)
            .bind(rma.to_string())
            .fetch_optional(c)
            .await)?;
    let found = match id {
        Some(id) => Some(record(&mut tx, id).await?),
        None => None,
    };
    tx.commit().await?;
    Ok(found)
}

/// An order's returns, oldest first.
pub async fn order_returns(pool: &Pool, tenant: TenantId, order: OrderId) -> Result<Vec<ReturnRecord>> {
    let mut tx = super::read_tx(pool).await?;
    let ids: Vec<ReturnId> = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "SELECT id FROM returns WHERE tenant_id = $1 AND order_id = $2 ORDER BY requested_at, id"
    )
    .bind(tenant)
    .bind(order)
    .fetch_all(c)
    .await)?;
    let found = records(&mut tx, &ids).await?;
    tx.commit().await?;
    Ok(found)
}

/// Which of a tenant's returns a list shows (customer service's queue:
/// the requests waiting for a decision, the parcels received).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReturnFilter {
    pub status: Option<ReturnStatus>,
    /// Only the returns of this customer account's orders.
    pub account: Option<AccountId>,
    /// At most this many (up to 500).
    pub limit: Option<u32>,
}

/// A tenant's returns, oldest request first: the queue works from the
/// longest waiting.
pub async fn tenant_returns(pool: &Pool, tenant: TenantId, filter: &ReturnFilter) -> Result<Vec<ReturnRecord>> {
    let mut tx = super::read_tx(pool).await?;
    let limit = i64::from(filter.limit.unwrap_or(200).clamp(1, 500));
    let ids: Vec<ReturnId> = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "SELECT r.id FROM returns r JOIN orders o ON o.id = r.order_id
         WHERE r.tenant_id = $1 AND ($2 IS NULL OR r.status = $3) AND ($4 IS NULL OR o.account_id = $5)
         ORDER BY r.requested_at, r.id LIMIT $6"
    )
    .bind(tenant)
    .bind(filter.status.map(|s| s.code()))
    .bind(filter.status.map(|s| s.code()))
    .bind(filter.account)
    .bind(filter.account)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    let found = records(&mut tx, &ids).await?;
    tx.commit().await?;
    Ok(found)
}

/// The events of a return (its steps and its parcels' scans), in the
/// order they happened.
pub async fn return_events(pool: &Pool, tenant: TenantId, id: ReturnId) -> Result<Vec<super::EventRecord>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT * FROM events WHERE tenant_id = $1 AND return_id = $2 ORDER BY occurred_at, id"
    )
    .bind(tenant)
    .bind(id)
    .fetch_all(c)
    .await)?)
}

/// The RMA number of the return an event belongs to, if it does (for the
/// outbound webhook of a return step).
pub async fn rma_of_event(pool: &Pool, event: crate::domain::EventId) -> Result<Option<RmaNumber>> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar(
        "SELECT r.rma FROM events e JOIN returns r ON r.id = e.return_id WHERE e.id = $1"
    )
    .bind(event)
    .fetch_optional(c)
    .await)?)
}

// ------------------------------------------------------------------ create

/// A return as asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReturn {
    pub resolution: Resolution,
    pub lines: Vec<NewReturnLine>,
    pub comment: Option<String>,
    pub requested_by: RequestedBy,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReturnLine {
    pub line: OrderLineId,
    pub quantity: Quantity,
    pub reason: ReturnReason,
    /// A photo already in the blob store (the caller checked it is there).
    pub photo_sha256: Option<String>,
}

/// A return that was just recorded or moved on, with the events that
/// recorded it (for the live hub and the notification worker).
#[derive(Clone, Debug)]
pub struct ReturnChanged {
    pub record: ReturnRecord,
    pub appended: AppendOutcome,
}

/// Records a return in one write transaction: the order locked, what was
/// delivered and what open returns already hold read, the request decided
/// by `domain::returns::assess_request`, and, only if every line is
/// accepted, the return, its lines and its `return:requested` event (with
/// `return:approved` when the policy reviews nothing). Refused lines come
/// back as [`ReturnError::Refused`] and nothing is written. Two requests
/// for the same line take turns at the order's lock, so together they
/// never exceed what was delivered.
pub async fn create_return(
    pool: &Pool,
    tenant: TenantId,
    order: OrderId,
    new: &NewReturn,
    now: DateTime<Utc>,
) -> ReturnResult<ReturnChanged> {
    let mut tx = super::write_tx(pool).await?;
    tx.lock_order(order).await?;
    let known: bool = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1 AND tenant_id = $2)"
    )
    .bind(order)
    .bind(tenant)
    .fetch_one(c)
    .await)?;
    if !known {
        return Err(ReturnError::NotFound("order"));
    }
    let policy = settings_in_tx(&mut tx, tenant).await?.policy;
    let lines = returnable_lines(&mut tx, order).await?;
    let request = ReturnRequest {
        resolution: new.resolution,
        lines: new
            .lines
            .iter()
            .map(|l| RequestedLine {
                line: l.line,
                quantity: l.quantity,
                reason: l.reason,
                has_photo: l.photo_sha256.is_some(),
            })
            .collect(),
    };
    let eligibility = assess_request(&policy, &lines, &request, now)?;
    if !eligibility.all_accepted() {
        return Err(ReturnError::Refused(eligibility));
    }
    let status = initial_status(&policy);
    let (id, rma) = insert_return(&mut tx, tenant, order, new, status, now).await?;
    for line in &new.lines {
        on_tx!(&mut tx, |c| {
            sqlx::query(
            "INSERT INTO return_lines (return_id, order_line_id, quantity, reason, photo_sha256) VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(id)
        .bind(line.line)
        .bind(line.quantity)
        .bind(line.reason.code())
        .bind(&line.photo_sha256)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    let mut steps = vec![step_event(rma, ReturnStatus::Requested, now, serde_json::json!({}))];
    if status != ReturnStatus::Requested {
        steps.push(step_event(rma, status, now, serde_json::json!({})));
    }
    let appended = insert_on_thread(&mut tx, tenant, order, Some(id), &steps, |_| true).await?;
    let record = record(&mut tx, id).await?;
    tx.commit().await?;
    Ok(ReturnChanged { record, appended })
}

/// Inserts the return under a fresh RMA number, drawing again on the
/// rare clash with one of the tenant's earlier numbers.
async fn insert_return(
    tx: &mut Tx,
    tenant: TenantId,
    order: OrderId,
    new: &NewReturn,
    status: ReturnStatus,
    now: DateTime<Utc>,
) -> ReturnResult<(ReturnId, RmaNumber)> {
    let decided_at = (status != ReturnStatus::Requested).then_some(now);
    for _ in 0..16 {
        let rma = RmaNumber::from_random(rand::random::<u64>());
        let id: Option<ReturnId> = on_tx!(tx, |c| sqlx::query_scalar(
            "INSERT INTO returns (tenant_id, order_id, rma, status, resolution, comment, requested_by_kind,
                                  requested_by_user, requested_at, decided_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9)
             ON CONFLICT (tenant_id, rma) DO NOTHING RETURNING id"
        )
        .bind(tenant)
        .bind(order)
        .bind(rma.to_string())
        .bind(status.code())
        .bind(new.resolution.code())
        .bind(&new.comment)
        .bind(new.requested_by.kind())
        .bind(new.requested_by.user())
        .bind(now)
        .bind(decided_at)
        .fetch_optional(c)
        .await)?;
        if let Some(id) = id {
            return Ok((id, rma));
        }
    }
    Err(ReturnError::Store(StoreError::Invalid("no free RMA number after 16 draws".into())))
}

/// The order's lines as a return form offers them: what each can still
/// give back (as `create_return` will judge it), with its description
/// and unit. Empty for another tenant's order.
pub async fn returnable_items(
    pool: &Pool,
    tenant: TenantId,
    order: OrderId,
) -> Result<Vec<(ReturnableLine, String, String)>> {
    let mut tx = super::read_tx(pool).await?;
    let named: Vec<(OrderLineId, String, String)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT l.id, l.description, l.unit FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE l.order_id = $1 AND o.tenant_id = $2"
    )
    .bind(order)
    .bind(tenant)
    .fetch_all(c)
    .await)?;
    if named.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let lines = returnable_lines(&mut tx, order).await?;
    tx.commit().await?;
    Ok(lines
        .into_iter()
        .filter_map(|line| {
            let (_, description, unit) = named.iter().find(|(id, _, _)| *id == line.line)?;
            Some((line, description.clone(), unit.clone()))
        })
        .collect())
}

/// What the order's lines can still give back: delivered quantities (on
/// shipments whose status is delivered, with the time of the last such
/// delivery) and what returns that hold quantity already claim.
async fn returnable_lines(tx: &mut Tx, order: OrderId) -> Result<Vec<ReturnableLine>> {
    let lines: Vec<(OrderLineId, String)> =
        on_tx!(tx, |c| sqlx::query_as("SELECT id, sku FROM order_lines WHERE order_id = $1 ORDER BY line_number")
            .bind(order)
            .fetch_all(c)
            .await)?;
    let carried: Vec<(OrderLineId, ShipmentId, Quantity, Option<Milestone>)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT sl.order_line_id, sl.shipment_id, sl.quantity, s.status_milestone
         FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id WHERE s.order_id = $1"
    )
    .bind(order)
    .fetch_all(c)
    .await)?;
    // The first delivery scan of each shipment; order-level ones stand in
    // for a delivered shipment that has none of its own.
    let delivery_scans: Vec<(Option<ShipmentId>, DateTime<Utc>)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT shipment_id, MIN(occurred_at) FROM events
         WHERE order_id = $1 AND canonical = $2 AND return_id IS NULL GROUP BY shipment_id"
    )
    .bind(order)
    .bind(Canonical::Milestone(Milestone::Delivered).code())
    .fetch_all(c)
    .await)?;
    let held: Vec<(OrderLineId, Quantity, ReturnStatus)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT rl.order_line_id, rl.quantity, r.status FROM return_lines rl JOIN returns r ON r.id = rl.return_id
         WHERE r.order_id = $1"
    )
    .bind(order)
    .fetch_all(c)
    .await)?;
    let order_level = delivery_scans.iter().find(|(s, _)| s.is_none()).map(|(_, at)| *at);
    let delivered_at = |shipment: ShipmentId| {
        delivery_scans.iter().find(|(s, _)| *s == Some(shipment)).map(|(_, at)| *at).or(order_level)
    };
    Ok(lines
        .into_iter()
        .map(|(line, sku)| {
            let delivered: Vec<(Quantity, Option<DateTime<Utc>>)> = carried
                .iter()
                .filter(|(l, _, _, milestone)| *l == line && *milestone == Some(Milestone::Delivered))
                .map(|(_, shipment, quantity, _)| (*quantity, delivered_at(*shipment)))
                .collect();
            ReturnableLine {
                line,
                sku,
                delivered: delivered.iter().map(|(q, _)| *q).sum(),
                already_returned: held
                    .iter()
                    .filter(|(l, _, status)| *l == line && status.holds_quantity())
                    .map(|(_, q, _)| *q)
                    .sum(),
                delivered_at: delivered.iter().filter_map(|(_, at)| *at).max(),
            }
        })
        .collect())
}

/// The event a return's own step records: one per status a return
/// reaches, so a retried step finds its event already there.
fn step_event(rma: RmaNumber, status: ReturnStatus, at: DateTime<Utc>, extra: serde_json::Value) -> NewEvent {
    let mut details = serde_json::json!({ "rma": rma.to_string() });
    if let (Some(details), serde_json::Value::Object(extra)) = (details.as_object_mut(), extra) {
        details.extend(extra);
    }
    NewEvent {
        shipment: None,
        source: SOURCE.into(),
        source_event_id: format!("{rma}:{}", status.code()),
        raw_code: status.code().to_ascii_uppercase(),
        canonical: Canonical::Return(status),
        occurred_at: at,
        occurred_offset_minutes: None,
        location: None,
        details,
    }
}

// ------------------------------------------------------------------- steps

/// A change to a return, as the portal or another system asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReturnChange {
    Approve,
    Decline {
        reason: String,
    },
    IssueLabel,
    Ship,
    Receive,
    /// What the warehouse counted of each line it inspected.
    Inspect {
        lines: Vec<InspectedLine>,
    },
    Settle {
        memo: CreditMemo,
        settlement: Settlement,
    },
    Cancel,
}

impl ReturnChange {
    pub fn step(&self) -> ReturnStep {
        match self {
            ReturnChange::Approve => ReturnStep::Approve,
            ReturnChange::Decline { .. } => ReturnStep::Decline,
            ReturnChange::IssueLabel => ReturnStep::IssueLabel,
            ReturnChange::Ship => ReturnStep::Ship,
            ReturnChange::Receive => ReturnStep::Receive,
            ReturnChange::Inspect { .. } => ReturnStep::Inspect,
            ReturnChange::Settle { settlement, .. } => settlement.step(),
            ReturnChange::Cancel => ReturnStep::Cancel,
        }
    }
}

/// Moves a return on by each change in turn, in one transaction: each
/// step that changes the status updates the return and appends its event.
/// A step the return is already at changes nothing (a retry), unless it
/// comes with different facts (another credit memo, another count): that
/// is a [`ReturnError::Conflict`]. A step the status does not allow
/// (backwards, or skipping approval) is a [`ReturnError::Transition`] and
/// nothing of the call is written.
pub async fn change_return(
    pool: &Pool,
    tenant: TenantId,
    rma: RmaNumber,
    changes: &[ReturnChange],
    now: DateTime<Utc>,
) -> ReturnResult<ReturnChanged> {
    let mut tx = super::write_tx(pool).await?;
    let (id, order) = locate(&mut tx, tenant, rma).await?;
    tx.lock_order(order).await?;
    let mut current = record(&mut tx, id).await?;
    let mut steps = Vec::new();
    for change in changes {
        let to = match current.status.apply(change.step()) {
            // Received stays true once a return is inspected or settled: a
            // retried receipt (receive, then inspect) is a repeat, not a step back.
            Err(e) if e.is_backwards() && matches!(change, ReturnChange::Receive) => current.status,
            other => other?,
        };
        let repeat = to == current.status;
        check_facts(&current, change, repeat)?;
        if repeat {
            continue;
        }
        let extra = write_step(&mut tx, &current, change, to, now).await?;
        steps.push(step_event(rma, to, now, extra));
        current = record(&mut tx, id).await?;
    }
    let appended = insert_on_thread(&mut tx, tenant, order, Some(id), &steps, |_| true).await?;
    tx.commit().await?;
    Ok(ReturnChanged { record: current, appended })
}

async fn locate(tx: &mut Tx, tenant: TenantId, rma: RmaNumber) -> ReturnResult<(ReturnId, OrderId)> {
    on_tx!(tx, |c| sqlx::query_as("SELECT id, order_id FROM returns WHERE tenant_id = $1 AND rma = $2")
        .bind(tenant)
        .bind(rma.to_string())
        .fetch_optional(c)
        .await)?
    .ok_or(ReturnError::NotFound("return"))
}

/// What a change carries must fit the return (inspected lines are its
/// lines) and, for a repeat, match what the first time recorded.
fn check_facts(current: &ReturnRecord, change: &ReturnChange, repeat: bool) -> ReturnResult<()> {
    match change {
        ReturnChange::Inspect { lines } => {
            for (i, inspected) in lines.iter().enumerate() {
                let field = |name: &str| format!("lines[{i}].{name}");
                if !current.lines.iter().any(|l| l.line == inspected.line) {
                    return Err(ReturnError::field(field("line_number"), "is not a line of this return"));
                }
                if lines[..i].iter().any(|earlier| earlier.line == inspected.line) {
                    return Err(ReturnError::field(field("line_number"), "appears twice"));
                }
                if let Err(e) = inspected.validate() {
                    let name = match e {
                        crate::domain::returns::InspectionError::NegativeCount(_) => "counted",
                        crate::domain::returns::InspectionError::MissingButCounted { .. } => "condition",
                    };
                    return Err(ReturnError::field(field(name), e.to_string()));
                }
            }
            let differs = lines.iter().any(|inspected| {
                current.lines.iter().any(|l| {
                    l.line == inspected.line
                        && (l.counted != Some(inspected.counted) || l.condition != Some(inspected.condition))
                })
            });
            if repeat && differs {
                return Err(ReturnError::Conflict(format!(
                    "Return {} was already inspected with other counts; it is not counted again.",
                    current.rma
                )));
            }
        }
        ReturnChange::Settle { memo, .. } if repeat && current.credit.as_ref() != Some(memo) => {
            let first = current.credit.as_ref().map_or_else(String::new, |m| format!(" under {}", m.reference));
            return Err(ReturnError::Conflict(format!(
                "Return {} was already settled{first}; a second credit is not recorded.",
                current.rma
            )));
        }
        ReturnChange::Decline { reason } if reason.trim().is_empty() => {
            return Err(ReturnError::field("reason", "is required to decline a return"));
        }
        _ => {}
    }
    Ok(())
}

/// Writes the new status and what the step records; returns what its
/// event's details add.
async fn write_step(
    tx: &mut Tx,
    current: &ReturnRecord,
    change: &ReturnChange,
    to: ReturnStatus,
    now: DateTime<Utc>,
) -> Result<serde_json::Value> {
    let id = current.id;
    // The column that keeps when the step happened, where one does.
    let (column, details) = match change {
        ReturnChange::Approve => (Some("decided_at"), serde_json::json!({})),
        ReturnChange::Decline { reason } => {
            on_tx!(tx, |c| sqlx::query("UPDATE returns SET decline_reason = $1 WHERE id = $2")
                .bind(reason.trim())
                .bind(id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            (Some("decided_at"), serde_json::json!({ "reason": reason.trim() }))
        }
        ReturnChange::IssueLabel => (Some("label_issued_at"), serde_json::json!({})),
        ReturnChange::Ship => (None, serde_json::json!({})),
        ReturnChange::Receive => (Some("received_at"), serde_json::json!({})),
        ReturnChange::Inspect { lines } => {
            for inspected in lines {
                on_tx!(tx, |c| sqlx::query(
                    "UPDATE return_lines SET counted = $1, condition = $2 WHERE return_id = $3 AND order_line_id = $4"
                )
                .bind(inspected.counted)
                .bind(inspected.condition.code())
                .bind(id)
                .bind(inspected.line)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            }
            (Some("inspected_at"), serde_json::json!({}))
        }
        ReturnChange::Settle { memo, settlement } => {
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE returns SET credit_amount_minor = $1, credit_currency = $2, credit_reference = $3 WHERE id = $4"
            )
            .bind(memo.amount_minor)
            .bind(memo.currency.as_str())
            .bind(&memo.reference)
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
            })?;
            let details = serde_json::json!({
                "settlement": settlement.code(),
                "amount_minor": memo.amount_minor,
                "currency": memo.currency.as_str(),
                "reference": memo.reference,
            });
            (Some("credited_at"), details)
        }
        ReturnChange::Cancel => (None, serde_json::json!({})),
    };
    // The column is one of the names above, never input.
    let sql = match column {
        Some(column) => format!("UPDATE returns SET status = $1, {column} = $2, updated_at = $2 WHERE id = $3"),
        None => "UPDATE returns SET status = $1, updated_at = $2 WHERE id = $3".to_string(),
    };
    on_tx!(tx, |c| sqlx::query(&sql).bind(to.code()).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(details)
}

// ---------------------------------------------------------------- parcels

/// Attaches a parcel the return travels in. An approved return's first
/// parcel issues its label (`return:label_issued`); a return whose label
/// is out, or already travelling, may have more parcels. Carrier events
/// that arrived for the tracking number before it was attached are moved
/// onto the return now. Attaching the same tracking number again changes
/// nothing; one used by an outbound shipment or another return is a
/// conflict.
pub async fn attach_return_shipment(
    pool: &Pool,
    tenant: TenantId,
    rma: RmaNumber,
    carrier: &str,
    tracking_number: &str,
    now: DateTime<Utc>,
) -> ReturnResult<ReturnChanged> {
    let mut tx = super::write_tx(pool).await?;
    // The tracking number first, then the order: the order every writer locks in.
    let (id, order) = locate(&mut tx, tenant, rma).await?;
    tx.lock(&tracking_key(tenant, tracking_number)).await?;
    tx.lock_order(order).await?;
    let current = record(&mut tx, id).await?;
    let outbound: bool = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM shipments WHERE tenant_id = $1 AND tracking_number = $2)"
    )
    .bind(tenant)
    .bind(tracking_number)
    .fetch_one(c)
    .await)?;
    if outbound {
        return Err(ReturnError::Conflict(format!(
            "Tracking number `{tracking_number}` belongs to an outbound shipment; a return parcel needs its own."
        )));
    }
    let holder: Option<ReturnId> = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "SELECT return_id FROM return_shipments WHERE tenant_id = $1 AND tracking_number = $2"
    )
    .bind(tenant)
    .bind(tracking_number)
    .fetch_optional(c)
    .await)?;
    match holder {
        Some(holder) if holder == id => {
            tx.commit().await?;
            return Ok(ReturnChanged { record: current, appended: AppendOutcome::default() });
        }
        Some(_) => {
            return Err(ReturnError::Conflict(format!(
                "Tracking number `{tracking_number}` already belongs to another return."
            )))
        }
        None => {}
    }
    let label = match current.status {
        ReturnStatus::Approved => true,
        ReturnStatus::LabelIssued | ReturnStatus::InTransit => false,
        from => return Err(TransitionError { from, to: ReturnStatus::LabelIssued }.into()),
    };
    on_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO return_shipments (tenant_id, return_id, carrier, tracking_number, created_at)
         VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(tenant)
    .bind(id)
    .bind(carrier)
    .bind(tracking_number)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    let mut appended = AppendOutcome::default();
    if label {
        let details = write_step(&mut tx, &current, &ReturnChange::IssueLabel, ReturnStatus::LabelIssued, now).await?;
        let step = step_event(rma, ReturnStatus::LabelIssued, now, details);
        appended = insert_on_thread(&mut tx, tenant, order, Some(id), &[step], |_| true).await?;
    }
    let waiting = waiting_events(&mut tx, tenant, tracking_number).await?;
    if !waiting.is_empty() {
        let events: Vec<NewEvent> = waiting.iter().map(|(_, e)| e.clone()).collect();
        let attached = append_carrier_events(&mut tx, tenant, order, id, &events).await?;
        mark_matched(&mut tx, &waiting, &attached).await?;
        appended.inserted.extend(attached.inserted);
        appended.duplicates += attached.duplicates;
        appended.stored.extend(attached.stored);
        appended.notifications += attached.notifications;
    }
    let record = record(&mut tx, id).await?;
    tx.commit().await?;
    Ok(ReturnChanged { record, appended })
}

/// The return whose parcel has this tracking number, and its order.
pub(super) async fn return_for_tracking_number(
    tx: &mut Tx,
    tenant: TenantId,
    tracking_number: &str,
) -> Result<Option<(OrderId, ReturnId)>> {
    Ok(on_tx!(tx, |c| sqlx::query_as(
        "SELECT r.order_id, r.id FROM return_shipments rs JOIN returns r ON r.id = rs.return_id
         WHERE rs.tenant_id = $1 AND rs.tracking_number = $2"
    )
    .bind(tenant)
    .bind(tracking_number)
    .fetch_optional(c)
    .await)?)
}

/// Carrier events for a return's parcel, appended to its order tied to
/// the return (the caller holds the order's lock). A scan means a step
/// (`domain::returns::carrier_scan`): the delivery scan is the receipt,
/// anything later than the label on its way. Exceptions keep their
/// meaning but stay the return's. The return moves on as far as the scans
/// allow, oldest first; a scan that would move it backwards or skip a
/// step (a late webhook, a parcel sent before approval) is kept on the
/// timeline and changes nothing, and is not news for anyone. Never an
/// error for the carrier: its webhook must not be refused for our state.
pub(super) async fn append_carrier_events(
    tx: &mut Tx,
    tenant: TenantId,
    order: OrderId,
    id: ReturnId,
    events: &[NewEvent],
) -> Result<AppendOutcome> {
    let (rma, status): (RmaNumber, ReturnStatus) =
        on_tx!(tx, |c| sqlx::query_as("SELECT rma, status FROM returns WHERE id = $1").bind(id).fetch_one(c).await)?;
    let mapped: Vec<NewEvent> = events
        .iter()
        .map(|e| {
            let mut details = e.details.clone();
            if let Some(fields) = details.as_object_mut() {
                fields.entry("rma").or_insert_with(|| serde_json::Value::String(rma.to_string()));
            }
            NewEvent {
                shipment: None,
                canonical: carrier_scan(e.canonical).map(Canonical::Return).unwrap_or(e.canonical),
                details,
                ..e.clone()
            }
        })
        .collect();
    let mut oldest_first: Vec<usize> = (0..mapped.len()).collect();
    oldest_first.sort_by_key(|&i| (mapped[i].occurred_at, i));
    let mut moves = vec![false; mapped.len()];
    let mut now_at = status;
    let (mut label_at, mut received_at) = (None, None);
    for i in oldest_first {
        let Canonical::Return(target) = mapped[i].canonical else { continue };
        let Some(step) = target.step() else { continue };
        if let Ok(next) = now_at.apply(step) {
            if next != now_at {
                moves[i] = true;
                now_at = next;
                match next {
                    ReturnStatus::LabelIssued => label_at = Some(mapped[i].occurred_at),
                    ReturnStatus::Received => received_at = Some(mapped[i].occurred_at),
                    _ => {}
                }
            }
        }
    }
    let outcome = insert_on_thread(tx, tenant, order, Some(id), &mapped, |i| moves[i]).await?;
    if now_at != status {
        on_tx!(tx, |c| sqlx::query(
            "UPDATE returns SET status = $1, label_issued_at = COALESCE(label_issued_at, $2),
                 received_at = COALESCE(received_at, $3), updated_at = $4 WHERE id = $5"
        )
        .bind(now_at.code())
        .bind(label_at)
        .bind(received_at)
        .bind(Utc::now())
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(outcome)
}

// -------------------------------------------------------------------- KPIs

/// A breakdown row of the returns KPIs: one SKU, or one carrier (the
/// carrier that delivered the returned line).
#[derive(Clone, Debug, PartialEq)]
pub struct ReturnsBreakdown {
    pub key: String,
    pub delivered_units: Quantity,
    pub returned_units: Quantity,
    pub returns_rate: Option<f64>,
    pub top_reasons: Vec<ReasonCount>,
}

/// The returns figures for a period: returns requested in it over units
/// delivered in it (so a rate near the period's start can run high),
/// what they were returned for, and how long settling took for returns
/// settled in it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReturnKpis {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Returns requested (declined and cancelled ones left out).
    pub returns: usize,
    pub returned_units: Quantity,
    pub delivered_units: Quantity,
    pub returns_rate: Option<f64>,
    pub top_reasons: Vec<ReasonCount>,
    pub by_sku: Vec<ReturnsBreakdown>,
    pub by_carrier: Vec<ReturnsBreakdown>,
    /// Returns refunded or credited in the period, and the median time
    /// from their request to the money.
    pub settled: usize,
    pub median_time_to_refund: Option<Duration>,
}

/// How many reasons each breakdown row lists.
const TOP_REASONS: usize = 3;

/// The returns KPIs of `[from, to)`, read straight from the returns (there
/// are far fewer of them than events; no rollup yet).
pub async fn return_kpis(pool: &Pool, tenant: TenantId, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<ReturnKpis> {
    let mut tx = super::read_tx(pool).await?;
    let delivered = Canonical::Milestone(Milestone::Delivered).code();
    let delivered_units: Vec<(String, String, Quantity)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT l.sku, s.carrier, CAST(SUM(sl.quantity) AS BIGINT)
         FROM shipments s
         JOIN (SELECT shipment_id, MIN(occurred_at) AS delivered_at FROM events
               WHERE tenant_id = $1 AND canonical = $2 AND shipment_id IS NOT NULL AND return_id IS NULL
               GROUP BY shipment_id) d ON d.shipment_id = s.id
         JOIN shipment_lines sl ON sl.shipment_id = s.id
         JOIN order_lines l ON l.id = sl.order_line_id
         WHERE s.tenant_id = $1 AND s.status_milestone = $2 AND d.delivered_at >= $3 AND d.delivered_at < $4
         GROUP BY l.sku, s.carrier"
    )
    .bind(tenant)
    .bind(&delivered)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await)?;
    let returned: Vec<(ReturnId, String, Option<String>, ReturnReason, Quantity, ReturnStatus)> =
        on_tx!(&mut tx, |c| sqlx::query_as(
            "SELECT r.id, l.sku,
                    (SELECT MIN(s.carrier) FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id
                     WHERE sl.order_line_id = l.id AND s.status_milestone = $2),
                    rl.reason, rl.quantity, r.status
             FROM return_lines rl JOIN returns r ON r.id = rl.return_id JOIN order_lines l ON l.id = rl.order_line_id
             WHERE r.tenant_id = $1 AND r.requested_at >= $3 AND r.requested_at < $4"
        )
        .bind(tenant)
        .bind(&delivered)
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await)?;
    let settled: Vec<(DateTime<Utc>, DateTime<Utc>)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT requested_at, credited_at FROM returns
         WHERE tenant_id = $1 AND credited_at IS NOT NULL AND credited_at >= $2 AND credited_at < $3"
    )
    .bind(tenant)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await)?;
    tx.commit().await?;

    let returned: Vec<_> = returned.into_iter().filter(|r| r.5.holds_quantity()).collect();
    let breakdown = |key_of: &dyn Fn(&(String, String, Quantity)) -> String,
                     returned_key: &dyn Fn(
        &(ReturnId, String, Option<String>, ReturnReason, Quantity, ReturnStatus),
    ) -> String| {
        let mut rows: BTreeMap<String, (Quantity, Vec<ReturnedLine>)> = BTreeMap::new();
        for d in &delivered_units {
            rows.entry(key_of(d)).or_default().0 += d.2;
        }
        for r in &returned {
            rows.entry(returned_key(r)).or_default().1.push(ReturnedLine { reason: r.3, quantity: r.4 });
        }
        let mut rows: Vec<ReturnsBreakdown> = rows
            .into_iter()
            .map(|(key, (delivered_units, lines))| {
                let returned_units: Quantity = lines.iter().map(|l| l.quantity).sum();
                ReturnsBreakdown {
                    key,
                    delivered_units,
                    returned_units,
                    returns_rate: returns_rate(returned_units, delivered_units),
                    top_reasons: top_reasons(&lines, TOP_REASONS),
                }
            })
            .collect();
        // Most returned first; the rate can mislead on a handful of units.
        rows.sort_by(|a, b| b.returned_units.cmp(&a.returned_units).then(a.key.cmp(&b.key)));
        rows
    };
    let by_sku = breakdown(&|d| d.0.clone(), &|r| r.1.clone());
    let by_carrier = breakdown(&|d| d.1.clone(), &|r| r.2.clone().unwrap_or_default());
    let all_lines: Vec<ReturnedLine> = returned.iter().map(|r| ReturnedLine { reason: r.3, quantity: r.4 }).collect();
    let returned_units: Quantity = all_lines.iter().map(|l| l.quantity).sum();
    let delivered_total: Quantity = delivered_units.iter().map(|d| d.2).sum();
    let mut returns: Vec<ReturnId> = returned.iter().map(|r| r.0).collect();
    returns.sort();
    returns.dedup();
    let durations: Vec<Duration> = settled.iter().map(|(requested, credited)| *credited - *requested).collect();
    Ok(ReturnKpis {
        from,
        to,
        returns: returns.len(),
        returned_units,
        delivered_units: delivered_total,
        returns_rate: returns_rate(returned_units, delivered_total),
        top_reasons: top_reasons(&all_lines, ReturnReason::ALL.len()),
        by_sku,
        by_carrier,
        settled: durations.len(),
        median_time_to_refund: median_time_to_refund(&durations),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requesters_round_trip_through_their_columns() {
        for who in
            [RequestedBy::Buyer, RequestedBy::Staff(UserId(3)), RequestedBy::Account(UserId(4)), RequestedBy::Api]
        {
            assert_eq!(RequestedBy::read(who.kind(), who.user()).unwrap(), who);
        }
        assert!(RequestedBy::read("staff", None).is_err());
    }

    #[test]
    fn settlements_name_their_step_and_status() {
        for s in [Settlement::Refund, Settlement::StoreCredit] {
            assert_eq!(Settlement::of(s.step().target()), Some(s));
        }
        assert_eq!(Settlement::of(ReturnStatus::Received), None);
    }

    #[test]
    fn step_events_are_one_per_status_and_carry_the_rma() {
        let rma = RmaNumber::from_random(42);
        let e = step_event(rma, ReturnStatus::Declined, Utc::now(), serde_json::json!({"reason": "worn"}));
        assert_eq!(e.source_event_id, format!("{rma}:declined"));
        assert_eq!(e.canonical, Canonical::Return(ReturnStatus::Declined));
        assert_eq!(e.details, serde_json::json!({"rma": rma.to_string(), "reason": "worn"}));
    }
}
