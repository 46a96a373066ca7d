//! How long a step took, kept as counts per whole (business) day: a fixed
//! bucket histogram is exact for the quantity we predict (a date), merges
//! by adding counts, and fits the store as rollup rows (lane, month,
//! bucket, count) that an append transaction increments by one. Months are
//! the unit of forgetting: "the last 90 days" is read from the month
//! buckets that overlap them, weighted by how much of each month is inside
//! and, optionally, by how recent it is.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The last bucket holds this many days *or more*: past two months the
/// exact figure no longer changes a window anyone would show.
pub const OVERFLOW_DAYS: u32 = 60;
const BUCKETS: usize = OVERFLOW_DAYS as usize + 1;

/// Counts of deliveries by whole days taken, `0..=OVERFLOW_DAYS`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHistogram {
    /// Trailing zero buckets are not stored.
    counts: Vec<u64>,
}

impl DayHistogram {
    pub fn new() -> Self {
        DayHistogram::default()
    }

    /// The bucket a duration of `days` falls in.
    pub fn bucket(days: u32) -> usize {
        days.min(OVERFLOW_DAYS) as usize
    }

    /// One more delivery that took `days`.
    pub fn add(&mut self, days: u32) {
        self.add_count(Self::bucket(days), 1);
    }

    /// `count` deliveries in `bucket` (a rollup row read back).
    pub fn add_count(&mut self, bucket: usize, count: u64) {
        let bucket = bucket.min(BUCKETS - 1);
        if self.counts.len() <= bucket {
            self.counts.resize(bucket + 1, 0);
        }
        self.counts[bucket] += count;
    }

    pub fn merge(&mut self, other: &DayHistogram) {
        for (bucket, count) in other.buckets() {
            self.add_count(bucket, count);
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Non-empty buckets as `(bucket, count)`, the rows the store keeps.
    pub fn buckets(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(b, c)| (b, *c))
    }
}

/// A calendar month, the unit the histograms are kept (and forgotten) in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(YearMonth { year, month })
    }

    pub fn of(day: NaiveDate) -> Self {
        YearMonth { year: day.year(), month: day.month() }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month")
    }

    pub fn next(self) -> Self {
        match self.month {
            12 => YearMonth { year: self.year + 1, month: 1 },
            m => YearMonth { year: self.year, month: m + 1 },
        }
    }

    pub fn prev(self) -> Self {
        match self.month {
            1 => YearMonth { year: self.year - 1, month: 12 },
            m => YearMonth { year: self.year, month: m - 1 },
        }
    }

    /// The months from `self` to `to`, both included.
    pub fn through(self, to: YearMonth) -> impl Iterator<Item = YearMonth> {
        std::iter::successors(Some(self), move |m| Some(m.next()).filter(|n| *n <= to)).take_while(move |m| *m <= to)
    }

    pub fn days(self) -> i64 {
        (self.next().first_day() - self.first_day()).num_days()
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a month as YYYY-MM, got {0:?}")]
pub struct YearMonthError(pub String);

impl FromStr for YearMonth {
    type Err = YearMonthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || YearMonthError(s.to_string());
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        YearMonth::new(year, month).ok_or_else(bad)
    }
}

impl TryFrom<String> for YearMonth {
    type Error = YearMonthError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<YearMonth> for String {
    fn from(m: YearMonth) -> String {
        m.to_string()
    }
}

/// How much of the past counts: only deliveries completed in the last
/// `window_days`, each month weighted by `0.5^(age / half_life_days)`
/// (age of the month's middle) so a lane that slowed down last month
/// shows it before the quarter's average does.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recency {
    pub window_days: u32,
    pub half_life_days: Option<f64>,
}

impl Default for Recency {
    fn default() -> Self {
        Recency { window_days: 90, half_life_days: None }
    }
}

/// A lane's history: one histogram per month in which deliveries completed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MonthlyHistogram {
    months: BTreeMap<YearMonth, DayHistogram>,
}

impl MonthlyHistogram {
    pub fn new() -> Self {
        MonthlyHistogram::default()
    }

    /// One delivery completed in `month` that took `days`.
    pub fn add(&mut self, month: YearMonth, days: u32) {
        self.months.entry(month).or_default().add(days);
    }

    pub fn add_count(&mut self, month: YearMonth, bucket: usize, count: u64) {
        self.months.entry(month).or_default().add_count(bucket, count);
    }

