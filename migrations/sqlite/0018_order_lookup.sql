-- Order lookup without a link (issue 17 item 4): attempts counted per
-- bucket (client address, order number, email; each a SHA-256, so no
-- address or email is kept here) so the limits hold across nodes, and the
-- tenant's choice of emailing the link instead of opening the page.
CREATE TABLE lookup_attempts (
    id      INTEGER PRIMARY KEY,
    bucket  TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX lookup_attempts_by_bucket ON lookup_attempts (bucket, at);

ALTER TABLE tenants ADD COLUMN lookup_sends_email INTEGER NOT NULL DEFAULT 0;
