-- Returns and credits (RMA) on the order's own thread (domain::returns).
-- A return's steps are ordinary events of its order, tied to it by
-- events.return_id; the order's delivery status ignores them. Quantities
-- are thousandths of the line's unit, as everywhere (0024).

-- The tenant's policy as domain::returns::ReturnPolicy serialises it (a
-- field added later reads as its default), and where returns go.
CREATE TABLE return_policies (
    tenant_id       INTEGER PRIMARY KEY REFERENCES tenants(id),
    policy          TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- Where a return is sent, per ship-from site as the KPI rollups name it
-- (domain::kpi::ship_from: the warehouse scans' location); '*' is the
-- address for every site without its own.
CREATE TABLE return_addresses (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    ship_from       TEXT NOT NULL,
    name            TEXT NOT NULL,
    line1           TEXT NOT NULL,
    line2           TEXT,
    city            TEXT NOT NULL,
    region          TEXT,
    postcode        TEXT NOT NULL,
    country         TEXT NOT NULL,
    PRIMARY KEY (tenant_id, ship_from)
);

CREATE TABLE returns (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    order_id            INTEGER NOT NULL REFERENCES orders(id),
    rma                 TEXT NOT NULL,
    status              TEXT NOT NULL,
    resolution          TEXT NOT NULL,
    comment             TEXT,
    requested_by_kind   TEXT NOT NULL CHECK (requested_by_kind IN ('buyer', 'staff', 'account', 'api')),
    requested_by_user   INTEGER REFERENCES users(id),
    requested_at        TEXT NOT NULL,
    decided_at          TEXT,
    decline_reason      TEXT,
    label_issued_at     TEXT,
    received_at         TEXT,
    inspected_at        TEXT,
    credit_amount_minor INTEGER CHECK (credit_amount_minor > 0),
    credit_currency     TEXT,
    credit_reference    TEXT,
    credited_at         TEXT,
    updated_at          TEXT NOT NULL,
    UNIQUE (tenant_id, rma)
);
CREATE INDEX returns_by_order ON returns (order_id, requested_at);
-- Customer service's queue: a tenant's returns in one status, oldest first.
CREATE INDEX returns_by_status ON returns (tenant_id, status, requested_at);
-- The KPIs read a date range of requests, and of credits.
CREATE INDEX returns_by_requested_at ON returns (tenant_id, requested_at);
CREATE INDEX returns_by_credited_at ON returns (tenant_id, credited_at) WHERE credited_at IS NOT NULL;

CREATE TABLE return_lines (
    return_id       INTEGER NOT NULL REFERENCES returns(id),
    order_line_id   INTEGER NOT NULL REFERENCES order_lines(id),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    reason          TEXT NOT NULL,
    -- The buyer's photo in the blob store (named by its SHA-256).
    photo_sha256    TEXT,
    -- What inspection found.
    counted         INTEGER CHECK (counted >= 0),
    condition       TEXT,
    PRIMARY KEY (return_id, order_line_id)
);
-- What is already returned of a line, read when the next return is requested.
CREATE INDEX return_lines_by_order_line ON return_lines (order_line_id);

-- The parcels a return travels in. A carrier event for one of these
-- tracking numbers (and for no outbound shipment) lands on the return.
CREATE TABLE return_shipments (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    return_id       INTEGER NOT NULL REFERENCES returns(id),
    carrier         TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (tenant_id, tracking_number)
);
CREATE INDEX return_shipments_by_return ON return_shipments (return_id);

ALTER TABLE events ADD COLUMN return_id INTEGER REFERENCES returns(id);
CREATE INDEX events_by_return ON events (return_id, occurred_at) WHERE return_id IS NOT NULL;
