-- One bearer token per webhook source that takes a gateway-managed token (auth.mode bearer without
-- auth.secretEnv), issued by `webhook-token --source NAME --rotate`. Only the token's SHA-256 (64 hex digits)
-- is kept: the token is 256 random bits, so its hash can be neither guessed nor reversed, and whoever reads
-- this table cannot post webhooks. Rotating replaces the row; running gateways reload it within seconds.
CREATE TABLE webhook_tokens (
    source      VARCHAR(128)             NOT NULL,
    token_hash  VARCHAR(64)              NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_webhook_tokens PRIMARY KEY (source)
);
