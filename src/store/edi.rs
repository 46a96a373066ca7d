//! EDI documents as received, orders found by the buyer's PO number, and
//! the line changes a PO acknowledgment makes.

use super::events::{insert_in_tx, recompute_status, AppendOutcome, NewEvent};
use super::orders::LineRecord;
use super::{on_pool, on_tx, on_write};
use super::{Pool, Result, StoreError};
use crate::domain::edi_partner::{AckKind, PartnerProfile, PartnerShipTo, Ta1Policy, TransactionSet};
use crate::domain::zone::TimeZone;
use crate::domain::{OrderId, OrderLineId, Quantity, TenantId};
use crate::secret_box::SecretKey;
use chrono::{DateTime, Utc};

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

/// The results and acknowledgment recorded for an interchange already
/// received, if it was.
pub async fn edi_interchange_results(
    pool: &Pool,
    tenant: TenantId,
    sender: &str,
    control_number: &str,
) -> Result<Option<(serde_json::Value, Option<String>)>> {
    let stored: Option<(sqlx::types::Json<serde_json::Value>, Option<String>)> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT results, acknowledgment FROM edi_interchanges
         WHERE tenant_id = $1 AND sender = $2 AND control_number = $3",
    )
    .bind(tenant)
    .bind(sender)
    .bind(control_number)
    .fetch_optional(c)
    .await)?;
    Ok(stored.map(|(json, ack)| (json.0, ack)))
}

/// A partner's profile, or `None` when it has none (it may still have
/// been sent acknowledgments: their numbers are kept apart from this).
pub async fn edi_partner(pool: &Pool, tenant: TenantId, sender: &str) -> Result<Option<PartnerProfile>> {
    let row: Option<PartnerRow> = on_pool!(pool, |c| sqlx::query_as(&format!(
        "SELECT {PARTNER_COLUMNS} FROM edi_partners WHERE tenant_id = $1 AND sender_id = $2 AND configured"
    ))
    .bind(tenant)
    .bind(sender)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(PartnerRow::profile))
}

/// Every configured partner profile, by sender id.
pub async fn edi_partners(pool: &Pool, tenant: TenantId) -> Result<Vec<PartnerProfile>> {
    let rows: Vec<PartnerRow> = on_pool!(pool, |c| sqlx::query_as(&format!(
        "SELECT {PARTNER_COLUMNS} FROM edi_partners WHERE tenant_id = $1 AND configured ORDER BY sender_id"
    ))
    .bind(tenant)
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(PartnerRow::profile).collect())
}

/// What a partner's acknowledgment-push secret is sealed under.
const ACK_SECRET: &str = "edi_partners.ack_secret";

/// Creates or replaces a partner's profile; its control numbers carry on.
/// With an `ack_url`, the profile keeps the signing secret it has, or
/// takes `new_secret` (sealed with `key`); without one it has none.
pub async fn put_edi_partner(
    pool: &Pool,
    key: &SecretKey,
    tenant: TenantId,
    profile: &PartnerProfile,
    new_secret: &str,
) -> Result<()> {
    let ship_to = profile.default_ship_to.as_ref().map(sqlx::types::Json);
    let sealed = profile.ack_url.as_ref().map(|_| key.seal(ACK_SECRET, new_secret));
    on_write!(pool, |c| sqlx::query(
        "INSERT INTO edi_partners (tenant_id, sender_id, name, expected_sets, acknowledgment, ta1, tolerant_counts,
                                   time_zone, default_ship_to, configured, updated_at, ack_url, ack_secret)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $11, $12)
         ON CONFLICT (tenant_id, sender_id) DO UPDATE SET
             name = excluded.name, expected_sets = excluded.expected_sets,
             acknowledgment = excluded.acknowledgment, ta1 = excluded.ta1,
             tolerant_counts = excluded.tolerant_counts, time_zone = excluded.time_zone,
             default_ship_to = excluded.default_ship_to, configured = TRUE, updated_at = excluded.updated_at,
             ack_url = excluded.ack_url,
             ack_secret = CASE WHEN excluded.ack_url IS NULL THEN NULL
                               ELSE COALESCE(edi_partners.ack_secret, excluded.ack_secret) END",
    )
    .bind(tenant)
    .bind(&profile.sender_id)
    .bind(&profile.name)
    .bind(profile.expected_sets.iter().map(|s| s.id()).collect::<Vec<_>>().join(","))
    .bind(profile.acknowledgment.as_str())
    .bind(profile.ta1.as_str())
    .bind(profile.tolerant_counts)
    .bind(profile.time_zone.map(|z| z.name()))
    .bind(&ship_to)
    .bind(Utc::now())
    .bind(&profile.ack_url)
    .bind(&sealed)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The secret a configured partner's pushed acknowledgments are signed with.
