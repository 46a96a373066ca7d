//! Server-sent event streams: the tracking link's (customer view) and the
//! authenticated per-order stream (every event, internal ones included).
//! Both resume after `Last-Event-ID` (or `?after=`) from the store.

use super::event_stream::{message, EventStream};
use super::{Hub, TrackingBuilder, TrackingMessage, Update};
use crate::config::Config;
use crate::domain::language::Language;
use crate::domain::{EventId, OrderId, TenantId};
use crate::present::tracking::load_tracking_view;
use crate::store::{self, EventRecord, TrackingLinkTarget};
use axum::body::Bytes;
use axum::http::HeaderMap;
use futures::Stream;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// What the streams need of the application: a substate taken from the
/// app's state with `FromRef`, so `live` does not depend on `state` (which
/// holds the hub).
#[derive(Clone)]
pub struct Streams {
    pub pool: store::Pool,
    pub hub: Arc<Hub>,
    pub config: Arc<Config>,
}

/// How often a tracking stream re-checks that its link is still valid.
const REVALIDATE: Duration = Duration::from_secs(30);

/// Where a stream resumes: `?after=` on a first connection (the page knows
/// which event it was rendered with), `Last-Event-ID` on reconnections.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Resume {
    /// Resume after this event id (reconnections send `Last-Event-ID` instead).
    pub after: Option<i64>,
}

/// The language the page is showing (a tag the tenant offers); otherwise
/// the tenant's default.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamLanguage {
    /// A language tag: en, es, fr, de, pt-BR or ar.
    pub lang: Option<String>,
}

impl Resume {
    /// A `Last-Event-ID` that is not an event id is refused rather than
    /// ignored: the stream would otherwise replay from a point the client
    /// never asked for.
    pub fn point(&self, headers: &HeaderMap) -> Result<Option<EventId>, BadLastEventId> {
        match headers.get("last-event-id") {
            Some(value) => match value.to_str().ok().and_then(|v| v.trim().parse().ok()) {
                Some(id) => Ok(Some(EventId(id))),
                None => Err(BadLastEventId),
            },
            None => Ok(self.after.map(EventId)),
        }
    }
}

/// A `Last-Event-ID` header that is not an event id (a whole number).
#[derive(Debug)]
pub struct BadLastEventId;

/// How the hub builds tracking messages before it sends an update.
pub fn tracking_builder(pool: store::Pool, config: Arc<Config>) -> TrackingBuilder {
    Arc::new(move |tenant, order, language| {
        let (pool, config) = (pool.clone(), config.clone());
        Box::pin(async move { tracking_message(&pool, &config, tenant, order, language).await })
    })
}

/// The customer view as a `tracking` message, whose id is the newest event
/// the view includes.
async fn tracking_message(
    pool: &store::Pool,
    config: &Config,
    tenant: TenantId,
    order: OrderId,
    language: Language,
) -> Option<TrackingMessage> {
    let view = async {
        let tenant = crate::store::get_tenant(pool, tenant).await?;
        load_tracking_view(pool, &config.map, &tenant, order, language).await
    };
    match view.await {
        Ok(view) => serde_json::to_string(&view).ok().map(|json| TrackingMessage {
            last_event_id: view.last_event_id,
            frame: message("tracking", Some(view.last_event_id), &json),
        }),
        Err(e) => {
            tracing::error!(error = %e, order = %order, "building a live tracking update failed");
            None
        }
    }
}

/// Built once per update for all its subscribers (usually by the hub,
/// before it sent the update).
async fn shared_tracking_message(state: &Streams, update: &Update, language: Language) -> Option<TrackingMessage> {
    let build = async || tracking_message(&state.pool, &state.config, update.tenant, update.order, language).await;
    update.tracking_message(language, build).await
}

