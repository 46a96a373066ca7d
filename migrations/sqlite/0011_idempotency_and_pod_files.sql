-- An Idempotency-Key is claimed before the work starts (a row without a
-- response: pending) and the response is filled in when the work is done,
-- so concurrent requests with one key cannot both do the work. SQLite cannot
-- drop NOT NULL in place, hence the copy.
CREATE TABLE idempotency_keys_new (
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    -- NULL while the first request is still being worked on.
    status_code     INTEGER,
    response_body   BLOB,
    content_type    TEXT,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
);
INSERT INTO idempotency_keys_new
    SELECT tenant_id, idempotency_key, request_hash, status_code, response_body, content_type, created_at
    FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;

-- Expired keys are swept by age.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Before a refused proof of delivery's images are deleted, they are looked
-- up here: content-addressed files may be shared with another proof.
CREATE INDEX pod_files_sha256 ON pod_files (sha256);
