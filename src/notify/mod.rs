//! Notifications: the outbox rows the store queues with each event are
//! delivered here, with retries, backoff and a dead-letter state.

pub mod email;
pub mod rules;

use crate::auth::tracking_link;
use crate::state::AppState;
use crate::store;
use chrono::{Duration, Utc};
use email::Mailer;
use rand::Rng;

/// How long a claimed message is this worker's; after that another may take it.
const LEASE: Duration = Duration::minutes(2);
/// Tracking links mailed out stay valid this long.
const LINK_LIFETIME: Duration = Duration::days(90);

/// Starts the delivery worker when SMTP is configured. Without it messages
/// stay queued (never lost) until a node with SMTP runs.
pub fn spawn_worker(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    let url = state.config.smtp_url.clone()?;
    let mailer = match Mailer::new(&url, &state.config.smtp_from) {
        Ok(mailer) => mailer,
        Err(e) => {
            tracing::error!("notifications are not sent: {e}");
            return None;
        }
    };
    Some(tokio::spawn(async move {
        loop {
            match deliver_due(&state, &mailer).await {
                Ok(0) => tokio::time::sleep(state.config.notify_poll).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!("notification worker: {e}");
                    tokio::time::sleep(state.config.notify_poll).await;
                }
            }
        }
    }))
}

/// Claims what is due and delivers it; returns how many were attempted.
pub async fn deliver_due(state: &AppState, mailer: &Mailer) -> store::Result<usize> {
    let now = Utc::now();
    let due = store::claim_notifications(&state.pool, now, now + LEASE, 20).await?;
    for notification in &due {
        let token =
            tracking_link::issue(&state.pool, notification.tenant_id, notification.order_id, Some(now + LINK_LIFETIME))
                .await?;
        let url = format!("{}/t/{}", state.public_url(), token.as_str());
        match mailer.send(notification, &url).await {
            Ok(()) => store::mark_notification_sent(&state.pool, notification.id).await?,
            Err(error) => {
                let attempts = notification.attempts as u32;
                let retry_at = (attempts < state.config.notify_max_attempts).then(|| {
                    let jitter = rand::thread_rng().gen::<f64>();
                    Utc::now() + rules::retry_delay(attempts, state.config.notify_retry_base, jitter)
                });
                if retry_at.is_none() {
                    tracing::warn!(id = notification.id, %error, "notification dead after {attempts} attempts");
                }
                store::mark_notification_failed(&state.pool, notification.id, &error, retry_at).await?;
            }
        }
    }
    Ok(due.len())
}
