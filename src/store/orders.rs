//! Orders, their lines and shipments: created or updated from the OMS and
//! the warehouse, read back as one snapshot for the pages and the API.

use super::events::{attach_unmatched, insert_in_tx, recompute_status, AppendOutcome, EventRecord, NewEvent};
use super::{on_pool, on_tx};
use super::{Pool, Result, StoreError};
use crate::domain::{
    quantities, AccountId, CarriedQuantity, LineQuantities, Milestone, OpenExceptions, OrderId, OrderLineId,
    OrderedLine, Quantity, ShipmentId, TenantId, TimeZone,
};
use chrono::{DateTime, NaiveDate, Utc};

pub use crate::domain::ShipTo;

/// A ship-to from an `orders` row (its `ship_to_*` columns).
impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for ShipTo
where
    &'r str: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    TimeZone: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> std::result::Result<Self, sqlx::Error> {
        Ok(ShipTo {
            name: row.try_get("ship_to_name")?,
            line1: row.try_get("ship_to_line1")?,
            line2: row.try_get("ship_to_line2")?,
            city: row.try_get("ship_to_city")?,
            region: row.try_get("ship_to_region")?,
            postcode: row.try_get("ship_to_postcode")?,
            country: row.try_get("ship_to_country")?,
            time_zone: row.try_get("ship_to_time_zone")?,
            latitude: row.try_get("ship_to_latitude")?,
            longitude: row.try_get("ship_to_longitude")?,
        })
    }
}

