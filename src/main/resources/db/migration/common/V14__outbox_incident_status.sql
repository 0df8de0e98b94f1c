-- A delivery says what the incident's status was right after its event (header TimelineIncidentStatus, the
-- connector templates' incident.status), not what it is when the delivery runs: after a retry or a backlog, or with a
-- declare and an ack in one transaction, the current status told the declare's message "acknowledged". The append
-- transaction knows that status (it runs the state machine for every event) and writes it here with the row, in the
-- insert it already batches. NULL for rows written before this column: their deliveries use the incident's current
-- status, as they did.
ALTER TABLE outbox ADD COLUMN incident_status VARCHAR(16);
