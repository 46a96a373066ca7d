//! What the KPI dashboard measures, as pure functions: week bucketing,
//! fixed-bucket duration histograms (so a p50 or p90 over any set of weekly
//! rollup rows is read from their summed buckets), each order's facts as the
//! rollup sees them, what an order contributes to the weekly rows, and the
//! report built from the summed rows. No I/O: the store sums, this reads.

use super::milestone::{Canonical, ExceptionKind, Milestone};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

// ---------------------------------------------------------------- weeks

/// The Monday that starts the (UTC, ISO) week holding `date`.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// The week an instant falls in (UTC).
pub fn week_of(at: DateTime<Utc>) -> NaiveDate {
    week_start(at.date_naive())
}

/// Every week start from the week of `from` to the week of `to`.
pub fn weeks_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut weeks = Vec::new();
    let mut week = week_start(from);
    while week <= to {
        weeks.push(week);
        week += Duration::days(7);
    }
    weeks
}

// ----------------------------------------------------------- histograms

/// Buckets per histogram: 15 bounds and everything above the last.
pub const BUCKETS: usize = 16;

/// Upper bounds (hours) of the order-level duration buckets: click-to-door,
/// handling, transit and time to resolve an exception.
pub const HOUR_BOUNDS: [f64; BUCKETS - 1] =
    [2.0, 4.0, 8.0, 12.0, 24.0, 36.0, 48.0, 72.0, 96.0, 120.0, 168.0, 240.0, 336.0, 504.0, 720.0];

/// Upper bounds (seconds) of the event latency buckets (occurred → received).
pub const LATENCY_BOUNDS_SECONDS: [f64; BUCKETS - 1] =
    [1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 10800.0, 21600.0, 43200.0, 86400.0, 172800.0];

/// Counts of values per fixed bucket. Histograms with the same bounds add.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histogram(pub [i64; BUCKETS]);

impl Histogram {
    /// The bucket a value falls in: the first whose upper bound is at least
    /// the value (negative values count as zero).
    pub fn bucket(bounds: &[f64; BUCKETS - 1], value: f64) -> usize {
        bounds.iter().position(|&upper| value <= upper).unwrap_or(BUCKETS - 1)
    }

    pub fn record(&mut self, bounds: &[f64; BUCKETS - 1], value: f64) {
        self.0[Self::bucket(bounds, value)] += 1;
    }

    pub fn total(&self) -> i64 {
        self.0.iter().sum()
    }

    pub fn add(&mut self, other: &Histogram) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    /// The `q` quantile (0..=1), interpolated linearly inside its bucket.
    /// In the open top bucket the answer is its lower bound: "at least".
    /// `None` when there is nothing to read.
    pub fn quantile(&self, bounds: &[f64; BUCKETS - 1], q: f64) -> Option<f64> {
        let total = self.total();
        if total <= 0 {
            return None;
        }
        let rank = q.clamp(0.0, 1.0) * total as f64;
        let mut below = 0i64;
        for (i, &count) in self.0.iter().enumerate() {
            if count <= 0 {
                continue;
            }
            if (below + count) as f64 >= rank {
                let lower = if i == 0 { 0.0 } else { bounds[i - 1] };
                let Some(&upper) = bounds.get(i) else { return Some(lower) };
                let within = ((rank - below as f64) / count as f64).clamp(0.0, 1.0);
                return Some(lower + (upper - lower) * within);
            }
            below += count;
        }
        Some(bounds[BUCKETS - 2])
    }
}

// ----------------------------------------------------------- dimensions

/// A dimension value meaning "every value" in a rolled-up grain.
pub const ALL: &str = "*";
/// `account_id` of rows rolled up over every account (no account is 0).
pub const ALL_ACCOUNTS: i64 = -1;

/// What the dashboard slices by. Empty strings are unknown (not shipped
/// yet, no warehouse location recorded); account 0 is "no account".
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dims {
    pub carrier: String,
    /// "origin region → destination region".
    pub lane: String,
    pub ship_from: String,
    pub account: i64,
}

/// Which dimensions a set of rollup rows is split by: none, one, a pair, or
/// all four. The dashboard's common question, one filter and a scorecard by
/// another dimension, reads a pair grain (a few hundred rows a week) rather
/// than every combination of all four (thousands).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    Total = 0,
    Carrier = 1,
    Lane = 2,
    ShipFrom = 3,
    Account = 4,
    Full = 5,
    CarrierLane = 6,
    CarrierShipFrom = 7,
    CarrierAccount = 8,
    LaneShipFrom = 9,
    LaneAccount = 10,
    ShipFromAccount = 11,
}

impl Grain {
    pub const ALL: [Grain; 12] = [
        Grain::Total,
        Grain::Carrier,
        Grain::Lane,
        Grain::ShipFrom,
        Grain::Account,
        Grain::Full,
        Grain::CarrierLane,
        Grain::CarrierShipFrom,
        Grain::CarrierAccount,
        Grain::LaneShipFrom,
        Grain::LaneAccount,
        Grain::ShipFromAccount,
    ];

    pub fn code(self) -> i32 {
        self as i32
    }

    /// The row key of `dims` at this grain.
    pub fn key(self, dims: &Dims) -> Dims {
        let all = || ALL.to_string();
        let keep = |d: Dim, value: &String| if self.splits(d) { value.clone() } else { all() };
        Dims {
            carrier: keep(Dim::Carrier, &dims.carrier),
            lane: keep(Dim::Lane, &dims.lane),
            ship_from: keep(Dim::ShipFrom, &dims.ship_from),
            account: if self.splits(Dim::Account) { dims.account } else { ALL_ACCOUNTS },
        }
    }

    pub fn splits(self, dim: Dim) -> bool {
        self.dims().contains(&dim)
    }

