//! The live hub: after a commit, the order's subscribers hear about it.
//!
//! One broadcast channel per watched order. Publishing never waits: a slow
//! subscriber that falls behind is told it lagged and catches up from the
//! store, so it misses nothing and blocks nobody.

pub mod event_stream;
pub mod listener;
pub mod page_cache;
pub mod sse;

use crate::domain::language::Language;
use crate::domain::{EventId, OrderId, TenantId};
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, oneshot, OnceCell};

/// How many updates a subscriber may fall behind before it must catch up
/// from the store instead.
const BACKLOG: usize = 64;

/// "Order X has events up to id N." Subscribers read the rest from the
/// store; what the tracking page shows is built once per update and shared.
#[derive(Debug)]
pub struct Update {
    pub tenant: TenantId,
    pub order: OrderId,
    pub last_event_id: EventId,
    /// A vehicle carrying the order moved: the map and the ETA change
    /// without a new event (`last_event_id` is then 0).
    pub moved: bool,
    /// The tracking stream's message in each language (`Language::ALL`'s
    /// order): built before the update is sent in the languages its
    /// subscribers asked for, else by the first subscriber that needs it.
    pub tracking: [OnceCell<TrackingMessage>; 6],
}

impl Update {
    fn new(tenant: TenantId, order: OrderId, last_event_id: EventId, moved: bool) -> Self {
        Update { tenant, order, last_event_id, moved, tracking: Default::default() }
    }

    /// The tracking message in `language`, built by `build` unless it is
    /// built already or being built. A failure is not kept: the next caller
    /// tries again rather than everyone missing the update.
    pub async fn tracking_message<F>(&self, language: Language, build: F) -> Option<TrackingMessage>
    where
        F: AsyncFnOnce() -> Option<TrackingMessage>,
    {
        self.tracking[slot(language)].get_or_try_init(async || build().await.ok_or(())).await.ok().cloned()
    }
}

/// Where a language's tracking message is kept in an update (`Language::ALL`'s order).
fn slot(language: Language) -> usize {
    Language::ALL.iter().position(|l| *l == language).unwrap_or_default()
}

/// Builds an order's tracking message in a language (from the store).
pub type TrackingBuilder =
    Arc<dyn Fn(TenantId, OrderId, Language) -> BoxFuture<'static, Option<TrackingMessage>> + Send + Sync>;

/// The customer view, framed as an SSE message, and the newest event id in
/// it (the view may be newer than the update that asked for it).
#[derive(Clone, Debug)]
pub struct TrackingMessage {
    pub last_event_id: i64,
    pub frame: axum::body::Bytes,
}

#[derive(Default)]
pub struct Hub {
    orders: Mutex<HashMap<OrderId, Channel>>,
    /// When each order last changed, for caches of what was built from it
    /// (`server::page_cache`); forgotten after [`Hub::CHANGES_KEPT`].
    changed: Mutex<RecentChanges>,
    /// With it, an update's tracking messages are built before it is sent.
    /// Else each subscriber, woken by the update, would then wait for the
    /// first one to build them and be woken a second time: twice the
    /// wake-ups, 10,000 of them per update for 10,000 watchers.
    tracking_builder: Option<TrackingBuilder>,
}

/// A watched order: its subscribers, and its newest update (whose views,
/// once built, serve streams that catch up to it too).
struct Channel {
    sender: broadcast::Sender<Arc<Update>>,
    newest: Option<Arc<Update>>,
    /// The languages its tracking streams show (`Language::ALL`'s order,
    /// one bit each; kept while the channel lives).
    languages: u8,
    /// Done when the update sent before the one being built has gone out:
    /// updates reach subscribers in the order they were published.
    previous_sent: Option<oneshot::Receiver<()>>,
}

#[derive(Default)]
struct RecentChanges {
    at: HashMap<OrderId, Instant>,
    /// Past this many entries, the old ones are dropped (and the mark is
    /// raised when they are all recent, so pruning stays occasional).
    prune_above: usize,
}

impl Hub {
    /// How long a change is remembered: longer than anything built from an
    /// order may be cached.
    pub const CHANGES_KEPT: Duration = Duration::from_secs(10);

