-- The last mile: where the ship-to is, where the vehicle is, which stops it
-- makes first. Positions are not events: they move the map and the ETA but
-- do not crowd the timeline.
ALTER TABLE orders ADD COLUMN ship_to_latitude REAL;
ALTER TABLE orders ADD COLUMN ship_to_longitude REAL;
-- A vehicle this close to a destination fires "arriving soon" (once).
ALTER TABLE tenants ADD COLUMN arriving_soon_radius_m REAL NOT NULL DEFAULT 800;

CREATE TABLE positions (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    shipment_id     INTEGER REFERENCES shipments(id),
    vehicle_id      TEXT,
    latitude        REAL NOT NULL,
    longitude       REAL NOT NULL,
    accuracy_m      REAL,
    speed_mps       REAL,
    heading_deg     REAL,
    recorded_at     TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    CHECK (shipment_id IS NOT NULL OR vehicle_id IS NOT NULL)
);
CREATE INDEX positions_by_shipment ON positions (shipment_id, recorded_at) WHERE shipment_id IS NOT NULL;
CREATE INDEX positions_by_vehicle ON positions (tenant_id, vehicle_id, recorded_at) WHERE vehicle_id IS NOT NULL;

-- A vehicle's route as dispatch posted it: its deliveries in order. The ETA
-- of one counts the undelivered stops before it.
CREATE TABLE route_stops (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    vehicle_id      TEXT NOT NULL,
    sequence        INTEGER NOT NULL,
    shipment_id     INTEGER NOT NULL REFERENCES shipments(id),
    service_seconds INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, vehicle_id, sequence)
);
CREATE INDEX route_stops_by_shipment ON route_stops (shipment_id);
