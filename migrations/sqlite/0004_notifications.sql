-- Each tenant's quiet hours (local to the recipient): non-urgent messages
-- to people wait until they end.
ALTER TABLE tenants ADD COLUMN quiet_hours_start TEXT NOT NULL DEFAULT '21:00';
ALTER TABLE tenants ADD COLUMN quiet_hours_end TEXT NOT NULL DEFAULT '08:00';

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

-- Who hears about an order: its contacts from the order system (confirmed
-- by being there) and buyers who opted in on the tracking page (confirmed by
-- a code). The unsubscribe token grants nothing but unsubscribing, so it is
-- kept as is to be put in every message.
CREATE TABLE notification_subscriptions (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    order_id            INTEGER NOT NULL REFERENCES orders(id),
    channel             TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    address             TEXT NOT NULL,
    origin              TEXT NOT NULL CHECK (origin IN ('contact', 'opt_in')),
    confirm_code_hash   TEXT,
    -- Wrong codes so far; at five the opt-in must start over.
    confirm_attempts    INTEGER NOT NULL DEFAULT 0,
    confirmed_at        TEXT,
    unsubscribe_token   TEXT NOT NULL UNIQUE,
    unsubscribed_at     TEXT,
    created_at          TEXT NOT NULL,
    UNIQUE (order_id, channel, address)
);

-- Customer systems that receive every notifying event, signed per Standard
-- Webhooks with the endpoint's own secret.
CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    disabled_at     TEXT
);

-- The transactional outbox: written in the same transaction as the event
-- that causes it, delivered by the worker. One row per (order, trigger,
-- channel, recipient): a duplicate event never queues a second message.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    -- The event that caused it; none for a sign-up code.
    event_id        INTEGER REFERENCES events(id),
    channel         TEXT NOT NULL,
    -- An address for email and SMS, the endpoint's URL for webhooks.
    recipient       TEXT NOT NULL,
    subscription_id INTEGER REFERENCES notification_subscriptions(id),
    endpoint_id     INTEGER REFERENCES webhook_endpoints(id),
    trigger         TEXT NOT NULL,
    -- A sign-up code to deliver, kept only until it is sent.
    secret          TEXT,
    idempotency_key TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'dead', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    last_error      TEXT,
    -- The HTTP status a webhook endpoint or SMS provider answered last.
    response_status INTEGER,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX notifications_due ON notifications (state, next_attempt_at);
CREATE INDEX notifications_by_order ON notifications (order_id);
