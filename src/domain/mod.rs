//! The pure core: ids, brand, milestones, the status dictionary, status
//! derivation. No I/O, no framework types: everything here is unit-tested.

pub mod brand;
pub mod condition;
pub mod dictionary;
pub mod eta;
pub mod geo;
pub mod ids;
pub mod image;
pub mod kpi;
pub mod milestone;
pub mod pod_document;
pub mod promise;
pub mod receiving;
pub mod search;
pub mod status;

pub use brand::BrandColor;
pub use dictionary::{is_carrier_source, DictionaryEntry, StatusDictionary};
pub use geo::{CoordinateError, LatLng};
pub use ids::*;
pub use milestone::{Canonical, ExceptionKind, Milestone};
pub use status::{derive_order_status, is_late, EventFact, OrderStatus, ShipmentStatus};
