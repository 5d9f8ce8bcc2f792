-- A member replaced their second factor (with their password and a code
-- from the one it replaced); their other sessions ended.
INSERT INTO audit_actions (name) VALUES ('staff.second_factor_replaced');
