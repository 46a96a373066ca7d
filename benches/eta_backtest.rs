//! The delivery promise backtest in memory (`make bench-eta` runs it through
//! import and the store) on the Olist slice in
//! ../shared/data/olist (evaluation data, never copied into the repository).
//! Prints the table; `--json` prints the report as one JSON object.
//! Arguments: `[DIR] [--from YYYY-MM] [--to YYYY-MM] [--json] [--calibrate]`
//! and, to tune, `[--window-days N] [--half-life DAYS] [--shrink N] [--prefix LEN]`.

use milepost::history::{backtest, olist};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let dir = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with("--") && (*i == 0 || !args[i - 1].starts_with("--")))
        .map(|(_, a)| PathBuf::from(a))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/olist"));
    let from = value("--from").unwrap_or("2017-10".into()).parse().expect("--from YYYY-MM");
    let to = value("--to").unwrap_or("2018-02".into()).parse().expect("--to YYYY-MM");
    let started = Instant::now();
    let orders = match olist::read_dir(&dir) {
        Ok(orders) => orders,
        Err(e) => {
            eprintln!("eta_backtest: {e} (the Olist slice is read from {})", dir.display());
            std::process::exit(2);
        }
    };
    let (deliveries, skipped) = backtest::deliveries(&orders);
    let mut options = backtest::BacktestOptions::new(from, to);
    options.config.calibrate = args.iter().any(|a| a == "--calibrate");
    // Knobs for tuning the estimator; the defaults are the product's.
    let number = |name: &str| value(name).map(|v| v.parse::<f64>().unwrap_or_else(|_| panic!("{name} takes a number")));
    let config = &mut options.config;
    if let Some(days) = number("--window-days") {
        config.recency.window_days = days as u32;
    }
    if let Some(days) = number("--half-life") {
        config.recency.half_life_days = Some(days);
    }
    if let Some(shrink) = number("--shrink") {
        config.shrink = shrink;
    }
    if let Some(len) = number("--prefix") {
        config.shape.postcode_prefix = len as usize;
    }
    let report = backtest::run(&deliveries, &options);
    if args.iter().any(|a| a == "--json") {
        println!("{}", serde_json::to_string_pretty(&report).unwrap());
    } else {
        println!("{report}");
        println!(
            "{} orders read, {} deliveries usable (skipped: {:?}); {:.1} s",
            orders.len(),
            deliveries.len(),
            skipped,
            started.elapsed().as_secs_f64()
        );
    }
}
