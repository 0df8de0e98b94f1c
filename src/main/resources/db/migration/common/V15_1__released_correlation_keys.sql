-- The correlation keys an incident held when it was resolved or closed (correlation_keys keeps only open ones, and a
-- release deletes them there). A reopen binds them again, so the alert's next firing counts on the reopened incident
-- instead of declaring a new one. Written only by a release, read only by a reopen; rows stay (history is small: one
-- row per alert incident).
CREATE TABLE released_correlation_keys (
    incident_id      VARCHAR(64)              NOT NULL,
    correlation_key  VARCHAR(512)             NOT NULL,
    released_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_released_correlation_keys PRIMARY KEY (incident_id, correlation_key)
);
