//! The only place with SQL. Functions take a pool or a transaction and speak
//! in domain types; pages and handlers never see a query.

mod api_keys;
mod edi;
mod events;
mod idempotency;
mod notifications;
mod orders;
mod tenants;
mod tracking_links;
mod webhooks;

pub use api_keys::{find_api_key, insert_api_key, revoke_api_key, ApiKeyRecord};
pub use idempotency::{find_idempotent_response, remember_response, StoredResponse};
pub use webhooks::{
    add_webhook_secret, live_webhook_secrets, record_webhook_receipt, revoke_webhook_secret, tenant_by_slug,
};

pub use edi::{
    acknowledge_order, edi_interchange_results, find_order_by_po, mark_edi_document_applied, order_lines,
    record_edi_interchange, waiting_edi_documents, LineAcknowledgment, WaitingDocument,
};
pub use events::{
    append, append_by_tracking_number, event_id_by_source, events_after, latest_event_id, unmapped_codes,
    unmatched_count, AppendOutcome, EventRecord, NewEvent, TrackedOutcome,
};
pub use notifications::{
    add_webhook_endpoint, claim_notifications, confirm_opt_in, mark_notification_failed, mark_notification_sent,
    order_notifications, request_opt_in, resend_notification, set_notification_rule, set_quiet_hours, unsubscribe,
    DueNotification, NotificationRecord, OptInRefused,
};
pub use orders::{
    account_by_ref, create_shipment, find_order_by_number, line_quantities, order_snapshot, order_status, shipment_ids,
    tracking_number_taken, upsert_order, LineRecord, NewOrder, NewOrderLine, NewPack, NewShipment, OrderRecord,
    OrderSnapshot, OrderStatusRecord, SavedOrder, ShipTo, ShipmentCreated, ShipmentLineRecord, ShipmentRecord,
};
pub use tenants::{
    create_account, create_tenant, get_tenant, list_tenants, set_status_override, status_overrides, NewTenant,
    TenantRecord,
};
pub use tracking_links::{insert_tracking_link, resolve_tracking_link, revoke_tracking_link, TrackingLinkTarget};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

pub type Pool = SqlitePool;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Opens (creating if needed) the database with WAL, foreign keys and a busy
/// timeout, so concurrent writers queue instead of failing.
pub async fn connect(url: &str, max_connections: u32) -> Result<Pool> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new().max_connections(max_connections).connect_with(options).await?;
    Ok(pool)
}

/// A write transaction that takes SQLite's write lock up front. A deferred
/// transaction that reads first and writes later can fail instead of waiting
/// when another writer commits in between.
pub(crate) async fn write_tx(pool: &Pool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// Whether the database answers a query (for the readiness probe).
pub async fn ping(pool: &Pool) -> Result<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}

pub async fn migrate(pool: &Pool) -> Result<()> {
    sqlx::migrate!("./migrations/sqlite").run(pool).await?;
    Ok(())
}

pub async fn is_empty(pool: &Pool) -> Result<bool> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenants").fetch_one(pool).await?;
    Ok(count == 0)
}

pub fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}
