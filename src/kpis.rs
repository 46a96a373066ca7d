//! The KPI dashboard's server side: the worker that keeps the weekly
//! rollups current from the event log (and notifications, sign-ups, page
//! views and searches), and the report built from them. A request reads
//! summed rollup rows, never the orders: its cost depends on the weeks and
//! the dimension values asked for, not on how many orders there are.

use crate::domain::kpi::{
    self, AppliedFilters, ChannelRow, Dim, ExceptionRow, ExceptionTally, Headline, KpiFilter, KpiReport, Rate,
    ScorecardRow, SourceQualityRow, Spread, Tally, WeekPoint, SCORECARD_DIMS,
};
use crate::domain::{ExceptionKind, OrderId, TenantId};
use crate::state::AppState;
use crate::store::kpis::{self as rollups, Signal, SignalRow};
use crate::store::{self, Pool};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::BTreeMap;

/// Events per pass: one write transaction each, short enough that other
/// writers barely wait.
const BATCH: i64 = 2_000;

/// How often the worker looks for new events when nothing wakes it.
const INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

/// On PostgreSQL, events younger than this wait a pass (see
/// `store::kpis::roll_up_events`); SQLite commits in id order.
const SETTLE: Duration = Duration::seconds(5);

/// Timelines the worker keeps between passes (`store::timelines`): at most
/// this many events, some tens of megabytes.
const TIMELINE_EVENTS: usize = 200_000;

/// Folds everything committed up to `settled` into the rollups; returns how
/// many events it read. Safe beside the worker and on several nodes.
pub async fn catch_up(pool: &Pool, settled: DateTime<Utc>) -> store::Result<usize> {
    catch_up_keeping(pool, &rollups::KpiTimelines::new(TIMELINE_EVENTS), settled).await
}

/// `catch_up`, keeping the timelines it reads in `timelines` for the next
/// time, which then reads only what is new.
pub async fn catch_up_keeping(
    pool: &Pool,
    timelines: &rollups::KpiTimelines,
    settled: DateTime<Utc>,
) -> store::Result<usize> {
    let mut events = 0;
    loop {
        let pass = rollups::roll_up_events(pool, timelines, BATCH, settled).await?;
        events += pass.events;
        if (pass.events as i64) < BATCH {
            break;
        }
    }
    while rollups::roll_up_notifications(pool, BATCH, settled).await? as i64 >= BATCH {}
    while rollups::roll_up_signals(pool, BATCH, settled).await? as i64 >= BATCH {}
    Ok(events)
}

/// The moment up to which commits are surely visible in id order.
pub fn settled_now(pool: &Pool) -> DateTime<Utc> {
    if pool.is_postgres() {
        Utc::now() - SETTLE
    } else {
        Utc::now()
    }
}

/// Runs `catch_up` every couple of seconds for as long as the server runs,
/// and keeps the query planner's statistics fresh for the dashboard's reads:
/// re-read whenever the rollups have grown by a tenth since the last time
/// (the whole ANALYZE holds SQLite's write lock for about a second at a
/// million orders, so not on a clock: their shape changes slowly).
pub fn spawn_rollup_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut analyzed_at_rows = 0;
        let timelines = rollups::KpiTimelines::new(TIMELINE_EVENTS);
        loop {
            if let Err(e) = state.signals.flush(&state.pool).await {
                tracing::warn!(error = %e, "writing KPI signals failed; keeping them for the next pass");
            }
            if let Err(e) = catch_up_keeping(&state.pool, &timelines, settled_now(&state.pool)).await {
                tracing::error!(error = %e, "rolling up KPIs failed; retrying");
            }
            match rollups::rows_written(&state.pool).await {
                Ok(Some(rows)) if rows > analyzed_at_rows + analyzed_at_rows / 10 => {
                    match store::refresh_planner_statistics(&state.pool).await {
                        Ok(()) => analyzed_at_rows = rows,
                        Err(e) => tracing::warn!(error = %e, "refreshing the planner's statistics failed"),
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "counting the rollup rows failed"),
            }
            tokio::time::sleep(INTERVAL).await;
        }
    })
}