    pub fn merge(&mut self, other: &MonthlyHistogram) {
        for (month, histogram) in &other.months {
            self.months.entry(*month).or_default().merge(histogram);
        }
    }

    /// `(month, bucket, count)` rows, the shape the store keeps.
    pub fn rows(&self) -> impl Iterator<Item = (YearMonth, usize, u64)> + '_ {
        self.months.iter().flat_map(|(m, h)| h.buckets().map(move |(b, c)| (*m, b, c)))
    }

    /// Months older than `before` carry no weight in any window that ends
    /// after `before + window`, so the store may delete them.
    pub fn forget_before(&mut self, before: YearMonth) {
        self.months = self.months.split_off(&before);
    }

    /// The weighted distribution of deliveries completed in the window
    /// that ends just before `as_of` (exclusive). A month partly inside
    /// the window counts in proportion to its days inside; the month of
    /// `as_of` itself counts for its days before `as_of`, on the view that
    /// its deliveries are spread evenly over it.
    pub fn window(&self, as_of: NaiveDate, recency: Recency) -> Distribution {
        let start = as_of - Duration::days(recency.window_days as i64);
        let mut dist = Distribution::empty();
        for (month, histogram) in self.months.range(YearMonth::of(start)..=YearMonth::of(as_of)) {
            let (first, next) = (month.first_day(), month.next().first_day());
            let inside = (next.min(as_of) - first.max(start)).num_days().max(0) as f64;
            if inside <= 0.0 {
                continue;
            }
            let share = inside / month.days() as f64;
            let age = (as_of - first).num_days() as f64 - month.days() as f64 / 2.0;
            let decay = match recency.half_life_days {
                Some(h) if h > 0.0 => 0.5f64.powf(age.max(0.0) / h),
                _ => 1.0,
            };
            for (bucket, count) in histogram.buckets() {
                dist.weights[bucket] += count as f64 * share * decay;
            }
            dist.deliveries += (histogram.total() as f64 * share).round() as u64;
        }
        dist
    }
}

/// Weights over whole days `0..=OVERFLOW_DAYS`: what a histogram says after
/// windowing, smoothing, conditioning or adding a second step. Quantiles
/// are days; `deliveries` is how many real deliveries stand behind it
/// (for the reason shown to people, not for the arithmetic).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    weights: Vec<f64>,
    pub deliveries: u64,
}

impl Distribution {
    pub fn empty() -> Self {
        Distribution { weights: vec![0.0; BUCKETS], deliveries: 0 }
    }

    pub fn from_histogram(histogram: &DayHistogram) -> Self {
        let mut dist = Distribution::empty();
        for (bucket, count) in histogram.buckets() {
            dist.weights[bucket] += count as f64;
        }
        dist.deliveries = histogram.total();
        dist
    }

    /// All weight on one day: a known step (a carrier's stated date).
    pub fn point(days: u32) -> Self {
        let mut dist = Distribution::empty();
        dist.weights[DayHistogram::bucket(days)] = 1.0;
        dist
    }

    pub fn mass(&self) -> f64 {
        self.weights.iter().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.mass() <= 0.0
    }

    pub fn weight(&self, day: u32) -> f64 {
        self.weights[DayHistogram::bucket(day)]
    }

    /// `P(T <= day)`; 0 for an empty distribution.
    pub fn cdf(&self, day: u32) -> f64 {
        let mass = self.mass();
        if mass <= 0.0 {
            return 0.0;
        }
        self.weights[..=DayHistogram::bucket(day)].iter().sum::<f64>() / mass
    }

    /// The mid-rank probability integral transform of an observed `day`:
    /// `P(T < day) + P(T = day) / 2`. On a well-calibrated model these are
    /// uniform on (0, 1); the calibration reads quantile levels off them.
    pub fn pit(&self, day: u32) -> f64 {
        let mass = self.mass();
        if mass <= 0.0 {
            return 0.5;
        }
        let b = DayHistogram::bucket(day);
        (self.weights[..b].iter().sum::<f64>() + self.weights[b] / 2.0) / mass
    }

