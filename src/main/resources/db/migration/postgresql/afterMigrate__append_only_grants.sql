-- Runs after every migration (Flyway callback), as the user that migrates. The event log and Flyway's history
-- can be appended to (the log, by the gateway) and read by the roles the owner shares them with, never
-- changed: whatever default privileges (scripts/pg-roles.sql: ALTER DEFAULT PRIVILEGES) or a GRANT gave them,
-- UPDATE, DELETE and TRUNCATE on timeline_events (and INSERT on flyway_schema_history) are taken back from every
-- role but the table's owner, whose writes to the log the append-only trigger refuses. A no-op when one role
-- does everything, or when the connection is not the owner's. credential_marks (revocations, the seal of older
-- credential rows) is kept the same way; and a role that may UPDATE api_keys keeps that right only on the columns the
-- gateway and the CLI write after an insert (last use, revocation, the row's MAC): never a key's hash, scopes or name.
DO $$
DECLARE
    t record;
    grantee_name text;
BEGIN
    FOR t IN
        SELECT c.oid, c.relowner, quote_ident(c.relname) AS name, x.privileges, x.columns_kept
        FROM (VALUES ('timeline_events', 'UPDATE, DELETE, TRUNCATE', NULL),
                     ('credential_marks', 'UPDATE, DELETE, TRUNCATE', NULL),
                     ('api_keys', 'UPDATE', 'last_used_at, revoked_at, row_mac'),
                     ('flyway_schema_history', 'INSERT, UPDATE, DELETE, TRUNCATE', NULL)) AS x(tbl, privileges, columns_kept)
        JOIN pg_class c ON c.oid = to_regclass(x.tbl)
        WHERE pg_has_role(current_user, c.relowner, 'USAGE')
    LOOP
        FOR grantee_name IN
            SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END
            FROM pg_class c
            CROSS JOIN LATERAL aclexplode(c.relacl) a
            LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE c.oid = t.oid
              AND a.grantee <> t.relowner
              AND position(a.privilege_type IN t.privileges) > 0
        LOOP
            EXECUTE format('REVOKE %s ON %s FROM %s', t.privileges, t.name, grantee_name);
            IF t.columns_kept IS NOT NULL THEN -- the table-wide right becomes one on these columns only
                EXECUTE format('GRANT %s (%s) ON %s TO %s', t.privileges, t.columns_kept, t.name, grantee_name);
            END IF;
        END LOOP;
    END LOOP;
END
$$;

