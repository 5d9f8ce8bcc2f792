-- An email the transport refuses for good (or after too many attempts) is
-- marked failed, with an audit event, instead of being retried forever;
-- and emails are counted per recipient, to cap what a stranger can make
-- the desk send to one address.
ALTER TABLE email_outbox
    DROP CONSTRAINT email_outbox_status_check,
    ADD CONSTRAINT email_outbox_status_check CHECK (status IN ('queued', 'sent', 'failed'));
CREATE INDEX email_outbox_by_recipient ON email_outbox (recipient, created_at);
INSERT INTO audit_actions (name) VALUES ('email.failed');
