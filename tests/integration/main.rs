//! Every integration suite in one test binary: each of them linked on its
//! own was a binary of more than half a gigabyte (Leptos' type names fill
//! the line tables), thirty of them filled CI's disk and took minutes to
//! link. nextest still runs each test in a process of its own.

mod common;

mod api;
mod application;
mod authorization;
mod buyer_headline;
mod buyer_help;
mod carrier_samples;
mod carrier_webhooks;
mod cli;
mod conditions;
mod corpus;
mod edi;
mod hostile_strings;
mod idempotency;
mod kpis;
mod languages;
mod last_mile;
mod layers;
mod notifications;
mod order_lookup;
mod page_cache;
mod pages;
mod portal;
mod portal_forms;
mod portal_returns;
mod promise;
mod proof_of_delivery;
mod returns;
mod scale_out;
mod search;
mod sign_in;
mod static_files;
mod store;
mod tracking_page;
mod under_load;
mod work_queue;
