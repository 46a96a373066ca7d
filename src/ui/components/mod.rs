pub mod line_table;
pub mod live_map;
pub mod page_title;
pub mod progress;
pub mod proof_of_delivery;
pub mod shipment_card;
pub mod timeline;
pub mod updates_signup;
