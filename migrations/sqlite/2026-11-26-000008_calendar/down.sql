DELETE FROM audit_actions WHERE name IN ('calendar.changed', 'request.due_date_changed');
DROP TABLE calendar_days;
ALTER TABLE requests DROP COLUMN calendar;
