-- The signed-in portal: people, their sessions and sign-in links, login
-- attempts (for rate limits), receiving confirmations, the audit log of
-- customer-service actions, and the search index over every order key.

-- A tenant's own staff (cs, admin) belong to no customer account; buyers,
-- receivers and accounts payable belong to exactly one.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    account_id      INTEGER REFERENCES customer_accounts(id),
    -- Lowercased: one person, one row per tenant, however they type it.
    email           TEXT NOT NULL,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('buyer', 'receiver', 'ap', 'cs', 'admin')),
    -- argon2id PHC string; NULL until an invited person sets one.
    password_hash   TEXT,
    created_at      TEXT NOT NULL,
    disabled_at     TEXT,
    CHECK ((role IN ('cs', 'admin')) = (account_id IS NULL)),
    UNIQUE (tenant_id, email)
);

-- The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    revoked_at      TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- One-time links by email: sign in without a password, or accept an invitation.
CREATE TABLE sign_in_links (
    token_hash      TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    purpose         TEXT NOT NULL CHECK (purpose IN ('sign_in', 'invite')),
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT
);
CREATE INDEX sign_in_links_by_user ON sign_in_links (user_id);

-- Failed sign-ins, per account (`account:TENANT:EMAIL`) and per address (`address:IP`).
CREATE TABLE login_failures (
    id              INTEGER PRIMARY KEY,
    bucket          TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX login_failures_by_bucket ON login_failures (bucket, at);

-- What a receiver counted when a shipment arrived.
CREATE TABLE receipts (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    shipment_id     INTEGER NOT NULL UNIQUE REFERENCES shipments(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    received_at     TEXT NOT NULL,
    note            TEXT
);
CREATE INDEX receipts_by_order ON receipts (order_id);

CREATE TABLE receipt_lines (
    receipt_id      INTEGER NOT NULL REFERENCES receipts(id),
    order_line_id   INTEGER NOT NULL REFERENCES order_lines(id),
    expected        INTEGER NOT NULL,
    counted         INTEGER NOT NULL CHECK (counted >= 0),
    damaged         INTEGER NOT NULL CHECK (damaged >= 0),
    PRIMARY KEY (receipt_id, order_line_id)
);

-- Every portal action on an order (and every user change), who and when.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    order_id        INTEGER REFERENCES orders(id),
    user_id         INTEGER REFERENCES users(id),
    action          TEXT NOT NULL,
    detail          TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX audit_log_by_order ON audit_log (order_id, id);

-- Normalized keys of each order (order number, PO, tracking numbers, email,
-- phone, names, postcode): lowercase letters and digits only, so a prefix
-- is an index range. Phones and tracking numbers are also stored reversed
-- (`*_rev`), so "the last digits" are a prefix too.
CREATE TABLE order_search_terms (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    term            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    PRIMARY KEY (tenant_id, term, kind, order_id)
) WITHOUT ROWID;
CREATE INDEX order_search_terms_by_order ON order_search_terms (order_id);

-- Beside the derived status, for the exceptions queue: the open exception
-- kinds (comma-separated) and when the latest event happened.
ALTER TABLE orders ADD COLUMN open_exceptions TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN last_event_at TEXT;
CREATE INDEX orders_with_open_exceptions ON orders (tenant_id) WHERE open_exceptions <> '';
CREATE INDEX orders_by_promised_date ON orders (tenant_id, promised_date);
-- Staff lists of all a tenant's orders, newest first.
CREATE INDEX orders_by_placed_at ON orders (tenant_id, placed_at);
