-- Version 1: every table. Blobs are stored as the clients made them; the other columns are what
-- the server parsed from them to index and to enforce access.
CREATE TABLE settings (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE accounts (
    login TEXT PRIMARY KEY,
    record BLOB NOT NULL,
    verifier_salt BLOB NOT NULL,
    verifier BLOB NOT NULL,
    bundle BLOB NOT NULL,
    identity BLOB NOT NULL UNIQUE,
    enc_key_id BLOB NOT NULL,
    wrapped_identity BLOB NOT NULL,
    wrapped_encryption BLOB NOT NULL
);
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    login TEXT NOT NULL REFERENCES accounts(login) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
-- Expired sessions are deleted at each login.
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
CREATE TABLE vaults (
    vault_id BLOB PRIMARY KEY,
    head_version INTEGER NOT NULL,
    created_by TEXT NOT NULL REFERENCES accounts(login)
);
CREATE TABLE heads (
    vault_id BLOB NOT NULL REFERENCES vaults(vault_id),
    version INTEGER NOT NULL,
    head BLOB NOT NULL,
    PRIMARY KEY (vault_id, version)
);
CREATE TABLE shares (
    vault_id BLOB NOT NULL REFERENCES vaults(vault_id),
    login TEXT NOT NULL REFERENCES accounts(login),
    epoch INTEGER NOT NULL,
    share BLOB NOT NULL,
    PRIMARY KEY (vault_id, login, epoch)
);
CREATE INDEX shares_by_login ON shares(login);
CREATE TABLE secrets (
    vault_id BLOB NOT NULL REFERENCES vaults(vault_id),
    blind_index BLOB NOT NULL,
    secret BLOB NOT NULL,
    PRIMARY KEY (vault_id, blind_index)
);
CREATE TABLE service_accounts (
    key_id BLOB PRIMARY KEY,
    public_key BLOB NOT NULL,
    binding BLOB NOT NULL,
    verifier BLOB NOT NULL
);
CREATE TABLE vault_service_accounts (
    vault_id BLOB NOT NULL REFERENCES vaults(vault_id),
    key_id BLOB NOT NULL REFERENCES service_accounts(key_id),
    PRIMARY KEY (vault_id, key_id)
);
CREATE TABLE batches (
    vault_id BLOB NOT NULL,
    key_id BLOB NOT NULL,
    head_version INTEGER NOT NULL,
    batch BLOB NOT NULL,
    items BLOB NOT NULL,
    PRIMARY KEY (vault_id, key_id),
    FOREIGN KEY (vault_id, key_id) REFERENCES vault_service_accounts(vault_id, key_id)
);
