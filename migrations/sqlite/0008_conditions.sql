-- Condition monitoring: sensor readings per shipment, the limits they are
-- held to (per shipment, or per product class), and excursions: each run of
-- readings outside the limits, opened once and closed when back in range.
ALTER TABLE shipments ADD COLUMN product_class TEXT;
ALTER TABLE tenants ADD COLUMN buyers_see_condition_alerts INTEGER NOT NULL DEFAULT 0;

CREATE TABLE condition_limits (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    shipment_id     INTEGER REFERENCES shipments(id),
    product_class   TEXT,
    metric          TEXT NOT NULL,
    min_value       REAL,
    max_value       REAL,
    CHECK ((shipment_id IS NULL) <> (product_class IS NULL))
);
CREATE UNIQUE INDEX condition_limits_per_shipment ON condition_limits (tenant_id, shipment_id, metric)
    WHERE shipment_id IS NOT NULL;
CREATE UNIQUE INDEX condition_limits_per_class ON condition_limits (tenant_id, product_class, metric)
    WHERE product_class IS NOT NULL;

-- Which shipment a sensor device travels with.
CREATE TABLE sensor_devices (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    device_id       TEXT NOT NULL,
    shipment_id     INTEGER NOT NULL REFERENCES shipments(id),
    PRIMARY KEY (tenant_id, device_id)
);

CREATE TABLE sensor_readings (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    shipment_id     INTEGER NOT NULL REFERENCES shipments(id),
    device_id       TEXT,
    metric          TEXT NOT NULL,
    value           REAL NOT NULL,
    recorded_at     TEXT NOT NULL,
    received_at     TEXT NOT NULL
);
CREATE INDEX sensor_readings_by_shipment ON sensor_readings (shipment_id, metric, recorded_at);

CREATE TABLE excursions (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    shipment_id     INTEGER NOT NULL REFERENCES shipments(id),
    metric          TEXT NOT NULL,
    min_value       REAL,
    max_value       REAL,
    opened_at       TEXT NOT NULL,
    closed_at       TEXT,
    worst_value     REAL NOT NULL
);
CREATE UNIQUE INDEX excursions_one_open ON excursions (shipment_id, metric) WHERE closed_at IS NULL;
