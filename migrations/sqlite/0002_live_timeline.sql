-- Ingest API keys: the key itself is shown once; only its SHA-256 is kept.
CREATE TABLE api_keys (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    name            TEXT NOT NULL,
    key_prefix      TEXT NOT NULL,
    key_hash        TEXT NOT NULL UNIQUE,
    scopes          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT
);

-- Responses remembered per Idempotency-Key, so a retried request returns
-- the first answer and changes nothing.
CREATE TABLE idempotency_keys (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status_code     INTEGER NOT NULL,
    response_body   BLOB NOT NULL,
    content_type    TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
);

-- Carrier events for tracking numbers we do not know yet. Kept, never
-- dropped; moved into `events` when the shipment appears.
CREATE TABLE unmatched_events (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    tracking_number     TEXT NOT NULL,
    source              TEXT NOT NULL,
    source_event_id     TEXT NOT NULL,
    raw_code            TEXT NOT NULL,
    canonical           TEXT NOT NULL,
    occurred_at         TEXT NOT NULL,
    received_at         TEXT NOT NULL,
    location            TEXT,
    details             TEXT NOT NULL DEFAULT '{}',
    matched_event_id    INTEGER REFERENCES events(id),
    matched_at          TEXT,
    UNIQUE (tenant_id, source, source_event_id)
);
CREATE INDEX unmatched_by_tracking_number ON unmatched_events (tenant_id, tracking_number) WHERE matched_at IS NULL;

-- Standard Webhooks secrets per tenant and source. Several may be live at
-- once so a sender can rotate without downtime.
CREATE TABLE webhook_secrets (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    source          TEXT NOT NULL,
    secret          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT
);
CREATE INDEX webhook_secrets_by_source ON webhook_secrets (tenant_id, source);

-- Webhook message ids already accepted: a replay is refused.
CREATE TABLE webhook_receipts (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    source          TEXT NOT NULL,
    webhook_id      TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, source, webhook_id)
);