    /// The dimensions this grain splits by, in `Dim` order.
    pub fn dims(self) -> &'static [Dim] {
        use Dim::*;
        match self {
            Grain::Total => &[],
            Grain::Carrier => &[Carrier],
            Grain::Lane => &[Lane],
            Grain::ShipFrom => &[ShipFrom],
            Grain::Account => &[Account],
            Grain::Full => &[Carrier, Lane, ShipFrom, Account],
            Grain::CarrierLane => &[Carrier, Lane],
            Grain::CarrierShipFrom => &[Carrier, ShipFrom],
            Grain::CarrierAccount => &[Carrier, Account],
            Grain::LaneShipFrom => &[Lane, ShipFrom],
            Grain::LaneAccount => &[Lane, Account],
            Grain::ShipFromAccount => &[ShipFrom, Account],
        }
    }

    /// The coarsest grain that can answer a question filtering or grouping
    /// by `dims`: none, one or two dimensions have their own grain, three or
    /// four need `Full`.
    pub fn for_dims(dims: &[Dim]) -> Grain {
        let mut distinct: Vec<Dim> = dims.to_vec();
        distinct.sort();
        distinct.dedup();
        Grain::ALL.into_iter().find(|g| g.dims() == distinct.as_slice()).unwrap_or(Grain::Full)
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    Carrier,
    Lane,
    ShipFrom,
    Account,
}

/// The region part of a location such as "Columbus DC, OH, US" ("OH"); a
/// location of one part is its own region.
pub fn region_of(location: &str) -> String {
    let parts: Vec<&str> = location.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.to_uppercase(),
        [_, region, ..] => region.to_uppercase(),
    }
}

pub fn lane(origin_region: &str, destination_region: &str) -> String {
    let unknown = |s: &str| if s.trim().is_empty() { "?".to_string() } else { s.trim().to_uppercase() };
    format!("{} → {}", unknown(origin_region), unknown(destination_region))
}

// ---------------------------------------------------------- order facts

/// An event as the rollup reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct KpiEvent {
    pub id: i64,
    pub shipment: Option<i64>,
    pub source: String,
    pub canonical: Canonical,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    /// The date it happened in the ship-to's calendar (on-time is judged there).
    pub local_date: NaiveDate,
    pub location: Option<String>,
}

/// An order as the rollup reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderInput {
    pub placed_at: DateTime<Utc>,
    pub promised_date: Option<NaiveDate>,
    /// The predicted window as it stood at hand-over, when one was recorded.
    pub window: Option<(NaiveDate, NaiveDate)>,
    pub account: Option<i64>,
    /// The carrier of the order's first shipment.
    pub carrier: Option<String>,
    /// ship_to region, or the country when there is none.
    pub destination_region: String,
    /// The order's derived status says delivered (every shipment is).
    pub delivered: bool,
    pub events: Vec<KpiEvent>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub week: NaiveDate,
    pub click_to_door_hours: f64,
    pub transit_hours: Option<f64>,
    /// `None` without a promised date.
    pub on_time: Option<bool>,
    /// `None` without a recorded window.
    pub in_window: Option<bool>,
    /// Delivered with no failed attempt first.
    pub first_attempt: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExceptionFact {
    pub kind: ExceptionKind,
    pub week: NaiveDate,
    /// When it was resolved (week) and how long it took (hours).
    pub resolved: Option<(NaiveDate, f64)>,
}

/// Everything an order contributes to the rollups, kept between runs so its
/// old contribution can be taken out when it changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderFacts {
    pub dims: Dims,
    pub placed_week: NaiveDate,
    pub cancelled: bool,
    /// Week handed to the carrier and the handling time in hours.
    pub handed_over: Option<(NaiveDate, f64)>,
    pub delivered: Option<Delivery>,
    pub exceptions: Vec<ExceptionFact>,
    /// The week of each customer-service note.
    pub notes: Vec<NaiveDate>,
}

fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    ((to - from).num_seconds() as f64 / 3600.0).max(0.0)
}

const WAREHOUSE: [Milestone; 3] = [Milestone::ReleasedToWarehouse, Milestone::Picked, Milestone::Packed];

/// Where the order ships from: the location its warehouse scans give, or
/// failing that the carrier's hand-over scan.
pub fn ship_from(events: &[KpiEvent]) -> String {
    let located = |wanted: &dyn Fn(Milestone) -> bool| {
        events
            .iter()
            .filter(|e| matches!(e.canonical, Canonical::Milestone(m) if wanted(m)))
            .filter_map(|e| e.location.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(|l| (e.occurred_at, l)))
            .min()
            .map(|(_, l)| l.to_string())
    };
    located(&|m| WAREHOUSE.contains(&m)).or_else(|| located(&|m| m == Milestone::Shipped)).unwrap_or_default()
}

/// The order's facts from its events. Status rules follow `domain::status`:
/// an exception is over when that problem is resolved or any later
/// milestone happens in its scope (for an order-level one, anywhere).
pub fn order_facts(order: &OrderInput) -> OrderFacts {
    let events = &order.events;
    let origin = ship_from(events);
    let dims = Dims {
        carrier: order.carrier.clone().unwrap_or_default(),
        lane: lane(&region_of(&origin), &order.destination_region),
        ship_from: origin,
        account: order.account.unwrap_or(0),
    };
    let first = |wanted: &dyn Fn(Canonical) -> bool| {
        events.iter().filter(|e| wanted(e.canonical)).min_by_key(|e| (e.occurred_at, e.id))
    };
    let milestone = |m: Milestone| move |c: Canonical| c == Canonical::Milestone(m);
    let handed_over_at = first(&milestone(Milestone::Shipped))
        .or_else(|| first(&|c| matches!(c, Canonical::Milestone(m) if m > Milestone::Shipped)))
        .map(|e| e.occurred_at);
    let started_at = first(&|c| {
        c == Canonical::Milestone(Milestone::Confirmed) || c == Canonical::Milestone(Milestone::ReleasedToWarehouse)
    })
    .map_or(order.placed_at, |e| e.occurred_at);
    let handed_over = handed_over_at.map(|at| (week_of(at), hours(started_at.min(at), at)));

    let delivered = order
        .delivered
        .then(|| {
            events
                .iter()
                .filter(|e| e.canonical == Canonical::Milestone(Milestone::Delivered))
                .max_by_key(|e| (e.occurred_at, e.id))
        })
        .flatten()
        .map(|last| {
            let failed_first = events.iter().any(|e| {
                e.canonical == Canonical::Exception(ExceptionKind::FailedAttempt) && e.occurred_at <= last.occurred_at
            });
            Delivery {
                week: week_of(last.occurred_at),
                click_to_door_hours: hours(order.placed_at, last.occurred_at),
                transit_hours: handed_over_at.map(|at| hours(at, last.occurred_at)),
                on_time: order.promised_date.map(|p| last.local_date <= p),
                in_window: order
                    .window
                    .map(|(earliest, latest)| earliest <= last.local_date && last.local_date <= latest),
                first_attempt: !failed_first,
            }
        });

    OrderFacts {
        dims,
        placed_week: week_of(order.placed_at),
        cancelled: events.iter().any(|e| e.canonical == Canonical::Exception(ExceptionKind::Cancelled)),
        handed_over,
        delivered,
        exceptions: exception_episodes(events),
        notes: events.iter().filter(|e| e.canonical == Canonical::Note).map(|e| week_of(e.occurred_at)).collect(),
    }
}

