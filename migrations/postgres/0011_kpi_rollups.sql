-- The KPI dashboard answers from these rollups, never from the orders
-- themselves. A worker (src/kpis.rs) reads the event log behind a cursor and
-- keeps them current: each order's facts (when it was placed, handed over,
-- delivered, its exceptions...) are kept as JSON, and when an event changes
-- them the order's old contribution is taken out of the weekly rows and the
-- new one put in, so late, out-of-order and duplicate events come out right.
--
-- Weekly rows (weeks start on Monday, UTC) are kept at several grains so a
-- request reads few rows: 0 = the tenant's total, 1 = per carrier, 2 = per
-- lane, 3 = per ship-from site, 4 = per account, 5 = every dimension at
-- once (for combined filters). A dimension a grain does not split by holds
-- '*' (account_id -1). Durations are fixed-bucket histograms (bounds in
-- domain::kpi), so p50/p90 over any set of rows is read from summed buckets.

CREATE TABLE kpi_weekly (
    tenant_id        BIGINT NOT NULL REFERENCES tenants(id),
    grain            INTEGER NOT NULL,
    week             DATE NOT NULL,
    carrier          TEXT NOT NULL,
    lane             TEXT NOT NULL,
    ship_from        TEXT NOT NULL,
    account_id       BIGINT NOT NULL,
    orders           BIGINT NOT NULL DEFAULT 0,
    cancelled        BIGINT NOT NULL DEFAULT 0,
    handed_over      BIGINT NOT NULL DEFAULT 0,
    delivered        BIGINT NOT NULL DEFAULT 0,
    with_promise     BIGINT NOT NULL DEFAULT 0,
    on_time          BIGINT NOT NULL DEFAULT 0,
    window_recorded  BIGINT NOT NULL DEFAULT 0,
    in_window        BIGINT NOT NULL DEFAULT 0,
    first_attempt    BIGINT NOT NULL DEFAULT 0,
    exceptions       BIGINT NOT NULL DEFAULT 0,
    notes            BIGINT NOT NULL DEFAULT 0,
    page_views       BIGINT NOT NULL DEFAULT 0,
    cs_searches      BIGINT NOT NULL DEFAULT 0,
    signups          BIGINT NOT NULL DEFAULT 0,
    -- placed -> delivered, hours
    c2d_0             BIGINT NOT NULL DEFAULT 0,
    c2d_1             BIGINT NOT NULL DEFAULT 0,
    c2d_2             BIGINT NOT NULL DEFAULT 0,
    c2d_3             BIGINT NOT NULL DEFAULT 0,
    c2d_4             BIGINT NOT NULL DEFAULT 0,
    c2d_5             BIGINT NOT NULL DEFAULT 0,
    c2d_6             BIGINT NOT NULL DEFAULT 0,
    c2d_7             BIGINT NOT NULL DEFAULT 0,
    c2d_8             BIGINT NOT NULL DEFAULT 0,
    c2d_9             BIGINT NOT NULL DEFAULT 0,
    c2d_10            BIGINT NOT NULL DEFAULT 0,
    c2d_11            BIGINT NOT NULL DEFAULT 0,
    c2d_12            BIGINT NOT NULL DEFAULT 0,
    c2d_13            BIGINT NOT NULL DEFAULT 0,
    c2d_14            BIGINT NOT NULL DEFAULT 0,
    c2d_15            BIGINT NOT NULL DEFAULT 0,
    -- confirmed (or placed) -> handed to the carrier, hours
    hnd_0             BIGINT NOT NULL DEFAULT 0,
    hnd_1             BIGINT NOT NULL DEFAULT 0,
    hnd_2             BIGINT NOT NULL DEFAULT 0,
    hnd_3             BIGINT NOT NULL DEFAULT 0,
    hnd_4             BIGINT NOT NULL DEFAULT 0,
    hnd_5             BIGINT NOT NULL DEFAULT 0,
    hnd_6             BIGINT NOT NULL DEFAULT 0,
    hnd_7             BIGINT NOT NULL DEFAULT 0,
    hnd_8             BIGINT NOT NULL DEFAULT 0,
    hnd_9             BIGINT NOT NULL DEFAULT 0,
    hnd_10            BIGINT NOT NULL DEFAULT 0,
    hnd_11            BIGINT NOT NULL DEFAULT 0,
    hnd_12            BIGINT NOT NULL DEFAULT 0,
    hnd_13            BIGINT NOT NULL DEFAULT 0,
    hnd_14            BIGINT NOT NULL DEFAULT 0,
    hnd_15            BIGINT NOT NULL DEFAULT 0,
    -- handed to the carrier -> delivered, hours
    trn_0             BIGINT NOT NULL DEFAULT 0,
    trn_1             BIGINT NOT NULL DEFAULT 0,
    trn_2             BIGINT NOT NULL DEFAULT 0,
    trn_3             BIGINT NOT NULL DEFAULT 0,
    trn_4             BIGINT NOT NULL DEFAULT 0,
    trn_5             BIGINT NOT NULL DEFAULT 0,
    trn_6             BIGINT NOT NULL DEFAULT 0,
    trn_7             BIGINT NOT NULL DEFAULT 0,
    trn_8             BIGINT NOT NULL DEFAULT 0,
    trn_9             BIGINT NOT NULL DEFAULT 0,
    trn_10            BIGINT NOT NULL DEFAULT 0,
    trn_11            BIGINT NOT NULL DEFAULT 0,
    trn_12            BIGINT NOT NULL DEFAULT 0,
    trn_13            BIGINT NOT NULL DEFAULT 0,
    trn_14            BIGINT NOT NULL DEFAULT 0,
    trn_15            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, grain, week, carrier, lane, ship_from, account_id)
);

