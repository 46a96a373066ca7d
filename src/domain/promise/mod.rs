//! Delivery promise intelligence, the pure part: lanes and their fallback
//! ladder, business-day calendars in the destination's dates, mergeable
//! monthly histograms of handling and transit days, and the estimator
//! that turns them into the window a buyer sees and the probability that
//! the promise is missed. The store keeps the histograms as rollup rows;
//! nothing here does I/O.

pub mod calendar;
pub mod estimator;
pub mod histogram;
pub mod lane;

pub use calendar::{local_date, BusinessCalendar};
pub use estimator::{
    blend, estimate, Basis, DeliveryWindow, EstimatorConfig, Prediction, Progress, PromiseInput, QuantileLevels,
    RungHistory, Score,
};
pub use histogram::{DayHistogram, Distribution, MonthlyHistogram, Recency, YearMonth, OVERFLOW_DAYS};
pub use lane::{handling_ladder, Delivery, Lane, LaneKey, LaneLevel, LaneShape, Place, Rung};

#[cfg(test)]
mod tests;