#[derive(Clone, Debug)]
pub struct NewOrderLine {
    pub sku: String,
    pub description: String,
    pub quantity: Quantity,
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
    pub lines: Vec<(OrderLineId, Quantity)>,
    /// Tares and packs as an advance ship notice lists them; parents come
    /// before their children.
    pub packs: Vec<NewPack>,
    /// Selects the condition limits that apply (e.g. `refrigerated`).
    pub product_class: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewPack {
    /// `tare` or `pack`.
    pub kind: &'static str,
    /// Index in `NewShipment::packs` of the tare holding this pack.
    pub parent: Option<usize>,
    pub sscc: Option<String>,
    pub tracking_number: Option<String>,
    pub items: Vec<(OrderLineId, Quantity)>,
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
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    #[sqlx(flatten)]
    pub ship_to: ShipTo,
    pub status_milestone: Option<Milestone>,
    pub status_headline: String,
    /// Open exception kinds (kept by every status change).
    pub open_exceptions: OpenExceptions,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LineRecord {
    pub id: OrderLineId,
    pub line_number: i64,
    pub sku: String,
    pub description: String,
    pub quantity: Quantity,
    pub unit: String,
    /// What a PO acknowledgment said will never ship.
    pub cancelled_quantity: Quantity,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShipmentRecord {
    pub id: ShipmentId,
    pub carrier: String,
    pub service: Option<String>,
    pub tracking_number: String,
    pub status_milestone: Option<Milestone>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShipmentLineRecord {
    pub shipment_id: ShipmentId,
    pub order_line_id: OrderLineId,
    pub quantity: Quantity,
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

impl OrderSnapshot {
    /// The events the order's status is derived from: its own delivery's,
    /// without a return's steps and its parcel's scans.
    pub fn status_facts(&self) -> Vec<crate::domain::EventFact> {
        self.events
            .iter()
            .filter(|e| e.is_outbound())
            .map(|e| crate::domain::EventFact {
                shipment: e.shipment_id.map(|s| s.0),
                canonical: e.canonical,
                occurred_at: e.occurred_at,
            })
            .collect()
    }

    /// Each line's ordered, cancelled, shipped and delivered quantities, in
    /// line order; a shipment counts as delivered once its status says so.
    pub fn line_quantities(&self) -> Vec<LineQuantities> {
        let lines: Vec<OrderedLine> = self
            .lines
            .iter()
            .map(|l| OrderedLine { id: l.id, quantity: l.quantity, cancelled: l.cancelled_quantity })
            .collect();
        let carried: Vec<CarriedQuantity> = self
            .shipment_lines
            .iter()
            .map(|sl| CarriedQuantity { shipment: sl.shipment_id, line: sl.order_line_id, quantity: sl.quantity })
            .collect();
        let delivered = |id: ShipmentId| {
            self.shipments.iter().any(|s| s.id == id && s.status_milestone == Some(Milestone::Delivered))
        };
        quantities::line_quantities(&lines, &carried, delivered)
    }
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
    // Tracking number first, then the order: the order every writer locks in.
    let tenant_of_order: Option<TenantId> =
        on_tx!(&mut tx, |c| sqlx::query_scalar("SELECT tenant_id FROM orders WHERE id = $1")
            .bind(shipment.order)
            .fetch_optional(c)
            .await)?;
    let tenant_of_order = tenant_of_order.ok_or(StoreError::NotFound("order"))?;
    tx.lock(&super::events::tracking_key(tenant_of_order, &shipment.tracking_number)).await?;
    tx.lock_order(shipment.order).await?;
    let (id, tenant): (ShipmentId, TenantId) = on_tx!(&mut tx, |c| sqlx::query_as(
        "INSERT INTO shipments (tenant_id, order_id, carrier, service, tracking_number, created_at, product_class)
         SELECT tenant_id, id, $1, $2, $3, $4, $6 FROM orders WHERE id = $5 RETURNING id, tenant_id",
    )
    .bind(&shipment.carrier)
    .bind(&shipment.service)
    .bind(&shipment.tracking_number)
    .bind(Utc::now())
    .bind(shipment.order)
    .bind(&shipment.product_class)
    .fetch_optional(c)
    .await)?
    .ok_or(StoreError::NotFound("order"))?;
    for (line, quantity) in &shipment.lines {
        // The join keeps a shipment from claiming another order's line.
        let inserted = on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity)
             SELECT $1, id, $2 FROM order_lines WHERE id = $3 AND order_id = $4",
        )
        .bind(id)
        .bind(quantity)
        .bind(line)
        .bind(shipment.order)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if inserted != 1 {
            return Err(StoreError::Invalid(format!("order line {line} does not belong to order {}", shipment.order)));
        }
    }
    let mut pack_ids: Vec<i64> = Vec::with_capacity(shipment.packs.len());
    for pack in &shipment.packs {
        let pack_id: i64 = on_tx!(&mut tx, |c| {
            sqlx::query_scalar(
            "INSERT INTO shipment_packs (shipment_id, parent_id, kind, sscc, tracking_number) VALUES ($1, $2, $3, $4, $5)
             RETURNING id",
        )
        .bind(id)
        .bind(pack.parent.and_then(|p| pack_ids.get(p)))
        .bind(pack.kind)
        .bind(&pack.sscc)
        .bind(&pack.tracking_number)
        .fetch_one(c)
        .await
        })?;
        pack_ids.push(pack_id);
        for (line, quantity) in &pack.items {
            on_tx!(&mut tx, |c| sqlx::query(
                "INSERT INTO pack_items (pack_id, order_line_id, quantity)
                 SELECT $1, id, $2 FROM order_lines WHERE id = $3 AND order_id = $4
                 ON CONFLICT (pack_id, order_line_id) DO UPDATE SET quantity = pack_items.quantity + excluded.quantity",
            )
            .bind(pack_id)
            .bind(quantity)
            .bind(line)
            .bind(shipment.order)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
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
    // Its tracking number now finds the order.
    super::search::reindex_order(&mut tx, shipment.order).await?;
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
    // One read transaction, so the parts agree with each other.
    let mut tx = super::read_tx(pool).await?;
    let order: OrderRecord =
        on_tx!(&mut tx, |c| sqlx::query_as("SELECT * FROM orders WHERE id = $1 AND tenant_id = $2")
            .bind(order)
            .bind(tenant)
            .fetch_optional(c)
            .await)?
        .ok_or(StoreError::NotFound("order"))?;
    let lines =
        on_tx!(&mut tx, |c| sqlx::query_as("SELECT * FROM order_lines WHERE order_id = $1 ORDER BY line_number")
            .bind(order.id)
            .fetch_all(c)
            .await)?;
    let shipments =
        on_tx!(&mut tx, |c| sqlx::query_as("SELECT * FROM shipments WHERE order_id = $1 ORDER BY created_at, id")
            .bind(order.id)
            .fetch_all(c)
            .await)?;
    let shipment_lines = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT sl.* FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id WHERE s.order_id = $1",
    )
    .bind(order.id)
    .fetch_all(c)
    .await)?;
    let events =
        on_tx!(&mut tx, |c| sqlx::query_as("SELECT * FROM events WHERE order_id = $1 ORDER BY occurred_at, id")
            .bind(order.id)
            .fetch_all(c)
            .await)?;
    tx.commit().await?;
    Ok(OrderSnapshot { order, lines, shipments, shipment_lines, events })
}

pub async fn find_order_by_number(pool: &Pool, tenant: TenantId, order_number: &str) -> Result<Option<OrderId>> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar(ORDER_BY_NUMBER).bind(tenant).bind(order_number).fetch_optional(c).await)?)
}

const ORDER_BY_NUMBER: &str = "SELECT id FROM orders WHERE tenant_id = $1 AND order_number = $2";

/// An order found by its number, with its shipment when it has exactly one
/// (where a carrier's event for the order belongs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberedOrder {
    pub id: OrderId,
    pub sole_shipment: Option<ShipmentId>,
}

