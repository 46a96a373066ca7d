#![recursion_limit = "256"]
//! Milepost: one live timeline per order.

pub mod domain;
pub mod shell;
pub mod policy;
pub mod ui;
pub mod view_model;

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod application;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod blob;
#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod documents;
#[cfg(feature = "ssr")]
pub mod history;
/// The delivery promise worker: lane rollups, stored windows, predicted-late alerts.
#[cfg(feature = "ssr")]
pub mod promise;
#[cfg(feature = "ssr")]
pub mod ingest;
/// The KPI dashboard: the rollup worker and the report (rows in `store::kpis`).
#[cfg(feature = "ssr")]
pub mod kpis;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod notify;
#[cfg(feature = "ssr")]
pub mod portal;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod token;
#[cfg(feature = "ssr")]
pub mod tracking;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(ui::app::App);
}
#[cfg(feature = "ssr")]
pub mod proof_of_delivery_archive;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod retention;
#[cfg(feature = "ssr")]
pub mod secret_box;
