//! Reads and writes of the signed-in portal: order lists in a person's
//! reach, the receiver's inbound board and receipts, accounts payable's
//! deliveries, customer service's exceptions queue, and the audit log.

use super::events::{insert_in_tx, recompute_status, AppendOutcome, NewEvent};
use super::{on_pool, on_tx, on_write, Pool, Result};
use crate::domain::{
    AccountId, Milestone, OpenExceptions, OrderId, OrderLineId, Quantity, ShipmentId, Site, TenantId, TimeZone, UserId,
};
use crate::policy::{Owner, Reach};
use chrono::{DateTime, NaiveDate, Utc};

/// A person's reach as SQL: `$1` is the tenant, `$2` the account (or NULL
/// for staff). Written out per case so the planner can use the account's
/// index; `$2 IS NULL OR account_id = $2` would hide it.
pub(crate) fn reach_sql(reach: Reach, tenant_column: &str, account_column: &str) -> String {
    match reach.account {
        Some(_) => format!("{tenant_column} = $1 AND {account_column} = $2"),
        None => format!("{tenant_column} = $1 AND CAST($2 AS BIGINT) IS NULL"),
    }
}

/// An order found by its number in a tenant, with whose it is (the policy
/// decides whether the person asking may know it exists).
pub async fn order_owner(pool: &Pool, tenant: TenantId, order_number: &str) -> Result<Option<(OrderId, Owner)>> {
    let row: Option<(OrderId, TenantId, Option<AccountId>)> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT id, tenant_id, account_id FROM orders WHERE tenant_id = $1 AND order_number = $2"
    )
    .bind(tenant)
    .bind(order_number)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(|(id, tenant, account)| (id, Owner { tenant, account })))
}

/// One row of an order list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderListRow {
    pub id: OrderId,
    pub order_number: String,
    pub customer_po: Option<String>,
    pub placed_at: DateTime<Utc>,
    pub promised_date: Option<NaiveDate>,
    pub status_milestone: Option<Milestone>,
    pub status_headline: String,
    pub open_exceptions: OpenExceptions,
    #[sqlx(flatten)]
    pub site: Site,
    pub ship_to_time_zone: TimeZone,
    pub account_name: Option<String>,
    pub last_event_at: Option<DateTime<Utc>>,
}

pub(super) const LIST_SELECT: &str = "o.id, o.order_number, o.customer_po, o.placed_at, o.promised_date,
    o.status_milestone, o.status_headline, o.open_exceptions, o.ship_to_name, o.ship_to_city, o.ship_to_postcode,
    o.ship_to_time_zone, a.name AS account_name, o.last_event_at";
const LIST_FROM: &str = "FROM orders o LEFT JOIN customer_accounts a ON a.id = o.account_id";

/// These orders, where in reach (any order).
pub async fn orders_by_id(pool: &Pool, reach: Reach, ids: &[OrderId]) -> Result<Vec<OrderListRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // A handful of ids, bound one by one: the same text on both backends.
    // `+o.tenant_id`: look the ids up by primary key, then check the reach.
    // Without the `+`, SQLite walks a tenant index over every order.
    let sql = format!(
        "SELECT {LIST_SELECT} {LIST_FROM} WHERE o.id IN ({}) AND {}",
        super::placeholders(3, ids.len()),
        reach_sql(reach, "+o.tenant_id", "o.account_id")
    );
    Ok(on_pool!(pool, |c| {
        let mut q = sqlx::query_as(&sql).bind(reach.tenant).bind(reach.account);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?)
}

/// Which orders by status: at a milestone, not delivered yet, or late.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    At(Milestone),
    Open,
    Late,
}

impl StatusFilter {
    /// From the code a filter link carries: a milestone code, `open` or `late`.
    pub fn parse(code: &str) -> Option<StatusFilter> {
        match code {
            "open" => Some(StatusFilter::Open),
            "late" => Some(StatusFilter::Late),
            code => code.parse().ok().map(StatusFilter::At),
        }
    }
}

/// What a buyer narrows their list by.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    pub status: Option<StatusFilter>,
    pub placed_from: Option<DateTime<Utc>>,
    pub placed_before: Option<DateTime<Utc>>,
    /// Part of an order or PO number, any case.
    pub number: Option<String>,
    pub today: Option<NaiveDate>,
    pub limit: i64,
}

