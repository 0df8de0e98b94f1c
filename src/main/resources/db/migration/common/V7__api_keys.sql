-- API keys of the HTTP API (issue 9). Only the SHA-256 of a key is stored; the key itself is printed once
-- by `api-key create`. A revoked key keeps its row (revoked_at set) so the name stays attributable in the
-- event log (`key:<name>`) and is never handed to another key.
CREATE TABLE api_keys (
    name          VARCHAR(64)              NOT NULL,
    key_hash      CHAR(64)                 NOT NULL,  -- lower-case hex SHA-256 of the whole key
    scopes        VARCHAR(200)             NOT NULL,  -- comma-separated: read,write,operate,metrics,admin
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at  TIMESTAMP WITH TIME ZONE,           -- updated at most about once a minute per key
    revoked_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_api_keys PRIMARY KEY (name),
    CONSTRAINT uq_api_keys_hash UNIQUE (key_hash)
);
