DROP TABLE prolongations;
ALTER TABLE requests DROP COLUMN original_due_date;
