//! One file per page: the buyer's tracking page, the portal's pages, the
//! dashboard, the API reference and the message pages.

#[cfg(feature = "ssr")]
pub mod api_reference;
#[cfg(feature = "ssr")]
pub mod buyer_request;
#[cfg(feature = "ssr")]
pub mod buyer_return;
pub mod dashboard;
pub mod home;
pub mod not_found;
pub mod portal;
pub mod status_dictionary;
pub mod tracking;
pub mod unavailable;
#[cfg(feature = "ssr")]
pub mod unsubscribe;
