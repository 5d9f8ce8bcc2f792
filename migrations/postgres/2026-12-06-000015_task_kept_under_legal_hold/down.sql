UPDATE request_tasks SET outcome = 'cannot_do', note = COALESCE(note, 'kept under a legal hold')
 WHERE outcome = 'legal_hold';
ALTER TABLE request_tasks
    DROP CONSTRAINT request_tasks_outcome_check,
    ADD CONSTRAINT request_tasks_outcome_check
        CHECK (outcome IN ('done', 'nothing_held', 'cannot_do', 'separated'));
