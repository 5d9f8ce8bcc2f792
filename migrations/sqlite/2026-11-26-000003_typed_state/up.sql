-- Typed state: the database refuses any value outside the closed sets the
-- code knows (request status, verification state, jurisdiction, language,
-- hold reason, audit action and actor), and a hold's scope is stored one
-- row per data category or system instead of a comma-joined string.
--
-- SQLite adds CHECK constraints only by rebuilding a table. Other tables
-- refer to the rebuilt ones (with ON DELETE CASCADE), so foreign keys are
-- switched off around the rebuild, as SQLite's documentation prescribes;
-- that cannot happen inside a transaction, so this migration runs its own
-- (metadata.toml).

PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE requests_new (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    ref_year INTEGER NOT NULL,
    ref_number BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'correction', 'deletion', 'suspension')),
    status TEXT NOT NULL CHECK (status IN (
        'unverified', 'verifying', 'in_progress', 'awaiting_requester', 'awaiting_approval',
        'postponed', 'completed', 'partially_completed', 'refused', 'withdrawn', 'expired',
        'objection')),
    jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('kr-pipa', 'gdpr', 'ccpa')),
    channel TEXT NOT NULL CHECK (channel IN ('web', 'phone', 'email', 'fax', 'letter')),
    received_at TIMESTAMP NOT NULL,
    due_date DATE,
    on_behalf TEXT NOT NULL CHECK (on_behalf IN ('self', 'legal_representative', 'delegate')),
    requester_name TEXT NOT NULL,
    requester_email TEXT NOT NULL,
    requester_email_key TEXT NOT NULL,
    requester_phone TEXT,
    subject_name TEXT NOT NULL,
    subject_email TEXT NOT NULL,
    subject_email_key TEXT NOT NULL,
    subject_phone TEXT,
    subject_phone_key TEXT,
    details TEXT NOT NULL DEFAULT '',
    correction TEXT,
    verification_state TEXT NOT NULL CHECK (verification_state IN (
        'pending', 'email_confirmed', 'document_accepted', 'staff_confirmed')),
    verification_code_hash TEXT,
    verification_attempts INTEGER NOT NULL DEFAULT 0,
    verification_sent_at TIMESTAMP,
    verified_at TIMESTAMP,
    duplicate_of TEXT REFERENCES requests (id),
    closed_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    lang TEXT NOT NULL DEFAULT 'ko' CHECK (lang IN ('ko', 'en')),
    verification_codes_sent INTEGER NOT NULL DEFAULT 0,
    UNIQUE (ref_year, ref_number)
);
INSERT INTO requests_new (
    id, reference, ref_year, ref_number, kind, status, jurisdiction, channel, received_at,
    due_date, on_behalf, requester_name, requester_email, requester_email_key, requester_phone,
    subject_name, subject_email, subject_email_key, subject_phone, subject_phone_key, details,
    correction, verification_state, verification_code_hash, verification_attempts,
    verification_sent_at, verified_at, duplicate_of, closed_at, version, created_at, updated_at,
    lang, verification_codes_sent)
SELECT
    id, reference, ref_year, ref_number, kind, status, jurisdiction, channel, received_at,
    due_date, on_behalf, requester_name, requester_email, requester_email_key, requester_phone,
    subject_name, subject_email, subject_email_key, subject_phone, subject_phone_key, details,
    correction, verification_state, verification_code_hash, verification_attempts,
    verification_sent_at, verified_at, duplicate_of, closed_at, version, created_at, updated_at,
    lang, verification_codes_sent
FROM requests;
DROP TABLE requests;
ALTER TABLE requests_new RENAME TO requests;
CREATE INDEX requests_queue ON requests (status, received_at);
CREATE INDEX requests_open_by_due_date ON requests (due_date) WHERE closed_at IS NULL;
CREATE INDEX requests_by_subject_email ON requests (subject_email_key, kind, received_at);
CREATE INDEX requests_by_requester_email ON requests (requester_email_key);

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

-- The events are copied unchanged (the hash chain covers them); dropping
-- the old table drops its append-only triggers, recreated below.
CREATE TABLE audit_events_new (
    seq BIGINT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    request_id TEXT,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('requester', 'staff', 'service', 'system')),
    actor_id TEXT,
    action TEXT NOT NULL REFERENCES audit_actions (name),
    from_status TEXT CHECK (from_status IS NULL OR from_status IN (
        'unverified', 'verifying', 'in_progress', 'awaiting_requester', 'awaiting_approval',
        'postponed', 'completed', 'partially_completed', 'refused', 'withdrawn', 'expired',
        'objection')),
    to_status TEXT CHECK (to_status IS NULL OR to_status IN (
        'unverified', 'verifying', 'in_progress', 'awaiting_requester', 'awaiting_approval',
        'postponed', 'completed', 'partially_completed', 'refused', 'withdrawn', 'expired',
        'objection')),
    reason TEXT,
    at TIMESTAMP NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_events_new (
    seq, id, request_id, actor_kind, actor_id, action, from_status, to_status, reason, at,
    payload, prev_hash, hash)
SELECT
    seq, id, request_id, actor_kind, actor_id, action, from_status, to_status, reason, at,
    payload, prev_hash, hash
FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_new RENAME TO audit_events;
CREATE INDEX audit_events_by_request ON audit_events (request_id, seq);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

-- Holds: a known reason (suspension holds are named for what they do), and
-- a scope that is all of the subject's data (scope_all) or the categories
-- and systems listed in hold_categories and hold_systems.
CREATE TABLE holds_new (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    identifier_key TEXT NOT NULL,
    identifier_scheme TEXT NOT NULL CHECK (identifier_scheme IN ('email', 'phone', 'subject')),
    scope_all BOOLEAN NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN (
        'correction_pending', 'deletion_pending', 'processing_suspended', 'objection', 'legal_hold')),
    placed_at TIMESTAMP NOT NULL,
    lifted_at TIMESTAMP,
    lift_reason TEXT
);
INSERT INTO holds_new (
    id, request_id, identifier_key, identifier_scheme, scope_all, reason, placed_at, lifted_at,
    lift_reason)
SELECT
    id, request_id, identifier_key, identifier_scheme, scope = 'all',
    CASE reason WHEN 'suspension_requested' THEN 'processing_suspended' ELSE reason END,
    placed_at, lifted_at, lift_reason
FROM holds;

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
JOIN data_categories c ON instr(',' || h.scope || ',', ',' || c.code || ',') > 0
WHERE h.scope <> 'all';

DROP TABLE holds;
ALTER TABLE holds_new RENAME TO holds;
CREATE INDEX holds_active_by_identifier ON holds (identifier_key) WHERE lifted_at IS NULL;
CREATE INDEX holds_by_request ON holds (request_id);

COMMIT;
PRAGMA foreign_keys = ON;
