-- Trading-partner profiles: per sender (ISA06), which sets it sends, the
-- acknowledgment it expects, how strictly its counts are held, the zone of
-- its unzoned dates and the ship-to for purchase orders without one; and
-- Milepost's own control numbers for the acknowledgments it sends it.
-- A sender without a row gets the defaults (997, TA1 on request, strict).
CREATE TABLE edi_partners (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    sender_id           TEXT NOT NULL,
    name                TEXT,
    expected_sets       TEXT NOT NULL DEFAULT '',
    acknowledgment      TEXT NOT NULL DEFAULT '997',
    ta1                 TEXT NOT NULL DEFAULT 'on_request',
    tolerant_counts     INTEGER NOT NULL DEFAULT 0,
    time_zone           TEXT,
    default_ship_to     TEXT,
    last_interchange    INTEGER NOT NULL DEFAULT 0,
    last_group          INTEGER NOT NULL DEFAULT 0,
    configured          INTEGER NOT NULL DEFAULT 0,
    updated_at          TEXT NOT NULL,
    UNIQUE (tenant_id, sender_id)
);

-- The acknowledgment sent for each interchange, byte for byte.
ALTER TABLE edi_interchanges ADD COLUMN acknowledgment TEXT;
