//! What a page shows, as plain serialisable data: built on the server
//! (`crate::tracking`, `crate::portal`), rendered by `crate::ui` on the
//! server and again in the browser. It sits between them so neither has to
//! import the other.

pub mod portal;
pub mod tracking;
