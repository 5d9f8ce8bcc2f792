DELETE FROM audit_actions WHERE name IN (
    'token.issued', 'token.revoked', 'hold.placed', 'hold.lifted', 'webhook.changed');
DROP TABLE webhook_deliveries;
ALTER TABLE data_systems DROP COLUMN webhook_secret;
ALTER TABLE data_systems DROP COLUMN webhook_secret_nonce;
ALTER TABLE data_systems DROP COLUMN webhook_url;
ALTER TABLE holds DROP COLUMN placed_by;
ALTER TABLE holds DROP COLUMN note;
ALTER TABLE service_tokens DROP COLUMN revoked_by;
ALTER TABLE service_tokens DROP COLUMN expires_at;
