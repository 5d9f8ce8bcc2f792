DELETE FROM audit_actions WHERE name = 'email.failed';
DROP INDEX email_outbox_by_recipient;
UPDATE email_outbox SET status = 'queued' WHERE status = 'failed';
ALTER TABLE email_outbox
    DROP CONSTRAINT email_outbox_status_check,
    ADD CONSTRAINT email_outbox_status_check CHECK (status IN ('queued', 'sent'));
