-- Proof of delivery: who received a shipment, when and where, with the
-- signature and photos (stored content-addressed outside the database, by
-- SHA-256). One per shipment; it is never replaced.
CREATE TABLE pods (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    shipment_id     INTEGER NOT NULL UNIQUE REFERENCES shipments(id),
    receiver_name   TEXT NOT NULL,
    delivered_at    TEXT NOT NULL,
    latitude        REAL,
    longitude       REAL,
    note            TEXT,
    event_id        INTEGER REFERENCES events(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX pods_by_order ON pods (order_id);

CREATE TABLE pod_files (
    pod_id          INTEGER NOT NULL REFERENCES pods(id),
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('signature', 'photo')),
    sha256          TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    PRIMARY KEY (pod_id, position)
);
