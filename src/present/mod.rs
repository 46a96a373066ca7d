//! The presenters: what the tracking page and the portal show, and how it
//! is built. The `*_view` modules are plain serialisable data, rendered by
//! `crate::ui` on the server and again in the browser; `tracking` and
//! `portal` build them on the server from store records (localised,
//! filtered for the reader's role). Keeping both here lets the UI and the
//! handlers share the types without importing each other.

pub mod portal_returns_view;
pub mod portal_view;
pub mod returns_view;
pub mod tracking_view;

#[cfg(feature = "ssr")]
pub mod portal;
#[cfg(feature = "ssr")]
pub mod portal_returns;
#[cfg(feature = "ssr")]
pub mod returns;
#[cfg(feature = "ssr")]
pub mod tracking;
