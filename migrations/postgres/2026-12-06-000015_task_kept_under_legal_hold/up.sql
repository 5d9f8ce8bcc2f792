-- A deletion's task ends "legal_hold" when a legal hold covers its data:
-- the data is separated for the claim, not destroyed.
ALTER TABLE request_tasks
    DROP CONSTRAINT request_tasks_outcome_check,
    ADD CONSTRAINT request_tasks_outcome_check
        CHECK (outcome IN ('done', 'nothing_held', 'cannot_do', 'separated', 'legal_hold'));