/// Each run of an exception in a scope, from its first report until it is
/// resolved (a repeated report of an open exception is the same one).
/// Cancellation is counted on its own, not as an exception.
fn exception_episodes(events: &[KpiEvent]) -> Vec<ExceptionFact> {
    let mut ordered: Vec<&KpiEvent> = events.iter().collect();
    ordered.sort_by_key(|e| (e.occurred_at, e.id));
    let mut episodes = Vec::new();
    // (scope, kind) -> index of the open episode and when it opened.
    let mut open: BTreeMap<(Option<i64>, ExceptionKind), (usize, DateTime<Utc>)> = BTreeMap::new();
    for e in ordered {
        match e.canonical {
            Canonical::Exception(kind) if kind != ExceptionKind::Cancelled => {
                open.entry((e.shipment, kind)).or_insert_with(|| {
                    episodes.push(ExceptionFact { kind, week: week_of(e.occurred_at), resolved: None });
                    (episodes.len() - 1, e.occurred_at)
                });
            }
            Canonical::Resolved(kind) => {
                if let Some((i, opened)) = open.remove(&(e.shipment, kind)) {
                    episodes[i].resolved = Some((week_of(e.occurred_at), hours(opened, e.occurred_at)));
                }
            }
            Canonical::Milestone(_) => {
                // A later milestone ends the scope's open exceptions (an
                // order-level one ends at a milestone anywhere); terminal
                // exceptions never end.
                let closing: Vec<_> = open
                    .iter()
                    .filter(|((scope, kind), (_, opened))| {
                        !kind.presentation().terminal
                            && e.occurred_at > *opened
                            && (scope.is_none() || *scope == e.shipment)
                    })
                    .map(|(key, _)| *key)
                    .collect();
                for key in closing {
                    if let Some((i, opened)) = open.remove(&key) {
                        episodes[i].resolved = Some((week_of(e.occurred_at), hours(opened, e.occurred_at)));
                    }
                }
            }
            _ => {}
        }
    }
    episodes
}

// -------------------------------------------------------- contributions

/// The counters of one weekly row, in the column order of `kpi_weekly`.
pub const SCALARS: [&str; 14] = [
    "orders",
    "cancelled",
    "handed_over",
    "delivered",
    "with_promise",
    "on_time",
    "window_recorded",
    "in_window",
    "first_attempt",
    "exceptions",
    "notes",
    "page_views",
    "cs_searches",
    "signups",
];

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    Orders = 0,
    Cancelled,
    HandedOver,
    Delivered,
    WithPromise,
    OnTime,
    WindowRecorded,
    InWindow,
    FirstAttempt,
    Exceptions,
    Notes,
    PageViews,
    CsSearches,
    Signups,
}

/// One weekly row's counters and histograms.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub scalars: [i64; SCALARS.len()],
    pub click_to_door: Histogram,
    pub handling: Histogram,
    pub transit: Histogram,
}

impl Tally {
    pub fn get(&self, s: Scalar) -> i64 {
        self.scalars[s as usize]
    }

    pub fn bump(&mut self, s: Scalar, by: i64) {
        self.scalars[s as usize] += by;
    }

    pub fn add(&mut self, other: &Tally, sign: i64) {
        for (a, b) in self.scalars.iter_mut().zip(other.scalars) {
            *a += sign * b;
        }
        for (a, b) in [
            (&mut self.click_to_door, &other.click_to_door),
            (&mut self.handling, &other.handling),
            (&mut self.transit, &other.transit),
        ] {
            for (x, y) in a.0.iter_mut().zip(b.0) {
                *x += sign * y;
            }
        }
    }

    pub fn is_zero(&self) -> bool {
        *self == Tally::default()
    }

    /// Column values in `kpi_weekly` order: scalars, then c2d, hnd, trn buckets.
    pub fn columns(&self) -> Vec<i64> {
        let mut values = self.scalars.to_vec();
        values.extend(self.click_to_door.0);
        values.extend(self.handling.0);
        values.extend(self.transit.0);
        values
    }

    pub fn from_columns(values: &[i64]) -> Tally {
        let mut tally = Tally::default();
        let n = SCALARS.len();
        tally.scalars.copy_from_slice(&values[..n]);
        tally.click_to_door.0.copy_from_slice(&values[n..n + BUCKETS]);
        tally.handling.0.copy_from_slice(&values[n + BUCKETS..n + 2 * BUCKETS]);
        tally.transit.0.copy_from_slice(&values[n + 2 * BUCKETS..n + 3 * BUCKETS]);
        tally
    }
}

/// The names of `kpi_weekly`'s counter columns, in `Tally::columns` order.
pub fn weekly_columns() -> Vec<String> {
    let mut names: Vec<String> = SCALARS.iter().map(|s| s.to_string()).collect();
    for prefix in ["c2d", "hnd", "trn"] {
        names.extend((0..BUCKETS).map(|i| format!("{prefix}_{i}")));
    }
    names
}

/// An exception row's counters.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionTally {
    pub opened: i64,
    pub resolved: i64,
    pub time_to_resolve: Histogram,
}

impl ExceptionTally {
    pub fn add(&mut self, other: &ExceptionTally, sign: i64) {
        self.opened += sign * other.opened;
        self.resolved += sign * other.resolved;
        for (x, y) in self.time_to_resolve.0.iter_mut().zip(other.time_to_resolve.0) {
            *x += sign * y;
        }
    }

