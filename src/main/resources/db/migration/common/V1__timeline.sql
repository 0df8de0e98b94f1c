-- The append-only timeline, its materialized incident view, and the sequence behind INC-<n> ids.
-- One schema for H2 and PostgreSQL: standard types only (TEXT is CLOB on H2, text on PostgreSQL).

CREATE TABLE timeline_events (
    id           CHAR(26)                 NOT NULL,  -- ULID; global order of the Since feed
    incident_id  VARCHAR(64)              NOT NULL,
    seq          BIGINT                   NOT NULL,  -- 1..n per incident, gapless
    type         VARCHAR(32)              NOT NULL,
    actor        VARCHAR(256)             NOT NULL,
    title        VARCHAR(1024),
    content      TEXT,
    event_time   TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    source       VARCHAR(512)             NOT NULL,
    ce_id        VARCHAR(256)             NOT NULL,
    ce_source    VARCHAR(512)             NOT NULL,
    ce_type      VARCHAR(256)             NOT NULL,
    data         TEXT                     NOT NULL,  -- canonical JSON object (keys sorted)
    prev_hash    CHAR(64)                 NOT NULL,
    hash         CHAR(64)                 NOT NULL,
    CONSTRAINT pk_timeline_events PRIMARY KEY (id),
    CONSTRAINT uq_timeline_incident_seq UNIQUE (incident_id, seq),
    CONSTRAINT uq_timeline_ce UNIQUE (ce_source, ce_id),
    CONSTRAINT ck_timeline_seq CHECK (seq >= 1)
);

CREATE TABLE incidents (
    id               VARCHAR(64)              NOT NULL,
    title            VARCHAR(1024)            NOT NULL,
    severity         VARCHAR(8)               NOT NULL,
    status           VARCHAR(16)              NOT NULL,
    commander        VARCHAR(256),
    declared_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    acknowledged_at  TIMESTAMP WITH TIME ZONE,
    mitigated_at     TIMESTAMP WITH TIME ZONE,
    resolved_at      TIMESTAMP WITH TIME ZONE,
    closed_at        TIMESTAMP WITH TIME ZONE,
    last_event_id    CHAR(26)                 NOT NULL,
    last_seq         BIGINT                   NOT NULL,
    last_hash        CHAR(64)                 NOT NULL,  -- head of the incident's hash chain
    CONSTRAINT pk_incidents PRIMARY KEY (id)
);

CREATE INDEX ix_incidents_status ON incidents (status, id);

CREATE SEQUENCE incident_number_seq START WITH 1 INCREMENT BY 1;
