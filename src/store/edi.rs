//! EDI documents as received, orders found by the buyer's PO number, and
//! the line changes a PO acknowledgment makes.

use super::events::{insert_in_tx, recompute_status, AppendOutcome, NewEvent};
use super::orders::LineRecord;
use super::{on_pool, on_tx};
use super::{Pool, Result, StoreError};
use crate::domain::{OrderId, OrderLineId, TenantId};
use chrono::Utc;

/// The order a PO number names: by customer PO, else by order number (an
/// order created from an 850 carries the PO as both).
pub async fn find_order_by_po(pool: &Pool, tenant: TenantId, po_number: &str) -> Result<Option<(OrderId, String)>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT id, order_number FROM orders WHERE tenant_id = $1 AND (customer_po = $2 OR order_number = $3)
         ORDER BY CASE WHEN customer_po = $4 THEN 0 ELSE 1 END, id LIMIT 1",
    )
    .bind(tenant)
    .bind(po_number)
    .bind(po_number)
    .bind(po_number)
    .fetch_optional(c)
    .await)?)
}

pub async fn order_lines(pool: &Pool, order: OrderId) -> Result<Vec<LineRecord>> {
    Ok(on_pool!(pool, |c| sqlx::query_as("SELECT * FROM order_lines WHERE order_id = $1 ORDER BY line_number")
        .bind(order)
        .fetch_all(c)
        .await)?)
}

/// The results recorded for an interchange already received, if it was.
pub async fn edi_interchange_results(
    pool: &Pool,
    tenant: TenantId,
    sender: &str,
    control_number: &str,
) -> Result<Option<serde_json::Value>> {
    let stored: Option<sqlx::types::Json<serde_json::Value>> = on_pool!(pool, |c| sqlx::query_scalar(
        "SELECT results FROM edi_interchanges WHERE tenant_id = $1 AND sender = $2 AND control_number = $3",
    )
    .bind(tenant)
    .bind(sender)
    .bind(control_number)
    .fetch_optional(c)
    .await)?;
    Ok(stored.map(|json| json.0))
}

/// A transaction set waiting for an order with its PO number.
#[derive(Clone, Debug)]
pub struct WaitingDocument {
    pub po_number: String,
    pub group_control: String,
    pub set_control: String,
}

/// Keeps the interchange byte for byte with its results and the sets that
/// wait for their order, in one transaction. A concurrent copy that got here
/// first wins; every step before this was idempotent anyway.
pub async fn record_edi_interchange(
    pool: &Pool,
    tenant: TenantId,
    sender: &str,
    control_number: &str,
    raw: &[u8],
    results: &serde_json::Value,
    waiting: &[WaitingDocument],
) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    let id: Option<i64> = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "INSERT INTO edi_interchanges (tenant_id, sender, control_number, received_at, raw, results)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, sender, control_number) DO NOTHING RETURNING id",
    )
    .bind(tenant)
    .bind(sender)
    .bind(control_number)
    .bind(Utc::now())
    .bind(raw)
    .bind(sqlx::types::Json(results))
    .fetch_optional(c)
    .await)?;
    if let Some(id) = id {
        for document in waiting {
            on_tx!(&mut tx, |c| sqlx::query(
                "INSERT INTO edi_waiting (tenant_id, po_number, interchange_id, group_control, set_control)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(tenant)
            .bind(&document.po_number)
            .bind(id)
            .bind(&document.group_control)
            .bind(&document.set_control)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Documents waiting for any of these PO numbers: (waiting id, raw
/// interchange, the document), oldest first.
pub async fn waiting_edi_documents(
    pool: &Pool,
    tenant: TenantId,
    po_numbers: &[&str],
) -> Result<Vec<(i64, Vec<u8>, WaitingDocument)>> {
    let mut found = Vec::new();
    for po in po_numbers {
        let rows: Vec<(i64, Vec<u8>, String, String)> = on_pool!(pool, |c| sqlx::query_as(
            "SELECT w.id, i.raw, w.group_control, w.set_control FROM edi_waiting w
             JOIN edi_interchanges i ON i.id = w.interchange_id
             WHERE w.tenant_id = $1 AND w.po_number = $2 AND w.applied_at IS NULL ORDER BY w.id",
        )
        .bind(tenant)
        .bind(po)
        .fetch_all(c)
        .await)?;
        found.extend(rows.into_iter().map(|(id, raw, group_control, set_control)| {
            (id, raw, WaitingDocument { po_number: po.to_string(), group_control, set_control })
        }));
    }
    found.sort_by_key(|(id, ..)| *id);
    found.dedup_by_key(|(id, ..)| *id);
    Ok(found)
}

pub async fn mark_edi_document_applied(pool: &Pool, id: i64, result: &serde_json::Value) -> Result<()> {
    on_pool!(pool, |c| sqlx::query("UPDATE edi_waiting SET applied_at = $1, result = $2 WHERE id = $3")
        .bind(Utc::now())
        .bind(sqlx::types::Json(result))
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A line as a PO acknowledgment leaves it: the quantity that will ship in
/// all (never below what already shipped), or none of it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LineAcknowledgment {
    WillShip(i64),
    Rejected,
}

/// Applies line changes and records the acknowledgment event in one
/// transaction, then recomputes the status.
pub async fn acknowledge_order(
    pool: &Pool,
    tenant: TenantId,
    order: OrderId,
    changes: &[(OrderLineId, LineAcknowledgment)],
    event: NewEvent,
) -> Result<AppendOutcome> {
    let mut tx = super::write_tx(pool).await?;
    let outcome = insert_in_tx(&mut tx, tenant, order, &[event]).await?;
    // A repeated acknowledgment changes nothing a second time.
    if !outcome.inserted.is_empty() {
        for (line, change) in changes {
            let shipped: i64 = on_tx!(&mut tx, |c| sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM shipment_lines WHERE order_line_id = $1"
            )
            .bind(line)
            .fetch_one(c)
            .await)?;
            let (quantity_sql, value) = match change {
                LineAcknowledgment::WillShip(quantity) => (
                    "UPDATE order_lines SET quantity = $1, cancelled_quantity = 0 WHERE id = $2 AND order_id = $3",
                    *quantity,
                ),
                // Keep the ordered quantity for the record; cancel what has not shipped.
                LineAcknowledgment::Rejected => (
                    "UPDATE order_lines SET cancelled_quantity = quantity - $1 WHERE id = $2 AND order_id = $3",
                    shipped,
                ),
            };
            if matches!(change, LineAcknowledgment::WillShip(q) if *q < shipped.max(1)) {
                return Err(StoreError::Invalid(format!(
                    "line {line} has {shipped} shipped; an acknowledgment cannot reduce it below that"
                )));
            }
            on_tx!(&mut tx, |c| sqlx::query(quantity_sql)
                .bind(value)
                .bind(line)
                .bind(order)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
    }
    recompute_status(&mut tx, order).await?;
    tx.commit().await?;
    Ok(outcome)
}
