//! The Leptos app: shell, router, pages and components. Compiled for both the
//! server (rendering) and the browser (hydration).

pub mod app;
pub mod components;
#[cfg(feature = "hydrate")]
pub mod live_updates;
pub mod pages;
