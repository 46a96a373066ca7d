-- An order's status is the newest event of each kind per shipment
-- (`store::events::recompute_statuses`): with this index SQLite reads it
-- from the index alone, in group order, instead of visiting every row of
-- the timeline and sorting them.
CREATE INDEX events_latest_of_each_kind ON events (order_id, shipment_id, canonical, occurred_at) WHERE return_id IS NULL;
