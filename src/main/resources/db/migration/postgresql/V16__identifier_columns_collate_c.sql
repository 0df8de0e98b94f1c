-- Issue 13, PostgreSQL only: identifier columns compare byte by byte, whatever the database's locale.
--
-- A database created with a language locale (en_US.UTF-8 is the default of most distributions' and cloud providers'
-- clusters) compares every text key through the locale's collation (strcoll): each B-tree descent of the events' three
-- unique indexes, the incident view's and the correlation key's costs several of those per new alert. Measured on this
-- project's 2-core machine: 300k rows into a table with two text-keyed unique indexes took 11 % longer in an
-- en_US.UTF-8 database than in a C one, and the webhook benchmark ran at 3,901 and 4,795 alerts/s against 5,161 and
-- 5,437 (bench/README.md, session 51). These columns hold machine identifiers (ULIDs, INC-<n>, hashes, fingerprints,
-- connector and source names), for which a language order means nothing; "C" also orders them as H2 does.
-- Human text (titles, actors, notes, error texts) keeps the database's collation.
--
-- Changing only the collation rewrites no table; PostgreSQL rebuilds the indexes on these columns (a large store takes
-- a moment at the first start of this version; see the README's upgrade notes).
ALTER TABLE timeline_events
    ALTER COLUMN id          TYPE CHAR(26)     COLLATE "C",
    ALTER COLUMN incident_id TYPE VARCHAR(64)  COLLATE "C",
    ALTER COLUMN type        TYPE VARCHAR(32)  COLLATE "C",
    ALTER COLUMN source      TYPE VARCHAR(512) COLLATE "C",
    ALTER COLUMN ce_id       TYPE VARCHAR(256) COLLATE "C",
    ALTER COLUMN ce_source   TYPE VARCHAR(512) COLLATE "C",
    ALTER COLUMN ce_type     TYPE VARCHAR(256) COLLATE "C",
    ALTER COLUMN principal   TYPE VARCHAR(320) COLLATE "C",
    ALTER COLUMN prev_hash   TYPE CHAR(64)     COLLATE "C",
    ALTER COLUMN hash        TYPE CHAR(64)     COLLATE "C",
    ALTER COLUMN global_hash TYPE CHAR(64)     COLLATE "C";

ALTER TABLE incidents
    ALTER COLUMN id            TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN severity      TYPE VARCHAR(8)  COLLATE "C",
    ALTER COLUMN status        TYPE VARCHAR(16) COLLATE "C",
    ALTER COLUMN last_event_id TYPE CHAR(26)    COLLATE "C",
    ALTER COLUMN last_hash     TYPE CHAR(64)    COLLATE "C";

ALTER TABLE incident_status_counts
    ALTER COLUMN status TYPE VARCHAR(16) COLLATE "C";

ALTER TABLE correlation_keys
    ALTER COLUMN correlation_key TYPE VARCHAR(512) COLLATE "C",
    ALTER COLUMN incident_id     TYPE VARCHAR(64)  COLLATE "C";

ALTER TABLE released_correlation_keys
    ALTER COLUMN correlation_key TYPE VARCHAR(512) COLLATE "C",
    ALTER COLUMN incident_id     TYPE VARCHAR(64)  COLLATE "C";

ALTER TABLE outbox
    ALTER COLUMN connector       TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN event_id        TYPE CHAR(26)    COLLATE "C",
    ALTER COLUMN incident_id     TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN incident_status TYPE VARCHAR(16) COLLATE "C",
    ALTER COLUMN status          TYPE VARCHAR(16) COLLATE "C";

ALTER TABLE external_refs
    ALTER COLUMN incident_id  TYPE VARCHAR(64)  COLLATE "C",
    ALTER COLUMN connector    TYPE VARCHAR(64)  COLLATE "C",
    ALTER COLUMN external_id  TYPE VARCHAR(256) COLLATE "C",
    ALTER COLUMN external_key TYPE VARCHAR(256) COLLATE "C";

ALTER TABLE sla_settled
    ALTER COLUMN incident_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN policy      TYPE VARCHAR(64) COLLATE "C";

ALTER TABLE feed_positions
    ALTER COLUMN consumer      TYPE VARCHAR(128) COLLATE "C",
    ALTER COLUMN last_event_id TYPE CHAR(26)     COLLATE "C";

ALTER TABLE source_watermarks
    ALTER COLUMN source TYPE VARCHAR(64) COLLATE "C";

ALTER TABLE api_keys
    ALTER COLUMN name     TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN key_hash TYPE CHAR(64)    COLLATE "C",
    ALTER COLUMN row_mac  TYPE CHAR(64)    COLLATE "C";

ALTER TABLE webhook_tokens
    ALTER COLUMN source     TYPE VARCHAR(128) COLLATE "C",
    ALTER COLUMN token_hash TYPE VARCHAR(64)  COLLATE "C",
    ALTER COLUMN row_mac    TYPE CHAR(64)     COLLATE "C";

ALTER TABLE credential_marks
    ALTER COLUMN mark TYPE VARCHAR(200) COLLATE "C";

ALTER TABLE gateway_secrets
    ALTER COLUMN name TYPE VARCHAR(64) COLLATE "C";
