-- Typed state: the database refuses any value outside the closed sets the
-- code knows (request status, verification state, jurisdiction, language,
-- hold reason, audit action and actor), and a hold's scope is stored one
-- row per data category or system instead of a comma-joined string.

ALTER TABLE requests
    ADD CONSTRAINT requests_status_known CHECK (status IN (
        'unverified', 'verifying', 'in_progress', 'awaiting_requester', 'awaiting_approval',
        'postponed', 'completed', 'partially_completed', 'refused', 'withdrawn', 'expired',
        'objection')),
    ADD CONSTRAINT requests_verification_state_known CHECK (verification_state IN (
        'pending', 'email_confirmed', 'document_accepted', 'staff_confirmed')),
    ADD CONSTRAINT requests_jurisdiction_known CHECK (jurisdiction IN ('kr-pipa', 'gdpr', 'ccpa')),
    ADD CONSTRAINT requests_lang_known CHECK (lang IN ('ko', 'en'));

-- Audit actions grow with the desk's features: they are rows of a table
-- every event refers to, so a later migration adds one with an INSERT
-- rather than rebuilding the append-only table.
CREATE TABLE audit_actions (
    name TEXT PRIMARY KEY
);
INSERT INTO audit_actions (name) VALUES
    ('request.received'),
    ('request.transition'),
    ('requester.information_added'),
    ('requester.status_link_sent'),
    ('verification.code_sent'),
    ('verification.code_rejected'),
    ('staff.created'),
    ('staff.password_set');

ALTER TABLE audit_events
    ADD CONSTRAINT audit_events_action_known FOREIGN KEY (action) REFERENCES audit_actions (name),
    ADD CONSTRAINT audit_events_actor_kind_known CHECK (actor_kind IN ('requester', 'staff', 'service', 'system')),
    ADD CONSTRAINT audit_events_statuses_known CHECK (
        (from_status IS NULL OR from_status IN (
            'unverified', 'verifying', 'in_progress', 'awaiting_requester', 'awaiting_approval',
            'postponed', 'completed', 'partially_completed', 'refused', 'withdrawn', 'expired',
            'objection'))
        AND (to_status IS NULL OR to_status IN (
            'unverified', 'verifying', 'in_progress', 'awaiting_requester', 'awaiting_approval',
            'postponed', 'completed', 'partially_completed', 'refused', 'withdrawn', 'expired',
            'objection')));

-- Hold reasons: suspension holds are named for what they do.
UPDATE holds SET reason = 'processing_suspended' WHERE reason = 'suspension_requested';
ALTER TABLE holds
    ADD CONSTRAINT holds_reason_known CHECK (reason IN (
        'correction_pending', 'deletion_pending', 'processing_suspended', 'objection', 'legal_hold')),
    ADD COLUMN scope_all BOOLEAN NOT NULL DEFAULT TRUE;

-- A hold covers all of the subject's data (scope_all), or the categories
-- and systems listed here.
CREATE TABLE hold_categories (
    hold_id TEXT NOT NULL REFERENCES holds (id) ON DELETE CASCADE,
    category_id TEXT NOT NULL REFERENCES data_categories (id),
    PRIMARY KEY (hold_id, category_id)
);
CREATE INDEX hold_categories_by_category ON hold_categories (category_id);

CREATE TABLE hold_systems (
    hold_id TEXT NOT NULL REFERENCES holds (id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES data_systems (id),
    PRIMARY KEY (hold_id, system_id)
);
CREATE INDEX hold_systems_by_system ON hold_systems (system_id);

INSERT INTO hold_categories (hold_id, category_id)
SELECT h.id, c.id
FROM holds h
JOIN data_categories c ON strpos(',' || h.scope || ',', ',' || c.code || ',') > 0
WHERE h.scope <> 'all';
UPDATE holds SET scope_all = (scope = 'all');
ALTER TABLE holds ALTER COLUMN scope_all DROP DEFAULT, DROP COLUMN scope;
