-- Issue 10, outbox under faults: a claimed row carries the token of the delivery that claimed it (NULL when
-- no delivery holds it). The relay records its outcome only while its token is still there, and skip refuses a
-- row whose claim is live (next_attempt_at, the lease, still ahead), so an operator and a delivery never both
-- win. Versioned 10_1 so it sorts after any V10 of a parallel change.
ALTER TABLE outbox ADD COLUMN claim_token BIGINT;
-- The purge of delivered rows (OutboxPurge) walks delivered rows by age (only delivered rows have a
-- delivered_at). Deliberately not (status, delivered_at): H2 answers `status = ?` from a secondary index's own
-- copy of the column, so a status-led index lets an index entry that disagrees with its row (seen once on H2
-- after a kill -9) list a delivered row as pending. Filters on status read the row itself.
CREATE INDEX ix_outbox_delivered_at ON outbox (delivered_at);
