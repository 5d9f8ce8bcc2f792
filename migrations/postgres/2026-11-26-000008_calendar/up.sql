-- The holiday calendar a request's deadline was counted with, and where
-- its days came from: `kr (holidays 0.108)`. Requests stored before this
-- was recorded have none.
ALTER TABLE requests ADD COLUMN calendar TEXT;
