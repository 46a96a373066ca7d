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
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    grain            INTEGER NOT NULL,
    week             TEXT NOT NULL,
    carrier          TEXT NOT NULL,
    lane             TEXT NOT NULL,
    ship_from        TEXT NOT NULL,
    account_id       INTEGER NOT NULL,
    orders           INTEGER NOT NULL DEFAULT 0,
    cancelled        INTEGER NOT NULL DEFAULT 0,
    handed_over      INTEGER NOT NULL DEFAULT 0,
    delivered        INTEGER NOT NULL DEFAULT 0,
    with_promise     INTEGER NOT NULL DEFAULT 0,
    on_time          INTEGER NOT NULL DEFAULT 0,
    window_recorded  INTEGER NOT NULL DEFAULT 0,
    in_window        INTEGER NOT NULL DEFAULT 0,
    first_attempt    INTEGER NOT NULL DEFAULT 0,
    exceptions       INTEGER NOT NULL DEFAULT 0,
    notes            INTEGER NOT NULL DEFAULT 0,
    page_views       INTEGER NOT NULL DEFAULT 0,
    cs_searches      INTEGER NOT NULL DEFAULT 0,
    signups          INTEGER NOT NULL DEFAULT 0,
    -- placed -> delivered, hours
    c2d_0             INTEGER NOT NULL DEFAULT 0,
    c2d_1             INTEGER NOT NULL DEFAULT 0,
    c2d_2             INTEGER NOT NULL DEFAULT 0,
    c2d_3             INTEGER NOT NULL DEFAULT 0,
    c2d_4             INTEGER NOT NULL DEFAULT 0,
    c2d_5             INTEGER NOT NULL DEFAULT 0,
    c2d_6             INTEGER NOT NULL DEFAULT 0,
    c2d_7             INTEGER NOT NULL DEFAULT 0,
    c2d_8             INTEGER NOT NULL DEFAULT 0,
    c2d_9             INTEGER NOT NULL DEFAULT 0,
    c2d_10            INTEGER NOT NULL DEFAULT 0,
    c2d_11            INTEGER NOT NULL DEFAULT 0,
    c2d_12            INTEGER NOT NULL DEFAULT 0,
    c2d_13            INTEGER NOT NULL DEFAULT 0,
    c2d_14            INTEGER NOT NULL DEFAULT 0,
    c2d_15            INTEGER NOT NULL DEFAULT 0,
    -- confirmed (or placed) -> handed to the carrier, hours
    hnd_0             INTEGER NOT NULL DEFAULT 0,
    hnd_1             INTEGER NOT NULL DEFAULT 0,
    hnd_2             INTEGER NOT NULL DEFAULT 0,
    hnd_3             INTEGER NOT NULL DEFAULT 0,
    hnd_4             INTEGER NOT NULL DEFAULT 0,
    hnd_5             INTEGER NOT NULL DEFAULT 0,
    hnd_6             INTEGER NOT NULL DEFAULT 0,
    hnd_7             INTEGER NOT NULL DEFAULT 0,
    hnd_8             INTEGER NOT NULL DEFAULT 0,
    hnd_9             INTEGER NOT NULL DEFAULT 0,
    hnd_10            INTEGER NOT NULL DEFAULT 0,
    hnd_11            INTEGER NOT NULL DEFAULT 0,
    hnd_12            INTEGER NOT NULL DEFAULT 0,
    hnd_13            INTEGER NOT NULL DEFAULT 0,
    hnd_14            INTEGER NOT NULL DEFAULT 0,
    hnd_15            INTEGER NOT NULL DEFAULT 0,
    -- handed to the carrier -> delivered, hours
    trn_0             INTEGER NOT NULL DEFAULT 0,
    trn_1             INTEGER NOT NULL DEFAULT 0,
    trn_2             INTEGER NOT NULL DEFAULT 0,
    trn_3             INTEGER NOT NULL DEFAULT 0,
    trn_4             INTEGER NOT NULL DEFAULT 0,
    trn_5             INTEGER NOT NULL DEFAULT 0,
    trn_6             INTEGER NOT NULL DEFAULT 0,
    trn_7             INTEGER NOT NULL DEFAULT 0,
    trn_8             INTEGER NOT NULL DEFAULT 0,
    trn_9             INTEGER NOT NULL DEFAULT 0,
    trn_10            INTEGER NOT NULL DEFAULT 0,
    trn_11            INTEGER NOT NULL DEFAULT 0,
    trn_12            INTEGER NOT NULL DEFAULT 0,
    trn_13            INTEGER NOT NULL DEFAULT 0,
    trn_14            INTEGER NOT NULL DEFAULT 0,
    trn_15            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, grain, week, carrier, lane, ship_from, account_id)
);

