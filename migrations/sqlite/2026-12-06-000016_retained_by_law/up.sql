-- Data a deletion separated because a law requires keeping it stays
-- frozen after its request closes: a hold of its own reason, naming the
-- law and the day the retention ends, bound to the task that separated it.
--
-- SQLite changes a CHECK constraint only by rebuilding the table (its
-- indexes and the trigger that records lifts are made again); other tables
-- refer to it, so foreign keys are off around the rebuild, outside a
-- transaction (metadata.toml).

PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE holds_new (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    identifier_key TEXT NOT NULL,
    identifier_scheme TEXT NOT NULL CHECK (identifier_scheme IN ('email', 'phone', 'subject')),
    scope_all BOOLEAN NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('correction_pending', 'deletion_pending', 'processing_suspended', 'objection', 'legal_hold',
        'retained_by_law')),
    placed_at TIMESTAMP NOT NULL,
    lifted_at TIMESTAMP,
    lift_reason TEXT,
    note TEXT,
    placed_by TEXT,
    retained_until DATE,
    retention_law TEXT,
    task_id TEXT REFERENCES request_tasks (id) ON DELETE CASCADE,
    CHECK (reason <> 'retained_by_law'
           OR (retained_until IS NOT NULL AND retention_law IS NOT NULL AND task_id IS NOT NULL))
);
INSERT INTO holds_new (id, request_id, identifier_key, identifier_scheme, scope_all, reason, placed_at, lifted_at, lift_reason, note, placed_by)
SELECT id, request_id, identifier_key, identifier_scheme, scope_all, reason, placed_at, lifted_at, lift_reason, note, placed_by FROM holds;
DROP TABLE holds;
ALTER TABLE holds_new RENAME TO holds;
CREATE INDEX holds_active_by_identifier ON holds (identifier_key) WHERE lifted_at IS NULL;
CREATE INDEX holds_by_request ON holds (request_id);
CREATE INDEX holds_by_task ON holds (task_id) WHERE task_id IS NOT NULL;
CREATE TRIGGER holds_lifted AFTER UPDATE OF lifted_at ON holds
WHEN NEW.lifted_at IS NOT NULL AND OLD.lifted_at IS NULL
BEGIN
    INSERT INTO hold_lifts (identifier_key, lifted_at) VALUES (NEW.identifier_key, NEW.lifted_at);
END;

PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