    /// The smallest day `d` with `P(T <= d) >= p`. `p` is clamped to
    /// `[0, 1]`; an empty distribution answers 0.
    pub fn quantile(&self, p: f64) -> u32 {
        let mass = self.mass();
        if mass <= 0.0 {
            return 0;
        }
        let target = p.clamp(0.0, 1.0) * mass;
        let mut acc = 0.0;
        let last_nonzero = self.weights.iter().rposition(|w| *w > 0.0).unwrap_or(0);
        for (day, w) in self.weights.iter().enumerate() {
            acc += w;
            // A relative tolerance so p = 1 lands on the last day with
            // weight despite rounding in the running sum.
            if *w > 0.0 && acc >= target - mass * 1e-12 {
                return day as u32;
            }
        }
        last_nonzero as u32
    }

    pub fn mean(&self) -> f64 {
        let mass = self.mass();
        if mass <= 0.0 {
            return 0.0;
        }
        self.weights.iter().enumerate().map(|(d, w)| d as f64 * w).sum::<f64>() / mass
    }

    /// This lane's own weights plus `strength` pseudo-deliveries shaped
    /// like `prior` (its coarser lane): a lane with three deliveries looks
    /// mostly like its region, one with three thousand like itself.
    pub fn shrunk_toward(&self, prior: &Distribution, strength: f64) -> Distribution {
        let prior_mass = prior.mass();
        let mut out = self.clone();
        if prior_mass > 0.0 && strength > 0.0 {
            for (w, p) in out.weights.iter_mut().zip(&prior.weights) {
                *w += strength * p / prior_mass;
            }
        }
        out
    }

    /// What is still possible once `at_least` days have passed without
    /// it happening: `T | T >= at_least`, on the same day scale (day 0 is
    /// still the start of the step). `None` when no past delivery took
    /// that long.
    pub fn given_at_least(&self, at_least: u32) -> Option<Distribution> {
        let start = DayHistogram::bucket(at_least);
        if self.weights[start..].iter().sum::<f64>() <= 0.0 {
            return None;
        }
        let mut out = self.clone();
        out.weights[..start].iter_mut().for_each(|w| *w = 0.0);
        Some(out)
    }

