//! The only place with SQL. Functions take a pool or a transaction and speak
//! in domain types; pages and handlers never see a query.

mod api_keys;
mod codes;
mod conditions;
mod edi;
mod events;
mod group_commit;
mod idempotency;
/// The KPI rollups: folding logs into weekly rows, and reading them summed.
pub mod kpis;
mod last_mile;
mod lookup;
mod notifications;
mod orders;
mod people;
mod portal;
/// The delivery promise: lane rollups, stored windows, hand-over scores.
pub mod promise;
mod proof_of_delivery;
mod queue;
/// Returns (RMA) on the order's thread: policy, returns, their steps and parcels, KPIs.
pub mod returns;
mod search;
mod tenants;
pub mod timelines;
mod tracking_links;
mod webhooks;

pub use api_keys::{find_api_key, insert_api_key, revoke_api_key, ApiKeyRecord};
pub use conditions::{
    assign_device, condition_history, device_shipment, record_readings, set_condition_limit, LimitTarget, NewReading,
    ReadingsOutcome,
};
pub use group_commit::GroupCommit;
pub use idempotency::{
    claim_idempotency_key, complete_idempotency_key, find_idempotency_key, release_idempotency_key, IdempotencyClaim,
    StoredResponse,
};
pub use last_mile::{
    foreign_shipments, last_mile, prune_positions, record_positions, set_route, LastMileRecord, MovedShipment,
    NewPosition,
};
pub use lookup::{lookup_attempts_since, lookup_order, LookupCandidate, LookupOutcome};
pub use people::{
    accounts, clear_login_failures, create_session, create_sign_in_link, create_user, disable_user, list_users,
    live_session, login_failures_since, peek_sign_in_link, people_by_email, record_login_failure,
    release_login_attempt, reserve_login_attempt, revoke_session, revoke_user_sessions, set_password, set_role,
    touch_session, use_sign_in_link, user_for_sign_in, LinkPurpose, LoginReservation, NewUser, SessionRecord,
    UserRecord,
};
pub use portal::{
    awaiting_receipt, correct_receipt, deliveries, inbound_orders, list_orders, order_audit, order_owner,
    order_tracking_links, orders_by_id, receipt_revisions, received_quantities, record_audit, returned_to_orders,
    revoke_order_tracking_links, save_receipt, shipment_expected_lines, shipment_packs, shipment_receipt_lines, sites,
    AuditRecord, AwaitingReceipt, DeliveryRow, ExpectedLine, NewReceipt, OrderFilter, OrderListRow, PackItemRow,
    PackRow, ReceiptCorrection, ReturnedToOrder, RevisionLine, SiteRecord, StatusFilter,
};
pub use promise::{delivery_window, StoredWindow};
pub use proof_of_delivery::{
    order_pods, pod_file_in_use, pod_slot, save_pod, shipment_pod, NewPod, PodFile, PodRecord, PodSaved, PodSlot,
};
pub use queue::{assign_orders, queue_candidates, queue_targets, set_queue_targets, QueueCandidate};
pub use returns::{
    attach_return_shipment, change_return, create_return, order_returns, put_return_settings, return_address,
    return_by_rma, return_events, return_kpis, return_settings, returnable_items, tenant_returns, NewReturn,
    NewReturnLine, RequestedBy, ReturnAddress, ReturnChange, ReturnChanged, ReturnError, ReturnFilter, ReturnId,
    ReturnKpis, ReturnRecord, ReturnSettings, Settlement,
};
pub use search::{index_unindexed_orders, search_orders, SearchHit};
pub use webhooks::{
    add_webhook_secret, live_webhook_secrets, record_webhook_receipt, revoke_webhook_secret, seal_clear_secrets,
    tenant_by_slug,
};