-- Exceptions by kind, at the same grains: opened in the week, resolved in
-- the week with the time it took (hours, same buckets).
CREATE TABLE kpi_exceptions_weekly (
    tenant_id        BIGINT NOT NULL REFERENCES tenants(id),
    grain            INTEGER NOT NULL,
    week             DATE NOT NULL,
    carrier          TEXT NOT NULL,
    lane             TEXT NOT NULL,
    ship_from        TEXT NOT NULL,
    account_id       BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    opened           BIGINT NOT NULL DEFAULT 0,
    resolved         BIGINT NOT NULL DEFAULT 0,
    ttr_0             BIGINT NOT NULL DEFAULT 0,
    ttr_1             BIGINT NOT NULL DEFAULT 0,
    ttr_2             BIGINT NOT NULL DEFAULT 0,
    ttr_3             BIGINT NOT NULL DEFAULT 0,
    ttr_4             BIGINT NOT NULL DEFAULT 0,
    ttr_5             BIGINT NOT NULL DEFAULT 0,
    ttr_6             BIGINT NOT NULL DEFAULT 0,
    ttr_7             BIGINT NOT NULL DEFAULT 0,
    ttr_8             BIGINT NOT NULL DEFAULT 0,
    ttr_9             BIGINT NOT NULL DEFAULT 0,
    ttr_10            BIGINT NOT NULL DEFAULT 0,
    ttr_11            BIGINT NOT NULL DEFAULT 0,
    ttr_12            BIGINT NOT NULL DEFAULT 0,
    ttr_13            BIGINT NOT NULL DEFAULT 0,
    ttr_14            BIGINT NOT NULL DEFAULT 0,
    ttr_15            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, grain, week, carrier, lane, ship_from, account_id, kind)
);