pub async fn list_orders(pool: &Pool, reach: Reach, filter: &OrderFilter) -> Result<Vec<OrderListRow>> {
    let pattern = filter.number.as_ref().map(|n| format!("%{}%", n.trim().to_lowercase().replace(['%', '_'], "")));
    let (milestone, open, late) = match filter.status {
        Some(StatusFilter::Open) => (None, true, false),
        Some(StatusFilter::Late) => (None, true, true),
        Some(StatusFilter::At(milestone)) => (Some(milestone.code()), false, false),
        None => (None, false, false),
    };
    let sql = format!(
        "SELECT {LIST_SELECT} {LIST_FROM}
         WHERE {reach}
           AND ($3 IS NULL OR o.status_milestone = $3)
           AND ($4 = FALSE OR o.status_milestone IS DISTINCT FROM '{delivered}')
           AND ($5 = FALSE OR o.promised_date < $6)
           AND ($7 IS NULL OR o.placed_at >= $7) AND ($8 IS NULL OR o.placed_at < $8)
           AND ($9 IS NULL OR LOWER(o.order_number) LIKE $9 OR LOWER(COALESCE(o.customer_po, '')) LIKE $9)
         ORDER BY o.placed_at DESC, o.id DESC LIMIT $10",
        reach = reach_sql(reach, "o.tenant_id", "o.account_id"),
        delivered = Milestone::Delivered.code()
    );
    Ok(on_pool!(pool, |c| sqlx::query_as(&sql)
        .bind(reach.tenant)
        .bind(reach.account)
        .bind(milestone)
        .bind(open)
        .bind(late)
        .bind(filter.today)
        .bind(filter.placed_from)
        .bind(filter.placed_before)
        .bind(&pattern)
        .bind(filter.limit)
        .fetch_all(c)
        .await)?)
}

/// A ship-to site of an account: where its receivers work.
pub type SiteRecord = Site;

/// A site from an `orders` row (its `ship_to_name`, `_postcode`, `_city`).
impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for Site
where
    &'r str: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> std::result::Result<Self, sqlx::Error> {
        Ok(Site {
            name: row.try_get("ship_to_name")?,
            postcode: row.try_get("ship_to_postcode")?,
            city: row.try_get("ship_to_city")?,
        })
    }
}

pub async fn sites(pool: &Pool, reach: Reach) -> Result<Vec<SiteRecord>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(&format!(
        "SELECT DISTINCT ship_to_name, ship_to_postcode, ship_to_city FROM orders
         WHERE {reach} ORDER BY ship_to_name, ship_to_postcode",
        reach = reach_sql(reach, "tenant_id", "account_id")
    ))
    .bind(reach.tenant)
    .bind(reach.account)
    .fetch_all(c)
    .await)?)
}

/// Orders to a site that are not delivered yet, soonest first.
pub async fn inbound_orders(pool: &Pool, reach: Reach, site: &SiteRecord) -> Result<Vec<OrderListRow>> {
    let sql = format!(
        "SELECT {LIST_SELECT} {LIST_FROM}
         WHERE {reach} AND o.ship_to_name = $3 AND o.ship_to_postcode = $4
           AND o.status_milestone IS DISTINCT FROM '{delivered}' AND o.open_exceptions NOT LIKE '%cancelled%'
         ORDER BY o.promised_date, o.placed_at LIMIT 500",
        reach = reach_sql(reach, "o.tenant_id", "o.account_id"),
        delivered = Milestone::Delivered.code()
    );
    Ok(on_pool!(pool, |c| sqlx::query_as(&sql)
        .bind(reach.tenant)
        .bind(reach.account)
        .bind(&site.name)
        .bind(&site.postcode)
        .fetch_all(c)
        .await)?)
}

/// A delivered shipment nobody has counted yet.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AwaitingReceipt {
    pub order_number: String,
    pub customer_po: Option<String>,
    pub shipment_id: ShipmentId,
    pub carrier: String,
    pub tracking_number: String,
}

pub async fn awaiting_receipt(pool: &Pool, reach: Reach, site: &SiteRecord) -> Result<Vec<AwaitingReceipt>> {
    Ok(on_pool!(pool, |c| {
        sqlx::query_as(&format!(
            "SELECT o.order_number, o.customer_po, s.id AS shipment_id, s.carrier, s.tracking_number
         FROM shipments s JOIN orders o ON o.id = s.order_id
         WHERE {reach} AND o.ship_to_name = $3 AND o.ship_to_postcode = $4
           AND s.status_milestone = '{delivered}' AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.shipment_id = s.id)
         ORDER BY s.id LIMIT 500",
            reach = reach_sql(reach, "o.tenant_id", "o.account_id"),
            delivered = Milestone::Delivered.code()
        ))
        .bind(reach.tenant)
        .bind(reach.account)
        .bind(&site.name)
        .bind(&site.postcode)
        .fetch_all(c)
        .await
    })?)
}