pub use edi::{
    acknowledge_order, claim_acknowledgment_pushes, delete_edi_partner, edi_acknowledgment, edi_interchange_results,
    edi_partner, edi_partner_ack_secret, edi_partners, find_order_by_po, mark_edi_document_applied,
    next_acknowledgment_numbers, order_lines, put_edi_partner, recent_edi_interchanges, record_acknowledgment_push,
    record_edi_interchange, waiting_edi_documents, DueAcknowledgment, InterchangeRecord, LineAcknowledgment,
    WaitingDocument,
};
pub use events::{
    append, append_all, append_by_tracking_number, event_id_by_source, events_after, events_from_since,
    latest_event_id, orders_with_events_since, unmapped_codes, unmatched_count, AppendOutcome, Destination,
    EventRecord, NewEvent, StatusFacts, TrackedOutcome,
};
pub use notifications::{
    add_webhook_endpoint, claim_notifications, confirm_opt_in, mark_notification_failed, mark_notification_sent,
    order_notifications, queue_service_message, request_opt_in, resend_notification, set_notification_rule,
    unsubscribe, DueNotification, NotificationRecord, OptInRefused,
};
pub use orders::{
    account_by_ref, create_shipment, find_order_by_number, import_orders, line_quantities, order_snapshot,
    order_status, orders_by_number, shipment_ids, tracking_number_taken, upsert_order, ImportedOrder, LineRecord,
    NewOrder, NewOrderLine, NewPack, NewShipment, NumberedOrder, OrderRecord, OrderSnapshot, OrderStatusRecord,
    SavedOrder, ShipTo, ShipmentCreated, ShipmentLineRecord, ShipmentRecord,
};
pub use tenants::{
    buyers_see_condition_alerts, create_account, create_tenant, get_tenant, list_tenants, lookup_sends_email,
    set_arriving_soon_radius, set_buyers_see_condition_alerts, set_languages, set_lookup_sends_email,
    set_predicted_late_threshold, set_quiet_hours, set_status_override, status_overrides, NewTenant, TenantRecord,
};
pub use tracking_links::{insert_tracking_link, resolve_tracking_link, revoke_tracking_link, TrackingLinkTarget};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// The database, chosen by the URL: SQLite embedded (the default), or
/// PostgreSQL when several nodes share one store.
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The PostgreSQL channel that carries "tenant order last-event-id" after
/// each commit that added events, and "tenant order moved" after positions.
pub const EVENTS_CHANNEL: &str = "milepost_events";

/// A transaction on either backend. A SQLite write transaction holds its
/// turn in the process's writer queue until it commits or is dropped.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>, Option<tokio::sync::OwnedSemaphorePermit>),
    Postgres(Transaction<'static, Postgres>),
}

/// SQLite lets one transaction write at a time and makes the others retry
/// on a timer, sleeping up to 100 ms between tries: under concurrent
/// ingest the lock sat idle while writers slept, and a writer could wait
/// seconds. This process's writers queue here instead, in arrival order,
/// one queue per database file (the lock's own scope). Other processes
/// (the CLI) still meet the busy timeout.
fn sqlite_writers(pool: &SqlitePool) -> std::sync::Arc<tokio::sync::Semaphore> {
    type Queues =
        std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, std::sync::Arc<tokio::sync::Semaphore>>>;
    static QUEUES: std::sync::OnceLock<Queues> = std::sync::OnceLock::new();
    let file = pool.connect_options().get_filename().to_path_buf();
    let mut queues = QUEUES.get_or_init(Default::default).lock().expect("writer queues");
    queues.entry(file).or_insert_with(|| std::sync::Arc::new(tokio::sync::Semaphore::new(1))).clone()
}

/// Runs `$body` with `$c` bound to the backend's own pool. The body is
/// compiled once per backend: one SQL text (`$1` placeholders suit both),
/// bound and decoded by each driver's own rules. Exported for tests that
/// look into tables directly.
#[macro_export]
macro_rules! on_pool {
    ($pool:expr, |$c:ident| $body:expr) => {
        match $pool {
            $crate::store::Pool::Sqlite($c) => $body,
            $crate::store::Pool::Postgres($c) => $body,
        }
    };
}

/// As `on_pool!`, with `$c` bound to the transaction's connection.
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::store::Tx::Sqlite(tx, _) => {
                let $c = &mut **tx;
                $body
            }
            $crate::store::Tx::Postgres(tx) => {
                let $c = &mut **tx;
                $body
            }
        }
    };
}
/// As `on_pool!`, for one write outside a transaction: on SQLite it waits
/// its turn in the writer queue first, as `write_tx` does (a write left to
/// SQLite's busy handler would starve behind the queue under load).
macro_rules! on_write {
    ($pool:expr, |$c:ident| $body:expr) => {{
        let _turn = $crate::store::writer_turn($pool).await;
        $crate::store::on_pool!($pool, |$c| $body)
    }};
}
pub(crate) use crate::on_pool;
pub(crate) use on_tx;
pub(crate) use on_write;

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

