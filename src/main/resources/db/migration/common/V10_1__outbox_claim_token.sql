-- Issue 10, outbox under faults: a claimed row carries the token of the delivery that claimed it (NULL when
-- no delivery holds it). The relay records its outcome only while its token is still there, and skip refuses a
-- row whose claim is live (next_attempt_at, the lease, still ahead), so an operator and a delivery never both
-- win. Versioned 10_1 so it sorts after any V10 of a parallel change.
ALTER TABLE outbox ADD COLUMN claim_token BIGINT;
-- The purge of delivered rows (OutboxPurge) walks delivered rows by age.
CREATE INDEX ix_outbox_purge ON outbox (status, delivered_at);