    /// Whether `order` changed (an event, a moved vehicle, on any node) at
    /// or after `since`. Answers only for the last [`Hub::CHANGES_KEPT`].
    pub fn changed_since(&self, order: OrderId, since: Instant) -> bool {
        self.changed.lock().expect("hub lock").at.get(&order).is_some_and(|at| *at >= since)
    }

    fn record_change(&self, order: OrderId) {
        let now = Instant::now();
        let mut changed = self.changed.lock().expect("hub lock");
        changed.at.insert(order, now);
        if changed.at.len() > changed.prune_above.max(4_096) {
            changed.at.retain(|_, at| now.duration_since(*at) < Self::CHANGES_KEPT);
            changed.prune_above = 2 * changed.at.len();
        }
    }

    pub fn with_tracking_builder(builder: TrackingBuilder) -> Self {
        Hub { tracking_builder: Some(builder), ..Hub::default() }
    }

    pub fn subscribe(&self, order: OrderId) -> broadcast::Receiver<Arc<Update>> {
        let mut orders = self.orders.lock().expect("hub lock");
        orders
            .entry(order)
            .or_insert_with(|| Channel {
                sender: broadcast::channel(BACKLOG).0,
                newest: None,
                languages: 0,
                previous_sent: None,
            })
            .sender
            .subscribe()
    }

    /// A subscriber of `order` shows its tracking messages in `language`:
    /// from now on they are built before an update is sent.
    pub fn watch_in(&self, order: OrderId, language: Language) {
        if let Some(channel) = self.orders.lock().expect("hub lock").get_mut(&order) {
            channel.languages |= 1 << slot(language);
        }
    }

    /// The update a subscriber of `order` that is behind `latest` catches
    /// up with: the newest one when it is that recent, else one made now
    /// and kept as the newest. Streams that open or fall behind together
    /// (thousands, after a restart or a burst) so share one build of the
    /// view instead of each reading the order alone. The caller subscribes
    /// first.
    pub fn catch_up(&self, tenant: TenantId, order: OrderId, latest: EventId) -> Arc<Update> {
        let mut orders = self.orders.lock().expect("hub lock");
        let fresh = || Arc::new(Update::new(tenant, order, latest, false));
        let Some(channel) = orders.get_mut(&order) else { return fresh() };
        match &channel.newest {
            Some(newest) if newest.last_event_id >= latest => newest.clone(),
            _ => channel.newest.insert(fresh()).clone(),
        }
    }

    /// Called after commit. Cheap when nobody watches the order.
    pub fn publish(&self, tenant: TenantId, order: OrderId, last_event_id: EventId) {
        self.send(Update::new(tenant, order, last_event_id, false));
    }

    /// Called after a position that moves the order's vehicle is stored.
    pub fn publish_moved(&self, tenant: TenantId, order: OrderId) {
        self.send(Update::new(tenant, order, EventId(0), true));
    }

    fn send(&self, update: Update) {
        let order = update.order;
        self.record_change(order);
        let mut orders = self.orders.lock().expect("hub lock");
        let Some(channel) = orders.get_mut(&order) else { return };
        if channel.sender.receiver_count() == 0 {
            // Every subscriber has gone: forget the channel.
            orders.remove(&order);
            return;
        }
        let update = Arc::new(update);
        // A moved vehicle changes the view without an event: the next
        // stream to catch up builds it anew.
        channel.newest = (!update.moved).then(|| update.clone());
        let Some(builder) = self.tracking_builder.clone() else {
            let _ = channel.sender.send(update);
            return;
        };
        let languages = channel.languages;
        let sender = channel.sender.clone();
        let (sent, next_sent) = oneshot::channel();
        let previous_sent = channel.previous_sent.replace(next_sent);
        // Publishing never waits for the build: it runs on its own task.
        tokio::spawn(async move {
            for (index, language) in Language::ALL.into_iter().enumerate() {
                if languages & (1 << index) != 0 {
                    let (tenant, order) = (update.tenant, update.order);
                    update.tracking_message(language, async || builder(tenant, order, language).await).await;
                }
            }
            if let Some(previous) = previous_sent {
                // An error means the previous task ended without sending.
                let _ = previous.await;
            }
            let _ = sender.send(update);
            let _ = sent.send(());
        });
    }

