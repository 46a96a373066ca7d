-- Acknowledgments pushed to the partner: the profile's endpoint and its
-- signing secret (sealed, like webhook endpoints' secrets), and an outbox
-- row per interchange acknowledged, written in the interchange's own
-- transaction and delivered with retries by the notification worker.
ALTER TABLE edi_partners ADD COLUMN ack_url TEXT;
ALTER TABLE edi_partners ADD COLUMN ack_secret TEXT;

CREATE TABLE edi_ack_deliveries (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    interchange_id  INTEGER NOT NULL REFERENCES edi_interchanges(id),
    url             TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    last_error      TEXT,
    response_status INTEGER,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (interchange_id)
);
CREATE INDEX edi_ack_deliveries_due ON edi_ack_deliveries (state, next_attempt_at);
