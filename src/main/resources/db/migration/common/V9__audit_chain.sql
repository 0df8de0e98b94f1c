-- The global audit chain over every event in id order: HMAC(chain key, previous global_hash + "\n" + hash).
-- NULL on events written before keyed hashing ("legacy" events); the first keyed event chains from the seal
-- of all legacy events (see GlobalChain). The chain key itself is never stored in the database.
ALTER TABLE timeline_events ADD COLUMN global_hash CHAR(64);
