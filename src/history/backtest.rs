//! Rolling-origin evaluation of delivery promises. For each test month
//! the estimator learns only from what was known at its first instant
//! (deliveries completed, hand-overs made before it), then predicts every
//! order handed to the carrier in that month at its hand-over, and every
//! order purchased in that month at its purchase. Three predictors are
//! scored on the same orders: Milepost's estimator, the shop's own
//! promised date (the dataset's estimate), and a plain per-lane median
//! (seller state → customer state, calendar days, all history so far).
//!
//! Errors are in calendar days between the predicted and the actual local
//! delivery date. A window holds a delivery when the delivery date is
//! inside it, both ends included; its width counts both ends (Tuesday to
//! Thursday is 3 days). `on_or_before_promised` is the share of those
//! orders actually delivered by the promised date, the same for every
//! predictor; Milepost's own view of it is `predicted_on_time` (the mean
//! of 1 − p_late), to compare.

use super::olist::{brazil_holidays, state_zone, OlistOrder};
pub use crate::domain::promise::Delivery;
use crate::domain::promise::{
    estimate, handling_ladder, BusinessCalendar, EstimatorConfig, Lane, LaneKey, MonthlyHistogram, Place, Progress,
    PromiseInput, QuantileLevels, RungHistory, Score, YearMonth,
};
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// Why orders were left out of the backtest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub not_delivered: u64,
    pub missing_dates: u64,
    pub missing_places: u64,
    pub out_of_order: u64,
}

/// A dataset time (São Paulo wall clock) as a date where the buyer lives.
fn local(at: NaiveDateTime, state: &str) -> NaiveDate {
    match chrono_tz::America::Sao_Paulo.from_local_datetime(&at).earliest() {
        Some(t) => t.with_timezone(&state_zone(state)).date_naive(),
        // A wall-clock time skipped by a daylight-saving change: the hour is gone, the date is not.
        None => at.date(),
    }
}

/// The delivered orders with every date, their seller and customer known,
/// as deliveries; everything else counted in `Skipped`.
pub fn deliveries(orders: &[OlistOrder]) -> (Vec<Delivery>, Skipped) {
    let mut skipped = Skipped::default();
    let mut out = Vec::new();
    for order in orders {
        if order.status != "delivered" {
            skipped.not_delivered += 1;
            continue;
        }
        let (Some(handed), Some(delivered), Some(promised)) =
            (order.handed_to_carrier_at, order.delivered_at, order.estimated_delivery)
        else {
            skipped.missing_dates += 1;
            continue;
        };
        let (Some(customer), Some((item, Some(seller)))) =
            (order.customer.as_ref(), order.first_item().map(|i| (i, i.seller.as_ref())))
        else {
            skipped.missing_places += 1;
            continue;
        };
        let state = customer.state.as_str();
        let delivery = Delivery {
            order_id: order.order_id.clone(),
            site: item.seller_id.clone(),
            lane: Lane {
                carrier: "olist".into(),
                service: "standard".into(),
                origin: Place { name: seller.state.clone(), ..Place::new("BR", &seller.state, &seller.zip_prefix) },
                destination: Place { name: customer.state.clone(), ..Place::new("BR", state, &customer.zip_prefix) },
            },
            purchased: local(order.purchased_at, state),
            handed_over: local(handed, state),
            delivered: local(delivered, state),
            promised,
        };
        if delivery.delivered < delivery.handed_over || delivery.handed_over < delivery.purchased {
            skipped.out_of_order += 1;
            continue;
        }
        out.push(delivery);
    }
    (out, skipped)
}

/// The figures for one predictor at one prediction point.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    pub orders: u64,
    pub mae_days: f64,
    pub median_abs_error_days: f64,
    /// `None` for a predictor without a window (the dataset's estimate).
    pub window_coverage: Option<f64>,
    pub window_width_days: Option<f64>,
    pub on_or_before_promised: f64,
    /// Milepost only: the mean predicted probability of being on time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicted_on_time: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PointFigures {
    pub handover: Figures,
    pub purchase: Figures,
}

