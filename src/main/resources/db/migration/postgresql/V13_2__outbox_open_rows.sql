-- Issue 13, delivery: whether an earlier row of the same incident holds an outbox row back (OutboxClaims) is asked for
-- every row a claim reads. This index holds only the rows that can hold others back (pending, dead), so the probe
-- costs the same whatever the incident's delivered history and whatever the backlog. The same version on H2
-- (db/migration/h2) builds the H2 form of it: each database sees one V13_2.
CREATE INDEX ix_outbox_open ON outbox (connector, incident_id, event_seq) WHERE status IN ('pending', 'dead');
