DELETE FROM audit_actions WHERE name = 'request.reminder_sent';
DROP TABLE reminders;
