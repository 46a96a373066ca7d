-- An Idempotency-Key is claimed before the work starts (a row without a
-- response: pending) and the response is filled in when the work is done,
-- so concurrent requests with one key cannot both do the work.
ALTER TABLE idempotency_keys ALTER COLUMN status_code DROP NOT NULL;
ALTER TABLE idempotency_keys ALTER COLUMN response_body DROP NOT NULL;
ALTER TABLE idempotency_keys ALTER COLUMN content_type DROP NOT NULL;

-- Expired keys are swept by age.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Before a refused proof of delivery's images are deleted, they are looked
-- up here: content-addressed files may be shared with another proof.
CREATE INDEX pod_files_sha256 ON pod_files (sha256);
