//! The application's shared state: the pool, the status dictionary, the
//! configuration, the live hub, the wake-ups of the workers, the blob store
//! and the limits. Passed to axum handlers as state and to server functions
//! as context; narrower parts are taken from it with `FromRef`.

use crate::blob::{BlobStore, LocalBlobStore};
use crate::config::Config;
use crate::domain::{StatusDictionary, TenantId};
use crate::live::Hub;
use crate::store::Pool;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a tenant's dictionary is used as read. Every posted event needs
/// it and overrides change seldom (by an operator), so an edit reaches
/// events on every node within this, at one read a tenant per interval
/// instead of one a request.
const DICTIONARY_KEPT: Duration = Duration::from_secs(5);

/// Shared by axum handlers (as state) and server functions (as context).
/// Every request clones it several times (each middleware takes its own
/// copy), so it is one `Arc`: cloning the fields one by one was a third of
/// the CPU of answering a not-found page.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What `AppState` holds.
pub struct Shared {
    pub leptos_options: LeptosOptions,
    /// The built front end: hashed names or not, and so its cache policy.
    pub site: Arc<crate::site::BuiltSite>,
    pub pool: Pool,
    pub dictionary: Arc<StatusDictionary>,
    /// Each tenant's dictionary as lately read (`dictionary_for`).
    tenant_dictionaries: Mutex<HashMap<TenantId, (Instant, Arc<StatusDictionary>)>>,
    pub config: Arc<Config>,
    pub hub: Arc<Hub>,
    /// Wakes the notification worker after a commit that may have queued messages.
    pub outbox: Arc<tokio::sync::Notify>,
    /// Wakes the delivery promise worker after a commit that added events.
    pub promises: Arc<tokio::sync::Notify>,
    /// Proof-of-delivery images (a local directory unless replaced).
    pub blobs: Arc<dyn BlobStore>,
    /// Seals webhook signing secrets in the database (`secret_box`): from
    /// `MILEPOST_SECRET_KEY`, or the key file in the data directory.
    pub secret_key: crate::secret_box::SecretKey,
    /// Turns at checking a password: argon2 takes 19 MiB and tens of
    /// milliseconds a check, so a crowd of sign-ins waits for one or is
    /// answered 429 instead of exhausting memory.
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// Per-address limits on the public endpoints (`rate_limit`).
    pub rate_limits: Arc<crate::rate_limit::RateLimiters>,
    /// Page views and searches the rollup worker has yet to write.
    pub signals: Arc<crate::store::kpis::PendingSignals>,
    /// Tracking pages rendered a moment ago (`server::page_cache`).
    pub page_cache: Arc<crate::live::page_cache::PageCache>,
    /// Events waiting to be written together (`ingest::record`).
    pub recorder: Arc<crate::store::GroupCommit>,
    /// The newest event of each kind of the orders written lately, so a
    /// write reads only what came since (`store::StatusFacts`).
    pub status_facts: crate::store::StatusFacts,
    /// The decisive events of the orders the delivery promise looked at
    /// lately (`store::timelines`): it then reads only what is new.
    pub promise_timelines: crate::store::promise::PromiseTimelines,
}

impl AppState {
    /// The status dictionary as this tenant sees it: the bundled table with
    /// the tenant's overrides on top, as read in the last
    /// [`DICTIONARY_KEPT`]. Most tenants override nothing and share the
    /// bundled table as is.
    pub async fn dictionary_for(&self, tenant: TenantId) -> crate::store::Result<Arc<StatusDictionary>> {
        let now = Instant::now();
        let kept = self.tenant_dictionaries.lock().expect("dictionaries lock").get(&tenant).cloned();
        if let Some((_, dictionary)) = kept.filter(|(read_at, _)| now.duration_since(*read_at) < DICTIONARY_KEPT) {
            return Ok(dictionary);
        }
        let overrides = crate::store::status_overrides(&self.pool, tenant).await?;
        let dictionary = match overrides.is_empty() {
            true => self.dictionary.clone(),
            false => Arc::new(self.dictionary.with_overrides(overrides)),
        };
        let mut kept = self.tenant_dictionaries.lock().expect("dictionaries lock");
        if kept.len() >= 10_000 {
            kept.retain(|_, (read_at, _)| now.duration_since(*read_at) < DICTIONARY_KEPT);
        }
        kept.insert(tenant, (now, dictionary.clone()));
        Ok(dictionary)
    }

    /// Base URL for links handed out (tracking links in API responses).
    pub fn public_url(&self) -> String {
        self.config.public_url.clone().unwrap_or_else(|| format!("http://{}", self.config.addr))
    }

    /// Panics if there is no `MILEPOST_SECRET_KEY` and the key file cannot
    /// be read or made; `main` settles the key first, with a proper error.
    pub fn new(mut config: Config, pool: Pool) -> Self {
        let secret_key = crate::secret_box::SecretKey::for_deployment(config.secret_key.as_ref(), &config.data_dir)
            .unwrap_or_else(|e| panic!("{e}"));
        config.secret_key = Some(secret_key.clone());
        let site = crate::site::BuiltSite::discover(std::path::Path::new(&config.site_root));
        site.install();
        let leptos_options = LeptosOptions::builder()
            .output_name(crate::site::OUTPUT_NAME)
            .hash_files(site.hashed)
            .site_root(config.site_root.clone())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .build();
        let blobs = Arc::new(LocalBlobStore::new(config.data_dir.join("pod")));
        let password_checks = Arc::new(tokio::sync::Semaphore::new(config.limits.password_checks));
        let rate_limits = Arc::new(crate::rate_limit::RateLimiters::new(&config.limits.rate_limits));
        let config_page_cache = config.limits.page_cache;
        let config = Arc::new(config);
        let hub = Hub::with_tracking_builder(crate::live::sse::tracking_builder(pool.clone(), config.clone()));
        AppState(Arc::new(Shared {
            leptos_options,
            site: Arc::new(site),
            pool,
            dictionary: Arc::new(StatusDictionary::global()),
            tenant_dictionaries: Mutex::default(),
            config,
            hub: Arc::new(hub),
            outbox: Arc::default(),
            promises: Arc::default(),
            blobs,
            secret_key,
            password_checks,
            rate_limits,
            signals: Arc::default(),
            page_cache: Arc::new(crate::live::page_cache::PageCache::new(config_page_cache)),
            recorder: Arc::default(),
            // Some tens of kinds an order: thousands of orders, a few MB.
            status_facts: crate::store::StatusFacts::new(200_000),
            // A few events an order: some tens of thousands of orders.
            promise_timelines: crate::store::promise::PromiseTimelines::new(200_000),
        }))
    }
}

/// What the router (`LeptosOptions`) and handlers (`State<Pool>`) take by type.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Pool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}

impl FromRef<AppState> for crate::live::sse::Streams {
    fn from_ref(state: &AppState) -> Self {
        Self { pool: state.pool.clone(), hub: state.hub.clone(), config: state.config.clone() }
    }
}
