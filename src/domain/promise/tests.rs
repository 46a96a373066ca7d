//! The estimator against synthetic lanes whose true distribution is known.

use super::*;
use chrono::{Duration, NaiveDate, Weekday};
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A small deterministic generator so a failing case replays from its seed.
struct SplitMix(u64);
impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Whole business days from a log-normal with this median and spread:
    /// transit times are skewed to the right like that.
    fn lognormal_days(&mut self, median: f64, sigma: f64) -> u32 {
        let (u1, u2) = (self.unit(), self.unit());
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        (median * (sigma * z).exp()).floor() as u32
    }
}

fn lane() -> Lane {
    Lane {
        carrier: "correios".into(),
        service: "pac".into(),
        origin: Place::new("BR", "SP", "01310"),
        destination: Place::new("BR", "RJ", "22041"),
    }
}

/// The lane's ladder with `days` completed in September 2017 on its finest rung.
fn history(days: &[u32]) -> Vec<RungHistory> {
    let config = EstimatorConfig::default();
    let mut monthly = MonthlyHistogram::new();
    days.iter().for_each(|d| monthly.add("2017-09".parse().unwrap(), *d));
    lane()
        .ladder(Weekday::Mon, config.shape)
        .into_iter()
        .map(|rung| RungHistory { rung, distribution: monthly.window(d("2017-10-01"), config.recency) })
        .collect()
}

fn input<'a>(
    today: NaiveDate,
    progress: Progress,
    transit: &'a [RungHistory],
    handling: &'a [RungHistory],
    calendar: &'a BusinessCalendar,
    promised: Option<NaiveDate>,
) -> PromiseInput<'a> {
    PromiseInput { today, progress, transit, handling, carrier_estimate: None, promised, calendar }
}

#[test]
fn the_reason_names_the_lane_and_the_count() {
    let days: Vec<u32> = (0..1240).map(|i| 2 + i % 7).collect();
    let transit = history(&days);
    let cal = BusinessCalendar::weekdays();
    // 2017-10-02 is a Monday.
    let handed = d("2017-10-02");
    let p = estimate(
        &input(handed, Progress::InTransit { handed_over: handed }, &transit, &[], &cal, None),
        &EstimatorConfig::default(),
    )
    .unwrap();
    assert_eq!(p.window.reason, "based on 1,240 deliveries from SP to postcodes 220… in the last 180 days");
    assert_eq!(p.window.basis, Basis::History { deliveries: 1240, level: LaneLevel::Postcode, window_days: 180 });
    // Days 2..=8 evenly: 10 % at day 2, median day 5, 90 % at day 8, in business days.
    assert_eq!(p.window.earliest, d("2017-10-04"));
    assert_eq!(p.window.likely, d("2017-10-09"));
    assert_eq!(p.window.latest, d("2017-10-12"));
    assert_eq!(p.window.p_late, None);
}

#[test]
fn without_history_the_fallbacks_say_what_they_are() {
    let cal = BusinessCalendar::weekdays();
    let today = d("2017-10-02");
    let empty = history(&[]);
    let promised = Some(d("2017-10-20"));
    let mut i = input(today, Progress::InTransit { handed_over: today }, &empty, &[], &cal, promised);
    let p = estimate(&i, &EstimatorConfig::default()).unwrap();
    assert_eq!(p.window.basis, Basis::PromisedDate);
    assert_eq!(p.window.reason, "promised date, no delivery history yet");
    assert_eq!((p.window.earliest, p.window.latest), (d("2017-10-20"), d("2017-10-20")));
    i.carrier_estimate = Some(d("2017-10-10"));
    let p = estimate(&i, &EstimatorConfig::default()).unwrap();
    assert_eq!(p.window.basis, Basis::CarrierEstimate);
    assert_eq!(p.window.likely, d("2017-10-10"));
    i.carrier_estimate = None;
    i.promised = None;
    assert!(estimate(&i, &EstimatorConfig::default()).is_none());
    // Too few deliveries in total is no history either.
    let thin = history(&[3, 4, 5]);
    let i = input(today, Progress::InTransit { handed_over: today }, &thin, &[], &cal, promised);
    assert_eq!(estimate(&i, &EstimatorConfig::default()).unwrap().window.basis, Basis::PromisedDate);
}

