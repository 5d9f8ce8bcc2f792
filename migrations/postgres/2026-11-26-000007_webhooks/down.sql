ALTER TABLE requests DROP COLUMN subject_id;
