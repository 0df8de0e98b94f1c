-- Runs after every migration (Flyway callback), as the user that migrates. The event log and Flyway's history
-- can be appended to (the log, by the gateway) and read by the roles the owner shares them with, never
-- changed: whatever default privileges (scripts/pg-roles.sql: ALTER DEFAULT PRIVILEGES) or a GRANT gave them,
-- UPDATE, DELETE and TRUNCATE on timeline_events (and INSERT on flyway_schema_history) are taken back from every
-- role but the table's owner, whose writes to the log the append-only trigger refuses. A no-op when one role
-- does everything, or when the connection is not the owner's.
DO $$
DECLARE
    t record;
    grantee_name text;
BEGIN
    FOR t IN
        SELECT c.oid, c.relowner, quote_ident(c.relname) AS name, x.privileges
        FROM (VALUES ('timeline_events', 'UPDATE, DELETE, TRUNCATE'),
                     ('flyway_schema_history', 'INSERT, UPDATE, DELETE, TRUNCATE')) AS x(tbl, privileges)
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
        END LOOP;
    END LOOP;
END
$$;
