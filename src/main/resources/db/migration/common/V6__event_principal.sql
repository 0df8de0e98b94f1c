-- Who caused each event, decided by the server from the credential it checked (key:<name>, oidc:<sub>,
-- webhook:<source>, poller:<connector>, system:<component>); never a caller-supplied string. Events
-- stored before this column existed are marked system:legacy.
ALTER TABLE timeline_events ADD COLUMN principal VARCHAR(320) DEFAULT 'system:legacy' NOT NULL;

-- Idempotency ids are scoped by principal: one caller can never collide with (or suppress) another
-- sender's events by reusing its (ce_source, ce_id).
ALTER TABLE timeline_events DROP CONSTRAINT uq_timeline_ce;
ALTER TABLE timeline_events ADD CONSTRAINT uq_timeline_principal_ce UNIQUE (principal, ce_source, ce_id);
