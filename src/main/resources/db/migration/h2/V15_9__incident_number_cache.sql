-- Issue 13, webhook ingest on H2: every group of new alerts draws its INC-<n> numbers from incident_number_seq. H2 keeps a
-- sequence's next value in its schema and, each time the numbers it cached in memory (H2's default: 32) run out,
-- writes the new bound and commits that at once; with WRITE_DELAY=0 each such commit writes a whole chunk of the store
-- (serializing and compressing every page changed since the last one), on the writer thread while it stages a group.
-- With groups of ~23 new alerts that was a chunk for about every second group: ~40 % of the writer thread's CPU
-- samples in bench/webhook.sh (session 36). 1024 cached numbers make it one chunk per ~45 groups. The price: a gateway
-- killed with SIGKILL resumes numbering after the cached block (a gap of up to 1024 in INC-<n>; numbers are never
-- reused, and a clean stop writes the exact next value). PostgreSQL's sequence needs no such write: see its V1.
ALTER SEQUENCE incident_number_seq CACHE 1024;
