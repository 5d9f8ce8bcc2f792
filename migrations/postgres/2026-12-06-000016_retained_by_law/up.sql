-- Data a deletion separated because a law requires keeping it stays
-- frozen after its request closes: a hold of its own reason, naming the
-- law and the day the retention ends, bound to the task that separated it.
ALTER TABLE holds
    DROP CONSTRAINT holds_reason_known,
    ADD CONSTRAINT holds_reason_known CHECK (reason IN (
        'correction_pending', 'deletion_pending', 'processing_suspended', 'objection', 'legal_hold',
        'retained_by_law')),
    ADD COLUMN retained_until DATE,
    ADD COLUMN retention_law TEXT,
    ADD COLUMN task_id TEXT REFERENCES request_tasks (id) ON DELETE CASCADE,
    ADD CONSTRAINT holds_retention_named CHECK (
        reason <> 'retained_by_law'
        OR (retained_until IS NOT NULL AND retention_law IS NOT NULL AND task_id IS NOT NULL));
CREATE INDEX holds_by_task ON holds (task_id) WHERE task_id IS NOT NULL;