    pub fn columns(&self) -> Vec<i64> {
        let mut values = vec![self.opened, self.resolved];
        values.extend(self.time_to_resolve.0);
        values
    }

    pub fn from_columns(values: &[i64]) -> ExceptionTally {
        let mut tally = ExceptionTally { opened: values[0], resolved: values[1], ..Default::default() };
        tally.time_to_resolve.0.copy_from_slice(&values[2..2 + BUCKETS]);
        tally
    }
}

pub fn exception_columns() -> Vec<String> {
    let mut names = vec!["opened".to_string(), "resolved".to_string()];
    names.extend((0..BUCKETS).map(|i| format!("ttr_{i}")));
    names
}

/// What an order adds to the weekly rows, before it is spread over the
/// grains: each counter in the week its moment happened.
pub fn contributions(facts: &OrderFacts) -> BTreeMap<NaiveDate, Tally> {
    let mut weeks: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let placed = weeks.entry(facts.placed_week).or_default();
    placed.bump(Scalar::Orders, 1);
    if facts.cancelled {
        placed.bump(Scalar::Cancelled, 1);
    }
    if let Some((week, handling)) = facts.handed_over {
        let row = weeks.entry(week).or_default();
        row.bump(Scalar::HandedOver, 1);
        row.handling.record(&HOUR_BOUNDS, handling);
    }
    if let Some(d) = &facts.delivered {
        let row = weeks.entry(d.week).or_default();
        row.bump(Scalar::Delivered, 1);
        row.click_to_door.record(&HOUR_BOUNDS, d.click_to_door_hours);
        if let Some(transit) = d.transit_hours {
            row.transit.record(&HOUR_BOUNDS, transit);
        }
        if let Some(on_time) = d.on_time {
            row.bump(Scalar::WithPromise, 1);
            row.bump(Scalar::OnTime, i64::from(on_time));
        }
        if let Some(inside) = d.in_window {
            row.bump(Scalar::WindowRecorded, 1);
            row.bump(Scalar::InWindow, i64::from(inside));
        }
        row.bump(Scalar::FirstAttempt, i64::from(d.first_attempt));
    }
    for e in &facts.exceptions {
        weeks.entry(e.week).or_default().bump(Scalar::Exceptions, 1);
    }
    for week in &facts.notes {
        weeks.entry(*week).or_default().bump(Scalar::Notes, 1);
    }
    weeks
}

pub fn exception_contributions(facts: &OrderFacts) -> BTreeMap<(NaiveDate, ExceptionKind), ExceptionTally> {
    let mut rows: BTreeMap<(NaiveDate, ExceptionKind), ExceptionTally> = BTreeMap::new();
    for e in &facts.exceptions {
        rows.entry((e.week, e.kind)).or_default().opened += 1;
        if let Some((week, hours)) = e.resolved {
            let row = rows.entry((week, e.kind)).or_default();
            row.resolved += 1;
            row.time_to_resolve.record(&HOUR_BOUNDS, hours);
        }
    }
    rows
}

/// Weekly rows keyed by grain, week and dimensions.
pub type WeeklyDelta = BTreeMap<(Grain, NaiveDate, Dims), Tally>;
pub type ExceptionDelta = BTreeMap<(Grain, NaiveDate, Dims, ExceptionKind), ExceptionTally>;

/// Adds (`sign` 1) or takes out (-1) an order's contribution at every grain.
pub fn spread(facts: &OrderFacts, sign: i64, weekly: &mut WeeklyDelta, exceptions: &mut ExceptionDelta) {
    for (week, tally) in contributions(facts) {
        for grain in Grain::ALL {
            weekly.entry((grain, week, grain.key(&facts.dims))).or_default().add(&tally, sign);
        }
    }
    for ((week, kind), tally) in exception_contributions(facts) {
        for grain in Grain::ALL {
            exceptions.entry((grain, week, grain.key(&facts.dims), kind)).or_default().add(&tally, sign);
        }
    }
}

// ------------------------------------------------------- event quality

/// A received event counts as backdated when it arrives this late.
pub const BACKDATED_AFTER_HOURS: i64 = 24;

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityTally {
    pub events: i64,
    pub unmapped: i64,
    pub out_of_order: i64,
    pub backdated: i64,
    pub latency: Histogram,
}

impl QualityTally {
    pub fn add(&mut self, other: &QualityTally) {
        self.events += other.events;
        self.unmapped += other.unmapped;
        self.out_of_order += other.out_of_order;
        self.backdated += other.backdated;
        self.latency.add(&other.latency);
    }

    pub fn columns(&self) -> Vec<i64> {
        let mut values = vec![self.events, self.unmapped, self.out_of_order, self.backdated];
        values.extend(self.latency.0);
        values
    }

    pub fn from_columns(values: &[i64]) -> QualityTally {
        let mut tally = QualityTally {
            events: values[0],
            unmapped: values[1],
            out_of_order: values[2],
            backdated: values[3],
            ..Default::default()
        };
        tally.latency.0.copy_from_slice(&values[4..4 + BUCKETS]);
        tally
    }
}

pub fn quality_columns() -> Vec<String> {
    let mut names: Vec<String> = ["events", "unmapped", "out_of_order", "backdated"].map(String::from).to_vec();
    names.extend((0..BUCKETS).map(|i| format!("lat_{i}")));
    names
}

/// How one new event reads: `earlier` are the events of its order recorded
/// before it. Out of order: something already recorded in the same scope
/// happened after it.
pub fn event_quality(event: &KpiEvent, earlier: &[&KpiEvent]) -> QualityTally {
    let latency = (event.recorded_at - event.occurred_at).num_milliseconds() as f64 / 1000.0;
    let mut tally = QualityTally {
        events: 1,
        unmapped: i64::from(event.canonical == Canonical::Unmapped),
        out_of_order: i64::from(
            earlier
                .iter()
                .any(|e| e.id < event.id && e.shipment == event.shipment && e.occurred_at > event.occurred_at),
        ),
        backdated: i64::from(event.recorded_at - event.occurred_at > Duration::hours(BACKDATED_AFTER_HOURS)),
        ..Default::default()
    };
    tally.latency.record(&LATENCY_BOUNDS_SECONDS, latency.max(0.0));
    tally
}