-- Status accuracy and event latency, per source and carrier, by the week an
-- event was received. Latency buckets are seconds (domain::kpi).
CREATE TABLE kpi_event_quality (
    tenant_id        BIGINT NOT NULL REFERENCES tenants(id),
    week             DATE NOT NULL,
    source           TEXT NOT NULL,
    carrier          TEXT NOT NULL,
    events           BIGINT NOT NULL DEFAULT 0,
    unmapped         BIGINT NOT NULL DEFAULT 0,
    out_of_order     BIGINT NOT NULL DEFAULT 0,
    backdated        BIGINT NOT NULL DEFAULT 0,
    lat_0             BIGINT NOT NULL DEFAULT 0,
    lat_1             BIGINT NOT NULL DEFAULT 0,
    lat_2             BIGINT NOT NULL DEFAULT 0,
    lat_3             BIGINT NOT NULL DEFAULT 0,
    lat_4             BIGINT NOT NULL DEFAULT 0,
    lat_5             BIGINT NOT NULL DEFAULT 0,
    lat_6             BIGINT NOT NULL DEFAULT 0,
    lat_7             BIGINT NOT NULL DEFAULT 0,
    lat_8             BIGINT NOT NULL DEFAULT 0,
    lat_9             BIGINT NOT NULL DEFAULT 0,
    lat_10            BIGINT NOT NULL DEFAULT 0,
    lat_11            BIGINT NOT NULL DEFAULT 0,
    lat_12            BIGINT NOT NULL DEFAULT 0,
    lat_13            BIGINT NOT NULL DEFAULT 0,
    lat_14            BIGINT NOT NULL DEFAULT 0,
    lat_15            BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, week, source, carrier)
);

-- Notification volume and outcome by channel, by the week it was queued.
CREATE TABLE kpi_notifications (
    tenant_id        BIGINT NOT NULL REFERENCES tenants(id),
    week             DATE NOT NULL,
    channel          TEXT NOT NULL,
    queued           BIGINT NOT NULL DEFAULT 0,
    sent             BIGINT NOT NULL DEFAULT 0,
    failed           BIGINT NOT NULL DEFAULT 0,
    cancelled        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, week, channel)
);

-- Each order's facts as last rolled up (domain::kpi::OrderFacts as JSON):
-- what has to be taken out of the weekly rows when the order changes.
CREATE TABLE kpi_order_facts (
    order_id         BIGINT PRIMARY KEY REFERENCES orders(id),
    tenant_id        BIGINT NOT NULL REFERENCES tenants(id),
    facts            TEXT NOT NULL
);

-- Notifications counted as queued but not yet sent, failed or cancelled:
-- the worker looks at these again until they settle.
CREATE TABLE kpi_open_notifications (
    notification_id  BIGINT PRIMARY KEY REFERENCES notifications(id),
    tenant_id        BIGINT NOT NULL REFERENCES tenants(id),
    week             DATE NOT NULL,
    channel          TEXT NOT NULL
);

-- How far the worker has read each log: events, notifications, sign-ups.
CREATE TABLE kpi_cursors (
    name             TEXT PRIMARY KEY,
    position         BIGINT NOT NULL
);
INSERT INTO kpi_cursors (name, position) VALUES ('events', 0), ('notifications', 0), ('signups', 0);

-- Things that are not events but count for WISMO: a tracking page opened,
-- a customer-service search. Written where they happen (one small insert),
-- folded into kpi_weekly and deleted by the worker.
CREATE TABLE kpi_signals (
    id               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tenant_id        BIGINT NOT NULL REFERENCES tenants(id),
    order_id         BIGINT REFERENCES orders(id),
    kind             TEXT NOT NULL CHECK (kind IN ('page_view', 'cs_search')),
    at               TIMESTAMPTZ NOT NULL
);

-- The delivery window predicted for the order as it stood when the order
-- was handed to the carrier (dates in the ship-to's calendar). The promise
-- engine writes it once; promise accuracy counts only orders that have one.
ALTER TABLE orders ADD COLUMN handover_window_earliest DATE;
ALTER TABLE orders ADD COLUMN handover_window_latest DATE;
