//! One way to start: `milepost serve` and the test harness both build the
//! server here, so the tests run what production runs: the same database
//! preparation, the HTTP server, and everything beside it (the notification
//! worker, the PostgreSQL listener, the retention task).

use crate::config::Config;
use crate::state::AppState;
use crate::store::{self, Pool};
use std::net::SocketAddr;

/// A server that is listening (connections wait in the backlog) and whose
/// background tasks run; [`Application::run_until_stopped`] serves.
pub struct Application {
    state: AppState,
    listener: tokio::net::TcpListener,
    address: SocketAddr,
    background: Vec<tokio::task::JoinHandle<()>>,
}

/// What runs beside the HTTP server. Production runs all of it; a test that
/// steps deliveries itself (to watch each attempt, or to deliver as another
/// node would) turns the worker off, or the two would race for each message.
#[derive(Clone, Copy, Debug)]
pub struct Background {
    pub notification_worker: bool,
}

impl Default for Background {
    fn default() -> Self {
        Background { notification_worker: true }
    }
}

impl Application {
    /// The production server for `config`; `MILEPOST_ADDR` may name port 0.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with(config, Background::default()).await
    }

    pub async fn build_with(mut config: Config, background: Background) -> anyhow::Result<Self> {
        let pool = prepare_database(&mut config).await?;
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
        let address = listener.local_addr()?;
        // With port 0 the configured address names no port a link could use.
        config.addr = address;
        config.public_url.get_or_insert_with(|| format!("http://{address}"));
        let state = AppState::new(config, pool);
        let mut tasks = Vec::new();
        if background.notification_worker {
            tasks.push(crate::notify::spawn_worker(state.clone()).map_err(anyhow::Error::msg)?);
        }
        tasks.push(crate::retention::spawn_position_pruner(state.clone()));
        // The KPI dashboard's rollups follow the event log a few seconds behind.
        tasks.push(crate::kpis::spawn_rollup_worker(state.clone()));
        tasks.push(crate::promise::spawn_promise_worker(state.clone()));
        tasks.extend(crate::live::listener::spawn_listener(&state.pool, state.hub.clone()));
        Ok(Application { state, listener, address, background: tasks })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The pool, the settled configuration (its public URL included) and
    /// the live hub the server and its background tasks share.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, lets in-flight requests finish, and
    /// then stops the background tasks.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Application { state, listener, address, background } = self;
        tracing::info!(addr = %address, "Milepost is listening on {}", state.public_url());
        let limits = state.config.limits.clone();
        let served = crate::server::serve_with(listener, crate::server::router(state), &limits).await;
        for task in background {
            task.abort();
        }
        served
    }
}

/// What every command needs first: the database open and migrated, and the
/// key that seals webhook secrets settled into `config` (a key that does
/// not open the stored secrets is refused here, with a proper error, rather
/// than at the first webhook).
pub async fn prepare_database(config: &mut Config) -> anyhow::Result<Pool> {
    let pool = store::connect(&config.database_url, config.max_connections).await?;
    store::migrate(&pool).await?;
    let secret_key = crate::secret_box::SecretKey::for_deployment(config.secret_key.as_ref(), &config.data_dir)
        .map_err(anyhow::Error::msg)?;
    // What an older version stored in clear is sealed now.
    let sealed = store::seal_clear_secrets(&pool, &secret_key).await?;
    if sealed > 0 {
        tracing::info!(secrets = sealed, "sealed webhook secrets that were stored in clear");
    }
    config.secret_key = Some(secret_key);
    // Orders saved before the search index existed become searchable.
    let indexed = store::index_unindexed_orders(&pool).await?;
    if indexed > 0 {
        tracing::info!(orders = indexed, "indexed orders for search");
    }
    Ok(pool)
}
