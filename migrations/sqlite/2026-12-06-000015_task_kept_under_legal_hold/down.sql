-- Undo: a task kept under a legal hold reads as one that could not be done.
-- A deletion's task ends "legal_hold" when a legal hold covers its data:
-- the data is separated for the claim, not destroyed.
--
-- SQLite changes a CHECK constraint only by rebuilding the table; other
-- tables refer to it, so foreign keys are off around the rebuild (outside
-- a transaction: this migration runs its own, see metadata.toml).

PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE request_tasks_new (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    system_id TEXT REFERENCES data_systems (id),
    department_id TEXT NOT NULL REFERENCES departments (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    assignee_id TEXT REFERENCES staff_users (id),
    outcome TEXT CHECK (outcome IN ('done', 'nothing_held', 'cannot_do', 'separated')),
    note TEXT,
    retained_until DATE,
    retention_law TEXT,
    result_nonce BLOB,
    result_ciphertext BLOB,
    routing_rule_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    CHECK ((status = 'done') = (outcome IS NOT NULL)),
    CHECK (outcome <> 'separated' OR (retained_until IS NOT NULL AND retention_law IS NOT NULL))
);
INSERT INTO request_tasks_new SELECT id, request_id, system_id, department_id, status, assignee_id,
       CASE outcome WHEN 'legal_hold' THEN 'cannot_do' ELSE outcome END, CASE outcome WHEN 'legal_hold' THEN COALESCE(note, 'kept under a legal hold') ELSE note END, retained_until, retention_law, result_nonce, result_ciphertext,
       routing_rule_id, created_at, updated_at, completed_at
FROM request_tasks;
DROP TABLE request_tasks;
ALTER TABLE request_tasks_new RENAME TO request_tasks;
CREATE UNIQUE INDEX request_tasks_one_per_system ON request_tasks (request_id, department_id, COALESCE(system_id, ''));
CREATE INDEX request_tasks_by_request ON request_tasks (request_id);
CREATE INDEX request_tasks_by_department ON request_tasks (department_id, status, request_id);
CREATE INDEX request_tasks_by_assignee ON request_tasks (assignee_id, request_id) WHERE assignee_id IS NOT NULL;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