/// Counts a tracking page view or a customer-service search, off the
/// request's path: a failure is logged, never shown to the person.
pub fn record(state: &AppState, tenant: TenantId, order: Option<OrderId>, signal: Signal) {
    state.signals.push(SignalRow { tenant, order, signal, at: Utc::now() });
}

/// The default range: the last twelve full and current weeks.
pub fn default_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (kpi::week_start(today) - Duration::weeks(11), today)
}

/// The dashboard for one tenant and filter set, from the rollups.
pub async fn report(
    pool: &Pool,
    tenant: TenantId,
    filter: &KpiFilter,
    account_ref: Option<String>,
) -> store::Result<KpiReport> {
    // Each split covers everything the filter matches: the trend comes
    // from the first split by week, each scorecard and the exception
    // totals from the first split that has their columns.
    let splits = filter.splits();
    let mut by_week: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let mut cards: [BTreeMap<String, Tally>; 3] = Default::default();
    let mut card_exceptions: [BTreeMap<String, BTreeMap<ExceptionKind, ExceptionTally>>; 3] = Default::default();
    let mut exception_totals: BTreeMap<ExceptionKind, ExceptionTally> = BTreeMap::new();
    let first_with = |dim: Dim| splits.iter().position(|s| s.dims.contains(&dim));
    let week_split = splits.iter().position(|s| s.week);
    for (i, &split) in splits.iter().enumerate() {
        for (key, tally) in rollups::weekly(pool, tenant, filter, split).await? {
            if week_split == Some(i) {
                by_week.entry(key.week.unwrap_or_default()).or_default().add(&tally, 1);
            }
            for (card, dim) in cards.iter_mut().zip(SCORECARD_DIMS) {
                if let Some(value) = key.get(dim).filter(|_| first_with(dim) == Some(i)) {
                    card.entry(value.clone()).or_default().add(&tally, 1);
                }
            }
        }
        for (key, kind, tally) in rollups::exceptions(pool, tenant, filter, split).await? {
            if i == 0 {
                exception_totals.entry(kind).or_default().add(&tally, 1);
            }
            for (card, dim) in card_exceptions.iter_mut().zip(SCORECARD_DIMS) {
                if let Some(value) = key.get(dim).filter(|_| first_with(dim) == Some(i)) {
                    card.entry(value.clone()).or_default().entry(kind).or_default().add(&tally, 1);
                }
            }
        }
    }

    let mut total = Tally::default();
    for tally in by_week.values() {
        total.add(tally, 1);
    }
    let points = kpi::weeks_between(filter.from, filter.to)
        .into_iter()
        .map(|week| WeekPoint::from_tally(week, by_week.get(&week).unwrap_or(&Tally::default())))
        .collect();
    let none = BTreeMap::new();
    let [carriers, lanes, ship_from] = [0, 1, 2].map(|d| {
        let mut rows: Vec<ScorecardRow> = std::mem::take(&mut cards[d])
            .into_iter()
            .map(|(name, t)| {
                let e = card_exceptions[d].get(&name).unwrap_or(&none);
                ScorecardRow::build(name, &t, e)
            })
            .collect();
        rows.sort_by(|a, b| b.orders.cmp(&a.orders).then_with(|| a.name.cmp(&b.name)));
        rows
    });

    let orders = total.get(kpi::Scalar::Orders);
    let exceptions = exception_totals
        .into_iter()
        .filter(|(_, t)| t.opened > 0 || t.resolved > 0)
        .map(|(kind, t)| ExceptionRow {
            kind: kind.code().to_string(),
            label: kind.presentation().label.to_string(),
            opened: t.opened,
            per_1000_orders: kpi::per_thousand(t.opened, orders),
            resolved: t.resolved,
            time_to_resolve_hours: Spread::of(&t.time_to_resolve, &kpi::HOUR_BOUNDS, 0.9),
        })
        .collect();
    let event_quality = rollups::event_quality(pool, tenant, filter)
        .await?
        .into_iter()
        .map(|(source, t)| SourceQualityRow::build(source, &t))
        .collect();
    let notifications = rollups::notifications(pool, tenant, filter)
        .await?
        .into_iter()
        .map(|(channel, queued, sent, failed, cancelled)| ChannelRow {
            channel,
            queued,
            sent,
            failed,
            cancelled,
            failure_rate: Rate::of(failed, sent + failed),
        })
        .collect();
    Ok(KpiReport {
        from: kpi::week_start(filter.from),
        to: filter.to,
        filters: AppliedFilters {
            carrier: filter.carrier.clone(),
            lane: filter.lane.clone(),
            ship_from: filter.ship_from.clone(),
            account: account_ref,
        },
        summary: Headline::from_tally(&total),
        weekly: points,
        carriers,
        lanes,
        ship_from,
        exceptions,
        event_quality,
        notifications,
        rolled_up_to_event: rollups::rolled_up_to(pool).await?,
    })
}