/// The buyer's live view of one order (`GET /t/{token}/events`, whose
/// handler checks the request): the current view at once when `resume` is
/// behind, then every change, until the link is revoked or expires.
pub fn tracking_event_stream(
    state: Streams,
    target: TrackingLinkTarget,
    token: String,
    resume: Option<EventId>,
    requested: Option<String>,
) -> EventStream<impl Stream<Item = Bytes>> {
    // Subscribe before reading the store so nothing falls in between.
    let mut updates = state.hub.subscribe(target.order);
    // Thousands of these wait at once, mostly idle: the page-building
    // futures are boxed only while they run, so what an idle stream keeps
    // is small (`an_idle_tracking_stream_is_small`).
    let stream = async_stream::stream! {
        let language = match store::get_tenant(&state.pool, target.tenant).await {
            Ok(tenant) => tenant.languages().choose(requested.as_deref(), None, None),
            Err(_) => Language::English,
        };
        state.hub.watch_in(target.order, language);
        let latest = store::latest_event_id(&state.pool, target.order).await.ok().flatten().map_or(0, |id| id.0);
        let mut sent = resume.map_or(latest, |id| id.0);
        if sent < latest {
            // Behind: the current view, built once for every stream that
            // catches up to the same point (`Hub::catch_up`).
            let update = state.hub.catch_up(target.tenant, target.order, EventId(latest));
            if let Some(built) = Box::pin(shared_tracking_message(&state, &update, language)).await {
                sent = built.last_event_id;
                yield built.frame;
            }
        }
        // Spread the checks so thousands of streams opened together do not
        // all hit the database in the same instant.
        let jitter = Duration::from_millis(rand::random::<u64>() % REVALIDATE.as_millis() as u64);
        let mut revalidate = tokio::time::interval_at(tokio::time::Instant::now() + REVALIDATE + jitter, REVALIDATE);
        loop {
            tokio::select! {
                received = updates.recv() => match received {
                    Ok(update) => {
                        if update.last_event_id.0 <= sent && !update.moved { continue; }
                        if let Some(built) = Box::pin(shared_tracking_message(&state, &update, language)).await {
                            if built.last_event_id > sent || update.moved {
                                sent = built.last_event_id;
                                yield built.frame;
                            }
                        }
                    }
                    Err(RecvError::Lagged(_)) => {
                        // Fell behind: the store has the truth.
                        if let Some(built) = Box::pin(tracking_message(&state.pool, &state.config, target.tenant, target.order, language)).await {
                            sent = built.last_event_id;
                            yield built.frame;
                        }
                    }
                    Err(RecvError::Closed) => break,
                },
                _ = revalidate.tick() => {
                    // A revoked or expired link stops streaming too.
                    if !matches!(Box::pin(crate::auth::tracking_link::resolve(&state.pool, &token)).await, Ok(Some(_))) {
                        break;
                    }
                }
            }
        }
    };
    EventStream(stream)
}

/// The JSON shape of one event on the authenticated stream and in the API.
pub fn event_json(event: &EventRecord) -> serde_json::Value {
    serde_json::json!({
        "id": event.id.0,
        "shipment_id": event.shipment_id.map(|s| s.0),
        "source": event.source,
        "source_event_id": event.source_event_id,
        "code": event.raw_code,
        "milestone": event.canonical.code(),
        "label": event.canonical.presentation().label,
        "customer_visible": event.canonical.presentation().customer_visible,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "location": event.location,
        "details": event.details.0,
    })
}

/// Every event of an order after `after`, one SSE message each, then live.
pub fn order_event_stream(
    state: Streams,
    tenant: TenantId,
    order: OrderId,
    resume: Option<EventId>,
) -> EventStream<impl Stream<Item = Bytes>> {
    let mut updates = state.hub.subscribe(order);
    let stream = async_stream::stream! {
        let mut sent = match resume {
            Some(id) => id,
            None => store::latest_event_id(&state.pool, order).await.ok().flatten().unwrap_or(EventId(0)),
        };
        loop {
            match store::events_after(&state.pool, tenant, order, sent).await {
                Ok(events) => for event in events {
                    sent = event.id;
                    yield message("event", Some(event.id.0), &event_json(&event).to_string());
                },
                Err(e) => tracing::error!(error = %e, "reading events for a stream failed"),
            }
            // Wait for anything newer; a lag just means "read the store again".
            loop {
                match updates.recv().await {
                    Ok(update) if update.last_event_id <= sent => continue,
                    Ok(_) | Err(RecvError::Lagged(_)) => break,
                    Err(RecvError::Closed) => return,
                }
            }
        }
    };
    EventStream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Thousands of buyers keep a stream open at once; what each costs
    /// while it waits is mostly this state (the socket's buffers aside).
    #[tokio::test]
    async fn an_idle_tracking_stream_is_small() {
        let pool = store::connect("sqlite::memory:", 1).await.unwrap();
        let config = Config::from_lookup(|_| None).unwrap();
        let state = Streams { pool, hub: Arc::default(), config: Arc::new(config) };
        let target = TrackingLinkTarget { tenant: TenantId(1), order: OrderId(1) };
        let stream = tracking_event_stream(state, target, "t".repeat(32), None, None);
        let size = std::mem::size_of_val(&stream);
        assert!(size <= 2048, "an idle stream keeps {size} bytes");
    }
}
