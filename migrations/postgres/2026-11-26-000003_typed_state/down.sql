ALTER TABLE holds ADD COLUMN scope TEXT NOT NULL DEFAULT 'all';
UPDATE holds h SET scope = sub.codes
FROM (
    SELECT hc.hold_id, string_agg(c.code, ',' ORDER BY c.code) AS codes
    FROM hold_categories hc JOIN data_categories c ON c.id = hc.category_id
    GROUP BY hc.hold_id
) sub
WHERE h.id = sub.hold_id;
ALTER TABLE holds ALTER COLUMN scope DROP DEFAULT;
DROP TABLE hold_systems;
DROP TABLE hold_categories;
ALTER TABLE holds DROP COLUMN scope_all, DROP CONSTRAINT holds_reason_known;
UPDATE holds SET reason = 'suspension_requested' WHERE reason = 'processing_suspended';

ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_statuses_known,
    DROP CONSTRAINT audit_events_actor_kind_known,
    DROP CONSTRAINT audit_events_action_known;
DROP TABLE audit_actions;

ALTER TABLE requests
    DROP CONSTRAINT requests_lang_known,
    DROP CONSTRAINT requests_jurisdiction_known,
    DROP CONSTRAINT requests_verification_state_known,
    DROP CONSTRAINT requests_status_known;