/// The tenant's orders with these numbers, in one query; numbers no order
/// has are left out.
pub async fn orders_by_number(
    pool: &Pool,
    tenant: TenantId,
    numbers: &[&str],
) -> Result<std::collections::HashMap<String, NumberedOrder>> {
    let mut found = std::collections::HashMap::with_capacity(numbers.len());
    for chunk in numbers.chunks(super::rows_per_statement(1)) {
        let sql = format!(
            "SELECT o.order_number, o.id,
                    (SELECT CASE WHEN COUNT(*) = 1 THEN MIN(s.id) END FROM shipments s WHERE s.order_id = o.id)
             FROM orders o WHERE o.tenant_id = $1 AND o.order_number IN ({})",
            super::placeholders(2, chunk.len())
        );
        let rows: Vec<(String, OrderId, Option<ShipmentId>)> = on_pool!(pool, |c| {
            let mut query = sqlx::query_as(&sql).bind(tenant);
            for number in chunk {
                query = query.bind(*number);
            }
            query.fetch_all(c).await
        })?;
        found.extend(rows.into_iter().map(|(number, id, sole_shipment)| (number, NumberedOrder { id, sole_shipment })));
    }
    Ok(found)
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
    // Two first saves of one order number on two nodes must not both
    // think they created it.
    tx.lock(&format!("order:{}:{}", order.tenant.0, order.order_number)).await?;
    let existing: Option<OrderId> = on_tx!(&mut tx, |c| sqlx::query_scalar(ORDER_BY_NUMBER)
        .bind(order.tenant)
        .bind(&order.order_number)
        .fetch_optional(c)
        .await)?;
    let created = existing.is_none();
    let now = Utc::now();
    let id = insert_order_header(
        &mut tx,
        order,
        now,
        "ON CONFLICT (tenant_id, order_number) DO UPDATE SET
             account_id = excluded.account_id, customer_po = excluded.customer_po,
             promised_date = excluded.promised_date, contact_name = excluded.contact_name,
             contact_email = excluded.contact_email, contact_phone = excluded.contact_phone,
             ship_to_name = excluded.ship_to_name, ship_to_line1 = excluded.ship_to_line1,
             ship_to_line2 = excluded.ship_to_line2, ship_to_city = excluded.ship_to_city,
             ship_to_region = excluded.ship_to_region, ship_to_postcode = excluded.ship_to_postcode,
             ship_to_country = excluded.ship_to_country, ship_to_time_zone = excluded.ship_to_time_zone,
             ship_to_latitude = excluded.ship_to_latitude, ship_to_longitude = excluded.ship_to_longitude,
             updated_at = excluded.updated_at",
    )
    .await?;

    if !created {
        let shipped: Vec<(i64, Quantity)> = on_tx!(&mut tx, |c| sqlx::query_as(
            "SELECT l.line_number, CAST(COALESCE(SUM(sl.quantity), 0) AS BIGINT) FROM order_lines l
             LEFT JOIN shipment_lines sl ON sl.order_line_id = l.id WHERE l.order_id = $1 GROUP BY l.id",
        )
        .bind(id)
        .fetch_all(c)
        .await)?;
        for (number, shipped_quantity) in &shipped {
            let requested = order.lines.get(*number as usize - 1).map(|l| l.quantity);
            if *shipped_quantity > requested.unwrap_or_default() {
                return Err(StoreError::Invalid(format!(
                    "line {number} has {shipped_quantity} shipped and cannot be reduced below that or removed"
                )));
            }
        }
        on_tx!(&mut tx, |c| sqlx::query("DELETE FROM order_lines WHERE order_id = $1 AND line_number > $2")
            .bind(id)
            .bind(order.lines.len() as i64)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    let mut lines = Vec::with_capacity(order.lines.len());
    for (index, line) in order.lines.iter().enumerate() {
        let line_id = on_tx!(&mut tx, |c| {
            sqlx::query_scalar(
            "INSERT INTO order_lines (order_id, line_number, sku, description, quantity, unit) VALUES ($1, $2, $3, $4, $5, $6)
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
        .fetch_one(c)
        .await
        })?;
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
    super::search::reindex_order(&mut tx, id).await?;
    tx.commit().await?;
    Ok(SavedOrder { id, lines, created, placed })
}

/// Inserts an order's header (`on_conflict` says what to do if its number
/// exists) and returns its id.
async fn insert_order_header(
    tx: &mut super::Tx,
    order: &NewOrder,
    now: DateTime<Utc>,
    on_conflict: &str,
) -> Result<OrderId> {
    let s = &order.ship_to;
    let sql = format!(
        "INSERT INTO orders (tenant_id, account_id, order_number, customer_po, placed_at, promised_date,
             contact_name, contact_email, contact_phone,
             ship_to_name, ship_to_line1, ship_to_line2, ship_to_city, ship_to_region, ship_to_postcode,
             ship_to_country, ship_to_time_zone, created_at, updated_at, ship_to_latitude, ship_to_longitude)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19, $20)
         {on_conflict} RETURNING id"
    );
    Ok(on_tx!(tx, |c| sqlx::query_scalar(&sql)
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
        .bind(s.time_zone.name())
        .bind(now)
        .bind(s.latitude)
        .bind(s.longitude)
        .fetch_one(c)
        .await)?)
}

/// Order line ids by line number, with what is still ordered (less what was
/// cancelled) and what has shipped of each so far.
pub async fn line_quantities(pool: &Pool, order: OrderId) -> Result<Vec<(i64, OrderLineId, Quantity, Quantity)>> {
    Ok(on_pool!(pool, |c| {
        sqlx::query_as(
        "SELECT l.line_number, l.id, l.quantity - l.cancelled_quantity, CAST(COALESCE(SUM(sl.quantity), 0) AS BIGINT) FROM order_lines l
         LEFT JOIN shipment_lines sl ON sl.order_line_id = l.id WHERE l.order_id = $1 GROUP BY l.id ORDER BY l.line_number",
    )
    .bind(order)
    .fetch_all(c)
    .await
    })?)
}

pub async fn account_by_ref(pool: &Pool, tenant: TenantId, external_ref: &str) -> Result<Option<AccountId>> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar(
        "SELECT id FROM customer_accounts WHERE tenant_id = $1 AND external_ref = $2"
    )
    .bind(tenant)
    .bind(external_ref)
    .fetch_optional(c)
    .await)?)
}