#[test]
fn time_already_spent_moves_the_window_and_raises_the_risk() {
    let days: Vec<u32> = (0..500).map(|i| 2 + i % 9).collect();
    let transit = history(&days);
    let cal = BusinessCalendar::weekdays();
    let handed = d("2017-10-02");
    let promised = Some(d("2017-10-11")); // 7 business days
    let config = EstimatorConfig::default();
    let fresh =
        estimate(&input(handed, Progress::InTransit { handed_over: handed }, &transit, &[], &cal, promised), &config)
            .unwrap();
    let today = d("2017-10-11");
    let waited =
        estimate(&input(today, Progress::InTransit { handed_over: handed }, &transit, &[], &cal, promised), &config)
            .unwrap();
    assert!(waited.window.earliest >= today);
    assert!(waited.window.likely > fresh.window.likely);
    assert!(waited.window.p_late.unwrap() > fresh.window.p_late.unwrap());
    // Days 2..=10 evenly: late means more than 7 business days, 3 of 9.
    assert!((fresh.window.p_late.unwrap() - 3.0 / 9.0).abs() < 0.02);
    // On Saturday 2017-10-14 nothing can come before Monday.
    let saturday = estimate(
        &input(d("2017-10-14"), Progress::InTransit { handed_over: handed }, &transit, &[], &cal, promised),
        &config,
    )
    .unwrap();
    assert_eq!(saturday.window.earliest, d("2017-10-16"));
    assert_eq!(saturday.window.p_late, Some(1.0));
    // Longer than anything seen: an honest reason, still a window.
    let overdue = estimate(
        &input(d("2017-11-30"), Progress::InTransit { handed_over: handed }, &transit, &[], &cal, promised),
        &config,
    )
    .unwrap();
    assert!(overdue.window.reason.starts_with("taking longer than any of 500 deliveries"), "{}", overdue.window.reason);
    assert!(overdue.window.earliest > d("2017-11-30"));
}

#[test]
fn before_handover_the_handling_time_is_added() {
    let transit = history(&vec![5; 100]);
    let handling: Vec<RungHistory> = {
        let mut monthly = MonthlyHistogram::new();
        (0..100).for_each(|_| monthly.add("2017-09".parse().unwrap(), 2));
        handling_ladder("seller-1")
            .into_iter()
            .map(|rung| RungHistory { rung, distribution: monthly.window(d("2017-10-01"), Recency::default()) })
            .collect()
    };
    let cal = BusinessCalendar::weekdays();
    let ordered = d("2017-10-02");
    let p = estimate(
        &input(ordered, Progress::AwaitingHandover { since: ordered }, &transit, &handling, &cal, None),
        &EstimatorConfig::default(),
    )
    .unwrap();
    // 2 + 5 business days from Monday 2 October.
    assert_eq!(p.window.likely, d("2017-10-11"));
    assert!(p.window.reason.ends_with("and this seller's handling time"));
}

#[test]
fn calibration_widens_a_window_that_held_too_little() {
    // Outcomes that piled at both ends of their predictions: too narrow.
    let scores: Vec<Score> = (0..1000)
        .map(|i| match i % 4 {
            0 => Score { below: 0.0, through: 0.03 },
            1 => Score { below: 0.97, through: 1.0 },
            _ => Score { below: 0.4, through: 0.6 },
        })
        .collect();
    let levels = QuantileLevels::calibrated(&scores, QuantileLevels::default(), 200);
    assert!(levels.earliest < 0.1 && levels.latest > 0.9, "{levels:?}");
    assert!(levels.earliest <= levels.likely && levels.likely <= levels.latest);
    assert_eq!(QuantileLevels::calibrated(&scores[..10], QuantileLevels::default(), 200), QuantileLevels::default());
}

/// A lane that has become slower and less regular than its history: the
/// nominal window holds far too little, and calibrated on the scores of
/// recent deliveries it holds about its nominal share again.
#[test]
fn calibration_brings_coverage_to_nominal() {
    let mut rng = SplitMix(7);
    let train: Vec<u32> = (0..5000).map(|_| rng.lognormal_days(8.0, 0.25)).collect();
    let transit = history(&train);
    let cal = BusinessCalendar::weekdays();
    let handed = d("2017-10-02");
    let predict = |config: &EstimatorConfig| {
        estimate(&input(handed, Progress::InTransit { handed_over: handed }, &transit, &[], &cal, None), config)
            .unwrap()
    };
    let nominal = predict(&EstimatorConfig::default());
    let outcomes: Vec<NaiveDate> =
        (0..5000).map(|_| cal.add_business_days(handed, rng.lognormal_days(10.0, 0.5))).collect();
    let coverage = |p: &Prediction| {
        outcomes.iter().filter(|o| p.window.earliest <= **o && **o <= p.window.latest).count() as f64
            / outcomes.len() as f64
    };
    let scores: Vec<Score> = outcomes[..2500].iter().map(|o| nominal.score(*o, &cal).unwrap()).collect();
    let levels = QuantileLevels::calibrated(&scores, QuantileLevels::default(), 200);
    let calibrated = predict(&EstimatorConfig { levels, ..EstimatorConfig::default() });
    let (before, after) = (coverage(&nominal), coverage(&calibrated));
    assert!(before < 0.6, "nominal {before}");
    assert!((0.76..0.86).contains(&after), "calibrated {after} (nominal {before}, {levels:?})");
}

