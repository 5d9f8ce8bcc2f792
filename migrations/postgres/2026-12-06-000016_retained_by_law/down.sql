DELETE FROM holds WHERE reason = 'retained_by_law';
DROP INDEX holds_by_task;
ALTER TABLE holds
    DROP CONSTRAINT holds_retention_named,
    DROP COLUMN task_id,
    DROP COLUMN retention_law,
    DROP COLUMN retained_until,
    DROP CONSTRAINT holds_reason_known,
    ADD CONSTRAINT holds_reason_known CHECK (reason IN (
        'correction_pending', 'deletion_pending', 'processing_suspended', 'objection', 'legal_hold'));