// ---------------------------------------------------------------- report

/// What the dashboard is asked: a date range of weeks and optional filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub carrier: Option<String>,
    pub lane: Option<String>,
    pub ship_from: Option<String>,
    /// Account id (the API takes the account's external reference).
    pub account: Option<i64>,
}

impl KpiFilter {
    pub fn filtered_dims(&self) -> Vec<Dim> {
        let mut dims = Vec::new();
        if self.carrier.is_some() {
            dims.push(Dim::Carrier);
        }
        if self.lane.is_some() {
            dims.push(Dim::Lane);
        }
        if self.ship_from.is_some() {
            dims.push(Dim::ShipFrom);
        }
        if self.account.is_some() {
            dims.push(Dim::Account);
        }
        dims
    }

    /// The grain to read for rows grouped by `group` (or not grouped).
    /// The grain a read split by `split` needs under this filter.
    pub fn grain(&self, split: &[Dim]) -> Grain {
        let mut dims = self.filtered_dims();
        dims.extend_from_slice(split);
        Grain::for_dims(&dims)
    }

    /// The reads a report makes. With no filter or one, each question has a
    /// small grain of its own: the weekly trend the filter's, each scorecard
    /// a pair grain. With two or more, every scorecard would need the full
    /// grain, four reads of it, while the full-grain rows matching two
    /// dimensions are few (a year of one carrier and one account at a
    /// million orders: about two thousand): one read split by everything
    /// answers all of them.
    pub fn splits(&self) -> Vec<Split> {
        if self.filtered_dims().len() >= 2 {
            vec![Split { week: true, dims: &SCORECARD_DIMS }]
        } else {
            let by = |dims: &'static [Dim]| Split { week: false, dims };
            vec![Split { week: true, dims: &[] }, by(&[Dim::Carrier]), by(&[Dim::Lane]), by(&[Dim::ShipFrom])]
        }
    }
}

/// The dimensions the dashboard has a scorecard for.
pub const SCORECARD_DIMS: [Dim; 3] = [Dim::Carrier, Dim::Lane, Dim::ShipFrom];

/// One read of the rollups: split by week (or not) and by some dimensions,
/// summed over everything else the filter matches. Every split covers all
/// of the filter, so a total can be taken from any split that has its
/// columns.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub week: bool,
    pub dims: &'static [Dim],
}

/// A row's key under a split: the week and dimension values it was split
/// by, `None` for what was summed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SplitKey {
    pub week: Option<NaiveDate>,
    pub carrier: Option<String>,
    pub lane: Option<String>,
    pub ship_from: Option<String>,
}

impl SplitKey {
    pub fn get(&self, dim: Dim) -> Option<&String> {
        match dim {
            Dim::Carrier => self.carrier.as_ref(),
            Dim::Lane => self.lane.as_ref(),
            Dim::ShipFrom => self.ship_from.as_ref(),
            Dim::Account => None,
        }
    }

    /// Keeps `value` as the key's `dim` (a split never keys by account).
    pub fn set(&mut self, dim: Dim, value: String) {
        match dim {
            Dim::Carrier => self.carrier = Some(value),
            Dim::Lane => self.lane = Some(value),
            Dim::ShipFrom => self.ship_from = Some(value),
            Dim::Account => {}
        }
    }
}

/// A rate with what it was computed from; `rate` is `None` when there is
/// not enough data (nothing to divide by).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rate {
    pub numerator: i64,
    pub denominator: i64,
    pub rate: Option<f64>,
}

impl Rate {
    pub fn of(numerator: i64, denominator: i64) -> Rate {
        Rate { numerator, denominator, rate: (denominator > 0).then(|| numerator as f64 / denominator as f64) }
    }
}

/// p50 and p90 (or p95) read from a histogram, with how many values it holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Spread {
    pub count: i64,
    pub p50: Option<f64>,
    /// p90 for durations, p95 for event latency.
    pub high: Option<f64>,
}

impl Spread {
    pub fn of(histogram: &Histogram, bounds: &[f64; BUCKETS - 1], high: f64) -> Spread {
        Spread {
            count: histogram.total(),
            p50: histogram.quantile(bounds, 0.5),
            high: histogram.quantile(bounds, high),
        }
    }
}

/// Per 1,000 orders.
pub fn per_thousand(count: i64, orders: i64) -> Option<f64> {
    (orders > 0).then(|| count as f64 * 1000.0 / orders as f64)
}

/// Headline figures over a set of weekly rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Headline {
    pub orders: i64,
    pub cancelled: i64,
    pub delivered: i64,
    /// Delivered by the promised date, of deliveries that had one.
    pub on_time: Rate,
    /// Delivered inside the window predicted at hand-over, of deliveries
    /// that had one recorded.
    pub promise_accuracy: Rate,
    /// Delivered without a failed attempt first.
    pub first_attempt: Rate,
    /// Placed → delivered, hours.
    pub click_to_door_hours: Spread,
    /// Confirmed (or placed) → handed to the carrier, hours.
    pub handling_hours: Spread,
    /// Handed to the carrier → delivered, hours.
    pub transit_hours: Spread,
    pub exceptions: i64,
    pub exceptions_per_1000_orders: Option<f64>,
    /// WISMO: tracking page views per order placed.
    pub tracking_views_per_order: Option<f64>,
    pub tracking_views: i64,
    pub cs_searches_per_order: Option<f64>,
    pub cs_searches: i64,
    pub notes_per_order: Option<f64>,
    pub notes: i64,
    /// Buyers who signed up for updates on the tracking page.
    pub notification_signups: i64,
}