    /// The distribution of the sum of two independent steps (handling,
    /// then transit), capped at the overflow bucket.
    pub fn then(&self, next: &Distribution) -> Distribution {
        let (ma, mb) = (self.mass(), next.mass());
        let mut out = Distribution::empty();
        if ma <= 0.0 || mb <= 0.0 {
            return out;
        }
        for (a, wa) in self.weights.iter().enumerate().filter(|(_, w)| **w > 0.0) {
            for (b, wb) in next.weights.iter().enumerate().filter(|(_, w)| **w > 0.0) {
                out.weights[(a + b).min(BUCKETS - 1)] += (wa / ma) * (wb / mb);
            }
        }
        out.deliveries = self.deliveries.min(next.deliveries);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn quantiles_of_a_small_histogram() {
        let mut h = DayHistogram::new();
        for days in [1, 2, 2, 3, 3, 3, 4, 4, 5, 9] {
            h.add(days);
        }
        let dist = Distribution::from_histogram(&h);
        assert_eq!(dist.quantile(0.1), 1);
        assert_eq!(dist.quantile(0.5), 3);
        assert_eq!(dist.quantile(0.9), 5);
        assert_eq!(dist.quantile(1.0), 9);
        assert_eq!(dist.quantile(0.0), 1);
        assert!((dist.cdf(3) - 0.6).abs() < 1e-12);
        assert!((dist.pit(3) - 0.45).abs() < 1e-12);
    }

    #[test]
    fn long_deliveries_share_the_overflow_bucket() {
        let mut h = DayHistogram::new();
        h.add(75);
        h.add(OVERFLOW_DAYS);
        assert_eq!(h.buckets().collect::<Vec<_>>(), vec![(OVERFLOW_DAYS as usize, 2)]);
    }

    #[test]
    fn conditioning_drops_what_already_passed() {
        let mut h = DayHistogram::new();
        for days in [1, 2, 3, 4, 5, 6, 7, 8] {
            h.add(days);
        }
        let rest = Distribution::from_histogram(&h).given_at_least(5).unwrap();
        assert_eq!(rest.quantile(0.0), 5);
        assert_eq!(rest.quantile(1.0), 8);
        assert!((rest.cdf(5) - 0.25).abs() < 1e-12);
        assert!(Distribution::from_histogram(&h).given_at_least(9).is_none());
    }

    #[test]
    fn the_window_reads_only_the_overlapping_months_in_proportion() {
        let mut m = MonthlyHistogram::new();
        m.add("2017-06".parse().unwrap(), 10); // entirely before the window
        for _ in 0..30 {
            m.add("2017-08".parse().unwrap(), 3);
        }
        for _ in 0..31 {
            m.add("2017-09".parse().unwrap(), 5); // 2017-09 has 30 days; 31 rows
        }
        // 45 days before 2017-10-01 start on 2017-08-17: 15 of August's 31 days.
        let dist = m.window(d("2017-10-01"), Recency { window_days: 45, half_life_days: None });
        assert_eq!(dist.weight(10), 0.0);
        assert!((dist.weight(3) - 30.0 * 15.0 / 31.0).abs() < 1e-9);
        assert!((dist.weight(5) - 31.0).abs() < 1e-9);
        assert_eq!(dist.deliveries, 15 + 31);
    }

    #[test]
    fn recent_months_weigh_more_with_a_half_life() {
        let mut m = MonthlyHistogram::new();
        m.add("2017-08".parse().unwrap(), 3);
        m.add("2017-09".parse().unwrap(), 5);
        let dist = m.window(d("2017-10-01"), Recency { window_days: 61, half_life_days: Some(30.0) });
        assert!(dist.weight(5) > 1.5 * dist.weight(3));
    }

    #[test]
    fn month_text_round_trips_and_refuses_nonsense() {
        let m: YearMonth = "2018-02".parse().unwrap();
        assert_eq!(m.to_string(), "2018-02");
        assert_eq!(m.next().to_string(), "2018-03");
        assert_eq!(m.prev().prev().to_string(), "2017-12");
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"2018-02\"");
        for bad in ["2018-13", "2018-2", "18-02", "2018/02", ""] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
        }
        let months: Vec<_> = "2017-11".parse::<YearMonth>().unwrap().through(m).map(|m| m.to_string()).collect();
        assert_eq!(months, ["2017-11", "2017-12", "2018-01", "2018-02"]);
    }

    proptest! {
        #[test]
        fn merging_is_adding(a in proptest::collection::vec(0u32..90, 0..50), b in proptest::collection::vec(0u32..90, 0..50)) {
            let (mut ha, mut hb, mut all) = (DayHistogram::new(), DayHistogram::new(), DayHistogram::new());
            a.iter().for_each(|d| { ha.add(*d); all.add(*d) });
            b.iter().for_each(|d| { hb.add(*d); all.add(*d) });
            ha.merge(&hb);
            prop_assert_eq!(&ha, &all);
            let json = serde_json::to_string(&ha).unwrap();
            prop_assert_eq!(serde_json::from_str::<DayHistogram>(&json).unwrap(), all);
        }

        #[test]
        fn quantiles_are_monotone_and_inside_the_data(days in proptest::collection::vec(0u32..70, 1..60), p in 0.0f64..1.0, q in 0.0f64..1.0) {
            let mut h = DayHistogram::new();
            days.iter().for_each(|d| h.add(*d));
            let dist = Distribution::from_histogram(&h);
            let (lo, hi) = (p.min(q), p.max(q));
            prop_assert!(dist.quantile(lo) <= dist.quantile(hi));
            let min = days.iter().map(|d| (*d).min(OVERFLOW_DAYS)).min().unwrap();
            let max = days.iter().map(|d| (*d).min(OVERFLOW_DAYS)).max().unwrap();
            prop_assert!(dist.quantile(lo) >= min && dist.quantile(hi) <= max);
            // The quantile really is where the cdf crosses p.
            let qd = dist.quantile(p);
            prop_assert!(dist.cdf(qd) >= p - 1e-9);
            prop_assert!(qd == 0 || dist.cdf(qd - 1) < p + 1e-9);
        }

        #[test]
        fn adding_a_step_adds_the_means(a in proptest::collection::vec(0u32..25, 1..30), b in proptest::collection::vec(0u32..25, 1..30)) {
            let (mut ha, mut hb) = (DayHistogram::new(), DayHistogram::new());
            a.iter().for_each(|d| ha.add(*d));
            b.iter().for_each(|d| hb.add(*d));
            let (da, db) = (Distribution::from_histogram(&ha), Distribution::from_histogram(&hb));
            let sum = da.then(&db);
            prop_assert!((sum.mean() - da.mean() - db.mean()).abs() < 1e-6);
            prop_assert!((sum.mass() - 1.0).abs() < 1e-9);
        }
    }
}
