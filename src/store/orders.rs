use super::events::{attach_unmatched, insert_in_tx, recompute_status, AppendOutcome, EventRecord, NewEvent};
use super::{Pool, Result, StoreError};
use crate::domain::{AccountId, OrderId, OrderLineId, ShipmentId, TenantId};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ShipTo {
    #[sqlx(rename = "ship_to_name")]
    pub name: String,
    #[sqlx(rename = "ship_to_line1")]
    pub line1: String,
    #[sqlx(rename = "ship_to_line2")]
    pub line2: Option<String>,
    #[sqlx(rename = "ship_to_city")]
    pub city: String,
    #[sqlx(rename = "ship_to_region")]
    pub region: Option<String>,
    #[sqlx(rename = "ship_to_postcode")]
    pub postcode: String,
    #[sqlx(rename = "ship_to_country")]
    pub country: String,
    /// IANA name; times on the tracking page are shown in this zone.
    #[sqlx(rename = "ship_to_time_zone")]
    pub time_zone: String,
}

#[derive(Clone, Debug)]
pub struct NewOrderLine {
    pub sku: String,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
}

#[derive(Clone, Debug)]
pub struct NewOrder {
    pub tenant: TenantId,
    pub account: Option<AccountId>,
    pub order_number: String,
    pub customer_po: Option<String>,
    pub placed_at: DateTime<Utc>,
    pub promised_date: Option<NaiveDate>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub ship_to: ShipTo,
    pub lines: Vec<NewOrderLine>,
}

#[derive(Clone, Debug)]
pub struct NewShipment {
    pub order: OrderId,
    pub carrier: String,
    pub service: Option<String>,
    pub tracking_number: String,
    /// (order line, quantity in this shipment)
    pub lines: Vec<(OrderLineId, i64)>,
    /// Tares and packs as an advance ship notice lists them; parents come
    /// before their children.
    pub packs: Vec<NewPack>,
}

