ALTER TABLE staff_users DROP COLUMN lang;
