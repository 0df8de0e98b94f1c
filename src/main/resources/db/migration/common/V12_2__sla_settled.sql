-- Issue 12, SLA clocks: the incidents the SLA tracker has settled. A row says: at this last_seq the incident was
-- resolved or closed, every clock had stopped and every warning and breach note it was due was in the store, so the
-- tracker need not read its timeline again. Any later event (a reopen, a severity change) moves incidents.last_seq
-- past the row's and the incident is looked at again. Without this table the tracker would have to either re-read
-- every closed incident on every scan or forget those resolved long ago (missing a breach that fell due while the
-- gateway was down). Versioned 12_2 to sort after any V12/V12_1 of a parallel change of issue 12.
CREATE TABLE sla_settled (
    incident_id  VARCHAR(64)              NOT NULL,
    last_seq     BIGINT                   NOT NULL,
    settled_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_sla_settled PRIMARY KEY (incident_id)
);
