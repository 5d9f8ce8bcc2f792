DROP TRIGGER holds_lifted;
DROP TABLE hold_lifts;
