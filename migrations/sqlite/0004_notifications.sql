-- Which milestones and exceptions notify which channel. Without a row the
-- defaults in notify::rules apply; a tenant row overrides them and an account
-- row overrides the tenant's.
CREATE TABLE notification_rules (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    account_id      INTEGER REFERENCES customer_accounts(id),
    trigger         TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    enabled         INTEGER NOT NULL,
    UNIQUE (tenant_id, account_id, trigger, channel)
);

-- The transactional outbox: written in the same transaction as the event
-- that causes it, delivered by the worker. One row per (order, trigger,
-- channel, recipient): a duplicate event never queues a second message.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    event_id        INTEGER NOT NULL REFERENCES events(id),
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    trigger         TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX notifications_due ON notifications (state, next_attempt_at);
CREATE INDEX notifications_by_order ON notifications (order_id);
