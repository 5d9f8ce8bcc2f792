DELETE FROM audit_actions WHERE name = 'email.failed';
CREATE TABLE email_outbox_old (
    id TEXT PRIMARY KEY,
    request_id TEXT REFERENCES requests (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL CHECK (recipient <> ''),
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
INSERT INTO email_outbox_old SELECT
    id, request_id, recipient, subject, body_text, body_html, message_id,
    CASE status WHEN 'failed' THEN 'queued' ELSE status END, attempts,
    next_attempt_at, claimed_by, claimed_until, last_error, created_at, sent_at
FROM email_outbox;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_old RENAME TO email_outbox;
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX email_outbox_by_request ON email_outbox (request_id);