#[derive(Clone, Debug)]
pub struct NewPack {
    /// `tare` or `pack`.
    pub kind: &'static str,
    /// Index in `NewShipment::packs` of the tare holding this pack.
    pub parent: Option<usize>,
    pub sscc: Option<String>,
    pub tracking_number: Option<String>,
    pub items: Vec<(OrderLineId, i64)>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderRecord {
    pub id: OrderId,
    pub tenant_id: TenantId,
    pub account_id: Option<AccountId>,
    pub order_number: String,
    pub customer_po: Option<String>,
    pub placed_at: DateTime<Utc>,
    pub promised_date: Option<NaiveDate>,
    pub contact_name: Option<String>,
    #[sqlx(flatten)]
    pub ship_to: ShipTo,
    pub status_milestone: Option<String>,
    pub status_headline: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LineRecord {
    pub id: OrderLineId,
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    /// What a PO acknowledgment said will never ship.
    pub cancelled_quantity: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShipmentRecord {
    pub id: ShipmentId,
    pub carrier: String,
    pub service: Option<String>,
    pub tracking_number: String,
    pub status_milestone: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShipmentLineRecord {
    pub shipment_id: ShipmentId,
    pub order_line_id: OrderLineId,
    pub quantity: i64,
}

/// Everything the tracking page needs about one order, read in one go.
#[derive(Clone, Debug)]
pub struct OrderSnapshot {
    pub order: OrderRecord,
    pub lines: Vec<LineRecord>,
    pub shipments: Vec<ShipmentRecord>,
    pub shipment_lines: Vec<ShipmentLineRecord>,
    /// Ordered by when things happened, then by arrival.
    pub events: Vec<EventRecord>,
}

/// Creates a shipment with its line quantities, records `confirm` (the
/// ship-confirm event) on it, attaches carrier events that were waiting for
/// its tracking number, and recomputes the order's status, all in one
/// transaction. Returns the shipment and the events inserted.
pub async fn create_shipment(
    pool: &Pool,
    shipment: &NewShipment,
    confirm: Option<NewEvent>,
) -> Result<ShipmentCreated> {
    let mut tx = super::write_tx(pool).await?;
    let (id, tenant): (ShipmentId, TenantId) = sqlx::query_as(
        "INSERT INTO shipments (tenant_id, order_id, carrier, service, tracking_number, created_at)
         SELECT tenant_id, id, ?, ?, ?, ? FROM orders WHERE id = ? RETURNING id, tenant_id",
    )
    .bind(&shipment.carrier)
    .bind(&shipment.service)
    .bind(&shipment.tracking_number)
    .bind(Utc::now())
    .bind(shipment.order)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound("order"))?;
    for (line, quantity) in &shipment.lines {
        // The join keeps a shipment from claiming another order's line.
        let inserted = sqlx::query(
            "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity)
             SELECT ?, id, ? FROM order_lines WHERE id = ? AND order_id = ?",
        )
        .bind(id)
        .bind(quantity)
        .bind(line)
        .bind(shipment.order)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() != 1 {
            return Err(StoreError::Invalid(format!("order line {line} does not belong to order {}", shipment.order)));
        }
    }
    let mut pack_ids: Vec<i64> = Vec::with_capacity(shipment.packs.len());
    for pack in &shipment.packs {
        let pack_id: i64 = sqlx::query_scalar(
            "INSERT INTO shipment_packs (shipment_id, parent_id, kind, sscc, tracking_number) VALUES (?, ?, ?, ?, ?)
             RETURNING id",
        )
        .bind(id)
        .bind(pack.parent.and_then(|p| pack_ids.get(p)))
        .bind(pack.kind)
        .bind(&pack.sscc)
        .bind(&pack.tracking_number)
        .fetch_one(&mut *tx)
        .await?;
        pack_ids.push(pack_id);
        for (line, quantity) in &pack.items {
            sqlx::query(
                "INSERT INTO pack_items (pack_id, order_line_id, quantity)
                 SELECT ?, id, ? FROM order_lines WHERE id = ? AND order_id = ?
                 ON CONFLICT (pack_id, order_line_id) DO UPDATE SET quantity = quantity + excluded.quantity",
            )
            .bind(pack_id)
            .bind(quantity)
            .bind(line)
            .bind(shipment.order)
            .execute(&mut *tx)
            .await?;
        }
    }
    let confirmed = match confirm {
        Some(event) => {
            insert_in_tx(&mut tx, tenant, shipment.order, &[NewEvent { shipment: Some(id), ..event }]).await?
        }
        None => AppendOutcome::default(),
    };
    let attached = attach_unmatched(&mut tx, tenant, shipment.order, id, &shipment.tracking_number).await?;
    // Once, whatever was inserted: the order has one more shipment either way.
    recompute_status(&mut tx, shipment.order).await?;
    tx.commit().await?;
    Ok(ShipmentCreated { id, confirmed, attached })
}

/// A new shipment, its ship-confirm event and the waiting carrier events
/// that were attached to it.
#[derive(Clone, Debug)]
pub struct ShipmentCreated {
    pub id: ShipmentId,
    pub confirmed: AppendOutcome,
    pub attached: AppendOutcome,
}

pub async fn order_snapshot(pool: &Pool, tenant: TenantId, order: OrderId) -> Result<OrderSnapshot> {
    let mut conn = pool.acquire().await?;
    let order: OrderRecord = sqlx::query_as("SELECT * FROM orders WHERE id = ? AND tenant_id = ?")
        .bind(order)
        .bind(tenant)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("order"))?;
    let lines = sqlx::query_as("SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_number")
        .bind(order.id)
        .fetch_all(&mut *conn)
        .await?;
    let shipments = sqlx::query_as("SELECT * FROM shipments WHERE order_id = ? ORDER BY created_at, id")
        .bind(order.id)
        .fetch_all(&mut *conn)
        .await?;
    let shipment_lines = sqlx::query_as(
        "SELECT sl.* FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id WHERE s.order_id = ?",
    )
    .bind(order.id)
    .fetch_all(&mut *conn)
    .await?;
    let events = sqlx::query_as("SELECT * FROM events WHERE order_id = ? ORDER BY occurred_at, id")
        .bind(order.id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(OrderSnapshot { order, lines, shipments, shipment_lines, events })
}

pub async fn find_order_by_number(
    executor: impl sqlx::SqliteExecutor<'_>,
    tenant: TenantId,
    order_number: &str,
) -> Result<Option<OrderId>> {
    Ok(sqlx::query_scalar("SELECT id FROM orders WHERE tenant_id = ? AND order_number = ?")
        .bind(tenant)
        .bind(order_number)
        .fetch_optional(executor)
        .await?)
}

/// An order as saved: its id, its line ids by position, whether it is new,
/// and the `placed` event recorded with it.
#[derive(Clone, Debug)]
pub struct SavedOrder {
    pub id: OrderId,
    pub lines: Vec<OrderLineId>,
    pub created: bool,
    pub placed: AppendOutcome,
}

/// Creates the order, or updates its header and lines if the order number is
/// known, in one write transaction (so two first saves cannot race). Lines
/// match by position (line 1, 2, ...); a line that has shipped can be neither
/// removed nor reduced below what shipped. `placed_at` is kept on update.
/// `placed` is recorded in the same transaction when the order is new.
pub async fn upsert_order(pool: &Pool, order: &NewOrder, placed: Option<NewEvent>) -> Result<SavedOrder> {
    if order.lines.is_empty() {
        return Err(StoreError::Invalid("an order needs at least one line".into()));
    }
    let mut tx = super::write_tx(pool).await?;
    let created = find_order_by_number(&mut *tx, order.tenant, &order.order_number).await?.is_none();
    let now = Utc::now();
    let s = &order.ship_to;
    let id: OrderId = sqlx::query_scalar(
        "INSERT INTO orders (tenant_id, account_id, order_number, customer_po, placed_at, promised_date,
             contact_name, contact_email, contact_phone,
             ship_to_name, ship_to_line1, ship_to_line2, ship_to_city, ship_to_region, ship_to_postcode,
             ship_to_country, ship_to_time_zone, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, order_number) DO UPDATE SET
             account_id = excluded.account_id, customer_po = excluded.customer_po,
             promised_date = excluded.promised_date, contact_name = excluded.contact_name,
             contact_email = excluded.contact_email, contact_phone = excluded.contact_phone,
             ship_to_name = excluded.ship_to_name, ship_to_line1 = excluded.ship_to_line1,
             ship_to_line2 = excluded.ship_to_line2, ship_to_city = excluded.ship_to_city,
             ship_to_region = excluded.ship_to_region, ship_to_postcode = excluded.ship_to_postcode,
             ship_to_country = excluded.ship_to_country, ship_to_time_zone = excluded.ship_to_time_zone,
             updated_at = excluded.updated_at
         RETURNING id",
    )
    .bind(order.tenant)
    .bind(order.account)
    .bind(&order.order_number)
    .bind(&order.customer_po)
    .bind(order.placed_at)
    .bind(order.promised_date)
    .bind(&order.contact_name)
    .bind(&order.contact_email)
    .bind(&order.contact_phone)
    .bind(&s.name)
    .bind(&s.line1)
    .bind(&s.line2)
    .bind(&s.city)
    .bind(&s.region)
    .bind(&s.postcode)
    .bind(&s.country)
    .bind(&s.time_zone)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;

    if !created {
        let shipped: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT l.line_number, COALESCE(SUM(sl.quantity), 0) FROM order_lines l
             LEFT JOIN shipment_lines sl ON sl.order_line_id = l.id WHERE l.order_id = ? GROUP BY l.id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        for (number, shipped_quantity) in &shipped {
            let requested = order.lines.get(*number as usize - 1).map(|l| l.quantity);
            if *shipped_quantity > requested.unwrap_or(0) {
                return Err(StoreError::Invalid(format!(
                    "line {number} has {shipped_quantity} shipped and cannot be reduced below that or removed"
                )));
            }
        }
        sqlx::query("DELETE FROM order_lines WHERE order_id = ? AND line_number > ?")
            .bind(id)
            .bind(order.lines.len() as i64)
            .execute(&mut *tx)
            .await?;
    }
    let mut lines = Vec::with_capacity(order.lines.len());
    for (index, line) in order.lines.iter().enumerate() {
        let line_id = sqlx::query_scalar(
            "INSERT INTO order_lines (order_id, line_number, sku, description, quantity, unit) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (order_id, line_number) DO UPDATE SET
                 sku = excluded.sku, description = excluded.description, quantity = excluded.quantity, unit = excluded.unit
             RETURNING id",
        )
        .bind(id)
        .bind(index as i64 + 1)
        .bind(&line.sku)
        .bind(&line.description)
        .bind(line.quantity)
        .bind(&line.unit)
        .fetch_one(&mut *tx)
        .await?;
        lines.push(line_id);
    }
    // The order's contacts hear about it unless they unsubscribe.
    let contacts = [("email", &order.contact_email), ("sms", &order.contact_phone)];
    for (channel, address) in contacts.iter().filter_map(|(c, a)| Some((*c, a.as_deref()?.trim()))) {
        super::notifications::subscribe_in_tx(&mut tx, order.tenant, id, channel, address, "contact", None).await?;
    }
    let placed = match placed.filter(|_| created) {
        Some(event) => insert_in_tx(&mut tx, order.tenant, id, &[event]).await?,
        None => AppendOutcome::default(),
    };
    // New events, or changed quantities, can change the status.
    recompute_status(&mut tx, id).await?;
    tx.commit().await?;
    Ok(SavedOrder { id, lines, created, placed })
}

/// Order line ids by line number, with what is still ordered (less what was
/// cancelled) and what has shipped of each so far.
pub async fn line_quantities(pool: &Pool, order: OrderId) -> Result<Vec<(i64, OrderLineId, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT l.line_number, l.id, l.quantity - l.cancelled_quantity, COALESCE(SUM(sl.quantity), 0) FROM order_lines l
         LEFT JOIN shipment_lines sl ON sl.order_line_id = l.id WHERE l.order_id = ? GROUP BY l.id ORDER BY l.line_number",
    )
    .bind(order)
    .fetch_all(pool)
    .await?)
}