/// One delivered shipment, as accounts payable matches it to an invoice.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeliveryRow {
    pub order_id: OrderId,
    pub order_number: String,
    pub customer_po: Option<String>,
    pub shipment_id: ShipmentId,
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_quantity: Quantity,
    /// What the receiver counted, once they have.
    pub counted_quantity: Option<Quantity>,
    pub delivered_at: DateTime<Utc>,
    pub pod_id: Option<i64>,
    pub receiver_name: Option<String>,
    pub shortage: bool,
    /// Units short, over and damaged as received (after any correction).
    pub short_units: Option<Quantity>,
    pub over_units: Option<Quantity>,
    pub damaged_units: Option<Quantity>,
    /// Why the count differs (a `DiscrepancyReason` code), as last given.
    pub discrepancy_reason: Option<String>,
    pub corrections: i64,
}

/// Shipments of the reach delivered in `[from, to)`, oldest first.
pub async fn deliveries(pool: &Pool, reach: Reach, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<DeliveryRow>> {
    Ok(on_pool!(pool, |c| {
        sqlx::query_as(&format!(
        "SELECT o.id AS order_id, o.order_number, o.customer_po, s.id AS shipment_id, s.carrier, s.tracking_number,
                CAST((SELECT COALESCE(SUM(sl.quantity), 0) FROM shipment_lines sl WHERE sl.shipment_id = s.id) AS BIGINT)
                    AS shipped_quantity,
                CAST((SELECT SUM(rl.counted) FROM receipt_lines rl JOIN receipts r ON r.id = rl.receipt_id
                      WHERE r.shipment_id = s.id) AS BIGINT) AS counted_quantity,
                d.delivered_at, p.id AS pod_id, p.receiver_name,
                EXISTS (SELECT 1 FROM receipt_lines rl JOIN receipts r ON r.id = rl.receipt_id
                        WHERE r.shipment_id = s.id AND rl.counted < rl.expected) AS shortage,
                CAST(rc.short_units AS BIGINT) AS short_units, CAST(rc.over_units AS BIGINT) AS over_units,
                CAST(rc.damaged_units AS BIGINT) AS damaged_units, rc.reason AS discrepancy_reason,
                CAST(COALESCE(rc.corrections, 0) AS BIGINT) AS corrections
         FROM shipments s
         JOIN orders o ON o.id = s.order_id
         JOIN (SELECT shipment_id, MIN(occurred_at) AS delivered_at FROM events
               WHERE tenant_id = $1 AND canonical = '{delivered}' AND shipment_id IS NOT NULL GROUP BY shipment_id) d
           ON d.shipment_id = s.id
         LEFT JOIN pods p ON p.shipment_id = s.id
         LEFT JOIN (SELECT r.shipment_id, r.reason,
                           SUM(CASE WHEN rl.expected > rl.counted THEN rl.expected - rl.counted ELSE 0 END) AS short_units,
                           SUM(CASE WHEN rl.counted > rl.expected THEN rl.counted - rl.expected ELSE 0 END) AS over_units,
                           SUM(rl.damaged) AS damaged_units,
                           (SELECT COUNT(*) FROM receipt_revisions v WHERE v.receipt_id = r.id) AS corrections
                    FROM receipts r JOIN receipt_lines rl ON rl.receipt_id = r.id
                    WHERE r.tenant_id = $1 GROUP BY r.id, r.shipment_id, r.reason) rc ON rc.shipment_id = s.id
         WHERE {reach} AND d.delivered_at >= $3 AND d.delivered_at < $4
         ORDER BY d.delivered_at, s.id LIMIT 10000",
        reach = reach_sql(reach, "o.tenant_id", "o.account_id"),
        delivered = Milestone::Delivered.code()
    ))
    .bind(reach.tenant)
    .bind(reach.account)
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await
    })?)
}

/// A return that came back, as accounts payable's file counts it: the
/// units received (counted where inspected, as asked otherwise) and the
/// credit memo that settled it, once one did.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReturnedToOrder {
    pub order_id: OrderId,
    pub units: Quantity,
    pub credit_amount_minor: Option<i64>,
    pub credit_currency: Option<String>,
    pub credit_reference: Option<String>,
}

