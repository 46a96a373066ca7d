use crate::config::Config;
use crate::domain::StatusDictionary;
use crate::store::Pool;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// Shared by axum handlers (as state) and server functions (as context).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub dictionary: Arc<StatusDictionary>,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(config: Config, pool: Pool) -> Self {
        let leptos_options = LeptosOptions::builder()
            .output_name("milepost")
            .site_root(config.site_root.clone())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .build();
        AppState { leptos_options, pool, dictionary: Arc::new(StatusDictionary::global()), config: Arc::new(config) }
    }
}
