DELETE FROM audit_actions WHERE name IN ('staff.grant_requested', 'staff.grant_confirmed', 'staff.grant_cancelled');
DROP TABLE staff_grants;
