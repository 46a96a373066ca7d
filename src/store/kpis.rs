//! The KPI rollups (migrations 0015 SQLite / 0011 PostgreSQL): folding the
//! event log, notifications, sign-ups and signals into weekly rows, and
//! reading them back summed. Every pass runs in one transaction behind the
//! same lock (the `events` cursor row), so passes on several nodes, or a
//! test's pass beside the worker's, never count anything twice.

use super::{on_pool, on_tx, Pool, Result, Tx};
use crate::domain::kpi::{
    self, exception_columns, quality_columns, weekly_columns, Dim, Dims, ExceptionDelta, ExceptionTally, Grain,
    KpiEvent, KpiFilter, OrderFacts, OrderInput, QualityTally, Split, SplitKey, Tally, WeeklyDelta,
};
use crate::domain::{Canonical, ExceptionKind, OrderId, TenantId, TimeZone};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// What one pass over the event log did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventPass {
    pub events: usize,
    pub orders: usize,
    pub last_event: i64,
}

/// Takes the rollup lock and returns the named cursor's position.
async fn lock_and_read(tx: &mut Tx, name: &str) -> Result<i64> {
    let lock = if matches!(tx, Tx::Postgres(_)) {
        "SELECT position FROM kpi_cursors WHERE name = 'events' FOR UPDATE"
    } else {
        "SELECT position FROM kpi_cursors WHERE name = 'events'"
    };
    on_tx!(tx, |c| sqlx::query(lock).execute(c).await.map(|r| r.rows_affected()))?;
    read_cursor(tx, name).await
}

/// The cursor's position, without a lock (see `lock_and_read`).
async fn read_cursor(tx: &mut Tx, name: &str) -> Result<i64> {
    let position: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar("SELECT position FROM kpi_cursors WHERE name = $1")
        .bind(name)
        .fetch_optional(c)
        .await)?;
    Ok(position.unwrap_or(0))
}

async fn set_cursor(tx: &mut Tx, name: &str, position: i64) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO kpi_cursors (name, position) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position"
    )
    .bind(name)
    .bind(position)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct EventRow {
    id: i64,
    order_id: i64,
    shipment_id: Option<i64>,
    source: String,
    canonical: String,
    occurred_at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    location: Option<String>,
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: i64,
    tenant_id: i64,
    account_id: Option<i64>,
    placed_at: DateTime<Utc>,
    promised_date: Option<NaiveDate>,
    handover_window_earliest: Option<NaiveDate>,
    handover_window_latest: Option<NaiveDate>,
    ship_to_region: Option<String>,
    ship_to_country: String,
    ship_to_time_zone: String,
    status_milestone: Option<String>,
}

const EVENT_COLUMNS: &str = "id, order_id, shipment_id, source, canonical, occurred_at, recorded_at, location";

