-- Issue 13 (session 23), PostgreSQL only: the two incident-list indexes of V13_3 in ascending order.
--
-- New incidents arrive with the newest declared_at. In a (declared_at DESC, id DESC) index every one of them goes to the
-- left end (of the index, or of its status's range), where PostgreSQL's B-tree neither takes its right-end fast path
-- nor packs the pages it splits: measured with 448k inserts in groups of 28, the two indexes were 1.8x the size of the
-- ascending ones (76 vs 42 MB) and the inserts ~23 % slower once the table had grown; the group's incidents upsert
-- cost as much server time as its events insert. PostgreSQL scans a B-tree backwards as well as forwards, so the list's
-- ORDER BY declared_at DESC, id DESC (status fixed by its WHERE) still reads just `limit` entries.
-- H2 keeps the descending indexes: it uses an index for ORDER BY only in the index's own direction.
DROP INDEX ix_incidents_status_declared;
DROP INDEX ix_incidents_declared;
CREATE INDEX ix_incidents_status_declared ON incidents (status, declared_at, id);
CREATE INDEX ix_incidents_declared ON incidents (declared_at, id);