pub async fn tracking_number_taken(
    pool: &Pool,
    tenant: TenantId,
    carrier: &str,
    tracking_number: &str,
) -> Result<bool> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM shipments WHERE tenant_id = $1 AND carrier = $2 AND tracking_number = $3)",
    )
    .bind(tenant)
    .bind(carrier)
    .bind(tracking_number)
    .fetch_one(c)
    .await)?)
}

pub async fn shipment_ids(pool: &Pool, order: OrderId) -> Result<Vec<ShipmentId>> {
    Ok(on_pool!(pool, |c| sqlx::query_scalar("SELECT id FROM shipments WHERE order_id = $1 ORDER BY id")
        .bind(order)
        .fetch_all(c)
        .await)?)
}

/// The order's number and derived status, without its lines and events.
pub async fn order_status(pool: &Pool, tenant: TenantId, order: OrderId) -> Result<OrderStatusRecord> {
    on_pool!(pool, |c| sqlx::query_as(
        "SELECT order_number, status_headline, status_milestone FROM orders WHERE id = $1 AND tenant_id = $2"
    )
    .bind(order)
    .bind(tenant)
    .fetch_optional(c)
    .await)?
    .ok_or(StoreError::NotFound("order"))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrderStatusRecord {
    pub order_number: String,
    pub status_headline: String,
    pub status_milestone: Option<Milestone>,
}

/// An order from another system's history: its header and lines, and the
/// tracking number it shipped under, if any.
#[derive(Clone, Debug)]
pub struct ImportedOrder {
    pub order: NewOrder,
    pub shipment: Option<(String, String)>,
}

/// Loads many orders at once, in one transaction, without events: for
/// bringing over an older system's history (and for the search benchmark's
/// million orders). Their status stays "Order placed" until events arrive.
/// Every order is indexed for search. Order numbers must be new.
pub async fn import_orders(pool: &Pool, orders: &[ImportedOrder]) -> Result<usize> {
    let mut tx = super::write_tx(pool).await?;
    let now = Utc::now();
    for imported in orders {
        let order = &imported.order;
        let s = &order.ship_to;
        let id = insert_order_header(&mut tx, order, now, "").await?;
        for (i, line) in order.lines.iter().enumerate() {
            on_tx!(&mut tx, |c| {
                sqlx::query(
                "INSERT INTO order_lines (order_id, line_number, sku, description, quantity, unit) VALUES ($1, $2, $3, $4, $5, $6)"
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(&line.sku)
            .bind(&line.description)
            .bind(line.quantity)
            .bind(&line.unit)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
            })?;
        }
        if let Some((carrier, tracking)) = &imported.shipment {
            on_tx!(&mut tx, |c| {
                sqlx::query(
                "INSERT INTO shipments (tenant_id, order_id, carrier, tracking_number, created_at) VALUES ($1, $2, $3, $4, $5)"
            )
            .bind(order.tenant)
            .bind(id)
            .bind(carrier)
            .bind(tracking)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
            })?;
        }
        let mut names = vec![s.name.as_str()];
        names.extend(order.contact_name.as_deref());
        let terms = crate::domain::search::order_terms(&crate::domain::search::OrderKeys {
            order_number: &order.order_number,
            customer_po: order.customer_po.as_deref(),
            tracking_numbers: imported.shipment.iter().map(|(_, t)| t.as_str()).collect(),
            email: order.contact_email.as_deref(),
            phone: order.contact_phone.as_deref(),
            names,
            postcode: Some(&s.postcode),
        });
        super::search::insert_terms(&mut tx, order.tenant, id, &terms).await?;
    }
    tx.commit().await?;
    Ok(orders.len())
}