/// The three predictors' figures: the JSON object `--json` prints.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PredictorFigures {
    pub milepost: PointFigures,
    pub dataset_estimate: PointFigures,
    pub lane_median: PointFigures,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthFigures {
    pub month: YearMonth,
    #[serde(flatten)]
    pub figures: PredictorFigures,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BacktestReport {
    pub from: YearMonth,
    pub to: YearMonth,
    #[serde(flatten)]
    pub overall: PredictorFigures,
    pub months: Vec<MonthFigures>,
}

/// How the backtest runs Milepost's estimator.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestOptions {
    pub from: YearMonth,
    pub to: YearMonth,
    pub config: EstimatorConfig,
    pub calendar: BusinessCalendar,
    /// Months of scored predictions the calibration reads.
    pub calibration_months: u32,
    /// Fewer scored predictions than this: nominal levels.
    pub min_calibration: usize,
    /// The most recent months left out of the calibration: their slow
    /// deliveries are not in yet, and scoring only the fast ones would
    /// teach the model to promise early.
    pub calibration_lag_months: u32,
}

impl BacktestOptions {
    /// The test months with the defaults: Brazilian national holidays off;
    /// when `config.calibrate`, calibration on the three months before each
    /// origin but the last.
    pub fn new(from: YearMonth, to: YearMonth) -> Self {
        let years = (from.year() - 3)..=(to.year() + 1);
        BacktestOptions {
            from,
            to,
            config: EstimatorConfig::default(),
            calendar: BusinessCalendar::weekdays().with_holidays(years.flat_map(brazil_holidays)),
            calibration_months: 3,
            min_calibration: 200,
            calibration_lag_months: 1,
        }
    }
}

/// Accumulates one predictor's errors at one point.
#[derive(Default)]
struct Tally {
    errors: Vec<i64>,
    inside: u64,
    widths: Vec<i64>,
    on_time: u64,
    predicted_on_time: Vec<f64>,
}

impl Tally {
    fn add(&mut self, d: &Delivery, likely: NaiveDate, window: Option<(NaiveDate, NaiveDate)>) {
        self.errors.push((likely - d.delivered).num_days().abs());
        if let Some((earliest, latest)) = window {
            self.inside += (earliest <= d.delivered && d.delivered <= latest) as u64;
            self.widths.push((latest - earliest).num_days() + 1);
        }
        self.on_time += (d.delivered <= d.promised) as u64;
    }

    fn merge(&mut self, other: &Tally) {
        self.errors.extend(&other.errors);
        self.inside += other.inside;
        self.widths.extend(&other.widths);
        self.on_time += other.on_time;
        self.predicted_on_time.extend(&other.predicted_on_time);
    }

    fn figures(&self) -> Figures {
        let n = self.errors.len() as u64;
        if n == 0 {
            return Figures::default();
        }
        let mean = |v: &[i64]| v.iter().sum::<i64>() as f64 / v.len() as f64;
        let mut sorted = self.errors.clone();
        sorted.sort_unstable();
        // The median of an even count is the mean of the middle two.
        let median = match sorted.len() % 2 {
            1 => sorted[sorted.len() / 2] as f64,
            _ => (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) as f64 / 2.0,
        };
        let windowed = !self.widths.is_empty();
        Figures {
            orders: n,
            mae_days: mean(&self.errors),
            median_abs_error_days: median,
            window_coverage: windowed.then(|| self.inside as f64 / self.widths.len() as f64),
            window_width_days: windowed.then(|| mean(&self.widths)),
            on_or_before_promised: self.on_time as f64 / n as f64,
            predicted_on_time: (!self.predicted_on_time.is_empty())
                .then(|| self.predicted_on_time.iter().sum::<f64>() / self.predicted_on_time.len() as f64),
        }
    }
}

#[derive(Default)]
struct Tallies {
    milepost: [Tally; 2],
    dataset: [Tally; 2],
    lane_median: [Tally; 2],
}

impl Tallies {
    fn merge(&mut self, o: &Tallies) {
        for i in 0..2 {
            self.milepost[i].merge(&o.milepost[i]);
            self.dataset[i].merge(&o.dataset[i]);
            self.lane_median[i].merge(&o.lane_median[i]);
        }
    }

    fn figures(&self) -> PredictorFigures {
        let point = |t: &[Tally; 2]| PointFigures { handover: t[0].figures(), purchase: t[1].figures() };
        PredictorFigures {
            milepost: point(&self.milepost),
            dataset_estimate: point(&self.dataset),
            lane_median: point(&self.lane_median),
        }
    }
}

const HANDOVER: usize = 0;
const PURCHASE: usize = 1;

