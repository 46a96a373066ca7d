-- Delivery promise (issue 16): what past deliveries teach, kept as rollup
-- rows a worker (src/promise.rs) adds to from the event log, and the
-- window predicted for every order and shipment, kept so pages and the API
-- read it instead of computing it, and so the prediction made at hand-over
-- can be scored at delivery (calibration, "promise accuracy").

-- Business days from hand-over to delivery, in the destination's calendar:
-- one row per rung of the lane's fallback ladder (domain::promise::Lane::ladder),
-- month of delivery and day bucket (domain::promise::DayHistogram).
CREATE TABLE delivery_transit_rollup (
    tenant_id   BIGINT NOT NULL REFERENCES tenants(id),
    lane_key    TEXT NOT NULL,
    month       TEXT NOT NULL,
    bucket      INTEGER NOT NULL,
    deliveries  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, lane_key, month, bucket)
);

-- Business days from confirmation (or release) to hand-over per ship-from
-- site (domain::promise::handling_ladder), by month of hand-over.
CREATE TABLE delivery_handling_rollup (
    tenant_id   BIGINT NOT NULL REFERENCES tenants(id),
    lane_key    TEXT NOT NULL,
    month       TEXT NOT NULL,
    bucket      INTEGER NOT NULL,
    deliveries  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, lane_key, month, bucket)
);

-- A shipment's hand-over, counted once in the handling rollup.
CREATE TABLE promise_handovers (
    shipment_id BIGINT PRIMARY KEY REFERENCES shipments(id),
    tenant_id   BIGINT NOT NULL REFERENCES tenants(id),
    handed_over DATE NOT NULL
);

-- A shipment's delivery, counted once in the transit rollup, with what the
-- backtest needs to replay it (`milepost backtest`).
CREATE TABLE promise_deliveries (
    shipment_id  BIGINT PRIMARY KEY REFERENCES shipments(id),
    tenant_id    BIGINT NOT NULL REFERENCES tenants(id),
    order_id     BIGINT NOT NULL REFERENCES orders(id),
    order_number TEXT NOT NULL,
    site         TEXT NOT NULL,
    lane         JSONB NOT NULL,
    purchased    DATE NOT NULL,
    handed_over  DATE NOT NULL,
    delivered    DATE NOT NULL,
    promised     DATE
);
CREATE INDEX promise_deliveries_by_date ON promise_deliveries (tenant_id, delivered);

-- The current window of an order (shipment_id 0) and of each shipment, in
-- the ship-to's dates; and the window as it stood at hand-over, scored
-- (below = P(T < actual), through = P(T <= actual)) once delivered.
CREATE TABLE delivery_predictions (
    tenant_id          BIGINT NOT NULL REFERENCES tenants(id),
    order_id           BIGINT NOT NULL REFERENCES orders(id),
    shipment_id        BIGINT NOT NULL,
    earliest           DATE NOT NULL,
    likely             DATE NOT NULL,
    latest             DATE NOT NULL,
    p_late             DOUBLE PRECISION,
    basis              JSONB NOT NULL,
    reason             TEXT NOT NULL,
    computed_at        TIMESTAMPTZ NOT NULL,
    handover_on        DATE,
    handover_earliest  DATE,
    handover_likely    DATE,
    handover_latest    DATE,
    handover_p_late    DOUBLE PRECISION,
    handover_distribution JSONB,
    score_below        DOUBLE PRECISION,
    score_through      DOUBLE PRECISION,
    scored_month       TEXT,
    PRIMARY KEY (order_id, shipment_id)
);
CREATE INDEX delivery_predictions_scored ON delivery_predictions (tenant_id, scored_month);

-- The carrier's own delivery estimate, the latest one it sent.
ALTER TABLE shipments ADD COLUMN carrier_estimate DATE;

-- Above this probability of missing the promised date an order opens a
-- "predicted late" exception and its buyer gets one message.
ALTER TABLE tenants ADD COLUMN predicted_late_threshold DOUBLE PRECISION NOT NULL DEFAULT 0.5;

CREATE TABLE promise_cursor (
    name     TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);
INSERT INTO promise_cursor (name, position) VALUES ('events', 0);
