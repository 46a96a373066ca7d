#![recursion_limit = "256"]
//! Milepost: one live timeline per order.
//!
//! A guided tour, in the order a fact travels:
//!
//! 1. **Sources** (the OMS, the warehouse, carrier webhooks, X12 files,
//!    GPS pings, sensors, proof of delivery) reach the HTTP API in [`api`]
//!    (or `milepost import`, in [`cli`]). Callers are checked in [`auth`]
//!    and what they may do is decided in [`policy`].
//! 2. **Adapters** in [`ingest`] turn each format's bytes into canonical
//!    events, naming every bad field, and map source codes to milestones
//!    with the status dictionary in [`domain`].
//! 3. **[`store::append`]** commits them in one transaction: duplicates
//!    dropped, derived status recomputed, notifications queued. SQL lives
//!    only in [`store`].
//! 4. **The hub** in [`live`] tells subscribers after the commit (across
//!    nodes on PostgreSQL, through LISTEN/NOTIFY).
//! 5. **Readers**: the tracking page and the portal ([`ui`], fed by the
//!    presenters in [`present`]), server-sent event streams ([`live`]),
//!    documents such as the POD PDF ([`documents`]), and the notification
//!    worker in [`notify`] (email, SMS, outbound webhooks).
//! 6. **Learning** from the same event log: the delivery-promise worker in
//!    [`promise`] (lane history, predicted windows, trending late; maths in
//!    `domain::promise`) and the KPI rollups in [`kpis`].
//!
//! [`application`] wires it together; `main` and every test start the
//! same server through it.

pub mod domain;
pub mod policy;
pub mod present;
pub mod shell;
pub mod site;
pub mod ui;

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
#[cfg(feature = "ssr")]
pub mod i18n;
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
/// The delivery promise worker: lane rollups, stored windows, predicted-late alerts.
#[cfg(feature = "ssr")]
pub mod promise;
/// Returns and credits on the order's thread: what the API and the pages call (rows in `store::returns`).
#[cfg(feature = "ssr")]
pub mod returns;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod token;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes hydrate only once their chunk has loaded.
    leptos::mount::hydrate_lazy(ui::app::App);
}
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod retention;
#[cfg(feature = "ssr")]
pub mod secret_box;