pub async fn edi_partner_ack_secret(
    pool: &Pool,
    key: &SecretKey,
    tenant: TenantId,
    sender: &str,
) -> Result<Option<String>> {
    let sealed: Option<Option<String>> = on_pool!(pool, |c| sqlx::query_scalar(
        "SELECT ack_secret FROM edi_partners WHERE tenant_id = $1 AND sender_id = $2 AND configured",
    )
    .bind(tenant)
    .bind(sender)
    .fetch_optional(c)
    .await)?;
    sealed
        .flatten()
        .map(|s| key.open(ACK_SECRET, &s).map_err(|e| super::corrupt(format!("a partner's signing secret: {e}"))))
        .transpose()
}

/// Removes a partner's profile: it gets the defaults again. Its control
/// numbers are kept, so the next acknowledgment does not repeat one.
pub async fn delete_edi_partner(pool: &Pool, tenant: TenantId, sender: &str) -> Result<bool> {
    let changed = on_write!(pool, |c| sqlx::query(
        "UPDATE edi_partners SET configured = FALSE, updated_at = $3
         WHERE tenant_id = $1 AND sender_id = $2 AND configured",
    )
    .bind(tenant)
    .bind(sender)
    .bind(Utc::now())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(changed > 0)
}

/// Takes the next interchange control number and `groups` group control
/// numbers for an acknowledgment to `sender`: (ISA13, first GS06). Each
/// partner has its own sequences, kept whether or not it has a profile.
pub async fn next_acknowledgment_numbers(
    pool: &Pool,
    tenant: TenantId,
    sender: &str,
    groups: i64,
) -> Result<(i64, i64)> {
    let (interchange, last_group): (i64, i64) = on_write!(pool, |c| sqlx::query_as(
        "INSERT INTO edi_partners (tenant_id, sender_id, last_interchange, last_group, updated_at)
         VALUES ($1, $2, 1, $3, $4)
         ON CONFLICT (tenant_id, sender_id) DO UPDATE SET
             last_interchange = edi_partners.last_interchange + 1,
             last_group = edi_partners.last_group + $3
         RETURNING last_interchange, last_group",
    )
    .bind(tenant)
    .bind(sender)
    .bind(groups)
    .bind(Utc::now())
    .fetch_one(c)
    .await)?;
    Ok((interchange, last_group - groups + 1))
}

/// The acknowledgment sent for an interchange: `None` when no such
/// interchange was received, `Some(None)` when none was sent for it.
pub async fn edi_acknowledgment(
    pool: &Pool,
    tenant: TenantId,
    sender: &str,
    control_number: &str,
) -> Result<Option<Option<String>>> {
    Ok(edi_interchange_results(pool, tenant, sender, control_number).await?.map(|(_, ack)| ack))
}

/// An interchange as received, for the administrator's list.
#[derive(Clone, Debug)]
pub struct InterchangeRecord {
    pub sender: String,
    pub control_number: String,
    pub received_at: DateTime<Utc>,
    /// What each set became (`ingest::edi::TransactionResult`s as JSON).
    pub results: serde_json::Value,
    pub acknowledged: bool,
}

/// The tenant's latest interchanges, newest first.
pub async fn recent_edi_interchanges(pool: &Pool, tenant: TenantId, limit: i64) -> Result<Vec<InterchangeRecord>> {
    type Row = (String, String, DateTime<Utc>, sqlx::types::Json<serde_json::Value>, bool);
    let rows: Vec<Row> = on_pool!(pool, |c| sqlx::query_as(
        "SELECT sender, control_number, received_at, results, acknowledgment IS NOT NULL
         FROM edi_interchanges WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(tenant)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(sender, control_number, received_at, results, acknowledged)| InterchangeRecord {
            sender,
            control_number,
            received_at,
            results: results.0,
            acknowledged,
        })
        .collect())
}

const PARTNER_COLUMNS: &str =
    "sender_id, name, expected_sets, acknowledgment, ta1, tolerant_counts, time_zone, default_ship_to, ack_url";

#[derive(sqlx::FromRow)]
struct PartnerRow {
    sender_id: String,
    name: Option<String>,
    expected_sets: String,
    acknowledgment: String,
    ta1: String,
    tolerant_counts: bool,
    time_zone: Option<String>,
    default_ship_to: Option<sqlx::types::Json<PartnerShipTo>>,
    ack_url: Option<String>,
}

impl PartnerRow {
    fn profile(self) -> PartnerProfile {
        PartnerProfile {
            expected_sets: self.expected_sets.split(',').filter_map(TransactionSet::parse).collect(),
            // Written by `put_edi_partner` from the same enums; anything else
            // falls back to the defaults rather than failing the interchange.
            acknowledgment: AckKind::parse(&self.acknowledgment).unwrap_or_default(),
            ta1: Ta1Policy::parse(&self.ta1).unwrap_or_default(),
            tolerant_counts: self.tolerant_counts,
            time_zone: self.time_zone.as_deref().map(|z| TimeZone::parse_or_utc(z).0),
            default_ship_to: self.default_ship_to.map(|j| j.0),
            ack_url: self.ack_url,
            name: self.name,
            sender_id: self.sender_id,
        }
    }
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
    acknowledgment: Option<&str>,
    push_to: Option<&str>,
    waiting: &[WaitingDocument],
) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    let id: Option<i64> = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO edi_interchanges (tenant_id, sender, control_number, received_at, raw, results, acknowledgment)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, sender, control_number) DO NOTHING RETURNING id",
    )
    .bind(tenant)
    .bind(sender)
    .bind(control_number)
    .bind(Utc::now())
    .bind(raw)
    .bind(sqlx::types::Json(results))
    .bind(acknowledgment)
    .fetch_optional(c)
    .await
    })?;
    if let (Some(id), Some(url), Some(_)) = (id, push_to, acknowledgment) {
        let now = Utc::now();
        on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO edi_ack_deliveries (tenant_id, interchange_id, url, state, next_attempt_at, created_at)
             VALUES ($1, $2, $3, 'pending', $4, $4)",
        )
        .bind(tenant)
        .bind(id)
        .bind(url)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
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

