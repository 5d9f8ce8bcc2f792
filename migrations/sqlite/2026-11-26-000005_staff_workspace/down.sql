PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DELETE FROM audit_actions WHERE name IN (
    'staff.signed_in', 'staff.sign_in_failed', 'staff.locked_out', 'staff.signed_out',
    'staff.password_changed', 'staff.updated', 'request.identifiers_revealed',
    'document.downloaded', 'request.note_added', 'request.message_sent', 'task.created',
    'task.assigned', 'task.completed', 'task.reopened', 'catalog.changed',
    'staff.second_factor_enrolled', 'staff.second_factor_reset', 'settings.changed');
DROP TABLE request_search_terms;
DROP INDEX requests_open_by_status;
DROP INDEX requests_by_kind_due;
DROP INDEX requests_by_status_due;
DROP INDEX requests_by_received;
DROP INDEX requests_by_due_date;
DROP TABLE decisions;
DROP TABLE routing_rules;
DROP TABLE request_notes;
CREATE TABLE documents_old (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('authority', 'identity', 'requester_information', 'result')),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
INSERT INTO documents_old SELECT id, request_id, purpose, filename, content_type, size_bytes, nonce,
    ciphertext, uploaded_at, deleted_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_old RENAME TO documents;
CREATE INDEX documents_by_request ON documents (request_id);
DROP TABLE request_tasks;
CREATE TABLE request_tasks (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    system_id TEXT NOT NULL REFERENCES data_systems (id),
    department_id TEXT NOT NULL REFERENCES departments (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'not_applicable')),
    assignee_id TEXT REFERENCES staff_users (id),
    outcome TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    UNIQUE (request_id, system_id)
);
CREATE INDEX request_tasks_department_queue ON request_tasks (department_id, status);
CREATE INDEX request_tasks_by_assignee ON request_tasks (assignee_id) WHERE assignee_id IS NOT NULL;
DROP TABLE login_failures;
ALTER TABLE staff_users DROP COLUMN totp_last_step;
ALTER TABLE staff_users DROP COLUMN totp_ciphertext;
ALTER TABLE staff_users DROP COLUMN totp_nonce;
DROP TABLE staff_sessions;
COMMIT;
PRAGMA foreign_keys = ON;
