-- The requester side: the language notices are written in, code re-sends,
-- and the messages exchanged between the requester and staff.
ALTER TABLE requests ADD COLUMN lang TEXT NOT NULL DEFAULT 'ko';
ALTER TABLE requests ADD COLUMN verification_codes_sent INTEGER NOT NULL DEFAULT 0;

CREATE TABLE request_messages (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    author TEXT NOT NULL CHECK (author IN ('requester', 'staff')),
    staff_id TEXT REFERENCES staff_users (id),
    body TEXT NOT NULL,
    document_id TEXT REFERENCES documents (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX request_messages_by_request ON request_messages (request_id, created_at);
