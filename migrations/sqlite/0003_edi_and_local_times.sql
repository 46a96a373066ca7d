-- Carriers and EDI partners give local times; the instant is stored in UTC
-- and the offset it was given in is kept, in minutes east of UTC, so a scan
-- can be shown at the time printed on the carrier's own record.
ALTER TABLE events ADD COLUMN occurred_offset_minutes INTEGER;
ALTER TABLE unmatched_events ADD COLUMN occurred_offset_minutes INTEGER;

-- The packaging an advance ship notice (X12 856) describes: tares (pallets)
-- holding packs (cartons), each with its SSCC-18 label and, for parcels, a
-- tracking number; and which order line quantities each one holds.
CREATE TABLE shipment_packs (
    id              INTEGER PRIMARY KEY,
    shipment_id     INTEGER NOT NULL REFERENCES shipments(id),
    parent_id       INTEGER REFERENCES shipment_packs(id),
    kind            TEXT NOT NULL CHECK (kind IN ('tare', 'pack')),
    sscc            TEXT,
    tracking_number TEXT
);
CREATE INDEX shipment_packs_by_shipment ON shipment_packs (shipment_id);

CREATE TABLE pack_items (
    pack_id         INTEGER NOT NULL REFERENCES shipment_packs(id),
    order_line_id   INTEGER NOT NULL REFERENCES order_lines(id),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (pack_id, order_line_id)
);

-- Every EDI interchange accepted, byte for byte, with what each of its
-- transaction sets became. A partner resending the same interchange
-- (same sender, same ISA13) gets the first answer and changes nothing.
CREATE TABLE edi_interchanges (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    sender          TEXT NOT NULL,
    control_number  TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    raw             BLOB NOT NULL,
    results         TEXT NOT NULL,
    UNIQUE (tenant_id, sender, control_number)
);

-- Transaction sets (856, 855) that name a PO no order has yet: applied
-- automatically when an order with that PO is saved, like carrier events
-- waiting for their tracking number.
CREATE TABLE edi_waiting (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    po_number       TEXT NOT NULL,
    interchange_id  INTEGER NOT NULL REFERENCES edi_interchanges(id),
    group_control   TEXT NOT NULL,
    set_control     TEXT NOT NULL,
    applied_at      TEXT,
    result          TEXT
);
CREATE INDEX edi_waiting_by_po ON edi_waiting (tenant_id, po_number) WHERE applied_at IS NULL;

-- A PO acknowledgment (X12 855) can reject some or all of a line; what will
-- never ship is no longer outstanding.
ALTER TABLE order_lines ADD COLUMN cancelled_quantity INTEGER NOT NULL DEFAULT 0;

-- EDI documents name orders by the buyer's PO number.
CREATE INDEX orders_by_customer_po ON orders (tenant_id, customer_po);
