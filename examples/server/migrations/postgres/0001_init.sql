-- Version 1: every table. Blobs are stored as the clients made them; the other columns are what
-- the server parsed from them to index and to enforce access.
CREATE TABLE settings (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
CREATE TABLE accounts (
    login TEXT PRIMARY KEY,
    record BYTEA NOT NULL,
    verifier_salt BYTEA NOT NULL,
    verifier BYTEA NOT NULL,
    bundle BYTEA NOT NULL,
    identity BYTEA NOT NULL UNIQUE,
    enc_key_id BYTEA NOT NULL,
    wrapped_identity BYTEA NOT NULL,
    wrapped_encryption BYTEA NOT NULL
);
CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    login TEXT NOT NULL REFERENCES accounts(login) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
-- Expired sessions are deleted at each login.
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
CREATE TABLE vaults (
    vault_id BYTEA PRIMARY KEY,
    head_version BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES accounts(login)
);
CREATE TABLE heads (
    vault_id BYTEA NOT NULL REFERENCES vaults(vault_id),
    version BIGINT NOT NULL,
    head BYTEA NOT NULL,
    PRIMARY KEY (vault_id, version)
);
CREATE TABLE shares (
    vault_id BYTEA NOT NULL REFERENCES vaults(vault_id),
    login TEXT NOT NULL REFERENCES accounts(login),
    epoch BIGINT NOT NULL,
    share BYTEA NOT NULL,
    PRIMARY KEY (vault_id, login, epoch)
);
CREATE INDEX shares_by_login ON shares(login);
CREATE TABLE secrets (
    vault_id BYTEA NOT NULL REFERENCES vaults(vault_id),
    blind_index BYTEA NOT NULL,
    secret BYTEA NOT NULL,
    PRIMARY KEY (vault_id, blind_index)
);
CREATE TABLE service_accounts (
    key_id BYTEA PRIMARY KEY,
    public_key BYTEA NOT NULL,
    binding BYTEA NOT NULL,
    verifier BYTEA NOT NULL
);
CREATE TABLE vault_service_accounts (
    vault_id BYTEA NOT NULL REFERENCES vaults(vault_id),
    key_id BYTEA NOT NULL REFERENCES service_accounts(key_id),
    PRIMARY KEY (vault_id, key_id)
);
CREATE TABLE batches (
    vault_id BYTEA NOT NULL,
    key_id BYTEA NOT NULL,
    head_version BIGINT NOT NULL,
    batch BYTEA NOT NULL,
    items BYTEA NOT NULL,
    PRIMARY KEY (vault_id, key_id),
    FOREIGN KEY (vault_id, key_id) REFERENCES vault_service_accounts(vault_id, key_id)
);