/// Opens the database the URL names. SQLite (`sqlite:`) is created if
/// missing, with WAL, foreign keys and a busy timeout so concurrent writers
/// queue instead of failing. PostgreSQL (`postgres:`) must exist.
pub async fn connect(url: &str, max_connections: u32) -> Result<Pool> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        // pg_stat_activity shows which node a connection belongs to when
        // the URL names it (`?application_name=milepost-a`).
        let mut options = PgConnectOptions::from_str(url)?;
        if !url.contains("application_name=") {
            options = options.application_name("milepost");
        }
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        return Ok(Pool::Postgres(pool));
    }
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
    }
    // An embedded database has no network or server to drop a connection,
    // so the pool need not ping one before lending it: that ping would be
    // one more handoff to the connection's thread on every query.
    let pool = SqlitePoolOptions::new()
        .max_connections(max_connections)
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    Ok(Pool::Sqlite(pool))
}

impl Pool {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Pool::Postgres(_))
    }

    pub async fn close(&self) {
        on_pool!(self, |p| p.close().await)
    }
}

/// This process's turn to write, on SQLite (PostgreSQL needs none).
pub(crate) async fn writer_turn(pool: &Pool) -> Option<tokio::sync::OwnedSemaphorePermit> {
    match pool {
        Pool::Sqlite(p) => Some(sqlite_writers(p).acquire_owned().await.expect("the writer queue is never closed")),
        Pool::Postgres(_) => None,
    }
}

/// A write transaction. SQLite's takes the write lock up front: a deferred
/// transaction that reads first and writes later can fail instead of waiting
/// when another writer commits in between. PostgreSQL's locks only the rows
/// and keys it names (see `Tx::lock`).
pub(crate) async fn write_tx(pool: &Pool) -> Result<Tx> {
    let pool = pool.clone();
    begin_detached(async move {
        Ok(match &pool {
            Pool::Sqlite(p) => {
                let turn = writer_turn(&pool).await;
                Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?, turn)
            }
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    })
    .await
}

/// A read-only transaction: one consistent snapshot for a page's reads.
pub(crate) async fn read_tx(pool: &Pool) -> Result<Tx> {
    let pool = pool.clone();
    begin_detached(async move {
        Ok(match &pool {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?, None),
            Pool::Postgres(p) => Tx::Postgres(p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?),
        })
    })
    .await
}

