-- Issue 13, Scale: GET /api/v1/stats (incidents by status) counted every incident (GROUP BY status over the whole
-- view: ≈ 0.1 s at 100k incidents, growing with them). The writer now keeps the counts here, in the same transaction
-- as the views it changes (timeline/IncidentStatusCounts); rebuild-views counts again. One row per status.
CREATE TABLE incident_status_counts (
    status    VARCHAR(16) NOT NULL,
    incidents BIGINT      NOT NULL,
    CONSTRAINT pk_incident_status_counts PRIMARY KEY (status)
);
INSERT INTO incident_status_counts (status, incidents) VALUES ('declared', (SELECT COUNT(*) FROM incidents WHERE status = 'declared'));
INSERT INTO incident_status_counts (status, incidents) VALUES ('acknowledged', (SELECT COUNT(*) FROM incidents WHERE status = 'acknowledged'));
INSERT INTO incident_status_counts (status, incidents) VALUES ('mitigated', (SELECT COUNT(*) FROM incidents WHERE status = 'mitigated'));
INSERT INTO incident_status_counts (status, incidents) VALUES ('resolved', (SELECT COUNT(*) FROM incidents WHERE status = 'resolved'));
INSERT INTO incident_status_counts (status, incidents) VALUES ('closed', (SELECT COUNT(*) FROM incidents WHERE status = 'closed'));