/// The returns of these orders of the tenant that are received or
/// settled, oldest request first.
pub async fn returned_to_orders(pool: &Pool, tenant: TenantId, orders: &[OrderId]) -> Result<Vec<ReturnedToOrder>> {
    use crate::domain::ReturnStatus;
    let back: Vec<String> =
        [ReturnStatus::Received, ReturnStatus::Inspected, ReturnStatus::Refunded, ReturnStatus::Credited]
            .iter()
            .map(|s| format!("'{}'", s.code()))
            .collect();
    let mut found = Vec::new();
    for chunk in orders.chunks(super::rows_per_statement(1)) {
        let sql = format!(
            "SELECT r.order_id, CAST(COALESCE(SUM(COALESCE(rl.counted, rl.quantity)), 0) AS BIGINT) AS units,
                    r.credit_amount_minor, r.credit_currency, r.credit_reference
             FROM returns r LEFT JOIN return_lines rl ON rl.return_id = r.id
             WHERE r.tenant_id = $1 AND r.status IN ({}) AND r.order_id IN ({})
             GROUP BY r.id, r.order_id, r.requested_at, r.credit_amount_minor, r.credit_currency, r.credit_reference
             ORDER BY r.order_id, r.requested_at, r.id",
            back.join(", "),
            super::placeholders(2, chunk.len())
        );
        let rows: Vec<ReturnedToOrder> = on_pool!(pool, |c| {
            let mut q = sqlx::query_as(&sql).bind(tenant);
            for id in chunk {
                q = q.bind(id);
            }
            q.fetch_all(c).await
        })?;
        found.extend(rows);
    }
    Ok(found)
}

/// A shipment's lines as its ASN lists them: what the receiver counts against.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExpectedLine {
    pub order_line_id: OrderLineId,
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    pub quantity: Quantity,
    pub unit: String,
}

pub async fn shipment_expected_lines(pool: &Pool, order: OrderId, shipment: ShipmentId) -> Result<Vec<ExpectedLine>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT l.id AS order_line_id, l.line_number, l.sku, l.description, sl.quantity, l.unit
         FROM shipment_lines sl JOIN order_lines l ON l.id = sl.order_line_id JOIN shipments s ON s.id = sl.shipment_id
         WHERE sl.shipment_id = $1 AND s.order_id = $2 ORDER BY l.line_number"
    )
    .bind(shipment)
    .bind(order)
    .fetch_all(c)
    .await)?)
}

pub struct NewReceipt<'a> {
    pub tenant: TenantId,
    pub order: OrderId,
    pub shipment: ShipmentId,
    pub user: UserId,
    pub note: Option<&'a str>,
    /// Why the count differs (a `DiscrepancyReason` code), if it does.
    pub reason: Option<&'a str>,
    /// (order line, expected, counted, damaged)
    pub lines: Vec<(OrderLineId, Quantity, Quantity, Quantity)>,
    pub event: NewEvent,
}

/// Records the receipt and its timeline event in one transaction. `None`
/// when the shipment was already received (a receipt is never replaced).
pub async fn save_receipt(pool: &Pool, receipt: NewReceipt<'_>) -> Result<Option<AppendOutcome>> {
    let mut tx = super::write_tx(pool).await?;
    tx.lock_order(receipt.order).await?;
    let id: Option<i64> = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "INSERT INTO receipts (tenant_id, order_id, shipment_id, user_id, received_at, note, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (shipment_id) DO NOTHING RETURNING id"
    )
    .bind(receipt.tenant)
    .bind(receipt.order)
    .bind(receipt.shipment)
    .bind(receipt.user)
    .bind(receipt.event.occurred_at)
    .bind(receipt.note)
    .bind(receipt.reason)
    .fetch_optional(c)
    .await)?;
    let Some(id) = id else { return Ok(None) };
    for (line, expected, counted, damaged) in &receipt.lines {
        on_tx!(&mut tx, |c| {
            sqlx::query(
            "INSERT INTO receipt_lines (receipt_id, order_line_id, expected, counted, damaged) VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(id)
        .bind(line)
        .bind(expected)
        .bind(counted)
        .bind(damaged)
        .execute(c)
        .await.map(|r| r.rows_affected())
        })?;
    }
    let outcome = insert_in_tx(&mut tx, receipt.tenant, receipt.order, &[receipt.event]).await?;
    recompute_status(&mut tx, receipt.order).await?;
    if let Some(last) = outcome.inserted.iter().max() {
        tx.notify_live(receipt.tenant, receipt.order, Some(*last)).await?;
    }
    tx.commit().await?;
    Ok(Some(outcome))
}

