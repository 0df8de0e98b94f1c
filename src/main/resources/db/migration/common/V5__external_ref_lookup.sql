-- Pollers map a ticket they read back to its incident by the ticket's id.
CREATE INDEX ix_external_refs_external ON external_refs (connector, external_id);
