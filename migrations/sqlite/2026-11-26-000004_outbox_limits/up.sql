-- An email the transport refuses for good (or after too many attempts) is
-- marked failed, with an audit event, instead of being retried forever;
-- and emails are counted per recipient, to cap what a stranger can make
-- the desk send to one address. (SQLite changes a CHECK by rebuilding the
-- table; no other table refers to this one.)
CREATE TABLE email_outbox_new (
    id TEXT PRIMARY KEY,
    request_id TEXT REFERENCES requests (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL CHECK (recipient <> ''),
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
INSERT INTO email_outbox_new (
    id, request_id, recipient, subject, body_text, body_html, message_id, status, attempts,
    next_attempt_at, claimed_by, claimed_until, last_error, created_at, sent_at)
SELECT
    id, request_id, recipient, subject, body_text, body_html, message_id, status, attempts,
    next_attempt_at, claimed_by, claimed_until, last_error, created_at, sent_at
FROM email_outbox;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_new RENAME TO email_outbox;
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX email_outbox_by_request ON email_outbox (request_id);
CREATE INDEX email_outbox_by_recipient ON email_outbox (recipient, created_at);
INSERT INTO audit_actions (name) VALUES ('email.failed');
