//! Data that is only useful for a while is deleted after it: GPS fixes
//! arrive every few seconds per vehicle, and kept forever they would grow
//! the database without end while nothing reads them past the last mile.

use crate::state::AppState;
use chrono::Utc;

/// How often old positions are looked for. Pruning is cheap when little
/// is due, and a fix a few hours past the retention harms nobody.
const EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Prunes positions older than `MILEPOST_POSITION_RETENTION_DAYS`, now and
/// then every hour. Every node may run it: the deletes are idempotent.
pub fn spawn_position_pruner(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let before = Utc::now() - state.config.position_retention;
            match crate::store::prune_positions(&state.pool, before).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, %before, "pruned old vehicle positions"),
                Err(e) => tracing::warn!("pruning old vehicle positions: {e}"),
            }
        }
    })
}
