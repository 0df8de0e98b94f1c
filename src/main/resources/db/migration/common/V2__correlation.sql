-- Correlation: the open incident of each alert key. A row exists only while the incident is open;
-- reaching resolved or closed deletes it (this is state, not history: the log keeps the history).
CREATE TABLE correlation_keys (
    correlation_key  VARCHAR(512)             NOT NULL,
    incident_id      VARCHAR(64)              NOT NULL,
    bound_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_correlation_keys PRIMARY KEY (correlation_key)
);
CREATE INDEX ix_correlation_keys_incident ON correlation_keys (incident_id);

-- How often a correlated alert fired again while its incident was open (Alertmanager re-sends every
-- repeat_interval). An operational counter with no event of its own; rebuild-views keeps it.
ALTER TABLE incidents ADD COLUMN alert_repeats BIGINT DEFAULT 0 NOT NULL;

-- Secrets the gateway generates for itself (the default webhook token), so they survive restarts.
CREATE TABLE gateway_secrets (
    name        VARCHAR(64)              NOT NULL,
    secret      VARCHAR(512)             NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_gateway_secrets PRIMARY KEY (name)
);
