-- Issue 11, `from: timeline:events`: how far each named consumer of the committed feed has got. last_event_id is
-- the id of the last event the consumer's route completed (or skipped by its filters); NULL means "from the
-- start of the feed". Only ever moved forward. Versioned 11_3 so it sorts after any V11/V11_1/V11_2 of a
-- parallel change of issue 11 (the outbox consumer).
CREATE TABLE feed_positions (
    consumer       VARCHAR(128)             NOT NULL,
    last_event_id  CHAR(26),
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_feed_positions PRIMARY KEY (consumer)
);
