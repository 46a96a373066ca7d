//! What a background worker has read of each order's timeline, so its next
//! look reads only the events recorded since. Events are never changed or
//! removed once stored, which is what makes keeping them exact; the one
//! care is PostgreSQL, where a lower id can commit after a higher one, so
//! an order counts as read only up to what had surely committed
//! (`read_through`).

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// An event as a worker keeps it.
pub trait StoredEvent {
    fn id(&self) -> i64;
    fn recorded_at(&self) -> DateTime<Utc>;
}

/// Per order: the events kept and the id up to which every event was read.
/// Bounded by the events held: past the capacity, the orders used least
/// lately are forgotten (and read whole again if they come back).
pub struct Timelines<E> {
    capacity: usize,
    inner: Mutex<Held<E>>,
}

struct Held<E> {
    clock: u64,
    events: usize,
    orders: HashMap<i64, Timeline<E>>,
}

struct Timeline<E> {
    events: Vec<E>,
    through: i64,
    used: u64,
}

impl<E: StoredEvent> Timelines<E> {
    /// Holds up to `capacity` events in all.
    pub fn new(capacity: usize) -> Self {
        Timelines { capacity, inner: Mutex::new(Held { clock: 0, events: 0, orders: HashMap::new() }) }
    }

    /// Takes what is kept of an order: its events up to the id returned
    /// (nothing and 0 when it is not kept). Read the events after that id,
    /// and give the whole back with `keep`.
    pub fn take(&self, order: i64) -> (Vec<E>, i64) {
        let mut held = self.inner.lock().expect("timelines lock");
        match held.orders.remove(&order) {
            Some(mut timeline) => {
                held.events -= timeline.events.len();
                // What was read past `through` may be incomplete: it is read again.
                timeline.events.retain(|e| e.id() <= timeline.through);
                (timeline.events, timeline.through)
            }
            None => (Vec::new(), 0),
        }
    }

    /// Keeps an order's events, read completely up to `through`.
    pub fn keep(&self, order: i64, events: Vec<E>, through: i64) {
        let mut held = self.inner.lock().expect("timelines lock");
        if events.len() > self.capacity {
            return;
        }
        if let Some(old) = held.orders.remove(&order) {
            held.events -= old.events.len();
        }
        if held.events + events.len() > self.capacity {
            held.forget_least_used_half();
        }
        held.clock += 1;
        held.events += events.len();
        let used = held.clock;
        held.orders.insert(order, Timeline { events, through, used });
    }

    #[cfg(test)]
    fn held(&self) -> (usize, usize) {
        let held = self.inner.lock().unwrap();
        (held.orders.len(), held.events)
    }
}

impl<E> Held<E> {
    fn forget_least_used_half(&mut self) {
        let mut used: Vec<u64> = self.orders.values().map(|t| t.used).collect();
        if used.is_empty() {
            return;
        }
        let middle = used.len() / 2;
        let cut = *used.select_nth_unstable(middle).1;
        self.orders.retain(|_, t| t.used > cut);
        self.events = self.orders.values().map(|t| t.events.len()).sum();
    }
}

/// How far an order is read once `read` (every event after `through`) is
/// added: up to the newest event recorded by `settled`, and short of any
/// recorded after it (which a lower id may yet join on PostgreSQL).
pub fn read_through<E: StoredEvent>(through: i64, read: &[E], settled: DateTime<Utc>) -> i64 {
    let unsettled = read.iter().filter(|e| e.recorded_at() > settled).map(|e| e.id()).min();
    let newest_settled = read.iter().filter(|e| e.recorded_at() <= settled).map(|e| e.id()).max();
    match (newest_settled, unsettled) {
        (Some(newest), Some(first_unsettled)) => through.max(newest.min(first_unsettled - 1)),
        (Some(newest), None) => through.max(newest),
        (None, _) => through,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct E(i64, i64);

    impl StoredEvent for E {
        fn id(&self) -> i64 {
            self.0
        }
        fn recorded_at(&self) -> DateTime<Utc> {
            DateTime::from_timestamp(self.1, 0).unwrap()
        }
    }

    #[test]
    fn an_order_is_read_only_as_far_as_every_event_had_settled() {
        let settled = DateTime::from_timestamp(100, 0).unwrap();
        assert_eq!(read_through(0, &[E(1, 10), E(2, 20)], settled), 2);
        // Event 3 was recorded after the settle point: 4 may not be alone past it.
        assert_eq!(read_through(0, &[E(1, 10), E(3, 150), E(4, 90)], settled), 2);
        assert_eq!(read_through(5, &[E(6, 150)], settled), 5);
        assert_eq!(read_through::<E>(5, &[], settled), 5);
    }

    #[test]
    fn what_was_read_past_the_settled_point_is_given_to_be_read_again() {
        let timelines = Timelines::new(100);
        timelines.keep(7, vec![E(1, 10), E(2, 10), E(3, 150)], 2);
        assert_eq!(timelines.take(7), (vec![E(1, 10), E(2, 10)], 2));
        // Taken: a second look reads the whole timeline.
        assert_eq!(timelines.take(7), (vec![], 0));
    }

    #[test]
    fn past_its_capacity_it_forgets_the_orders_used_least_lately() {
        let timelines = Timelines::new(10);
        for order in 0..5 {
            timelines.keep(order, vec![E(order, 0), E(order + 100, 0)], order + 100);
        }
        assert_eq!(timelines.held(), (5, 10));
        let (events, through) = timelines.take(0);
        timelines.keep(0, events, through);
        timelines.keep(5, vec![E(5, 0), E(105, 0)], 105);
        let (orders, events) = timelines.held();
        assert!(events <= 10 && orders < 6, "{orders} orders, {events} events");
        assert_eq!(timelines.take(0).1, 100, "the order used last is kept");
        assert_eq!(timelines.take(1), (vec![], 0), "the order used longest ago is forgotten");
        // A timeline larger than the whole capacity is not kept at all.
        timelines.keep(9, (0..11).map(|i| E(i, 0)).collect(), 10);
        assert_eq!(timelines.take(9), (vec![], 0));
    }
}
