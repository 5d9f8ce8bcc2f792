-- Service tokens may expire; their scopes are listed comma-separated.
ALTER TABLE service_tokens ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE service_tokens ADD COLUMN revoked_by TEXT;

-- A hold placed by hand (a legal hold) says why.
ALTER TABLE holds ADD COLUMN note TEXT;
ALTER TABLE holds ADD COLUMN placed_by TEXT;

-- A data system may be told of every hold placed or lifted within its scope:
-- a URL and a secret (sealed like documents) to sign the deliveries with.
ALTER TABLE data_systems ADD COLUMN webhook_url TEXT;
ALTER TABLE data_systems ADD COLUMN webhook_secret_nonce BLOB;
ALTER TABLE data_systems ADD COLUMN webhook_secret BLOB;

-- One row per event and receiving system, queued in the transaction that
-- placed or lifted the hold; its id is the event id every redelivery
-- carries.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    system_id TEXT NOT NULL REFERENCES data_systems (id) ON DELETE CASCADE,
    request_id TEXT REFERENCES requests (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL CHECK (event_type IN ('hold.placed', 'hold.lifted')),
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'delivered')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'queued';
CREATE INDEX webhook_deliveries_by_system ON webhook_deliveries (system_id, created_at);

INSERT INTO audit_actions (name) VALUES
    ('token.issued'),
    ('token.revoked'),
    ('hold.placed'),
    ('hold.lifted'),
    ('webhook.changed');