#[test]
fn thousands_are_grouped() {
    assert_eq!(estimator::thousands(0), "0");
    assert_eq!(estimator::thousands(999), "999");
    assert_eq!(estimator::thousands(1240), "1,240");
    assert_eq!(estimator::thousands(1234567), "1,234,567");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the history, the day, the step and the calibration:
    /// earliest <= likely <= latest, and never before today while open.
    #[test]
    fn the_window_is_always_ordered(
        days in proptest::collection::vec(0u32..80, 0..200),
        handling_days in proptest::collection::vec(0u32..10, 0..50),
        handed_offset in 0i64..20,
        waited in 0i64..90,
        step in 0u8..4,
        lo in 0.0f64..1.0, mid in 0.0f64..1.0, hi in 0.0f64..1.0,
        promised_offset in proptest::option::of(-5i64..60),
        carrier_offset in proptest::option::of(0i64..30),
    ) {
        let transit = history(&days);
        let handling: Vec<RungHistory> = {
            let mut monthly = MonthlyHistogram::new();
            handling_days.iter().for_each(|d| monthly.add("2017-09".parse().unwrap(), *d));
            handling_ladder("s").into_iter().map(|rung| RungHistory { rung, distribution: monthly.window(d("2017-10-01"), Recency::default()) }).collect()
        };
        let cal = BusinessCalendar::weekdays().with_holidays([d("2017-10-12"), d("2017-11-02")]);
        let start = d("2017-10-01") + Duration::days(handed_offset);
        let today = start + Duration::days(waited);
        let progress = match step {
            0 => Progress::AwaitingHandover { since: start },
            1 => Progress::InTransit { handed_over: start },
            2 => Progress::OutForDelivery { eta: Some(start + Duration::days(waited / 2)) },
            _ => Progress::Delivered { on: today },
        };
        let mut levels = [lo, mid, hi];
        levels.sort_by(|a, b| a.total_cmp(b));
        let config = EstimatorConfig { levels: QuantileLevels { earliest: levels[0], likely: levels[1], latest: levels[2] }, ..EstimatorConfig::default() };
        let i = PromiseInput {
            today, progress, transit: &transit, handling: &handling,
            carrier_estimate: carrier_offset.map(|o| start + Duration::days(o)),
            promised: promised_offset.map(|o| start + Duration::days(o)),
            calendar: &cal,
        };
        if let Some(p) = estimate(&i, &config) {
            let w = &p.window;
            prop_assert!(w.earliest <= w.likely && w.likely <= w.latest, "{:?}", w);
            if let (Basis::History { .. }, true) = (&w.basis, step < 2) {
                prop_assert!(w.earliest >= today, "{:?} before {}", w, today);
            }
            if let Some(p_late) = w.p_late {
                prop_assert!((0.0..=1.0).contains(&p_late));
            }
        }
    }

    /// Learn a lane from deliveries drawn from a known distribution, then
    /// check the 10-90 window against fresh draws from the same one: it
    /// should hold about 80 % (a little more, since a whole-day window
    /// includes both its end days), and the 50 % date should split them.
    #[test]
    fn coverage_is_close_to_nominal_on_data_from_the_model(
        seed in any::<u64>(),
        median in 3.0f64..15.0,
        sigma in 0.35f64..0.8,
        waited in 0u32..4,
    ) {
        let mut rng = SplitMix(seed);
        let train: Vec<u32> = (0..3000).map(|_| rng.lognormal_days(median, sigma)).collect();
        let transit = history(&train);
        let cal = BusinessCalendar::weekdays();
        let handed = d("2017-10-02");
        let today = cal.add_business_days(handed, waited);
        let p = estimate(&input(today, Progress::InTransit { handed_over: handed }, &transit, &[], &cal, None), &EstimatorConfig::default()).unwrap();
        let (mut inside, mut by_likely, mut n) = (0u32, 0u32, 0u32);
        while n < 4000 {
            let days = rng.lognormal_days(median, sigma);
            if days < waited {
                continue; // already known not to have happened
            }
            n += 1;
            let delivered = cal.add_business_days(handed, days);
            inside += (p.window.earliest <= delivered && delivered <= p.window.latest) as u32;
            by_likely += (delivered <= p.window.likely) as u32;
        }
        let coverage = inside as f64 / n as f64;
        let below = by_likely as f64 / n as f64;
        // The two end days of the window each hold at most ~1/(sigma*median*2.5) of the mass.
        let slack = 2.0 / (sigma * median * 2.5);
        // Below nominal only by sampling noise: the quantiles learnt from
        // 3,000 draws and the share counted over 4,000 more each wander by
        // about 0.01 (one standard deviation), so four of them are allowed
        // (0.47 failed one seed in a few hundred runs: 0.468).
        prop_assert!(coverage >= 0.76 && coverage <= 0.80 + slack + 0.03, "coverage {coverage:.3} (slack {slack:.3})");
        prop_assert!(below >= 0.45 && below <= 0.5 + slack + 0.03, "share by the likely date {below:.3}");
    }
}
