-- Positions older than the retention setting are pruned periodically; this
-- finds them without reading the whole table.
CREATE INDEX positions_by_time ON positions (recorded_at);