/// A filter as typed (query string or form): every field text, checked
/// here so the API and the page refuse the same things the same way.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct FilterInput {
    pub from: Option<String>,
    pub to: Option<String>,
    pub carrier: Option<String>,
    pub lane: Option<String>,
    pub ship_from: Option<String>,
    pub account: Option<String>,
}

/// What was wrong with a filter: the field and a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadFilter {
    pub field: &'static str,
    pub message: String,
}

/// The longest range one request may ask for (two years of weeks).
pub const MAX_DAYS: i64 = 731;

impl FilterInput {
    /// Reads the filter; the account is given by its external reference
    /// and must exist in the tenant.
    pub async fn parse(&self, pool: &Pool, tenant: TenantId, today: NaiveDate) -> Result<KpiFilter, FilterError> {
        let date = |field: &'static str, value: &Option<String>| -> Result<Option<NaiveDate>, BadFilter> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                // Years outside 1970-9999 are refused: week arithmetic near
                // chrono's limits would overflow, and no order is dated there.
                Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()
                    .filter(|d| (1970..=9999).contains(&chrono::Datelike::year(d)))
                    .map(Some)
                    .ok_or_else(|| BadFilter {
                        field,
                        message: format!("must be a date as YYYY-MM-DD (got `{text}`)"),
                    }),
            }
        };
        let (default_from, default_to) = default_range(today);
        let from = date("from", &self.from)?.unwrap_or(default_from);
        let to = date("to", &self.to)?.unwrap_or(default_to);
        if to < from {
            return Err(BadFilter { field: "to", message: "must not be before `from`".into() }.into());
        }
        if (to - from).num_days() > MAX_DAYS {
            return Err(
                BadFilter { field: "to", message: format!("must be at most {MAX_DAYS} days after `from`") }.into()
            );
        }
        let text = |field: &'static str, value: &Option<String>| -> Result<Option<String>, BadFilter> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) if v.chars().count() > 200 || v.chars().any(char::is_control) => {
                    Err(BadFilter { field, message: "must be at most 200 characters of text".into() })
                }
                Some(v) => Ok(Some(v.to_string())),
            }
        };
        let account = match text("account", &self.account)? {
            None => None,
            Some(reference) => match store::account_by_ref(pool, tenant, &reference).await? {
                Some(id) => Some(id.0),
                None => {
                    return Err(BadFilter {
                        field: "account",
                        message: format!("no account `{reference}` in this tenant"),
                    }
                    .into())
                }
            },
        };
        Ok(KpiFilter {
            from,
            to,
            carrier: text("carrier", &self.carrier)?,
            lane: text("lane", &self.lane)?,
            ship_from: text("ship_from", &self.ship_from)?,
            account,
        })
    }

    /// The account reference as given, for the report.
    pub fn account_ref(&self) -> Option<String> {
        self.account.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(str::to_string)
    }
}