pub async fn account_by_ref(pool: &Pool, tenant: TenantId, external_ref: &str) -> Result<Option<AccountId>> {
    Ok(sqlx::query_scalar("SELECT id FROM customer_accounts WHERE tenant_id = ? AND external_ref = ?")
        .bind(tenant)
        .bind(external_ref)
        .fetch_optional(pool)
        .await?)
}

pub async fn tracking_number_taken(
    pool: &Pool,
    tenant: TenantId,
    carrier: &str,
    tracking_number: &str,
) -> Result<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM shipments WHERE tenant_id = ? AND carrier = ? AND tracking_number = ?)",
    )
    .bind(tenant)
    .bind(carrier)
    .bind(tracking_number)
    .fetch_one(pool)
    .await?)
}

pub async fn shipment_ids(pool: &Pool, order: OrderId) -> Result<Vec<ShipmentId>> {
    Ok(sqlx::query_scalar("SELECT id FROM shipments WHERE order_id = ? ORDER BY id")
        .bind(order)
        .fetch_all(pool)
        .await?)
}

/// The order's number and derived status, without its lines and events.
pub async fn order_status(pool: &Pool, tenant: TenantId, order: OrderId) -> Result<OrderStatusRecord> {
    sqlx::query_as("SELECT order_number, status_headline, status_milestone FROM orders WHERE id = ? AND tenant_id = ?")
        .bind(order)
        .bind(tenant)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound("order"))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderStatusRecord {
    pub order_number: String,
    pub status_headline: String,
    pub status_milestone: Option<String>,
}