pub struct ReceiptCorrection<'a> {
    pub tenant: TenantId,
    pub order: OrderId,
    pub shipment: ShipmentId,
    pub user: UserId,
    pub reason: &'a str,
    /// (order line, counted, damaged) as now counted.
    pub lines: Vec<(OrderLineId, Quantity, Quantity)>,
    pub events: Vec<NewEvent>,
}

/// Corrects the shipment's receipt by a later count: the receipt's lines
/// take the new count, a revision keeps the old one with who and why, and
/// the events go on the timeline, all in one transaction. `None` when the
/// shipment has no receipt to correct.
pub async fn correct_receipt(pool: &Pool, correction: ReceiptCorrection<'_>) -> Result<Option<AppendOutcome>> {
    let mut tx = super::write_tx(pool).await?;
    tx.lock_order(correction.order).await?;
    let receipt: Option<i64> =
        on_tx!(&mut tx, |c| sqlx::query_scalar("SELECT id FROM receipts WHERE shipment_id = $1 AND order_id = $2")
            .bind(correction.shipment)
            .bind(correction.order)
            .fetch_optional(c)
            .await)?;
    let Some(receipt) = receipt else { return Ok(None) };
    let now = Utc::now();
    on_tx!(&mut tx, |c| sqlx::query("UPDATE receipts SET reason = $1 WHERE id = $2")
        .bind(correction.reason)
        .bind(receipt)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    let revision: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO receipt_revisions (receipt_id, user_id, revised_at, reason) VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind(receipt)
    .bind(correction.user)
    .bind(now)
    .bind(correction.reason)
    .fetch_one(c)
    .await
    })?;
    for (line, counted, damaged) in &correction.lines {
        on_tx!(&mut tx, |c| {
            sqlx::query(
            "INSERT INTO receipt_revision_lines (revision_id, order_line_id, counted_before, damaged_before, counted, damaged)
             SELECT $1, order_line_id, counted, damaged, $2, $3 FROM receipt_lines WHERE receipt_id = $4 AND order_line_id = $5"
        )
        .bind(revision)
        .bind(counted)
        .bind(damaged)
        .bind(receipt)
        .bind(line)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        on_tx!(&mut tx, |c| sqlx::query(
            "UPDATE receipt_lines SET counted = $1, damaged = $2 WHERE receipt_id = $3 AND order_line_id = $4"
        )
        .bind(counted)
        .bind(damaged)
        .bind(receipt)
        .bind(line)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    let outcome = insert_in_tx(&mut tx, correction.tenant, correction.order, &correction.events).await?;
    recompute_status(&mut tx, correction.order).await?;
    if let Some(last) = outcome.inserted.iter().max() {
        tx.notify_live(correction.tenant, correction.order, Some(*last)).await?;
    }
    tx.commit().await?;
    Ok(Some(outcome))
}

/// A correction of a receipt: when, by whom, why, and per line the count
/// before and after.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RevisionLine {
    pub shipment_id: ShipmentId,
    pub revised_at: DateTime<Utc>,
    pub user_name: String,
    pub reason: String,
    pub line_number: i64,
    pub sku: String,
    pub counted_before: Quantity,
    pub damaged_before: Quantity,
    pub counted: Quantity,
    pub damaged: Quantity,
}

/// The shipment's receipt as it stands: (order line, counted, damaged).
pub async fn shipment_receipt_lines(
    pool: &Pool,
    shipment: ShipmentId,
) -> Result<Vec<(OrderLineId, Quantity, Quantity)>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT rl.order_line_id, rl.counted, rl.damaged FROM receipt_lines rl JOIN receipts r ON r.id = rl.receipt_id
         WHERE r.shipment_id = $1"
    )
    .bind(shipment)
    .fetch_all(c)
    .await)?)
}