/// What has been learned so far: Milepost's rollups and the baseline's lists.
struct Learned {
    transit: HashMap<LaneKey, MonthlyHistogram>,
    handling: HashMap<LaneKey, MonthlyHistogram>,
    /// Calendar days by (seller state, customer state), for the baseline;
    /// index 0 from hand-over, 1 from purchase.
    baseline: [HashMap<(String, String), Vec<i64>>; 2],
    baseline_all: [Vec<i64>; 2],
}

impl Learned {
    fn ladder(
        &self,
        map: &HashMap<LaneKey, MonthlyHistogram>,
        rungs: Vec<crate::domain::promise::Rung>,
        as_of: NaiveDate,
        config: &EstimatorConfig,
    ) -> Vec<RungHistory> {
        rungs
            .into_iter()
            .map(|rung| {
                let distribution = map
                    .get(&rung.key)
                    .map(|h| h.window(as_of, config.recency))
                    .unwrap_or_else(crate::domain::promise::Distribution::empty);
                RungHistory { rung, distribution }
            })
            .collect()
    }
}

/// Nearest-rank quantile of a sorted list.
fn rank(sorted: &[i64], p: f64) -> i64 {
    let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// Runs the evaluation over `deliveries` (any order) for the test months
/// in `options`. Months before `from` are predicted too (unreported) so
/// the first test month already has scored predictions to calibrate on.
pub fn run(deliveries: &[Delivery], options: &BacktestOptions) -> BacktestReport {
    let cal = &options.calendar;
    let config = &options.config;
    let mut by_delivery: Vec<&Delivery> = deliveries.iter().collect();
    by_delivery.sort_by_key(|d| d.delivered);
    let mut by_handover: Vec<&Delivery> = deliveries.iter().collect();
    by_handover.sort_by_key(|d| d.handed_over);
    let mut learned = Learned {
        transit: HashMap::new(),
        handling: HashMap::new(),
        baseline: Default::default(),
        baseline_all: Default::default(),
    };
    let (mut next_delivery, mut next_handover) = (0, 0);
    // Scored predictions: (hand-over or purchase month, delivery date, score).
    let mut scored: [Vec<(YearMonth, NaiveDate, Score)>; 2] = Default::default();
    let warm_up = (0..options.calibration_months + options.calibration_lag_months).fold(options.from, |m, _| m.prev());
    let mut months = Vec::new();
    let mut overall = Tallies::default();
    for month in warm_up.through(options.to) {
        let origin = month.first_day();
        // Learn what was known at the origin.
        while next_delivery < by_delivery.len() && by_delivery[next_delivery].delivered < origin {
            let d = by_delivery[next_delivery];
            let transit = cal.business_days_between(d.handed_over, d.delivered).max(0) as u32;
            for rung in d.lane.ladder(d.handed_over.weekday(), config.shape) {
                learned.transit.entry(rung.key).or_default().add(YearMonth::of(d.delivered), transit);
            }
            let key = (d.lane.origin.region.clone(), d.lane.destination.region.clone());
            let days = [(d.delivered - d.handed_over).num_days(), (d.delivered - d.purchased).num_days()];
            for point in [HANDOVER, PURCHASE] {
                learned.baseline[point].entry(key.clone()).or_default().push(days[point]);
                learned.baseline_all[point].push(days[point]);
            }
            next_delivery += 1;
        }
        while next_handover < by_handover.len() && by_handover[next_handover].handed_over < origin {
            let d = by_handover[next_handover];
            let handling = cal.business_days_between(d.purchased, d.handed_over).max(0) as u32;
            for rung in handling_ladder(&d.site) {
                learned.handling.entry(rung.key).or_default().add(YearMonth::of(d.handed_over), handling);
            }
            next_handover += 1;
        }
        let mut baseline_sorted = learned.baseline.clone();
        baseline_sorted.iter_mut().for_each(|m| m.values_mut().for_each(|v| v.sort_unstable()));
        let mut all_sorted = learned.baseline_all.clone();
        all_sorted.iter_mut().for_each(|v| v.sort_unstable());
        // Calibrate on predictions whose outcome was known at the origin.
        let levels: Vec<QuantileLevels> = (0..2)
            .map(|point| {
                if !config.calibrate {
                    return config.levels;
                }
                let end = (0..options.calibration_lag_months).fold(month, |m, _| m.prev());
                let first = (0..options.calibration_months).fold(end, |m, _| m.prev());
                let scores: Vec<Score> = scored[point]
                    .iter()
                    .filter(|(m, delivered, _)| *m >= first && *m < end && *delivered < origin)
                    .map(|(_, _, score)| *score)
                    .collect();
                QuantileLevels::calibrated(&scores, config.levels, options.min_calibration)
            })
            .collect();
        let mut tallies = Tallies::default();
        for d in deliveries {
            for point in [HANDOVER, PURCHASE] {
                let start = if point == HANDOVER { d.handed_over } else { d.purchased };
                if YearMonth::of(start) != month {
                    continue;
                }
                let transit = learned.ladder(
                    &learned.transit,
                    d.lane.ladder(d.handed_over.weekday(), config.shape),
                    origin,
                    config,
                );
                let handling = learned.ladder(&learned.handling, handling_ladder(&d.site), origin, config);
                let progress = match point {
                    HANDOVER => Progress::InTransit { handed_over: d.handed_over },
                    _ => Progress::AwaitingHandover { since: d.purchased },
                };
                let input = PromiseInput {
                    today: start,
                    progress,
                    transit: &transit,
                    handling: &handling,
                    carrier_estimate: None,
                    promised: Some(d.promised),
                    calendar: cal,
                };
                let point_config = EstimatorConfig { levels: levels[point], ..*config };
                if let Some(p) = estimate(&input, &point_config) {
                    if let Some(score) = p.score(d.delivered, cal) {
                        scored[point].push((month, d.delivered, score));
                    }
                    let t = &mut tallies.milepost[point];
                    t.add(d, p.window.likely, Some((p.window.earliest, p.window.latest)));
                    if let Some(p_late) = p.window.p_late {
                        t.predicted_on_time.push(1.0 - p_late);
                    }
                }
                tallies.dataset[point].add(d, d.promised, None);
                let key = (d.lane.origin.region.clone(), d.lane.destination.region.clone());
                let days = baseline_sorted[point].get(&key).filter(|v| !v.is_empty()).unwrap_or(&all_sorted[point]);
                if !days.is_empty() {
                    let at = |p| start + chrono::Duration::days(rank(days, p));
                    tallies.lane_median[point].add(d, at(0.5), Some((at(0.1), at(0.9))));
                }
            }
        }
        if month >= options.from {
            overall.merge(&tallies);
            months.push(MonthFigures { month, figures: tallies.figures() });
        }
    }
    BacktestReport { from: options.from, to: options.to, overall: overall.figures(), months }
}

impl fmt::Display for BacktestReport {
    /// The plain table `make bench-eta` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |v: Option<f64>, pct: bool| match (v, pct) {
            (Some(v), true) => format!("{:.1}%", v * 100.0),
            (Some(v), false) => format!("{v:.1}"),
            (None, _) => "-".to_string(),
        };
        writeln!(f, "Delivery promise backtest, test months {} to {} (rolling origin, monthly)", self.from, self.to)?;
        writeln!(
            f,
            "{:<8} {:<9} {:<17} {:>7} {:>6} {:>8} {:>8} {:>7} {:>9}",
            "month", "point", "predictor", "orders", "MAE d", "median d", "in wndw", "width d", "by promise"
        )?;
        let rows = self
            .months
            .iter()
            .map(|m| (m.month.to_string(), &m.figures))
            .chain([("overall".to_string(), &self.overall)]);
        for (label, figures) in rows {
            for (point, pick) in [("handover", 0), ("purchase", 1)] {
                for (name, p) in [
                    ("milepost", &figures.milepost),
                    ("dataset_estimate", &figures.dataset_estimate),
                    ("lane_median", &figures.lane_median),
                ] {
                    let x = if pick == 0 { &p.handover } else { &p.purchase };
                    writeln!(
                        f,
                        "{:<8} {:<9} {:<17} {:>7} {:>6.2} {:>8.1} {:>8} {:>7} {:>9}",
                        label,
                        point,
                        name,
                        x.orders,
                        x.mae_days,
                        x.median_abs_error_days,
                        opt(x.window_coverage, true),
                        opt(x.window_width_days, false),
                        format!("{:.1}%", x.on_or_before_promised * 100.0)
                    )?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::olist;
    use std::path::Path;

    fn fixture() -> Vec<Delivery> {
        let orders = olist::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/olist")).unwrap();
        let (deliveries, skipped) = deliveries(&orders);
        // The cancelled and the shipped order are not delivered; one delivered order has no delivery time.
        assert_eq!(skipped, Skipped { not_delivered: 2, missing_dates: 1, missing_places: 0, out_of_order: 0 });
        deliveries
    }

    /// Three August/September deliveries from SP to RJ, each handed over on
    /// a Tuesday one business day after a Monday purchase and delivered two
    /// business (and calendar) days later; two October orders to predict.
    /// By hand, with 12 October (a Thursday) a holiday:
    /// - o4, bought Mon 2, handed over Tue 3, delivered Fri 6, promised Thu 5.
    ///   Milepost at hand-over: Tue + 2 = Thu 5 (error 1, window Thu 5 only: missed).
    ///   At purchase: Mon + 1 + 2 = Thu 5 (error 1). Lane median: +2 / +3 calendar
    ///   days = Thu 5 both ways (error 1, window of one day: missed).
    /// - o5, bought Mon 9, handed over Fri 13, delivered Tue 17, promised Mon 30.
    ///   Milepost at hand-over: Fri + 2 = Tue 17 (error 0, inside). At purchase:
    ///   Mon + 3 skipping the holiday = Fri 13 (error 4). Lane median: Fri + 2 =
    ///   Sun 15 (error 2), Mon + 3 = Thu 12 (error 5).
    /// - Dataset estimate: o4 off by 1, o5 by 13. One of two on time.
    #[test]
    fn the_fixture_backtest_matches_the_hand_computation() {
        let month: YearMonth = "2017-10".parse().unwrap();
        let mut options = BacktestOptions::new(month, month);
        options.config.calibrate = false;
        options.config.min_history = 1;
        options.config.min_basis = 1;
        let report = run(&fixture(), &options);
        let f = &report.overall;
        let expect = |x: &Figures, mae: f64, coverage: Option<f64>, width: Option<f64>| {
            assert_eq!(x.orders, 2);
            assert_eq!(x.mae_days, mae, "{x:?}");
            assert_eq!(x.median_abs_error_days, mae, "{x:?}");
            assert_eq!(x.window_coverage, coverage, "{x:?}");
            assert_eq!(x.window_width_days, width, "{x:?}");
            assert_eq!(x.on_or_before_promised, 0.5);
        };
        expect(&f.milepost.handover, 0.5, Some(0.5), Some(1.0));
        expect(&f.milepost.purchase, 2.5, Some(0.0), Some(1.0));
        expect(&f.dataset_estimate.handover, 7.0, None, None);
        expect(&f.dataset_estimate.purchase, 7.0, None, None);
        expect(&f.lane_median.handover, 1.5, Some(0.0), Some(1.0));
        expect(&f.lane_median.purchase, 3.0, Some(0.0), Some(1.0));
        // Every past delivery was within two business days: no risk seen.
        assert_eq!(f.milepost.handover.predicted_on_time, Some(1.0));
        assert_eq!(report.months.len(), 1);
        assert_eq!(report.months[0].figures, report.overall);

        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["milepost"]["handover"]["mae_days"], 0.5);
        assert_eq!(json["lane_median"]["purchase"]["window_coverage"], 0.0);
        assert_eq!(json["dataset_estimate"]["handover"]["window_coverage"], serde_json::Value::Null);
        assert_eq!(json["months"][0]["month"], "2017-10");
        assert!(report.to_string().contains("overall  handover  milepost"));
    }

    /// What happens after an origin never changes a prediction made at it.
    #[test]
    fn later_deliveries_do_not_leak_into_earlier_months() {
        let month: YearMonth = "2017-10".parse().unwrap();
        let mut options = BacktestOptions::new(month, month);
        options.config.min_history = 1;
        let mut with_future = fixture();
        let mut late = with_future[0].clone();
        late.order_id = "future".into();
        late.handed_over = NaiveDate::from_ymd_opt(2017, 9, 28).unwrap();
        late.purchased = late.handed_over;
        late.delivered = NaiveDate::from_ymd_opt(2017, 10, 20).unwrap();
        with_future.push(late);
        let before = run(&fixture(), &options).overall.milepost.handover;
        let after = run(&with_future, &options).overall.milepost.handover;
        assert_eq!(before, after);
    }
}