impl super::timelines::StoredEvent for EventRow {
    fn id(&self) -> i64 {
        self.id
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
}

/// The timelines of the orders the rollup looked at lately: a pass reads
/// only the events recorded since (`store::timelines`).
pub type KpiTimelines = super::timelines::Timelines<EventRow>;

fn kpi_event(row: &EventRow, zone: TimeZone) -> KpiEvent {
    KpiEvent {
        id: row.id,
        shipment: row.shipment_id,
        source: row.source.clone(),
        canonical: row.canonical.parse().unwrap_or(Canonical::Unmapped),
        occurred_at: row.occurred_at,
        recorded_at: row.recorded_at,
        local_date: zone.today(row.occurred_at),
        location: row.location.clone(),
    }
}

/// Folds up to `batch` events after the cursor into the rollups. Events
/// recorded after `settled` wait for the next pass: on PostgreSQL an id is
/// taken before its transaction commits, so a lower id can appear after a
/// higher one; waiting a few seconds lets it.
pub async fn roll_up_events(
    pool: &Pool,
    timelines: &KpiTimelines,
    batch: i64,
    settled: DateTime<Utc>,
) -> Result<EventPass> {
    loop {
        if let Some(pass) = try_roll_up_events(pool, timelines, batch, settled).await? {
            return Ok(pass);
        }
    }
}

/// One pass, or `None` when another pass moved the cursor meanwhile.
/// Reading every event of each order touched (those `timelines` does not
/// hold yet) is most of a pass and needs no lock: it reads a snapshot, and
/// the write transaction checks that no other pass moved the cursor since.
/// SQLite's write lock is held for the writes alone, so ingest does not
/// wait behind the reading.
async fn try_roll_up_events(
    pool: &Pool,
    timelines: &KpiTimelines,
    batch: i64,
    settled: DateTime<Utc>,
) -> Result<Option<EventPass>> {
    let mut tx = super::read_tx(pool).await?;
    let cursor = read_cursor(&mut tx, "events").await?;
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id > $1 ORDER BY id LIMIT $2");
    let mut new: Vec<EventRow> = on_tx!(&mut tx, |c| sqlx::query_as(&sql).bind(cursor).bind(batch).fetch_all(c).await)?;
    if let Some(unsettled) = new.iter().position(|e| e.recorded_at > settled) {
        new.truncate(unsettled);
    }
    let Some(last) = new.last().map(|e| e.id) else {
        return Ok(Some(EventPass { last_event: cursor, ..Default::default() }));
    };
    let order_ids: Vec<i64> = new.iter().map(|e| e.order_id).collect::<BTreeSet<_>>().into_iter().collect();
    let in_orders = super::placeholders(1, order_ids.len());

    let sql = format!(
        // The window is the one the promise engine recorded at hand-over
        // (delivery_predictions, the order's own row); an import may have
        // set one on the order instead.
        "SELECT o.id, o.tenant_id, o.account_id, o.placed_at, o.promised_date,
                COALESCE(p.handover_earliest, o.handover_window_earliest) AS handover_window_earliest,
                COALESCE(p.handover_latest, o.handover_window_latest) AS handover_window_latest,
                o.ship_to_region, o.ship_to_country, o.ship_to_time_zone, o.status_milestone
         FROM orders o LEFT JOIN delivery_predictions p ON p.order_id = o.id AND p.shipment_id = 0
         WHERE o.id IN ({in_orders})"
    );
    let orders: Vec<OrderRow> = on_tx!(&mut tx, |c| {
        let mut q = sqlx::query_as(&sql);
        for id in &order_ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?;
    // Each order's events after what is kept of it, in one query. A
    // return's events are not about the delivery (its parcel's exceptions
    // included): `returns` has their own figures.
    let known: Vec<(i64, (Vec<EventRow>, i64))> = order_ids.iter().map(|&id| (id, timelines.take(id))).collect();
    let columns = EVENT_COLUMNS.split(", ").map(|c| format!("e.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {columns} FROM (VALUES {}) AS w JOIN events e ON e.order_id = w.column1 AND e.id > w.column2
         WHERE e.return_id IS NULL ORDER BY e.id",
        super::value_rows(1, known.len(), 2)
    );
    let read: Vec<EventRow> = on_tx!(&mut tx, |c| {
        let mut q = sqlx::query_as(&sql);
        for (id, (_, through)) in &known {
            q = q.bind(id).bind(through);
        }
        q.fetch_all(c).await
    })?;
    let sql = format!("SELECT order_id, id, carrier FROM shipments WHERE order_id IN ({in_orders}) ORDER BY id");
    let shipments: Vec<(i64, i64, String)> = on_tx!(&mut tx, |c| {
        let mut q = sqlx::query_as(&sql);
        for id in &order_ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?;
    let sql = format!("SELECT order_id, facts FROM kpi_order_facts WHERE order_id IN ({in_orders})");
    let stored: Vec<(i64, String)> = on_tx!(&mut tx, |c| {
        let mut q = sqlx::query_as(&sql);
        for id in &order_ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?;
    let mut old_facts: BTreeMap<i64, OrderFacts> = BTreeMap::new();
    for (order, json) in stored {
        old_facts.insert(order, serde_json::from_str(&json).map_err(super::corrupt)?);
    }

    // Oldest first: what was kept (up to its point), then what was read.
    let mut read_of: BTreeMap<i64, Vec<EventRow>> = BTreeMap::new();
    for e in read {
        read_of.entry(e.order_id).or_default().push(e);
    }
    let mut events_by_order: BTreeMap<i64, (Vec<EventRow>, i64)> = BTreeMap::new();
    for (order, (mut events, through)) in known {
        let read = read_of.remove(&order).unwrap_or_default();
        let through = super::timelines::read_through(through, &read, settled);
        events.extend(read);
        events_by_order.insert(order, (events, through));
    }
    let mut carriers: BTreeMap<i64, String> = BTreeMap::new();
    let mut shipment_carrier: BTreeMap<i64, String> = BTreeMap::new();
    for (order, shipment, carrier) in &shipments {
        carriers.entry(*order).or_insert_with(|| carrier.clone());
        shipment_carrier.insert(*shipment, carrier.clone());
    }

    let mut deltas: BTreeMap<i64, (WeeklyDelta, ExceptionDelta)> = BTreeMap::new();
    let mut quality: BTreeMap<(i64, NaiveDate, String, String), QualityTally> = BTreeMap::new();
    let mut new_facts: Vec<(i64, i64, String)> = Vec::new();
    let new_ids: BTreeSet<i64> = new.iter().map(|e| e.id).collect();
    for order in &orders {
        let (zone, _) = TimeZone::parse_or_utc(&order.ship_to_time_zone);
        let events: Vec<KpiEvent> = events_by_order
            .get(&order.id)
            .map(|(v, _)| v.iter().map(|e| kpi_event(e, zone)).collect())
            .unwrap_or_default();
        let input = OrderInput {
            placed_at: order.placed_at,
            promised_date: order.promised_date,
            window: order.handover_window_earliest.zip(order.handover_window_latest),
            account: order.account_id,
            carrier: carriers.get(&order.id).cloned(),
            destination_region: order
                .ship_to_region
                .clone()
                .filter(|r| !r.trim().is_empty())
                .unwrap_or_else(|| order.ship_to_country.clone()),
            delivered: order.status_milestone.as_deref() == Some("delivered"),
            events,
        };
        let facts = kpi::order_facts(&input);
        let old = old_facts.get(&order.id);
        if old != Some(&facts) {
            let (weekly, exceptions) = deltas.entry(order.tenant_id).or_default();
            if let Some(old) = old {
                kpi::spread(old, -1, weekly, exceptions);
            }
            kpi::spread(&facts, 1, weekly, exceptions);
            new_facts.push((order.id, order.tenant_id, serde_json::to_string(&facts).map_err(super::corrupt)?));
        }
        for (i, event) in input.events.iter().enumerate().filter(|(_, e)| new_ids.contains(&e.id)) {
            let earlier: Vec<&KpiEvent> = input.events[..i].iter().collect();
            let carrier = event
                .shipment
                .and_then(|s| shipment_carrier.get(&s))
                .or_else(|| carriers.get(&order.id))
                .cloned()
                .unwrap_or_default();
            let key = (order.tenant_id, kpi::week_of(event.recorded_at), event.source.clone(), carrier);
            quality.entry(key).or_default().add(&kpi::event_quality(event, &earlier));
        }
    }

    tx.commit().await?;
    for (order, (events, through)) in events_by_order {
        timelines.keep(order, events, through);
    }

    let mut tx = super::write_tx(pool).await?;
    if lock_and_read(&mut tx, "events").await? != cursor {
        return Ok(None);
    }
    for (tenant, (weekly, exceptions)) in &deltas {
        for ((grain, week, dims), tally) in weekly {
            if !tally.is_zero() {
                add_weekly(&mut tx, *tenant, *grain, *week, dims, tally).await?;
            }
        }
        for ((grain, week, dims, kind), tally) in exceptions {
            if *tally != ExceptionTally::default() {
                add_exceptions(&mut tx, *tenant, *grain, *week, dims, *kind, tally).await?;
            }
        }
    }
    for ((tenant, week, source, carrier), tally) in &quality {
        add_quality(&mut tx, *tenant, *week, source, carrier, tally).await?;
    }
    for (order, tenant, json) in &new_facts {
        on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO kpi_order_facts (order_id, tenant_id, facts) VALUES ($1, $2, $3)
             ON CONFLICT (order_id) DO UPDATE SET facts = excluded.facts"
        )
        .bind(order)
        .bind(tenant)
        .bind(json)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    set_cursor(&mut tx, "events", last).await?;
    tx.commit().await?;
    Ok(Some(EventPass { events: new.len(), orders: orders.len(), last_event: last }))
}

fn upsert_sql(table: &str, keys: &[&str], columns: &[String]) -> String {
    let all: Vec<String> = keys.iter().map(|k| k.to_string()).chain(columns.iter().cloned()).collect();
    let updates: Vec<String> = columns.iter().map(|c| format!("{c} = {table}.{c} + excluded.{c}")).collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
        all.join(", "),
        super::placeholders(1, all.len()),
        keys.join(", "),
        updates.join(", ")
    )
}

const DIM_KEYS: [&str; 7] = ["tenant_id", "grain", "week", "carrier", "lane", "ship_from", "account_id"];

fn weekly_upsert() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| upsert_sql("kpi_weekly", &DIM_KEYS, &weekly_columns()))
}

fn exceptions_upsert() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let mut keys = DIM_KEYS.to_vec();
        keys.push("kind");
        upsert_sql("kpi_exceptions_weekly", &keys, &exception_columns())
    })
}

fn quality_upsert() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| upsert_sql("kpi_event_quality", &["tenant_id", "week", "source", "carrier"], &quality_columns()))
}

