-- Issue 13, Scale (bench/scale.sh): reads that stay flat at a million events and 100k incidents.
--
-- The incident list (GET /api/v1/incidents?status=&limit=) is `WHERE status = ? ORDER BY declared_at DESC, id DESC
-- LIMIT n`. With only ix_incidents_status (status, id) both stores read every incident of that status and sort them
-- (PostgreSQL: a bitmap scan + top-N sort over ~80k rows; H2: the same through its index) for each page of 50. An index
-- in the list's own order lets both stop after n entries. The list without a status gets its own.
CREATE INDEX ix_incidents_status_declared ON incidents (status, declared_at DESC, id DESC);
CREATE INDEX ix_incidents_declared ON incidents (declared_at DESC, id DESC);
-- (status, id) goes: H2 picked it for the list by status (equal cost for `status = ?`) and read all 80k declared
-- incidents to sort them. The new index serves what it did (status = ?, the stats' GROUP BY status).
DROP INDEX ix_incidents_status;

-- The SLA tracker (sla/SlaTracker) used to read the whole timeline of every open incident on every scan (every 30 s):
-- at 100k open incidents, 100k timeline reads per scan, more than a core's worth of work. It now also settles an open
-- incident whose notes are all recorded, until the next moment one can fall due (recheck_at: the earliest warning or
-- breach of a running clock) or its next event (last_seq), whichever comes first. policy is a fingerprint of the SLA
-- policies the moment was computed with: a gateway started with another sla.yaml looks at every open incident again.
-- Resolved and closed incidents keep recheck_at NULL (settled until their next event, as before).
ALTER TABLE sla_settled ADD COLUMN recheck_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE sla_settled ADD COLUMN policy VARCHAR(64);
-- After its first scan a tracker looks only at incidents with events since its last scan (by event id: the append lock
-- makes id order commit order) and at those whose recheck moment has come: this index finds the latter.
CREATE INDEX ix_sla_settled_recheck ON sla_settled (recheck_at);