/// Every correction of the order's receipts, oldest first.
pub async fn receipt_revisions(pool: &Pool, order: OrderId) -> Result<Vec<RevisionLine>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT r.shipment_id, v.revised_at, u.name AS user_name, v.reason, l.line_number, l.sku,
                rl.counted_before, rl.damaged_before, rl.counted, rl.damaged
         FROM receipt_revisions v
         JOIN receipts r ON r.id = v.receipt_id
         JOIN users u ON u.id = v.user_id
         JOIN receipt_revision_lines rl ON rl.revision_id = v.id
         JOIN order_lines l ON l.id = rl.order_line_id
         WHERE r.order_id = $1 ORDER BY v.id, l.line_number"
    )
    .bind(order)
    .fetch_all(c)
    .await)?)
}

/// What was counted of each order line, over every receipt of the order:
/// (order line, counted, damaged), and the shipments received.
pub async fn received_quantities(
    pool: &Pool,
    order: OrderId,
) -> Result<(Vec<(OrderLineId, Quantity, Quantity)>, Vec<ShipmentId>)> {
    let lines = on_pool!(pool, |c| sqlx::query_as(
        "SELECT rl.order_line_id, CAST(SUM(rl.counted) AS BIGINT), CAST(SUM(rl.damaged) AS BIGINT)
         FROM receipt_lines rl JOIN receipts r ON r.id = rl.receipt_id WHERE r.order_id = $1 GROUP BY rl.order_line_id"
    )
    .bind(order)
    .fetch_all(c)
    .await)?;
    let shipments =
        on_pool!(pool, |c| sqlx::query_scalar("SELECT shipment_id FROM receipts WHERE order_id = $1 ORDER BY id")
            .bind(order)
            .fetch_all(c)
            .await)?;
    Ok((lines, shipments))
}

/// Packs of a shipment's ASN with their items: (pack id, parent, kind, SSCC,
/// tracking number) and (pack id, line number, sku, quantity).
pub type PackRow = (i64, Option<i64>, String, Option<String>, Option<String>);
pub type PackItemRow = (i64, i64, String, Quantity);

pub async fn shipment_packs(pool: &Pool, shipment: ShipmentId) -> Result<(Vec<PackRow>, Vec<PackItemRow>)> {
    let packs = on_pool!(pool, |c| sqlx::query_as(
        "SELECT id, parent_id, kind, sscc, tracking_number FROM shipment_packs WHERE shipment_id = $1 ORDER BY id"
    )
    .bind(shipment)
    .fetch_all(c)
    .await)?;
    let items = on_pool!(pool, |c| sqlx::query_as(
        "SELECT pi.pack_id, l.line_number, l.sku, pi.quantity FROM pack_items pi
         JOIN shipment_packs p ON p.id = pi.pack_id JOIN order_lines l ON l.id = pi.order_line_id
         WHERE p.shipment_id = $1 ORDER BY pi.pack_id, l.line_number"
    )
    .bind(shipment)
    .fetch_all(c)
    .await)?;
    Ok((packs, items))
}

/// Appends an audit entry. Every portal action that changes something calls it.
pub async fn record_audit(
    pool: &Pool,
    tenant: TenantId,
    order: Option<OrderId>,
    user: UserId,
    action: &str,
    detail: &str,
) -> Result<()> {
    on_write!(pool, |c| sqlx::query(
        "INSERT INTO audit_log (tenant_id, order_id, user_id, action, detail, at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(tenant)
    .bind(order)
    .bind(user)
    .bind(action)
    .bind(detail)
    .bind(Utc::now())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub user_name: Option<String>,
    pub action: String,
    pub detail: String,
}

pub async fn order_audit(pool: &Pool, order: OrderId) -> Result<Vec<AuditRecord>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT a.at, u.name AS user_name, a.action, a.detail FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         WHERE a.order_id = $1 ORDER BY a.id DESC"
    )
    .bind(order)
    .fetch_all(c)
    .await)?)
}

/// The order's current tracking link rows: (id, created, expires, revoked).
pub async fn order_tracking_links(
    pool: &Pool,
    order: OrderId,
) -> Result<Vec<(i64, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>)>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT id, created_at, expires_at, revoked_at FROM tracking_links WHERE order_id = $1 ORDER BY id DESC"
    )
    .bind(order)
    .fetch_all(c)
    .await)?)
}

/// Revokes every live tracking link of the order (customer service does
/// this when a link was forwarded to the wrong person).
pub async fn revoke_order_tracking_links(pool: &Pool, order: OrderId) -> Result<u64> {
    Ok(on_write!(pool, |c| sqlx::query(
        "UPDATE tracking_links SET revoked_at = $1 WHERE order_id = $2 AND revoked_at IS NULL"
    )
    .bind(Utc::now())
    .bind(order)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?)
}
