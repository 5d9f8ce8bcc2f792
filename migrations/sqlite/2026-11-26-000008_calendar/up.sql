-- The holiday calendar a request's deadline was counted with, and where
-- its days came from: `kr (holidays 0.108)`. Requests stored before this
-- was recorded have none.
ALTER TABLE requests ADD COLUMN calendar TEXT;

-- Days an admin added to a shipped calendar (a one-off holiday, such as a
-- temporary holiday announced weeks ahead) or took off it (a listed day
-- that is a working day after all). Deadlines are counted with the
-- shipped calendar and these.
CREATE TABLE calendar_days (
    calendar TEXT NOT NULL,
    day DATE NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('added', 'removed')),
    name TEXT NOT NULL,
    changed_by TEXT REFERENCES staff_users (id),
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (calendar, day)
);

INSERT INTO audit_actions (name) VALUES
    ('calendar.changed'),
    ('request.due_date_changed');
