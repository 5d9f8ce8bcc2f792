DROP TABLE request_messages;
ALTER TABLE requests DROP COLUMN verification_codes_sent;
ALTER TABLE requests DROP COLUMN lang;
