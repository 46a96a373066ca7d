//! Pieces shared by pages: the timeline, the progress bar, shipment cards,
//! the line table, the live map, charts and the page title.

#[cfg(feature = "ssr")]
pub mod condition_chart;
pub mod line_table;
pub mod live_map;
pub mod page_title;
pub mod progress;
pub mod proof_of_delivery;
pub mod returns;
pub mod shipment_card;
pub mod timeline;
pub mod trend_chart;
pub mod updates_signup;
