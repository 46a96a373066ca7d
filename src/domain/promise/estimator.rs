//! From a lane's history to the window a buyer sees. The learned
//! distribution of business days (handling, then transit) is blended down
//! the lane ladder, conditioned on the time the order has already spent
//! in its current step, and read at three quantile levels; those levels
//! are the nominal 10/50/90 % until enough past predictions have been
//! scored, then the levels that actually held 10/50/90 % of deliveries
//! (so a model that has grown too narrow or too optimistic corrects
//! itself). Orders without history fall back honestly to the carrier's
//! date, then the promised date, and say so.

use super::calendar::BusinessCalendar;
use super::histogram::{Distribution, Recency};
use super::lane::{LaneLevel, LaneShape, Rung};
use crate::domain::milestone::Milestone;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The quantile levels read for earliest, most likely and latest.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuantileLevels {
    pub earliest: f64,
    pub likely: f64,
    pub latest: f64,
}

impl Default for QuantileLevels {
    fn default() -> Self {
        QuantileLevels { earliest: 0.1, likely: 0.5, latest: 0.9 }
    }
}

impl QuantileLevels {
    /// The levels at which past predictions would have held the `nominal`
    /// shares. For a whole-day outcome `y` a window `[q(a), q(b)]` holds it
    /// exactly when `F(y) >= a` and `F(y - 1) < b`, so the earliest level
    /// is the `earliest`-quantile of the scored `through = F(y)`, the
    /// latest level the `latest`-quantile of `below = F(y - 1)`, and the
    /// likely level the median of `below` (half the deliveries by then).
    /// This corrects a model that has grown too narrow, too wide or too
    /// optimistic, and the whole-day rounding. Fewer than `min_scored`
    /// scores leave the nominal levels.
    pub fn calibrated(scores: &[Score], nominal: QuantileLevels, min_scored: usize) -> QuantileLevels {
        if scores.len() < min_scored.max(1) {
            return nominal;
        }
        let quantile = |mut values: Vec<f64>, q: f64| {
            values.sort_by(|a, b| a.total_cmp(b));
            let i = ((q.clamp(0.0, 1.0) * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1;
            values[i].clamp(0.0, 1.0)
        };
        let below: Vec<f64> = scores.iter().map(|s| s.below).collect();
        let through: Vec<f64> = scores.iter().map(|s| s.through).collect();
        // `through` sits just above a distribution step; a hair less keeps
        // `q(earliest)` on the day that held it, not the day after.
        let earliest = (quantile(through, nominal.earliest) - 1e-9).max(0.0);
        let latest = quantile(below.clone(), nominal.latest) + 1e-9;
        let likely = quantile(below, nominal.likely) + 1e-9;
        let latest = latest.min(1.0);
        let likely = likely.clamp(earliest, latest);
        QuantileLevels { earliest: earliest.min(latest), likely, latest }
    }
}

/// Where an outcome fell in the distribution that predicted it:
/// `below = P(T < y)`, `through = P(T <= y)`.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub below: f64,
    pub through: f64,
}

/// How the estimator reads history. The defaults are what the Olist
/// backtest chose on the months before its test months.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EstimatorConfig {
    pub recency: Recency,
    pub shape: LaneShape,
    /// Pseudo-deliveries a rung borrows from the rung above it.
    pub shrink: f64,
    /// Fewer deliveries than this on the coarsest rung: no history.
    pub min_history: u64,
    /// The reason names the finest rung with at least this many.
    pub min_basis: u64,
    pub levels: QuantileLevels,
    /// Move `levels` to where past predictions actually held them (see
    /// `QuantileLevels::calibrated`). Off: on the Olist validation months
    /// (2017-05..09) and the test months alike, calibrating on the months
    /// before made windows wider and less often right, because delivery
    /// times drift faster than three months of scores can follow.
    pub calibrate: bool,
}

impl Default for EstimatorConfig {
    /// Chosen on the Olist validation months 2017-05..09 (before the test
    /// months): hand-over MAE 3.33 d, 85.0 % in a window of 11.2 d, against
    /// 3.43 d / 86.7 % / 11.7 d with 90 days and a shrink of 20.
    fn default() -> Self {
        EstimatorConfig {
            recency: Recency { window_days: 180, half_life_days: None },
            shape: LaneShape::default(),
            shrink: 10.0,
            min_history: 20,
            min_basis: 30,
            levels: QuantileLevels::default(),
            calibrate: false,
        }
    }
}

/// One rung of a ladder with the deliveries of its window.
#[derive(Clone, Debug, PartialEq)]
pub struct RungHistory {
    pub rung: Rung,
    pub distribution: Distribution,
}