/// An acknowledgment due to be pushed to its partner.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueAcknowledgment {
    pub id: i64,
    pub tenant_id: TenantId,
    pub sender: String,
    pub control_number: String,
    pub url: String,
    pub attempts: i64,
    pub acknowledgment: String,
}

/// Claims up to `limit` acknowledgments due to be pushed until
/// `lease_until`, as `claim_notifications` claims messages.
pub async fn claim_acknowledgment_pushes(
    pool: &Pool,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueAcknowledgment>> {
    let skip_locked = if pool.is_postgres() { "FOR UPDATE SKIP LOCKED" } else { "" };
    let claim = format!(
        "UPDATE edi_ack_deliveries SET state = 'sending', attempts = attempts + 1, lease_until = $1
         WHERE id IN (SELECT id FROM edi_ack_deliveries
                      WHERE (state = 'pending' AND next_attempt_at <= $2) OR (state = 'sending' AND lease_until <= $2)
                      ORDER BY next_attempt_at LIMIT $3 {skip_locked})
         RETURNING id"
    );
    let mut tx = super::write_tx(pool).await?;
    let ids: Vec<i64> =
        on_tx!(&mut tx, |c| sqlx::query_scalar(&claim).bind(lease_until).bind(now).bind(limit).fetch_all(c).await)?;
    let mut due = Vec::new();
    for id in ids {
        let row: DueAcknowledgment = on_tx!(&mut tx, |c| sqlx::query_as(
            "SELECT d.id, d.tenant_id, i.sender, i.control_number, d.url, d.attempts, i.acknowledgment
             FROM edi_ack_deliveries d JOIN edi_interchanges i ON i.id = d.interchange_id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_one(c)
        .await)?;
        due.push(row);
    }
    tx.commit().await?;
    Ok(due)
}

/// Records an attempt to push an acknowledgment: sent, or failed and
/// retried at `retry_at` (dead when `None`).
pub async fn record_acknowledgment_push(
    pool: &Pool,
    id: i64,
    result: std::result::Result<(), &str>,
    response_status: Option<u16>,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let (state, error) = match result {
        Ok(()) => ("sent", None),
        Err(e) if retry_at.is_some() => ("pending", Some(e)),
        Err(e) => ("dead", Some(e)),
    };
    on_write!(pool, |c| sqlx::query(
        "UPDATE edi_ack_deliveries SET state = $1, last_error = $2, response_status = $3, lease_until = NULL,
                next_attempt_at = COALESCE($4, next_attempt_at),
                sent_at = CASE WHEN $1 = 'sent' THEN $5 ELSE sent_at END
         WHERE id = $6",
    )
    .bind(state)
    .bind(error)
    .bind(response_status.map(i64::from))
    .bind(retry_at)
    .bind(Utc::now())
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
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
    on_write!(pool, |c| sqlx::query("UPDATE edi_waiting SET applied_at = $1, result = $2 WHERE id = $3")
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
    WillShip(Quantity),
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
            let shipped: Quantity = on_tx!(&mut tx, |c| sqlx::query_scalar(
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
            if matches!(change, LineAcknowledgment::WillShip(q) if *q < shipped || !q.is_positive()) {
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
