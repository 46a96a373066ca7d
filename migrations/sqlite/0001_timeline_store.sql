-- The timeline store. Times are UTC, stored by sqlx as RFC 3339 text so that
-- text order is time order. Dates (promised delivery) are YYYY-MM-DD in the
-- ship-to's calendar.

CREATE TABLE tenants (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    brand_name      TEXT NOT NULL,
    logo_url        TEXT,
    primary_color   TEXT NOT NULL,
    accent_color    TEXT NOT NULL,
    support_email   TEXT,
    support_phone   TEXT,
    locale          TEXT NOT NULL DEFAULT 'en-US',
    time_zone       TEXT NOT NULL DEFAULT 'UTC',
    created_at      TEXT NOT NULL
);

CREATE TABLE customer_accounts (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    name            TEXT NOT NULL,
    external_ref    TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (tenant_id, external_ref)
);

CREATE TABLE orders (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    account_id          INTEGER REFERENCES customer_accounts(id),
    order_number        TEXT NOT NULL,
    customer_po         TEXT,
    placed_at           TEXT NOT NULL,
    promised_date       TEXT,
    contact_name        TEXT,
    contact_email       TEXT,
    contact_phone       TEXT,
    ship_to_name        TEXT NOT NULL,
    ship_to_line1       TEXT NOT NULL,
    ship_to_line2       TEXT,
    ship_to_city        TEXT NOT NULL,
    ship_to_region      TEXT,
    ship_to_postcode    TEXT NOT NULL,
    ship_to_country     TEXT NOT NULL,
    ship_to_time_zone   TEXT NOT NULL,
    -- Derived from the events by domain::status, rewritten by every append.
    status_milestone    TEXT,
    status_headline     TEXT NOT NULL DEFAULT 'Order placed',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (tenant_id, order_number)
);
CREATE INDEX orders_by_account ON orders (tenant_id, account_id, placed_at);

CREATE TABLE order_lines (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    line_number     INTEGER NOT NULL,
    sku             TEXT NOT NULL,
    description     TEXT NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    unit            TEXT NOT NULL DEFAULT 'EA',
    UNIQUE (order_id, line_number)
);

CREATE TABLE shipments (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    order_id            INTEGER NOT NULL REFERENCES orders(id),
    carrier             TEXT NOT NULL,
    service             TEXT,
    tracking_number     TEXT NOT NULL,
    status_milestone    TEXT,
    created_at          TEXT NOT NULL,
    UNIQUE (tenant_id, carrier, tracking_number)
);
CREATE INDEX shipments_by_order ON shipments (order_id);
CREATE INDEX shipments_by_tracking_number ON shipments (tenant_id, tracking_number);

-- Which quantity of which order line travels in which shipment: this is what
-- makes split and partial shipments real.
CREATE TABLE shipment_lines (
    shipment_id     INTEGER NOT NULL REFERENCES shipments(id),
    order_line_id   INTEGER NOT NULL REFERENCES order_lines(id),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (shipment_id, order_line_id)
);

-- Append-only: the triggers below refuse updates and deletes.
CREATE TABLE events (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    order_id            INTEGER NOT NULL REFERENCES orders(id),
    shipment_id         INTEGER REFERENCES shipments(id),
    source              TEXT NOT NULL,
    source_event_id     TEXT NOT NULL,
    raw_code            TEXT NOT NULL,
    canonical           TEXT NOT NULL,
    occurred_at         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL,
    location            TEXT,
    details             TEXT NOT NULL DEFAULT '{}',
    UNIQUE (tenant_id, source, source_event_id)
);
CREATE INDEX events_by_order ON events (order_id, occurred_at);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- The token itself is never stored: only its SHA-256.
CREATE TABLE tracking_links (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    token_hash      TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    expires_at      TEXT,
    revoked_at      TEXT
);
CREATE INDEX tracking_links_by_order ON tracking_links (order_id);

-- Per-tenant rows that override the bundled status dictionary.
CREATE TABLE status_code_overrides (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    source          TEXT NOT NULL,
    code            TEXT NOT NULL,
    canonical       TEXT NOT NULL,
    meaning         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, source, code)
);