-- Exceptions by kind, at the same grains: opened in the week, resolved in
-- the week with the time it took (hours, same buckets).
CREATE TABLE kpi_exceptions_weekly (
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    grain            INTEGER NOT NULL,
    week             TEXT NOT NULL,
    carrier          TEXT NOT NULL,
    lane             TEXT NOT NULL,
    ship_from        TEXT NOT NULL,
    account_id       INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    opened           INTEGER NOT NULL DEFAULT 0,
    resolved         INTEGER NOT NULL DEFAULT 0,
    ttr_0             INTEGER NOT NULL DEFAULT 0,
    ttr_1             INTEGER NOT NULL DEFAULT 0,
    ttr_2             INTEGER NOT NULL DEFAULT 0,
    ttr_3             INTEGER NOT NULL DEFAULT 0,
    ttr_4             INTEGER NOT NULL DEFAULT 0,
    ttr_5             INTEGER NOT NULL DEFAULT 0,
    ttr_6             INTEGER NOT NULL DEFAULT 0,
    ttr_7             INTEGER NOT NULL DEFAULT 0,
    ttr_8             INTEGER NOT NULL DEFAULT 0,
    ttr_9             INTEGER NOT NULL DEFAULT 0,
    ttr_10            INTEGER NOT NULL DEFAULT 0,
    ttr_11            INTEGER NOT NULL DEFAULT 0,
    ttr_12            INTEGER NOT NULL DEFAULT 0,
    ttr_13            INTEGER NOT NULL DEFAULT 0,
    ttr_14            INTEGER NOT NULL DEFAULT 0,
    ttr_15            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, grain, week, carrier, lane, ship_from, account_id, kind)
);

-- Status accuracy and event latency, per source and carrier, by the week an
-- event was received. Latency buckets are seconds (domain::kpi).
CREATE TABLE kpi_event_quality (
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    week             TEXT NOT NULL,
    source           TEXT NOT NULL,
    carrier          TEXT NOT NULL,
    events           INTEGER NOT NULL DEFAULT 0,
    unmapped         INTEGER NOT NULL DEFAULT 0,
    out_of_order     INTEGER NOT NULL DEFAULT 0,
    backdated        INTEGER NOT NULL DEFAULT 0,
    lat_0             INTEGER NOT NULL DEFAULT 0,
    lat_1             INTEGER NOT NULL DEFAULT 0,
    lat_2             INTEGER NOT NULL DEFAULT 0,
    lat_3             INTEGER NOT NULL DEFAULT 0,
    lat_4             INTEGER NOT NULL DEFAULT 0,
    lat_5             INTEGER NOT NULL DEFAULT 0,
    lat_6             INTEGER NOT NULL DEFAULT 0,
    lat_7             INTEGER NOT NULL DEFAULT 0,
    lat_8             INTEGER NOT NULL DEFAULT 0,
    lat_9             INTEGER NOT NULL DEFAULT 0,
    lat_10            INTEGER NOT NULL DEFAULT 0,
    lat_11            INTEGER NOT NULL DEFAULT 0,
    lat_12            INTEGER NOT NULL DEFAULT 0,
    lat_13            INTEGER NOT NULL DEFAULT 0,
    lat_14            INTEGER NOT NULL DEFAULT 0,
    lat_15            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, week, source, carrier)
);

-- Notification volume and outcome by channel, by the week it was queued.
CREATE TABLE kpi_notifications (
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    week             TEXT NOT NULL,
    channel          TEXT NOT NULL,
    queued           INTEGER NOT NULL DEFAULT 0,
    sent             INTEGER NOT NULL DEFAULT 0,
    failed           INTEGER NOT NULL DEFAULT 0,
    cancelled        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, week, channel)
);

-- Each order's facts as last rolled up (domain::kpi::OrderFacts as JSON):
-- what has to be taken out of the weekly rows when the order changes.
CREATE TABLE kpi_order_facts (
    order_id         INTEGER PRIMARY KEY REFERENCES orders(id),
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    facts            TEXT NOT NULL
);

-- Notifications counted as queued but not yet sent, failed or cancelled:
-- the worker looks at these again until they settle.
CREATE TABLE kpi_open_notifications (
    notification_id  INTEGER PRIMARY KEY REFERENCES notifications(id),
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    week             TEXT NOT NULL,
    channel          TEXT NOT NULL
);

-- How far the worker has read each log: events, notifications, sign-ups.
CREATE TABLE kpi_cursors (
    name             TEXT PRIMARY KEY,
    position         INTEGER NOT NULL
);
INSERT INTO kpi_cursors (name, position) VALUES ('events', 0), ('notifications', 0), ('signups', 0);

-- Things that are not events but count for WISMO: a tracking page opened,
-- a customer-service search. Written where they happen (one small insert),
-- folded into kpi_weekly and deleted by the worker.
CREATE TABLE kpi_signals (
    id               INTEGER PRIMARY KEY,
    tenant_id        INTEGER NOT NULL REFERENCES tenants(id),
    order_id         INTEGER REFERENCES orders(id),
    kind             TEXT NOT NULL CHECK (kind IN ('page_view', 'cs_search')),
    at               TEXT NOT NULL
);

-- The delivery window predicted for the order as it stood when the order
-- was handed to the carrier (dates in the ship-to's calendar). The promise
-- engine writes it once; promise accuracy counts only orders that have one.
ALTER TABLE orders ADD COLUMN handover_window_earliest TEXT;
ALTER TABLE orders ADD COLUMN handover_window_latest TEXT;
