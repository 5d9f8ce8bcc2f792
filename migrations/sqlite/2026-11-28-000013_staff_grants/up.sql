-- Making someone privacy officer or admin on the admin pages (or switching
-- such an account on) waits here until a second admin confirms it. A row
-- is deleted when it is confirmed or cancelled; the audit trail keeps
-- both. One grant waits per account at most.
CREATE TABLE staff_grants (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL UNIQUE REFERENCES staff_users (id),
    role TEXT NOT NULL CHECK (role IN ('privacy_officer', 'admin')),
    department_id TEXT REFERENCES departments (id),
    active BOOLEAN NOT NULL,
    requested_by TEXT NOT NULL REFERENCES staff_users (id),
    requested_at TIMESTAMP NOT NULL
);

INSERT INTO audit_actions (name) VALUES
    ('staff.grant_requested'),
    ('staff.grant_confirmed'),
    ('staff.grant_cancelled');