impl Headline {
    pub fn from_tally(t: &Tally) -> Headline {
        let orders = t.get(Scalar::Orders);
        let per_order = |n: i64| (orders > 0).then(|| n as f64 / orders as f64);
        Headline {
            orders,
            cancelled: t.get(Scalar::Cancelled),
            delivered: t.get(Scalar::Delivered),
            on_time: Rate::of(t.get(Scalar::OnTime), t.get(Scalar::WithPromise)),
            promise_accuracy: Rate::of(t.get(Scalar::InWindow), t.get(Scalar::WindowRecorded)),
            first_attempt: Rate::of(t.get(Scalar::FirstAttempt), t.get(Scalar::Delivered)),
            click_to_door_hours: Spread::of(&t.click_to_door, &HOUR_BOUNDS, 0.9),
            handling_hours: Spread::of(&t.handling, &HOUR_BOUNDS, 0.9),
            transit_hours: Spread::of(&t.transit, &HOUR_BOUNDS, 0.9),
            exceptions: t.get(Scalar::Exceptions),
            exceptions_per_1000_orders: per_thousand(t.get(Scalar::Exceptions), orders),
            tracking_views_per_order: per_order(t.get(Scalar::PageViews)),
            tracking_views: t.get(Scalar::PageViews),
            cs_searches_per_order: per_order(t.get(Scalar::CsSearches)),
            cs_searches: t.get(Scalar::CsSearches),
            notes_per_order: per_order(t.get(Scalar::Notes)),
            notes: t.get(Scalar::Notes),
            notification_signups: t.get(Scalar::Signups),
        }
    }
}

/// One week of the trend charts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WeekPoint {
    pub week: NaiveDate,
    pub orders: i64,
    pub delivered: i64,
    pub on_time_rate: Option<f64>,
    pub promise_accuracy: Option<f64>,
    pub click_to_door_p50_hours: Option<f64>,
    pub exceptions_per_1000_orders: Option<f64>,
    pub tracking_views_per_order: Option<f64>,
}

impl WeekPoint {
    pub fn from_tally(week: NaiveDate, t: &Tally) -> WeekPoint {
        let h = Headline::from_tally(t);
        WeekPoint {
            week,
            orders: h.orders,
            delivered: h.delivered,
            on_time_rate: h.on_time.rate,
            promise_accuracy: h.promise_accuracy.rate,
            click_to_door_p50_hours: h.click_to_door_hours.p50,
            exceptions_per_1000_orders: h.exceptions_per_1000_orders,
            tracking_views_per_order: h.tracking_views_per_order,
        }
    }
}

/// A row of a scorecard (carrier, lane, ship-from).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScorecardRow {
    /// The carrier, lane or ship-from site ("" when not known yet).
    pub name: String,
    pub orders: i64,
    pub delivered: i64,
    pub on_time: Rate,
    pub first_attempt: Rate,
    pub transit_hours: Spread,
    pub handling_hours: Spread,
    pub exceptions_per_1000_orders: Option<f64>,
    /// Exceptions per 1,000 orders by kind (only kinds that happened).
    pub exception_rates: BTreeMap<String, f64>,
}

