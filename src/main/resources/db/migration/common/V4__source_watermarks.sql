-- Progress of each polling source (ServiceNow, Jira): advanced only in the transaction that appends the
-- events it produced, so a crash between a poll and its commit neither loses nor repeats an event.
CREATE TABLE source_watermarks (
    source      VARCHAR(64)              NOT NULL,
    watermark   VARCHAR(512)             NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_source_watermarks PRIMARY KEY (source)
);
