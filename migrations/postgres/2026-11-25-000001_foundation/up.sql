-- Rightsdesk foundation schema (PostgreSQL). Kept column-for-column equal to
-- the SQLite migration: ids are text UUIDs, times are UTC `timestamp`.

CREATE TABLE departments (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    function TEXT NOT NULL CHECK (function IN ('privacy', 'reception', 'owner')),
    email TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE data_systems (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    department_id TEXT NOT NULL REFERENCES departments (id),
    processed_overseas BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX data_systems_by_department ON data_systems (department_id);

CREATE TABLE data_categories (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    system_id TEXT NOT NULL REFERENCES data_systems (id),
    name_ko TEXT NOT NULL,
    name_en TEXT NOT NULL,
    retention_basis TEXT NOT NULL CHECK (retention_basis IN ('until_withdrawal', 'until_purpose_complete', 'statutory')),
    retention_months INTEGER,
    legal_basis TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX data_categories_by_system ON data_categories (system_id);

CREATE TABLE staff_users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('handler', 'department_lead', 'privacy_officer', 'admin')),
    department_id TEXT REFERENCES departments (id),
    password_hash TEXT,
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);
CREATE INDEX staff_users_by_department ON staff_users (department_id);

CREATE TABLE reference_counters (
    year INTEGER PRIMARY KEY,
    last_number BIGINT NOT NULL
);

CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    ref_year INTEGER NOT NULL,
    ref_number BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'correction', 'deletion', 'suspension')),
    status TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
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
    verification_state TEXT NOT NULL,
    verification_code_hash TEXT,
    verification_attempts INTEGER NOT NULL DEFAULT 0,
    verification_sent_at TIMESTAMP,
    verified_at TIMESTAMP,
    duplicate_of TEXT REFERENCES requests (id),
    closed_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (ref_year, ref_number)
);
CREATE INDEX requests_queue ON requests (status, received_at);
CREATE INDEX requests_open_by_due_date ON requests (due_date) WHERE closed_at IS NULL;
CREATE INDEX requests_by_subject_email ON requests (subject_email_key, kind, received_at);
CREATE INDEX requests_by_requester_email ON requests (requester_email_key);

CREATE TABLE request_categories (
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    category_id TEXT NOT NULL REFERENCES data_categories (id),
    PRIMARY KEY (request_id, category_id)
);

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

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('authority', 'identity', 'requester_information', 'result')),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    nonce BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX documents_by_request ON documents (request_id);

CREATE TABLE holds (
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
CREATE INDEX holds_active_by_identifier ON holds (identifier_key) WHERE lifted_at IS NULL;
CREATE INDEX holds_by_request ON holds (request_id);

CREATE TABLE audit_events (
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
CREATE INDEX audit_events_by_request ON audit_events (request_id, seq);

-- The head of the hash chain: one row, locked by every audited write so that
-- events are appended one at a time and the chain never forks.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Audit events are append-only: the application has no update or delete
-- path, and the database refuses one too.
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TABLE email_outbox (
    id TEXT PRIMARY KEY,
    request_id TEXT REFERENCES requests (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL CHECK (recipient <> ''),
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX email_outbox_by_request ON email_outbox (request_id);

CREATE TABLE service_tokens (
    id TEXT PRIMARY KEY,
    system_name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