impl ScorecardRow {
    pub fn build(name: String, t: &Tally, exceptions: &BTreeMap<ExceptionKind, ExceptionTally>) -> ScorecardRow {
        let h = Headline::from_tally(t);
        ScorecardRow {
            name,
            orders: h.orders,
            delivered: h.delivered,
            on_time: h.on_time,
            first_attempt: h.first_attempt,
            transit_hours: h.transit_hours,
            handling_hours: h.handling_hours,
            exceptions_per_1000_orders: h.exceptions_per_1000_orders,
            exception_rates: exceptions
                .iter()
                .filter(|(_, e)| e.opened > 0)
                .filter_map(|(kind, e)| per_thousand(e.opened, h.orders).map(|r| (kind.code().to_string(), r)))
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExceptionRow {
    pub kind: String,
    pub label: String,
    pub opened: i64,
    pub per_1000_orders: Option<f64>,
    pub resolved: i64,
    pub time_to_resolve_hours: Spread,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceQualityRow {
    pub source: String,
    pub events: i64,
    pub unmapped: Rate,
    pub out_of_order: Rate,
    pub backdated: Rate,
    /// Occurred → received, seconds: p50 and p95.
    pub latency_seconds: Spread,
}

impl SourceQualityRow {
    pub fn build(source: String, t: &QualityTally) -> SourceQualityRow {
        SourceQualityRow {
            source,
            events: t.events,
            unmapped: Rate::of(t.unmapped, t.events),
            out_of_order: Rate::of(t.out_of_order, t.events),
            backdated: Rate::of(t.backdated, t.events),
            latency_seconds: Spread::of(&t.latency, &LATENCY_BOUNDS_SECONDS, 0.95),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChannelRow {
    pub channel: String,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
    /// Failed of those that settled (sent or failed).
    pub failure_rate: Rate,
}

/// The whole dashboard for one tenant, date range and filter set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiReport {
    /// First day of the first week and last day asked for.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub filters: AppliedFilters,
    pub summary: Headline,
    pub weekly: Vec<WeekPoint>,
    pub carriers: Vec<ScorecardRow>,
    pub lanes: Vec<ScorecardRow>,
    pub ship_from: Vec<ScorecardRow>,
    pub exceptions: Vec<ExceptionRow>,
    /// Status accuracy and latency per source (date and carrier filters apply).
    pub event_quality: Vec<SourceQualityRow>,
    /// By channel (only the date range applies).
    pub notifications: Vec<ChannelRow>,
    /// The id of the last event the rollups include.
    pub rolled_up_to_event: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AppliedFilters {
    pub carrier: Option<String>,
    pub lane: Option<String>,
    pub ship_from: Option<String>,
    /// The account's external reference.
    pub account: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 4, day, hour, 0, 0).unwrap()
    }

    fn ev(id: i64, canonical: Canonical, when: DateTime<Utc>, shipment: Option<i64>) -> KpiEvent {
        KpiEvent {
            id,
            shipment,
            source: "carrier".into(),
            canonical,
            occurred_at: when,
            recorded_at: when,
            local_date: when.date_naive(),
            location: None,
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        let wed = NaiveDate::from_ymd_opt(2024, 4, 3).unwrap();
        assert_eq!(week_start(wed), NaiveDate::from_ymd_opt(2024, 4, 1).unwrap());
        let mon = NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
        assert_eq!(week_start(mon), mon);
        let sun = NaiveDate::from_ymd_opt(2024, 4, 7).unwrap();
        assert_eq!(week_start(sun), mon);
        assert_eq!(weeks_between(wed, NaiveDate::from_ymd_opt(2024, 4, 15).unwrap()).len(), 3);
    }

    #[test]
    fn quantiles_interpolate_inside_the_bucket() {
        let mut h = Histogram::default();
        // Ten values in (24, 36] hours: the median sits halfway through it.
        for _ in 0..10 {
            h.record(&HOUR_BOUNDS, 30.0);
        }
        assert_eq!(h.quantile(&HOUR_BOUNDS, 0.5), Some(30.0));
        assert_eq!(h.quantile(&HOUR_BOUNDS, 1.0), Some(36.0));
        // Add ten in (0, 2]: the median is the top of the low bucket.
        for _ in 0..10 {
            h.record(&HOUR_BOUNDS, 1.0);
        }
        assert_eq!(h.quantile(&HOUR_BOUNDS, 0.5), Some(2.0));
        assert_eq!(h.quantile(&HOUR_BOUNDS, 0.25), Some(1.0));
        assert_eq!(Histogram::default().quantile(&HOUR_BOUNDS, 0.5), None);
    }

    #[test]
    fn the_open_top_bucket_reads_as_at_least_its_bound() {
        let mut h = Histogram::default();
        h.record(&HOUR_BOUNDS, 10_000.0);
        assert_eq!(h.quantile(&HOUR_BOUNDS, 0.9), Some(720.0));
        assert_eq!(Histogram::bucket(&HOUR_BOUNDS, -5.0), 0);
        assert_eq!(Histogram::bucket(&HOUR_BOUNDS, 2.0), 0);
        assert_eq!(Histogram::bucket(&HOUR_BOUNDS, 2.5), 1);
    }

    #[test]
    fn summed_histograms_read_like_one() {
        let (mut a, mut b, mut all) = (Histogram::default(), Histogram::default(), Histogram::default());
        for (i, v) in [3.0, 5.0, 30.0, 50.0, 100.0, 200.0, 400.0].into_iter().enumerate() {
            if i % 2 == 0 { &mut a } else { &mut b }.record(&HOUR_BOUNDS, v);
            all.record(&HOUR_BOUNDS, v);
        }
        a.add(&b);
        assert_eq!(a, all);
        assert_eq!(a.quantile(&HOUR_BOUNDS, 0.9), all.quantile(&HOUR_BOUNDS, 0.9));
    }

    #[test]
    fn a_report_reads_small_grains_until_two_filters_make_one_full_read_cheaper() {
        let weeks_and_each_card = |f: &KpiFilter| {
            let splits = f.splits();
            let week = splits.iter().filter(|s| s.week).count();
            let cards = SCORECARD_DIMS.map(|d| splits.iter().filter(|s| s.dims.contains(&d)).count());
            (splits.len(), week, cards)
        };
        // Whatever the plan, the trend and each scorecard come from exactly one read.
        let none = KpiFilter::default();
        assert_eq!(weeks_and_each_card(&none), (4, 1, [1, 1, 1]));
        assert!(none.splits().iter().all(|s| none.grain(s.dims).dims().len() <= 1));
        let one = KpiFilter { lane: Some("OH → CO".into()), ..Default::default() };
        assert_eq!(weeks_and_each_card(&one), (4, 1, [1, 1, 1]));
        assert!(one.splits().iter().all(|s| one.grain(s.dims).dims().len() <= 2));
        let two = KpiFilter { carrier: Some("UPS".into()), account: Some(4), ..Default::default() };
        assert_eq!(weeks_and_each_card(&two), (1, 1, [1, 1, 1]));
        assert_eq!(two.grain(two.splits()[0].dims), Grain::Full);
    }

    #[test]
    fn the_grain_is_the_coarsest_that_answers() {
        let f = KpiFilter { carrier: Some("UPS".into()), ..Default::default() };
        assert_eq!(f.grain(&[]), Grain::Carrier);
        assert_eq!(f.grain(&[Dim::Carrier]), Grain::Carrier);
        assert_eq!(f.grain(&[Dim::Lane]), Grain::CarrierLane);
        let two = KpiFilter { carrier: Some("UPS".into()), account: Some(4), ..Default::default() };
        assert_eq!(two.grain(&[]), Grain::CarrierAccount);
        assert_eq!(two.grain(&[Dim::ShipFrom]), Grain::Full);
        assert_eq!(two.grain(&SCORECARD_DIMS), Grain::Full);
        assert_eq!(Grain::for_dims(&[Dim::Account, Dim::Lane, Dim::Account]), Grain::LaneAccount);
        assert_eq!(KpiFilter::default().grain(&[]), Grain::Total);
        assert_eq!(KpiFilter::default().grain(&[Dim::ShipFrom]), Grain::ShipFrom);
        let dims = Dims { carrier: "UPS".into(), lane: "OH → CO".into(), ship_from: "Columbus".into(), account: 4 };
        assert_eq!(
            Grain::Total.key(&dims),
            Dims { carrier: "*".into(), lane: "*".into(), ship_from: "*".into(), account: -1 }
        );
        assert_eq!(Grain::Account.key(&dims).account, 4);
        assert_eq!(Grain::Full.key(&dims), dims);
        assert_eq!(
            Grain::ShipFromAccount.key(&dims),
            Dims { carrier: "*".into(), lane: "*".into(), ship_from: "Columbus".into(), account: 4 }
        );
        // Every set of dimensions has exactly one grain, and codes are unique.
        let mut codes: Vec<i32> = Grain::ALL.iter().map(|g| g.code()).collect();
        codes.dedup();
        assert_eq!(codes, (0..12).collect::<Vec<_>>());
    }

    #[test]
    fn lanes_run_from_the_ship_from_region() {
        assert_eq!(region_of("Columbus DC, OH, US"), "OH");
        assert_eq!(region_of("Leeds"), "LEEDS");
        assert_eq!(lane(&region_of("Reno, NV"), "co"), "NV → CO");
        assert_eq!(lane("", "CO"), "? → CO");
    }

    fn delivered_order() -> OrderInput {
        let mut picked = ev(2, Canonical::Milestone(Milestone::Picked), at(2, 9), None);
        picked.location = Some("Columbus DC, OH, US".into());
        OrderInput {
            placed_at: at(1, 8),
            promised_date: NaiveDate::from_ymd_opt(2024, 4, 4),
            window: Some((NaiveDate::from_ymd_opt(2024, 4, 3).unwrap(), NaiveDate::from_ymd_opt(2024, 4, 5).unwrap())),
            account: Some(7),
            carrier: Some("UPS".into()),
            destination_region: "CO".into(),
            delivered: true,
            events: vec![
                ev(1, Canonical::Milestone(Milestone::Confirmed), at(1, 10), None),
                picked,
                ev(3, Canonical::Milestone(Milestone::Shipped), at(2, 14), Some(1)),
                ev(4, Canonical::Exception(ExceptionKind::FailedAttempt), at(4, 12), Some(1)),
                ev(5, Canonical::Milestone(Milestone::Delivered), at(5, 12), Some(1)),
            ],
        }
    }

    #[test]
    fn an_orders_facts_by_hand() {
        let facts = order_facts(&delivered_order());
        assert_eq!(facts.dims.lane, "OH → CO");
        assert_eq!(facts.dims.ship_from, "Columbus DC, OH, US");
        assert_eq!(facts.placed_week, NaiveDate::from_ymd_opt(2024, 4, 1).unwrap());
        // Confirmed 1st 10:00 → shipped 2nd 14:00: 28 hours.
        assert_eq!(facts.handed_over.unwrap().1, 28.0);
        let d = facts.delivered.clone().unwrap();
        assert_eq!(d.click_to_door_hours, 4.0 * 24.0 + 4.0);
        assert_eq!(d.transit_hours, Some(3.0 * 24.0 - 2.0));
        assert_eq!(d.on_time, Some(false), "delivered the 5th, promised the 4th");
        assert_eq!(d.in_window, Some(true), "inside 3rd–5th");
        assert!(!d.first_attempt);
        assert_eq!(facts.exceptions.len(), 1);
        assert_eq!(facts.exceptions[0].resolved.unwrap().1, 24.0, "resolved by the delivery a day later");
    }

    #[test]
    fn no_window_means_not_counted_for_promise_accuracy() {
        let mut order = delivered_order();
        order.window = None;
        let weeks = contributions(&order_facts(&order));
        let all: Tally = weeks.values().fold(Tally::default(), |mut a, t| {
            a.add(t, 1);
            a
        });
        assert_eq!(all.get(Scalar::WindowRecorded), 0);
        assert_eq!(Headline::from_tally(&all).promise_accuracy.rate, None);
    }

    #[test]
    fn taking_out_the_old_contribution_and_adding_the_new_nets_the_change() {
        let mut order = delivered_order();
        order.delivered = false;
        order.events.pop();
        let before = order_facts(&order);
        let after = order_facts(&delivered_order());
        let (mut weekly, mut exceptions) = (WeeklyDelta::new(), ExceptionDelta::new());
        spread(&before, 1, &mut weekly, &mut exceptions);
        spread(&before, -1, &mut weekly, &mut exceptions);
        spread(&after, 1, &mut weekly, &mut exceptions);
        let (mut direct, mut direct_exceptions) = (WeeklyDelta::new(), ExceptionDelta::new());
        spread(&after, 1, &mut direct, &mut direct_exceptions);
        weekly.retain(|_, t| !t.is_zero());
        exceptions.retain(|_, t| *t != ExceptionTally::default());
        assert_eq!(weekly, direct);
        assert_eq!(exceptions, direct_exceptions);
        // Twelve grains, one order, placed and delivered in the same week.
        assert_eq!(direct.len(), Grain::ALL.len());
    }

    #[test]
    fn a_repeated_exception_report_is_one_exception() {
        let events = vec![
            ev(1, Canonical::Exception(ExceptionKind::Delayed), at(2, 9), Some(1)),
            ev(2, Canonical::Exception(ExceptionKind::Delayed), at(2, 10), Some(1)),
            ev(3, Canonical::Resolved(ExceptionKind::Delayed), at(2, 15), Some(1)),
            ev(4, Canonical::Exception(ExceptionKind::Delayed), at(3, 9), Some(1)),
        ];
        let episodes = exception_episodes(&events);
        assert_eq!(episodes.len(), 2);
        assert_eq!(episodes[0].resolved.unwrap().1, 6.0);
        assert_eq!(episodes[1].resolved, None);
    }

    #[test]
    fn event_quality_flags() {
        let first = ev(1, Canonical::Milestone(Milestone::InTransit), at(3, 12), Some(1));
        let mut late = ev(2, Canonical::Milestone(Milestone::Shipped), at(2, 12), Some(1));
        late.recorded_at = at(3, 13);
        let q = event_quality(&late, &[&first]);
        assert_eq!((q.out_of_order, q.backdated, q.unmapped), (1, 1, 0));
        assert_eq!(q.latency.total(), 1);
        let on_time = event_quality(&first, &[]);
        assert_eq!((on_time.out_of_order, on_time.backdated), (0, 0));
        let other_scope = ev(3, Canonical::Unmapped, at(2, 12), Some(2));
        assert_eq!(event_quality(&other_scope, &[&first]).out_of_order, 0);
        assert_eq!(event_quality(&other_scope, &[&first]).unmapped, 1);
    }

    #[test]
    fn tallies_round_trip_through_columns() {
        let mut t = Tally::default();
        t.bump(Scalar::Signups, 3);
        t.transit.record(&HOUR_BOUNDS, 50.0);
        assert_eq!(Tally::from_columns(&t.columns()), t);
        assert_eq!(weekly_columns().len(), t.columns().len());
        let mut e = ExceptionTally { opened: 2, resolved: 1, ..Default::default() };
        e.time_to_resolve.record(&HOUR_BOUNDS, 3.0);
        assert_eq!(ExceptionTally::from_columns(&e.columns()), e);
        let mut q = QualityTally { events: 4, unmapped: 1, ..Default::default() };
        q.latency.record(&LATENCY_BOUNDS_SECONDS, 7.0);
        assert_eq!(QualityTally::from_columns(&q.columns()), q);
        assert_eq!(quality_columns().len(), q.columns().len());
    }
}
