-- The due date counted at receipt; `due_date` is the one in force (moved
-- by a postponement, an extension or a calendar change).
ALTER TABLE requests ADD COLUMN original_due_date DATE;
UPDATE requests SET original_due_date = due_date;

-- Each time a request's answer was put off: access postponed for good
-- cause to a date staff gave (PIPA Art. 35(3)), or the period extended
-- (GDPR Art. 12(3), 11 CCR § 7021(b)), with the reasons the requester was
-- told.
CREATE TABLE prolongations (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('postponement', 'extension')),
    reasons TEXT NOT NULL,
    from_date DATE NOT NULL,
    to_date DATE NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff_users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX prolongations_by_request ON prolongations (request_id, created_at);