async fn add_weekly(tx: &mut Tx, tenant: i64, grain: Grain, week: NaiveDate, dims: &Dims, tally: &Tally) -> Result<()> {
    on_tx!(tx, |c| {
        let mut q = sqlx::query(weekly_upsert())
            .bind(tenant)
            .bind(grain.code())
            .bind(week)
            .bind(&dims.carrier)
            .bind(&dims.lane)
            .bind(&dims.ship_from)
            .bind(dims.account);
        for value in tally.columns() {
            q = q.bind(value);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn add_exceptions(
    tx: &mut Tx,
    tenant: i64,
    grain: Grain,
    week: NaiveDate,
    dims: &Dims,
    kind: ExceptionKind,
    tally: &ExceptionTally,
) -> Result<()> {
    on_tx!(tx, |c| {
        let mut q = sqlx::query(exceptions_upsert())
            .bind(tenant)
            .bind(grain.code())
            .bind(week)
            .bind(&dims.carrier)
            .bind(&dims.lane)
            .bind(&dims.ship_from)
            .bind(dims.account)
            .bind(kind.code());
        for value in tally.columns() {
            q = q.bind(value);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn add_quality(
    tx: &mut Tx,
    tenant: i64,
    week: NaiveDate,
    source: &str,
    carrier: &str,
    tally: &QualityTally,
) -> Result<()> {
    on_tx!(tx, |c| {
        let mut q = sqlx::query(quality_upsert()).bind(tenant).bind(week).bind(source).bind(carrier);
        for value in tally.columns() {
            q = q.bind(value);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Adds one WISMO counter for an order's dimensions as last rolled up (an
/// order not rolled up yet counts under unknown dimensions).
async fn add_signal(
    tx: &mut Tx,
    tenant: i64,
    order: Option<i64>,
    week: NaiveDate,
    scalar: kpi::Scalar,
    facts: &BTreeMap<i64, Dims>,
) -> Result<()> {
    let dims = order.and_then(|o| facts.get(&o)).cloned().unwrap_or_default();
    let mut tally = Tally::default();
    tally.bump(scalar, 1);
    for grain in Grain::ALL {
        add_weekly(tx, tenant, grain, week, &grain.key(&dims), &tally).await?;
    }
    Ok(())
}

async fn dims_of(tx: &mut Tx, orders: &BTreeSet<i64>) -> Result<BTreeMap<i64, Dims>> {
    if orders.is_empty() {
        return Ok(BTreeMap::new());
    }
    let sql = format!(
        "SELECT order_id, facts FROM kpi_order_facts WHERE order_id IN ({})",
        super::placeholders(1, orders.len())
    );
    let rows: Vec<(i64, String)> = on_tx!(tx, |c| {
        let mut q = sqlx::query_as(&sql);
        for id in orders {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?;
    let mut dims = BTreeMap::new();
    for (order, json) in rows {
        let facts: OrderFacts = serde_json::from_str(&json).map_err(super::corrupt)?;
        dims.insert(order, facts.dims);
    }
    Ok(dims)
}

/// A tracking page view or a customer-service search, counted later.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Signal {
    PageView,
    CsSearch,
}

impl Signal {
    fn code(self) -> &'static str {
        match self {
            Signal::PageView => "page_view",
            Signal::CsSearch => "cs_search",
        }
    }
}

/// A page view or search waiting to be written.
#[derive(Clone, Debug, PartialEq)]
pub struct SignalRow {
    pub tenant: TenantId,
    pub order: Option<OrderId>,
    pub signal: Signal,
    pub at: DateTime<Utc>,
}

/// Writes signals in one transaction (multi-row statements).
pub async fn record_signals(pool: &Pool, rows: &[SignalRow]) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    for chunk in rows.chunks(super::rows_per_statement(4)) {
        let sql = format!(
            "INSERT INTO kpi_signals (tenant_id, order_id, kind, at) VALUES {}",
            super::value_rows(1, chunk.len(), 4)
        );
        on_tx!(&mut tx, |c| {
            let mut q = sqlx::query(&sql);
            for row in chunk {
                q = q.bind(row.tenant).bind(row.order).bind(row.signal.code()).bind(row.at);
            }
            q.execute(c).await.map(|_| ())
        })?;
    }
    tx.commit().await
}

/// Page views and searches waiting to be written. Kept in memory and
/// written by the rollup worker in one transaction every two seconds: one
/// INSERT per view took SQLite's write lock for every tracking page served.
/// What a crash loses is the last two seconds of these counts, never an
/// order's data.
#[derive(Default)]
pub struct PendingSignals(std::sync::Mutex<Vec<SignalRow>>);

/// Beyond this many unwritten signals (a database that has been down for a
/// while), new ones are not counted rather than filling memory.
const MAX_PENDING: usize = 100_000;

impl PendingSignals {
    pub fn push(&self, row: SignalRow) {
        let mut pending = self.0.lock().expect("signal buffer");
        if pending.len() < MAX_PENDING {
            pending.push(row);
        } else if pending.len() == MAX_PENDING {
            tracing::warn!("{MAX_PENDING} KPI signals are waiting to be written; not counting more until they are");
            // Kept, one over the mark, so the warning is said once per
            // overflow rather than for every request that follows.
            pending.push(row);
        }
    }

    /// Writes what is waiting; on failure keeps it for the next try.
    pub async fn flush(&self, pool: &Pool) -> Result<usize> {
        let batch = std::mem::take(&mut *self.0.lock().expect("signal buffer"));
        if batch.is_empty() {
            return Ok(0);
        }
        match record_signals(pool, &batch).await {
            Ok(()) => Ok(batch.len()),
            Err(e) => {
                let mut pending = self.0.lock().expect("signal buffer");
                let newer = std::mem::replace(&mut *pending, batch);
                pending.extend(newer);
                pending.truncate(MAX_PENDING);
                Err(e)
            }
        }
    }
}

/// Folds recorded signals and new tracking-page sign-ups into the weekly
/// rows. Signals are deleted once counted; sign-ups are read behind a cursor.
pub async fn roll_up_signals(pool: &Pool, batch: i64, settled: DateTime<Utc>) -> Result<usize> {
    let mut tx = super::write_tx(pool).await?;
    let cursor = lock_and_read(&mut tx, "signups").await?;
    let signals: Vec<(i64, i64, Option<i64>, String, DateTime<Utc>)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT id, tenant_id, order_id, kind, at FROM kpi_signals ORDER BY id LIMIT $1"
    )
    .bind(batch)
    .fetch_all(c)
    .await)?;
    let mut signups: Vec<(i64, i64, i64, String, DateTime<Utc>)> = on_tx!(&mut tx, |c| {
        sqlx::query_as(
        "SELECT id, tenant_id, order_id, origin, created_at FROM notification_subscriptions WHERE id > $1 ORDER BY id LIMIT $2"
    )
    .bind(cursor)
    .bind(batch)
    .fetch_all(c)
    .await
    })?;
    if let Some(unsettled) = signups.iter().position(|s| s.4 > settled) {
        signups.truncate(unsettled);
    }
    let orders: BTreeSet<i64> = signals.iter().filter_map(|s| s.2).chain(signups.iter().map(|s| s.2)).collect();
    let dims = dims_of(&mut tx, &orders).await?;
    for (_, tenant, order, kind, at) in &signals {
        let scalar = if kind == "page_view" { kpi::Scalar::PageViews } else { kpi::Scalar::CsSearches };
        add_signal(&mut tx, *tenant, *order, kpi::week_of(*at), scalar, &dims).await?;
    }
    for (_, tenant, order, origin, at) in signups.iter().filter(|s| s.3 == "opt_in") {
        let _ = origin;
        add_signal(&mut tx, *tenant, Some(*order), kpi::week_of(*at), kpi::Scalar::Signups, &dims).await?;
    }
    if let Some(last) = signals.last() {
        on_tx!(&mut tx, |c| sqlx::query("DELETE FROM kpi_signals WHERE id <= $1")
            .bind(last.0)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    if let Some(last) = signups.last() {
        set_cursor(&mut tx, "signups", last.0).await?;
    }
    tx.commit().await?;
    Ok(signals.len() + signups.len())
}

/// Counts new notifications as queued and settles the ones counted before
/// that have since been sent, failed for good or been cancelled.
pub async fn roll_up_notifications(pool: &Pool, batch: i64, settled: DateTime<Utc>) -> Result<usize> {
    let mut tx = super::write_tx(pool).await?;
    let cursor = lock_and_read(&mut tx, "notifications").await?;
    let mut new: Vec<(i64, i64, String, String, DateTime<Utc>)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT id, tenant_id, channel, state, created_at FROM notifications WHERE id > $1 ORDER BY id LIMIT $2"
    )
    .bind(cursor)
    .bind(batch)
    .fetch_all(c)
    .await)?;
    if let Some(unsettled) = new.iter().position(|n| n.4 > settled) {
        new.truncate(unsettled);
    }
    // (tenant, week, channel) -> queued, sent, failed, cancelled
    let mut counts: BTreeMap<(i64, NaiveDate, String), [i64; 4]> = BTreeMap::new();
    let outcome = |state: &str| match state {
        "sent" => Some(1),
        "dead" => Some(2),
        "cancelled" => Some(3),
        _ => None,
    };
    for (id, tenant, channel, state, created_at) in &new {
        let week = kpi::week_of(*created_at);
        let row = counts.entry((*tenant, week, channel.clone())).or_default();
        row[0] += 1;
        match outcome(state) {
            Some(i) => row[i] += 1,
            None => {
                on_tx!(&mut tx, |c| {
                    sqlx::query(
                    "INSERT INTO kpi_open_notifications (notification_id, tenant_id, week, channel) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (notification_id) DO NOTHING"
                )
                .bind(id)
                .bind(tenant)
                .bind(week)
                .bind(channel)
                .execute(c)
                .await
                .map(|r| r.rows_affected())
                })?;
            }
        }
    }
    let settling: Vec<(i64, i64, NaiveDate, String, String)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT o.notification_id, o.tenant_id, o.week, o.channel, n.state
         FROM kpi_open_notifications o JOIN notifications n ON n.id = o.notification_id
         WHERE n.state IN ('sent', 'dead', 'cancelled') ORDER BY o.notification_id LIMIT $1"
    )
    .bind(batch)
    .fetch_all(c)
    .await)?;
    for (id, tenant, week, channel, state) in &settling {
        if let Some(i) = outcome(state) {
            counts.entry((*tenant, *week, channel.clone())).or_default()[i] += 1;
        }
        on_tx!(&mut tx, |c| sqlx::query("DELETE FROM kpi_open_notifications WHERE notification_id = $1")
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    for ((tenant, week, channel), [queued, sent, failed, cancelled]) in &counts {
        on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO kpi_notifications (tenant_id, week, channel, queued, sent, failed, cancelled)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (tenant_id, week, channel) DO UPDATE SET
                 queued = kpi_notifications.queued + excluded.queued, sent = kpi_notifications.sent + excluded.sent,
                 failed = kpi_notifications.failed + excluded.failed,
                 cancelled = kpi_notifications.cancelled + excluded.cancelled"
        )
        .bind(tenant)
        .bind(week)
        .bind(channel)
        .bind(queued)
        .bind(sent)
        .bind(failed)
        .bind(cancelled)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    if let Some(last) = new.last() {
        set_cursor(&mut tx, "notifications", last.0).await?;
    }
    tx.commit().await?;
    Ok(new.len() + settling.len())
}

// ---------------------------------------------------------------- reading

/// `WHERE` for weekly rows at `grain` inside the filter, binds from `$1`:
/// tenant, grain, from, to, then each filter given.
fn weekly_where(filter: &KpiFilter) -> String {
    let mut clause = "tenant_id = $1 AND grain = $2 AND week >= $3 AND week <= $4".to_string();
    let mut n = 5;
    for (column, present) in [
        ("carrier", filter.carrier.is_some()),
        ("lane", filter.lane.is_some()),
        ("ship_from", filter.ship_from.is_some()),
        ("account_id", filter.account.is_some()),
    ] {
        if present {
            clause.push_str(&format!(" AND {column} = ${n}"));
            n += 1;
        }
    }
    clause
}

fn sums(columns: &[String]) -> String {
    columns.iter().map(|c| format!("CAST(SUM({c}) AS BIGINT)")).collect::<Vec<_>>().join(", ")
}

/// The key columns of a split, in the order `split_key` reads them back.
fn split_columns(split: Split) -> Vec<&'static str> {
    let mut columns: Vec<&str> = split.week.then_some("CAST(week AS TEXT)").into_iter().collect();
    columns.extend(split.dims.iter().map(|&dim| dim_column(dim)));
    columns
}

fn dim_column(dim: Dim) -> &'static str {
    match dim {
        Dim::Carrier => "carrier",
        Dim::Lane => "lane",
        Dim::ShipFrom => "ship_from",
        Dim::Account => "CAST(account_id AS TEXT)",
    }
}

fn split_key(split: Split, texts: Vec<String>) -> Result<SplitKey> {
    let mut texts = texts.into_iter();
    let mut key = SplitKey::default();
    if split.week {
        let week = texts.next().unwrap_or_default();
        key.week = Some(week.parse().map_err(|_| super::corrupt(format!("week {week:?}")))?);
    }
    for (&dim, value) in split.dims.iter().zip(texts) {
        key.set(dim, value);
    }
    Ok(key)
}

/// Binds the `weekly_where` parameters in order.
macro_rules! bind_filter {
    ($q:expr, $tenant:expr, $grain:expr, $filter:expr) => {{
        let mut q = $q.bind($tenant).bind($grain.code()).bind(kpi::week_start($filter.from)).bind($filter.to);
        for value in [&$filter.carrier, &$filter.lane, &$filter.ship_from].into_iter().flatten() {
            q = q.bind(value.clone());
        }
        if let Some(account) = $filter.account {
            q = q.bind(account);
        }
        q
    }};
}

/// `SELECT keys, sums FROM table WHERE filter GROUP BY keys` at `grain`:
/// each row's key texts, then its summed counters.
async fn split_rows(
    pool: &Pool,
    (tenant, grain, filter): (TenantId, Grain, &KpiFilter),
    table: &str,
    keys: &[&str],
    summed: &[String],
) -> Result<Vec<(Vec<String>, Vec<i64>)>> {
    let mut selected: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    selected.push(sums(summed));
    let mut sql = format!("SELECT {} FROM {table} WHERE {}", selected.join(", "), weekly_where(filter));
    if !keys.is_empty() {
        sql.push_str(&format!(" GROUP BY {}", keys.join(", ")));
    }
    let (keys, columns) = (keys.len(), summed.len());
    Ok(on_pool!(pool, |c| {
        let q = bind_filter!(sqlx::query(&sql), tenant, grain, filter);
        q.fetch_all(c).await.and_then(|rows| {
            rows.iter()
                .map(|row| {
                    let key = (0..keys).map(|i| row.try_get::<String, _>(i)).collect::<std::result::Result<_, _>>()?;
                    let values = (keys..keys + columns)
                        .map(|i| row.try_get::<Option<i64>, _>(i).map(Option::unwrap_or_default))
                        .collect::<std::result::Result<_, _>>()?;
                    Ok((key, values))
                })
                .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
        })
    })?)
}

/// Summed weekly counters under a split: one row per combination of its
/// keys (a single row when it splits by nothing).
pub async fn weekly(pool: &Pool, tenant: TenantId, filter: &KpiFilter, split: Split) -> Result<Vec<(SplitKey, Tally)>> {
    let at = (tenant, filter.grain(split.dims), filter);
    let rows = split_rows(pool, at, "kpi_weekly", &split_columns(split), &weekly_columns()).await?;
    rows.into_iter()
        .filter(|(_, values)| values.iter().any(|&v| v != 0))
        .map(|(key, values)| Ok((split_key(split, key)?, Tally::from_columns(&values))))
        .collect()
}

/// Summed exception counters by kind under a split (its week, if any, is
/// ignored: exceptions have no weekly trend).
pub async fn exceptions(
    pool: &Pool,
    tenant: TenantId,
    filter: &KpiFilter,
    split: Split,
) -> Result<Vec<(SplitKey, ExceptionKind, ExceptionTally)>> {
    let split = Split { week: false, ..split };
    let mut keys = split_columns(split);
    keys.push("kind");
    let at = (tenant, filter.grain(split.dims), filter);
    let rows = split_rows(pool, at, "kpi_exceptions_weekly", &keys, &exception_columns()).await?;
    rows.into_iter()
        .map(|(mut key, values)| {
            let kind = key.pop().unwrap_or_default();
            let kind: ExceptionKind = kind.parse().map_err(super::corrupt)?;
            Ok((split_key(split, key)?, kind, ExceptionTally::from_columns(&values)))
        })
        .collect()
}

/// Status accuracy and latency per source (the date range and carrier apply).
pub async fn event_quality(pool: &Pool, tenant: TenantId, filter: &KpiFilter) -> Result<Vec<(String, QualityTally)>> {
    let columns = quality_columns();
    let carrier = if filter.carrier.is_some() { " AND carrier = $4" } else { "" };
    let sql = format!(
        "SELECT source, {} FROM kpi_event_quality WHERE tenant_id = $1 AND week >= $2 AND week <= $3{carrier}
         GROUP BY source ORDER BY source",
        sums(&columns)
    );
    Ok(on_pool!(pool, |c| {
        let mut q = sqlx::query(&sql).bind(tenant).bind(kpi::week_start(filter.from)).bind(filter.to);
        if let Some(carrier) = &filter.carrier {
            q = q.bind(carrier.clone());
        }
        q.fetch_all(c).await.and_then(|rows| {
            rows.iter()
                .map(|row| {
                    let values = (1..=columns.len())
                        .map(|i| row.try_get::<Option<i64>, _>(i).map(Option::unwrap_or_default))
                        .collect::<std::result::Result<Vec<_>, _>>()?;
                    Ok((row.try_get(0)?, QualityTally::from_columns(&values)))
                })
                .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
        })
    })?)
}

/// Notification volume and outcomes per channel: queued, sent, failed, cancelled.
pub async fn notifications(
    pool: &Pool,
    tenant: TenantId,
    filter: &KpiFilter,
) -> Result<Vec<(String, i64, i64, i64, i64)>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT channel, CAST(SUM(queued) AS BIGINT), CAST(SUM(sent) AS BIGINT), CAST(SUM(failed) AS BIGINT),
                CAST(SUM(cancelled) AS BIGINT)
         FROM kpi_notifications WHERE tenant_id = $1 AND week >= $2 AND week <= $3 GROUP BY channel ORDER BY channel"
    )
    .bind(tenant)
    .bind(kpi::week_start(filter.from))
    .bind(filter.to)
    .fetch_all(c)
    .await)?)
}

/// How far the event rollup has read.
/// How many weekly rollup rows SQLite has written so far (its rowid only
/// grows; reading the largest is one step down the table's b-tree), or
/// `None` on PostgreSQL, whose autovacuum keeps the statistics itself.
pub async fn rows_written(pool: &Pool) -> Result<Option<i64>> {
    Ok(match pool {
        Pool::Sqlite(c) => Some(
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(rowid) FROM kpi_weekly").fetch_one(c).await?.unwrap_or(0),
        ),
        Pool::Postgres(_) => None,
    })
}

pub async fn rolled_up_to(pool: &Pool) -> Result<i64> {
    let position: Option<i64> =
        on_pool!(pool, |c| sqlx::query_scalar("SELECT position FROM kpi_cursors WHERE name = 'events'")
            .fetch_optional(c)
            .await)?;
    Ok(position.unwrap_or(0))
}

/// The values a filter can take, for the dashboard's menus: carriers,
/// lanes and ship-from sites seen in the tenant's rollups.
pub async fn dimension_values(pool: &Pool, tenant: TenantId, dim: Dim) -> Result<Vec<String>> {
    let grain = Grain::for_dims(&[dim]);
    let column = dim_column(dim);
    let sql = format!("SELECT DISTINCT {column} FROM kpi_weekly WHERE tenant_id = $1 AND grain = $2 ORDER BY 1");
    Ok(on_pool!(pool, |c| sqlx::query_scalar(&sql).bind(tenant).bind(grain.code()).fetch_all(c).await)?)
}

/// The tenant's accounts as (external reference, name), for the filter menu.
pub async fn account_choices(pool: &Pool, tenant: TenantId) -> Result<Vec<(String, String)>> {
    Ok(on_pool!(pool, |c| sqlx::query_as(
        "SELECT external_ref, name FROM customer_accounts WHERE tenant_id = $1 ORDER BY name"
    )
    .bind(tenant)
    .fetch_all(c)
    .await)?)
}
