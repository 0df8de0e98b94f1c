-- Issue 13, delivery: whether an earlier row of the same incident holds an outbox row back (OutboxClaims) is asked for
-- every row a claim reads. H2 has no partial index: keyed by status, the claim probes `status = 'pending'` and
-- `status = 'dead'` before the row's event_seq, two short range reads whatever the incident's delivered history.
-- (PostgreSQL's V13_2 in db/migration/postgresql is the partial form; each database sees one V13_2.)
-- The claim itself re-checks status on the row in its UPDATE (see V10_1 on H2 index entries and status).
CREATE INDEX ix_outbox_open ON outbox (connector, incident_id, status, event_seq);