    pub fn watched_orders(&self) -> usize {
        self.orders.lock().expect("hub lock").len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_remembered_per_order() {
        let hub = Hub::default();
        let before = Instant::now();
        hub.publish(TenantId(1), OrderId(1), EventId(10));
        assert!(hub.changed_since(OrderId(1), before));
        assert!(!hub.changed_since(OrderId(1), Instant::now()));
        assert!(!hub.changed_since(OrderId(2), before));
        hub.publish_moved(TenantId(1), OrderId(2));
        assert!(hub.changed_since(OrderId(2), before));
    }

    #[tokio::test]
    async fn subscribers_hear_only_their_order() {
        let hub = Hub::default();
        let mut ours = hub.subscribe(OrderId(1));
        let mut theirs = hub.subscribe(OrderId(2));
        hub.publish(TenantId(1), OrderId(1), EventId(10));
        assert_eq!(ours.recv().await.unwrap().last_event_id, EventId(10));
        assert!(theirs.try_recv().is_err());
    }

    #[tokio::test]
    async fn a_slow_subscriber_lags_instead_of_blocking_the_publisher() {
        let hub = Hub::default();
        let mut slow = hub.subscribe(OrderId(1));
        for id in 0..(BACKLOG as i64 + 10) {
            hub.publish(TenantId(1), OrderId(1), EventId(id));
        }
        assert!(matches!(slow.recv().await, Err(broadcast::error::RecvError::Lagged(10))));
    }

    #[tokio::test]
    async fn streams_catching_up_to_the_same_point_share_one_update() {
        let hub = Hub::default();
        let _watching = hub.subscribe(OrderId(1));
        let first = hub.catch_up(TenantId(1), OrderId(1), EventId(5));
        assert!(Arc::ptr_eq(&first, &hub.catch_up(TenantId(1), OrderId(1), EventId(5))));
        assert!(Arc::ptr_eq(&first, &hub.catch_up(TenantId(1), OrderId(1), EventId(4))), "older is covered");
        // A published update is the newest.
        hub.publish(TenantId(1), OrderId(1), EventId(7));
        let published = hub.catch_up(TenantId(1), OrderId(1), EventId(6));
        assert_eq!(published.last_event_id, EventId(7));
        // A moved vehicle changes the view without an event: built anew.
        hub.publish_moved(TenantId(1), OrderId(1));
        let after_move = hub.catch_up(TenantId(1), OrderId(1), EventId(7));
        assert!(!Arc::ptr_eq(&published, &after_move) && !after_move.moved);
        // Behind what the store says: a new one, shared from then on.
        let newer = hub.catch_up(TenantId(1), OrderId(1), EventId(9));
        assert_eq!(newer.last_event_id, EventId(9));
        assert!(Arc::ptr_eq(&newer, &hub.catch_up(TenantId(1), OrderId(1), EventId(9))));
    }

    #[tokio::test(start_paused = true)]
    async fn tracking_messages_are_built_before_updates_are_sent_in_order() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        let builds = Arc::new(AtomicUsize::new(0));
        let counted = builds.clone();
        let hub = Hub::with_tracking_builder(Arc::new(move |_, _, _| {
            let n = counted.fetch_add(1, SeqCst);
            Box::pin(async move {
                // The first build is the slowest: its update must still go first.
                tokio::time::sleep(Duration::from_millis(if n == 0 { 50 } else { 1 })).await;
                Some(TrackingMessage { last_event_id: n as i64, frame: Default::default() })
            })
        }));
        let mut updates = hub.subscribe(OrderId(1));
        hub.watch_in(OrderId(1), Language::French);
        hub.publish(TenantId(1), OrderId(1), EventId(10));
        hub.publish(TenantId(1), OrderId(1), EventId(11));
        let french = slot(Language::French);
        for expected in [10, 11] {
            let update = updates.recv().await.unwrap();
            assert_eq!(update.last_event_id, EventId(expected));
            let built: Vec<usize> = (0..6).filter(|i| update.tracking[*i].initialized()).collect();
            assert_eq!(built, [french], "built before it was sent, in the watched language only");
        }
        assert_eq!(builds.load(SeqCst), 2);
    }

    #[tokio::test]
    async fn channels_of_unwatched_orders_are_dropped() {
        let hub = Hub::default();
        drop(hub.subscribe(OrderId(1)));
        hub.publish(TenantId(1), OrderId(1), EventId(1));
        assert_eq!(hub.watched_orders(), 0);
    }
}
