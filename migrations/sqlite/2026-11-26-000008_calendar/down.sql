ALTER TABLE requests DROP COLUMN calendar;
