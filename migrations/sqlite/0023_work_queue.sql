-- Customer service's exception queue as a work queue (domain::queue):
-- when the order's oldest open exception opened (rewritten with the status
-- on every append), who owns the order in the queue, and the tenant's
-- target per reason. Orders already open count from their last event.
ALTER TABLE orders ADD COLUMN exception_since TEXT;
ALTER TABLE orders ADD COLUMN assigned_to INTEGER REFERENCES users(id);
ALTER TABLE orders ADD COLUMN assigned_at TEXT;
UPDATE orders SET exception_since = COALESCE(last_event_at, placed_at) WHERE open_exceptions <> '';

-- The queue reads orders still under way (not delivered, not cancelled or
-- returned): a few days' worth, wherever the million delivered ones are.
CREATE INDEX orders_under_way ON orders (tenant_id, promised_date)
    WHERE status_milestone IS DISTINCT FROM 'delivered'
      AND open_exceptions NOT LIKE '%cancelled%' AND open_exceptions NOT LIKE '%returned_to_sender%';

CREATE TABLE queue_targets (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    reason          TEXT NOT NULL,
    hours           INTEGER NOT NULL CHECK (hours > 0),
    working_hours   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, reason)
);

-- A receipt corrected by a later count: the receipt's lines hold the
-- latest count, each revision what it changed, who and why. The receipt
-- keeps the reason last given for a count that differs (for AP's file).
ALTER TABLE receipts ADD COLUMN reason TEXT;
CREATE TABLE receipt_revisions (
    id              INTEGER PRIMARY KEY,
    receipt_id      INTEGER NOT NULL REFERENCES receipts(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    revised_at      TEXT NOT NULL,
    reason          TEXT NOT NULL
);
CREATE INDEX receipt_revisions_by_receipt ON receipt_revisions (receipt_id, id);

CREATE TABLE receipt_revision_lines (
    revision_id     INTEGER NOT NULL REFERENCES receipt_revisions(id),
    order_line_id   INTEGER NOT NULL REFERENCES order_lines(id),
    counted_before  INTEGER NOT NULL,
    damaged_before  INTEGER NOT NULL,
    counted         INTEGER NOT NULL CHECK (counted >= 0),
    damaged         INTEGER NOT NULL CHECK (damaged >= 0),
    PRIMARY KEY (revision_id, order_line_id)
);

-- The GPS stamp of a proof of delivery with how far off it may be (metres).
ALTER TABLE pods ADD COLUMN accuracy_m REAL;
