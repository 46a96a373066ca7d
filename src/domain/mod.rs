//! The pure core: ids, brand, milestones, the status dictionary, status
//! derivation, line quantities, addresses and time zones, notification
//! rules. No I/O, no framework types: everything here is unit-tested.

// Zones and what depends on them (addresses, quiet hours) are server-side:
// the browser gets times already formatted and needs no time-zone database.
#[cfg(feature = "ssr")]
pub mod address;
#[cfg(feature = "ssr")]
pub mod address_zone;
pub mod brand;
pub mod carrier_links;
pub mod condition;
pub mod dictionary;
#[cfg(feature = "ssr")]
pub mod edi_partner;
pub mod eta;
pub mod geo;
pub mod ids;
pub mod image;
pub mod kpi;
pub mod language;
pub mod milestone;
#[cfg(feature = "ssr")]
pub mod notification_rules;
pub mod pod_document;
pub mod promise;
pub mod quantities;
pub mod quantity;
#[cfg(feature = "ssr")]
pub mod queue;
pub mod receiving;
pub mod return_queue;
pub mod returns;
pub mod search;
pub mod status;
#[cfg(feature = "ssr")]
pub mod zone;

#[cfg(feature = "ssr")]
pub use address::{ShipTo, Site};
pub use brand::BrandColor;
pub use dictionary::{is_carrier_source, BuyerMeaning, DictionaryEntry, StatusDictionary};
pub use geo::{CoordinateError, LatLng};
pub use ids::*;
pub use milestone::{Canonical, ExceptionKind, Milestone, OpenExceptions};
pub use quantities::{line_quantities, CarriedQuantity, LineQuantities, OrderedLine};
pub use quantity::{Quantity, QuantityError};
pub use returns::{ReturnPolicy, ReturnReason, ReturnStatus, RmaNumber};
pub use status::{
    derive_order_status, exceptions_since, is_late, latest_of_each_kind_by, EventFact, OrderStatus, ShipmentStatus,
};
#[cfg(feature = "ssr")]
pub use zone::{TimeZone, UnknownZone};