/// sqlx's `begin` is not cancel-safe (launchbadge/sqlx#2054, #4385): a
/// request dropped while its BEGIN is in flight (its client went away)
/// can leave the BEGIN run with no `Transaction` to roll it back, and the
/// connection goes back to the pool inside it; on SQLite that held the
/// write lock for good and every later writer failed "database is
/// locked". So the begin runs in a task of its own, which finishes even
/// when the caller is gone; a transaction nobody takes is then dropped,
/// which rolls it back.
async fn begin_detached(begin: impl std::future::Future<Output = Result<Tx>> + Send + 'static) -> Result<Tx> {
    match tokio::spawn(begin).await {
        Ok(tx) => tx,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx, _turn) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Holds the order's row until commit, so its events are numbered in
    /// commit order and its derived status is computed from all of them.
    /// (SQLite's write lock already does both.)
    pub async fn lock_order(&mut self, order: crate::domain::OrderId) -> Result<()> {
        if let Tx::Postgres(tx) = self {
            sqlx::query("SELECT 1 FROM orders WHERE id = $1 FOR UPDATE").bind(order).execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Tells every node, at commit and only if it commits, that the order
    /// has events up to `last` (or, with `None`, that its vehicle moved).
    /// SQLite has one process and publishes in it.
    pub async fn notify_live(
        &mut self,
        tenant: crate::domain::TenantId,
        order: crate::domain::OrderId,
        last: Option<crate::domain::EventId>,
    ) -> Result<()> {
        if let Tx::Postgres(tx) = self {
            let change = last.map_or_else(|| "moved".to_string(), |id| id.0.to_string());
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(EVENTS_CHANNEL)
                .bind(format!("{} {} {change}", tenant.0, order.0))
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Serialises transactions that name the same key (an order, a tracking
    /// number) until commit. SQLite's write lock already serialises every
    /// writer; on PostgreSQL this is a transaction-scoped advisory lock, so
    /// two nodes cannot, say, park an event as unmatched while another
    /// creates the shipment it was waiting for.
    pub async fn lock(&mut self, key: &str) -> Result<()> {
        if let Tx::Postgres(tx) = self {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").bind(key).execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// Whether the database answers a query (for the readiness probe).
pub async fn ping(pool: &Pool) -> Result<()> {
    on_pool!(pool, |p| sqlx::query("SELECT 1").execute(p).await.map(|_| ()))?;
    Ok(())
}

pub async fn migrate(pool: &Pool) -> Result<()> {
    match pool {
        Pool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
        Pool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
    }
    Ok(())
}

/// Refreshes the query planner's statistics for the KPI rollups. Without
/// them SQLite picks among equally good-looking indexes blindly: a question
/// filtered by carrier, lane and ship-from walked the ship-from index (a
/// third of the rows) rather than the lane one (a thirty-sixth). A sampled
/// ANALYZE is no better (every value looks as common as the sample's
/// limit), so the two tables are read whole: about half a second for
/// 300,000 rows (the rollup worker decides when). PostgreSQL's autovacuum
/// analyzes on its own.
pub async fn refresh_planner_statistics(pool: &Pool) -> Result<()> {
    if let Pool::Sqlite(p) = pool {
        sqlx::raw_sql("ANALYZE kpi_weekly; ANALYZE kpi_exceptions_weekly;").execute(p).await?;
    }
    Ok(())
}

pub async fn is_empty(pool: &Pool) -> Result<bool> {
    let count: i64 = on_pool!(pool, |p| sqlx::query_scalar("SELECT COUNT(*) FROM tenants").fetch_one(p).await)?;
    Ok(count == 0)
}

/// Values bound in one statement at most. sqlx asks SQLite for each
/// parameter's name as it binds, and SQLite finds a name by walking the
/// statement's list of them, so binding costs the square of the values:
/// 5,000 values took 29 % of the server's samples under batch ingest
/// (perf); 320 take well under a tenth of a millisecond. Far under both
/// backends' limits (32,766 and 65,535) too.
const VALUES_PER_STATEMENT: usize = 320;

/// How many rows of `values_per_row` bound values a statement takes.
fn rows_per_statement(values_per_row: usize) -> usize {
    (VALUES_PER_STATEMENT / values_per_row.max(1)).max(1)
}

/// `$from, $from+1, …` for `count` bound values, in the syntax both
/// drivers read: an `IN (…)` list or a row of a multi-row insert.
fn placeholders(from: usize, count: usize) -> String {
    (from..from + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// `($from, …), ($from+per_row, …), …`: `rows` rows of `per_row` bound
/// values, for a multi-row `VALUES` list.
fn value_rows(from: usize, rows: usize, per_row: usize) -> String {
    (0..rows).map(|r| format!("({})", placeholders(from + r * per_row, per_row))).collect::<Vec<_>>().join(", ")
}

pub fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A caller that gives up while its transaction begins (a client that
    /// hung up mid-request) leaves no connection inside a transaction and
    /// the write lock free.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_transaction_abandoned_while_it_begins_is_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let pool = connect(&format!("sqlite://{}", dir.path().join("t.db").display()), 4).await.unwrap();
        // Dropped after one to four polls: before, during and after BEGIN.
        for i in 0..200 {
            let mut write = Box::pin(write_tx(&pool));
            let mut read = Box::pin(read_tx(&pool));
            for _ in 0..=i % 4 {
                let _ = futures::poll!(write.as_mut());
                let _ = futures::poll!(read.as_mut());
                tokio::task::yield_now().await;
            }
        }
        let tx = tokio::time::timeout(Duration::from_secs(5), write_tx(&pool)).await.expect("the write lock is free");
        tx.unwrap().commit().await.unwrap();
        // Every pooled connection can begin: none was left inside a transaction.
        let Pool::Sqlite(p) = &pool else { unreachable!() };
        let mut held = Vec::new();
        for _ in 0..4 {
            let mut c = p.acquire().await.unwrap();
            sqlx::query("BEGIN").execute(&mut *c).await.expect("a connection was left inside a transaction");
            sqlx::query("ROLLBACK").execute(&mut *c).await.unwrap();
            held.push(c);
        }
    }
}