#[derive(Debug)]
pub enum FilterError {
    Bad(BadFilter),
    Store(store::StoreError),
}

impl From<BadFilter> for FilterError {
    fn from(bad: BadFilter) -> Self {
        FilterError::Bad(bad)
    }
}

impl From<store::StoreError> for FilterError {
    fn from(e: store::StoreError) -> Self {
        FilterError::Store(e)
    }
}

/// The tables the CSV export offers, by the name in its URL.
pub const TABLES: [&str; 8] =
    ["weekly", "carriers", "lanes", "ship_from", "exceptions", "event_quality", "notifications", "summary"];

fn number(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.4}")).unwrap_or_default()
}

fn rate(r: &Rate) -> String {
    number(r.rate)
}

/// One table of the report as CSV (RFC 4180, through the `csv` crate).
pub fn csv_table(report: &KpiReport, table: &str) -> Option<String> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let spread = |s: &Spread| [s.count.to_string(), number(s.p50), number(s.high)];
    match table {
        "summary" => {
            let h = &report.summary;
            rows.push(["metric", "value", "numerator", "denominator"].map(String::from).to_vec());
            let mut add = |name: &str, value: String, n: String, d: String| rows.push(vec![name.into(), value, n, d]);
            add("orders", h.orders.to_string(), String::new(), String::new());
            add("delivered", h.delivered.to_string(), String::new(), String::new());
            add("on_time_rate", rate(&h.on_time), h.on_time.numerator.to_string(), h.on_time.denominator.to_string());
            add(
                "promise_accuracy",
                rate(&h.promise_accuracy),
                h.promise_accuracy.numerator.to_string(),
                h.promise_accuracy.denominator.to_string(),
            );
            add(
                "first_attempt_rate",
                rate(&h.first_attempt),
                h.first_attempt.numerator.to_string(),
                h.first_attempt.denominator.to_string(),
            );
            for (name, s) in [
                ("click_to_door_hours", &h.click_to_door_hours),
                ("handling_hours", &h.handling_hours),
                ("transit_hours", &h.transit_hours),
            ] {
                add(&format!("{name}_p50"), number(s.p50), String::new(), s.count.to_string());
                add(&format!("{name}_p90"), number(s.high), String::new(), s.count.to_string());
            }
            add(
                "exceptions_per_1000_orders",
                number(h.exceptions_per_1000_orders),
                h.exceptions.to_string(),
                h.orders.to_string(),
            );
            add(
                "tracking_views_per_order",
                number(h.tracking_views_per_order),
                h.tracking_views.to_string(),
                h.orders.to_string(),
            );
            add(
                "cs_searches_per_order",
                number(h.cs_searches_per_order),
                h.cs_searches.to_string(),
                h.orders.to_string(),
            );
            add("notes_per_order", number(h.notes_per_order), h.notes.to_string(), h.orders.to_string());
            add("notification_signups", h.notification_signups.to_string(), String::new(), String::new());
        }
        "weekly" => {
            rows.push(
                [
                    "week",
                    "orders",
                    "delivered",
                    "on_time_rate",
                    "promise_accuracy",
                    "click_to_door_p50_hours",
                    "exceptions_per_1000_orders",
                    "tracking_views_per_order",
                ]
                .map(String::from)
                .to_vec(),
            );
            for w in &report.weekly {
                rows.push(vec![
                    w.week.to_string(),
                    w.orders.to_string(),
                    w.delivered.to_string(),
                    number(w.on_time_rate),
                    number(w.promise_accuracy),
                    number(w.click_to_door_p50_hours),
                    number(w.exceptions_per_1000_orders),
                    number(w.tracking_views_per_order),
                ]);
            }
        }
        "carriers" | "lanes" | "ship_from" => {
            let cards = match table {
                "carriers" => &report.carriers,
                "lanes" => &report.lanes,
                _ => &report.ship_from,
            };
            let name = match table {
                "carriers" => "carrier",
                "lanes" => "lane",
                _ => "ship_from",
            };
            let mut header = vec![
                name,
                "orders",
                "delivered",
                "on_time_rate",
                "first_attempt_rate",
                "transit_count",
                "transit_p50_hours",
                "transit_p90_hours",
                "handling_count",
                "handling_p50_hours",
                "handling_p90_hours",
                "exceptions_per_1000_orders",
            ]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
            header.extend(ExceptionKind::ALL.iter().map(|k| format!("{}_per_1000_orders", k.code())));
            rows.push(header);
            for c in cards {
                let mut row = vec![
                    c.name.clone(),
                    c.orders.to_string(),
                    c.delivered.to_string(),
                    rate(&c.on_time),
                    rate(&c.first_attempt),
                ];
                row.extend(spread(&c.transit_hours));
                row.extend(spread(&c.handling_hours));
                row.push(number(c.exceptions_per_1000_orders));
                row.extend(ExceptionKind::ALL.iter().map(|k| number(c.exception_rates.get(k.code()).copied())));
                rows.push(row);
            }
        }
        "exceptions" => {
            rows.push(
                [
                    "kind",
                    "opened",
                    "per_1000_orders",
                    "resolved",
                    "resolve_count",
                    "resolve_p50_hours",
                    "resolve_p90_hours",
                ]
                .map(String::from)
                .to_vec(),
            );
            for e in &report.exceptions {
                let mut row =
                    vec![e.kind.clone(), e.opened.to_string(), number(e.per_1000_orders), e.resolved.to_string()];
                row.extend(spread(&e.time_to_resolve_hours));
                rows.push(row);
            }
        }
        "event_quality" => {
            rows.push(
                [
                    "source",
                    "events",
                    "unmapped_share",
                    "out_of_order_share",
                    "backdated_share",
                    "latency_p50_seconds",
                    "latency_p95_seconds",
                ]
                .map(String::from)
                .to_vec(),
            );
            for q in &report.event_quality {
                rows.push(vec![
                    q.source.clone(),
                    q.events.to_string(),
                    rate(&q.unmapped),
                    rate(&q.out_of_order),
                    rate(&q.backdated),
                    number(q.latency_seconds.p50),
                    number(q.latency_seconds.high),
                ]);
            }
        }
        "notifications" => {
            rows.push(["channel", "queued", "sent", "failed", "cancelled", "failure_rate"].map(String::from).to_vec());
            for n in &report.notifications {
                rows.push(vec![
                    n.channel.clone(),
                    n.queued.to_string(),
                    n.sent.to_string(),
                    n.failed.to_string(),
                    n.cancelled.to_string(),
                    rate(&n.failure_rate),
                ]);
            }
        }
        _ => return None,
    }
    Some(crate::documents::csv::table(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        let report = KpiReport {
            carriers: vec![
                ScorecardRow { name: "=HYPERLINK(1)".into(), ..Default::default() },
                ScorecardRow { name: "Acme, \"fast\"".into(), ..Default::default() },
            ],
            ..Default::default()
        };
        let csv = csv_table(&report, "carriers").unwrap();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[1].starts_with("'=HYPERLINK(1),0,"), "{}", lines[1]);
        assert!(lines[2].starts_with("\"Acme, \"\"fast\"\"\",0,"), "{}", lines[2]);
    }

    #[test]
    fn every_table_has_a_header_and_unknown_tables_none() {
        let report = KpiReport::default();
        for table in TABLES {
            let csv = csv_table(&report, table).unwrap();
            assert!(csv.ends_with("\r\n"), "{table}");
        }
        assert!(csv_table(&report, "orders").is_none());
    }
}
