-- Rows of api_keys and webhook_tokens carry a MAC under a key derived from the chain key (which is never in the
-- database), over every column that grants anything: a database user who rewrites a key's hash, scopes or revocation
-- (or a token's hash) makes a row the gateway refuses and `verify` reports. NULL on rows written before this version:
-- they are sealed once, at the first start (or key-writing command) of this version, which then adds the mark
-- 'legacy-rows-sealed'; after it a row without a MAC is refused (CredentialRowSeal).
ALTER TABLE api_keys ADD COLUMN row_mac CHAR(64);
ALTER TABLE webhook_tokens ADD COLUMN row_mac CHAR(64);
-- Facts about credentials that only ever get added: 'legacy-rows-sealed', and 'revoked-api-key:<name>' for each
-- revoke, so a revoked key's row restored with its older (valid) MAC stays refused. On PostgreSQL no role but the
-- owner may UPDATE, DELETE or TRUNCATE it (afterMigrate__append_only_grants.sql).
CREATE TABLE credential_marks (
    mark       VARCHAR(200)             NOT NULL,
    marked_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_credential_marks PRIMARY KEY (mark)
);