/// A ladder (finest first) blended into one distribution: each rung is
/// its own deliveries shrunk toward the blend of the rungs above it.
/// Also returns the rung to name in the reason. `None` without history.
pub fn blend<'a>(ladder: &'a [RungHistory], config: &EstimatorConfig) -> Option<(Distribution, &'a RungHistory)> {
    let coarsest = ladder.iter().rev().find(|r| !r.distribution.is_empty())?;
    if coarsest.distribution.deliveries < config.min_history {
        return None;
    }
    let mut blended = Distribution::empty();
    for rung in ladder.iter().rev() {
        blended = rung.distribution.shrunk_toward(&blended, config.shrink);
    }
    let basis = ladder.iter().find(|r| r.distribution.deliveries >= config.min_basis).unwrap_or(coarsest);
    Some((blended, basis))
}

/// Where the order is, in the terms the estimator needs. Dates are local
/// dates in the destination's zone.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum Progress {
    /// Placed, confirmed or in the warehouse since `since`: handling, then transit.
    AwaitingHandover {
        since: NaiveDate,
    },
    /// Handed to the carrier on `handed_over`.
    InTransit {
        handed_over: NaiveDate,
    },
    /// On the van; `eta` is the last-mile estimate when there is one.
    OutForDelivery {
        eta: Option<NaiveDate>,
    },
    Delivered {
        on: NaiveDate,
    },
}

impl Progress {
    /// The step a milestone puts an order in, with the date it entered
    /// the milestone that starts the step (order date before hand-over,
    /// hand-over date in transit, delivery date once delivered).
    pub fn from_milestone(milestone: Milestone, step_started: NaiveDate) -> Progress {
        match milestone {
            Milestone::Placed
            | Milestone::Confirmed
            | Milestone::ReleasedToWarehouse
            | Milestone::Picked
            | Milestone::Packed => Progress::AwaitingHandover { since: step_started },
            Milestone::Shipped | Milestone::InTransit | Milestone::ArrivedAtHub => {
                Progress::InTransit { handed_over: step_started }
            }
            Milestone::OutForDelivery | Milestone::ArrivingSoon => Progress::OutForDelivery { eta: None },
            Milestone::Delivered => Progress::Delivered { on: step_started },
        }
    }
}

/// Everything the estimator weighs for one order.
#[derive(Clone, Debug)]
pub struct PromiseInput<'a> {
    /// Today in the destination's zone.
    pub today: NaiveDate,
    pub progress: Progress,
    /// The transit ladder (finest first) with each rung's window.
    pub transit: &'a [RungHistory],
    /// The handling ladder of the ship-from site; used before hand-over.
    pub handling: &'a [RungHistory],
    pub carrier_estimate: Option<NaiveDate>,
    pub promised: Option<NaiveDate>,
    pub calendar: &'a BusinessCalendar,
}

/// What the window rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Basis {
    History { deliveries: u64, level: LaneLevel, window_days: u32 },
    CarrierEstimate,
    PromisedDate,
    LastMile,
    Delivered,
}

impl Basis {
    /// The kind as one word, as the API and webhooks name it.
    pub fn code(&self) -> &'static str {
        match self {
            Basis::History { .. } => "history",
            Basis::CarrierEstimate => "carrier_estimate",
            Basis::PromisedDate => "promised_date",
            Basis::LastMile => "last_mile",
            Basis::Delivered => "delivered",
        }
    }
}

/// The window a buyer sees, in the destination's dates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryWindow {
    pub earliest: NaiveDate,
    pub likely: NaiveDate,
    pub latest: NaiveDate,
    pub basis: Basis,
    /// One line a person understands.
    pub reason: String,
    /// Probability of delivery after the promised date; `None` without a
    /// promised date or without history to judge it by.
    pub p_late: Option<f64>,
}

/// A window and, when it came from history, the distribution behind it:
/// business days counted from `anchor`. The backtest scores predictions
/// with it and the store keeps the scores for calibration.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    pub window: DeliveryWindow,
    pub distribution: Option<(NaiveDate, Distribution)>,
}

impl Prediction {
    /// Where what happened fell in the predicted distribution, for the
    /// calibration (see `QuantileLevels::calibrated`).
    pub fn score(&self, delivered: NaiveDate, calendar: &BusinessCalendar) -> Option<Score> {
        let (anchor, dist) = self.distribution.as_ref()?;
        let days = calendar.business_days_between(*anchor, delivered).max(0) as u32;
        let below = if days == 0 { 0.0 } else { dist.cdf(days - 1) };
        Some(Score { below, through: dist.cdf(days) })
    }
}

/// "1,240".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ordered(earliest: NaiveDate, likely: NaiveDate, latest: NaiveDate) -> (NaiveDate, NaiveDate, NaiveDate) {
    let (earliest, latest) = (earliest.min(latest), earliest.max(latest));
    (earliest, likely.clamp(earliest, latest), latest)
}

