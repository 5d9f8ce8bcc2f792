PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE holds_old (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    identifier_key TEXT NOT NULL,
    identifier_scheme TEXT NOT NULL CHECK (identifier_scheme IN ('email', 'phone', 'subject')),
    scope TEXT NOT NULL,
    reason TEXT NOT NULL,
    placed_at TIMESTAMP NOT NULL,
    lifted_at TIMESTAMP,
    lift_reason TEXT
);
INSERT INTO holds_old (
    id, request_id, identifier_key, identifier_scheme, scope, reason, placed_at, lifted_at,
    lift_reason)
SELECT
    h.id, h.request_id, h.identifier_key, h.identifier_scheme,
    CASE WHEN h.scope_all THEN 'all' ELSE COALESCE((
        SELECT group_concat(code, ',') FROM (
            SELECT c.code FROM hold_categories hc
            JOIN data_categories c ON c.id = hc.category_id
            WHERE hc.hold_id = h.id ORDER BY c.code)), 'all') END,
    CASE h.reason WHEN 'processing_suspended' THEN 'suspension_requested' ELSE h.reason END,
    h.placed_at, h.lifted_at, h.lift_reason
FROM holds h;
DROP TABLE hold_systems;
DROP TABLE hold_categories;
DROP TABLE holds;
ALTER TABLE holds_old RENAME TO holds;
CREATE INDEX holds_active_by_identifier ON holds (identifier_key) WHERE lifted_at IS NULL;
CREATE INDEX holds_by_request ON holds (request_id);

CREATE TABLE audit_events_old (
    seq BIGINT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    request_id TEXT,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    reason TEXT,
    at TIMESTAMP NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_events_old SELECT
    seq, id, request_id, actor_kind, actor_id, action, from_status, to_status, reason, at,
    payload, prev_hash, hash
FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_old RENAME TO audit_events;
CREATE INDEX audit_events_by_request ON audit_events (request_id, seq);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
DROP TABLE audit_actions;

-- requests keeps its CHECK constraints: they admit every value the code
-- before this migration wrote.

COMMIT;
PRAGMA foreign_keys = ON;
