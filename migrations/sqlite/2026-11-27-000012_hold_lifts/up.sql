-- Lifts as rows another process can follow. Each desk process keeps in
-- memory the holds active on the identifiers it is asked about; it learns
-- of another process's placements from the new rows of `holds`, and of its
-- lifts from these (PostgreSQL announces both with NOTIFY instead). Rows
-- older than a day are pruned; a process that has not looked for an hour
-- reads every active hold again.
CREATE TABLE hold_lifts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    identifier_key TEXT NOT NULL,
    lifted_at TIMESTAMP NOT NULL
);

CREATE TRIGGER holds_lifted AFTER UPDATE OF lifted_at ON holds
WHEN NEW.lifted_at IS NOT NULL AND OLD.lifted_at IS NULL
BEGIN
    INSERT INTO hold_lifts (identifier_key, lifted_at) VALUES (NEW.identifier_key, NEW.lifted_at);
END;
