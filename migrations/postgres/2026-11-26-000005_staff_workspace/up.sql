-- The staff workspace: sessions that can be ended, sign-in failures for
-- lockout, tasks per data system and department, internal notes, routing
-- rules, decisions with their approval, and the indexes the queue sorts by.

-- A session a staff member signed in to. The cookie holds a short-lived
-- signed token naming the session; ending the row ends the cookie.
CREATE TABLE staff_sessions (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff_users (id),
    role TEXT NOT NULL CHECK (role IN ('handler', 'department_lead', 'privacy_officer', 'admin')),
    created_at TIMESTAMP NOT NULL,
    renewed_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    end_reason TEXT
);
CREATE INDEX staff_sessions_open_by_staff ON staff_sessions (staff_id) WHERE ended_at IS NULL;

-- An optional second factor (RFC 6238): the secret, encrypted, and the
-- last time step accepted (a code works once).
ALTER TABLE staff_users ADD COLUMN totp_nonce BYTEA;
ALTER TABLE staff_users ADD COLUMN totp_ciphertext BYTEA;
ALTER TABLE staff_users ADD COLUMN totp_last_step BIGINT;

-- Failed sign-ins, by keyed hashes of the address typed and of the client
-- address (never the plain text), counted over a window for lockout.
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    client_key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_by_account ON login_failures (account_key, at);
CREATE INDEX login_failures_by_client ON login_failures (client_key, at);

-- Tasks: one per affected data system and department (a routing rule may
-- add a department-wide task with no system).
DROP INDEX request_tasks_department_queue;
DROP INDEX request_tasks_by_assignee;
ALTER TABLE request_tasks RENAME TO request_tasks_old;
CREATE TABLE request_tasks (
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
    result_nonce BYTEA,
    result_ciphertext BYTEA,
    routing_rule_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    CHECK ((status = 'done') = (outcome IS NOT NULL)),
    CHECK (outcome <> 'separated' OR (retained_until IS NOT NULL AND retention_law IS NOT NULL))
);
CREATE UNIQUE INDEX request_tasks_one_per_system ON request_tasks (request_id, department_id, COALESCE(system_id, ''));
CREATE INDEX request_tasks_by_request ON request_tasks (request_id);
CREATE INDEX request_tasks_by_department ON request_tasks (department_id, status, request_id);
CREATE INDEX request_tasks_by_assignee ON request_tasks (assignee_id, request_id) WHERE assignee_id IS NOT NULL;
INSERT INTO request_tasks (id, request_id, system_id, department_id, status, assignee_id, outcome,
                           note, created_at, updated_at, completed_at)
SELECT id, request_id, system_id, department_id,
       CASE WHEN status IN ('done', 'not_applicable') THEN 'done' ELSE 'open' END,
       assignee_id,
       CASE WHEN status = 'done' THEN 'done' WHEN status = 'not_applicable' THEN 'nothing_held' END,
       outcome, created_at, updated_at, completed_at
FROM request_tasks_old;
DROP TABLE request_tasks_old;

-- Files a task returns (the data given to an access requester).
ALTER TABLE documents ADD COLUMN task_id TEXT REFERENCES request_tasks (id) ON DELETE CASCADE;

-- Internal notes: staff only, never shown to the requester.
CREATE TABLE request_notes (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    staff_id TEXT NOT NULL REFERENCES staff_users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX request_notes_by_request ON request_notes (request_id, created_at);

-- Where work goes besides (or instead of) a system's owner department.
CREATE TABLE routing_rules (
    id TEXT PRIMARY KEY,
    kind TEXT CHECK (kind IN ('access', 'correction', 'deletion', 'suspension')),
    category_id TEXT REFERENCES data_categories (id),
    department_id TEXT NOT NULL REFERENCES departments (id),
    mode TEXT NOT NULL CHECK (mode IN ('also', 'instead')),
    created_at TIMESTAMP NOT NULL,
    CHECK (kind IS NOT NULL OR category_id IS NOT NULL),
    CHECK (mode = 'also' OR category_id IS NOT NULL)
);

-- Decisions on a request: each objection leads to a new one. A decision
-- that needs the privacy officer's approval waits as `pending`.
CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    outcome TEXT NOT NULL CHECK (outcome IN ('completed', 'partially_completed', 'refused')),
    ground TEXT,
    explanation TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'effective', 'returned')),
    decided_by TEXT NOT NULL REFERENCES staff_users (id),
    decided_at TIMESTAMP NOT NULL,
    approved_by TEXT REFERENCES staff_users (id),
    approved_at TIMESTAMP,
    return_reason TEXT,
    CHECK (outcome = 'completed' OR ground IS NOT NULL)
);
CREATE INDEX decisions_by_request ON decisions (request_id, decided_at);

-- The queue: sort by due date, received date or status, filter by kind,
-- channel and status, without scanning.
CREATE INDEX requests_by_due_date ON requests (due_date, reference);
CREATE INDEX requests_by_received ON requests (received_at, reference);
CREATE INDEX requests_by_status_due ON requests (status, due_date, reference);
CREATE INDEX requests_by_kind_due ON requests (kind, due_date, reference);
CREATE INDEX requests_open_by_status ON requests (status) WHERE closed_at IS NULL;

-- The words of requester and subject names, for the queue's name search
-- (whole words, an index lookup instead of a scan of every name). Filled
-- at receipt; requests received before this table are filled at start.
CREATE TABLE request_search_terms (
    term TEXT NOT NULL,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    PRIMARY KEY (term, request_id)
);
CREATE INDEX request_search_terms_by_request ON request_search_terms (request_id);

INSERT INTO audit_actions (name) VALUES
    ('staff.signed_in'),
    ('staff.sign_in_failed'),
    ('staff.locked_out'),
    ('staff.signed_out'),
    ('staff.password_changed'),
    ('staff.updated'),
    ('request.identifiers_revealed'),
    ('document.downloaded'),
    ('request.note_added'),
    ('request.message_sent'),
    ('task.created'),
    ('task.assigned'),
    ('task.completed'),
    ('task.reopened'),
    ('catalog.changed'),
    ('staff.second_factor_enrolled'),
    ('staff.second_factor_reset'),
    ('settings.changed');
