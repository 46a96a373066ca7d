//! Delivery history from outside Milepost and what it teaches: the Olist
//! public dataset's CSV files read into plain records (`olist`), and the
//! rolling-origin backtest that scores the promise estimator against them
//! (`backtest`). No SQL here; the importer that turns the records into
//! orders and events goes through the normal ingest path.

pub mod backtest;
pub mod olist;