fn fallback(input: &PromiseInput) -> Option<Prediction> {
    let (date, basis, reason) = match (input.carrier_estimate, input.promised) {
        (Some(date), _) => (date, Basis::CarrierEstimate, "carrier estimate, no delivery history yet".to_string()),
        (None, Some(date)) => (date, Basis::PromisedDate, "promised date, no delivery history yet".to_string()),
        (None, None) => return None,
    };
    Some(Prediction {
        window: DeliveryWindow { earliest: date, likely: date, latest: date, basis, reason, p_late: None },
        distribution: None,
    })
}

/// The window for one order, or `None` when nothing at all is known (no
/// history, no carrier date, no promise).
pub fn estimate(input: &PromiseInput, config: &EstimatorConfig) -> Option<Prediction> {
    let cal = input.calendar;
    let (anchor, handling) = match input.progress {
        Progress::Delivered { on } => {
            return Some(Prediction {
                window: DeliveryWindow {
                    earliest: on,
                    likely: on,
                    latest: on,
                    basis: Basis::Delivered,
                    reason: "delivered".into(),
                    p_late: input.promised.map(|p| if on > p { 1.0 } else { 0.0 }),
                },
                distribution: None,
            })
        }
        Progress::OutForDelivery { eta } => {
            let likely = eta.unwrap_or(input.today).max(input.today);
            return Some(Prediction {
                window: DeliveryWindow {
                    earliest: input.today,
                    likely,
                    latest: likely,
                    basis: Basis::LastMile,
                    reason: "out for delivery".into(),
                    p_late: input.promised.map(|p| if likely > p { 1.0 } else { 0.0 }),
                },
                distribution: None,
            });
        }
        Progress::AwaitingHandover { since } => (since, true),
        Progress::InTransit { handed_over } => (handed_over, false),
    };
    let Some((transit, transit_basis)) = blend(input.transit, config) else {
        return fallback(input);
    };
    let mut total = transit;
    let mut handling_note = "";
    if handling {
        match blend(input.handling, config) {
            Some((h, _)) => {
                // Handling still under way: it takes at least the days
                // already spent (a missing tail keeps the whole spread).
                let spent = cal.business_days_between(anchor, input.today).max(0) as u32;
                let h = h.given_at_least(spent).unwrap_or(h);
                total = h.then(&total);
                handling_note = " and this seller's handling time";
            }
            None => handling_note = ", handling time not yet known",
        }
    }
    // Not delivered by today: on a working day it can still come today,
    // on a weekend or holiday not before the next working day.
    let mut at_least = cal.business_days_between(anchor, input.today).max(0) as u32;
    if input.today > anchor && !cal.is_business_day(input.today) {
        at_least += 1;
    }
    let (dist, overdue) = match total.given_at_least(at_least) {
        Some(d) => (d, false),
        None => (total, true),
    };
    let date = |p: f64| cal.add_business_days(anchor, dist.quantile(p));
    let levels = config.levels;
    let (earliest, likely, latest) = if overdue {
        // Later than every delivery the lane has seen: say so, and fall
        // back on the next working day as the best the history can offer.
        let next = cal.add_business_days(input.today, 1);
        let later = [input.carrier_estimate, input.promised].into_iter().flatten().filter(|d| *d > input.today).min();
        ordered(next, later.unwrap_or(next), later.unwrap_or(next))
    } else {
        // The overflow bucket ("two months or more") can still sit before
        // today; nothing open is delivered in the past.
        let floor = match cal.is_business_day(input.today) {
            true => input.today,
            false => cal.add_business_days(input.today, 1),
        };
        let on_or_after = |d: NaiveDate| d.max(floor);
        ordered(on_or_after(date(levels.earliest)), on_or_after(date(levels.likely)), on_or_after(date(levels.latest)))
    };
    let p_late = input.promised.map(|promised| {
        let allowed = cal.business_days_between(anchor, promised);
        if allowed < 0 {
            1.0
        } else {
            1.0 - dist.cdf(allowed as u32)
        }
    });
    let RungHistory { rung, distribution: basis_dist } = transit_basis;
    let scope = match rung.description.is_empty() {
        true => String::new(),
        false => format!(" {}", rung.description),
    };
    let window_days = config.recency.window_days;
    let mut reason = format!(
        "based on {} deliveries{} in the last {} days{}",
        thousands(basis_dist.deliveries),
        scope,
        window_days,
        handling_note
    );
    if overdue {
        reason = format!(
            "taking longer than any of {} deliveries{} in the last {} days",
            thousands(basis_dist.deliveries),
            scope,
            window_days
        );
    }
    Some(Prediction {
        window: DeliveryWindow {
            earliest,
            likely,
            latest,
            basis: Basis::History { deliveries: basis_dist.deliveries, level: rung.key.level, window_days },
            reason,
            p_late,
        },
        distribution: (!overdue).then_some((anchor, dist)),
    })
}
