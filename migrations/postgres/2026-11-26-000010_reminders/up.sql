-- Each reminder or escalation sent about a request, one row per step
-- (`due_in_3`, `due_in_1`, `due_today`, `overdue:2026-12-08`,
-- `verify`): the row is claimed in the transaction that queues the
-- emails, so a restart or a second instance never sends a step twice.
CREATE TABLE reminders (
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (request_id, step)
);

INSERT INTO audit_actions (name) VALUES ('request.reminder_sent');
