DELETE FROM audit_actions WHERE name = 'staff.second_factor_replaced';
