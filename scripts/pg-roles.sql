-- Least-privilege PostgreSQL roles for Incident Gateway. Run once per database as a superuser (or a role
-- with CREATEROLE that owns the database), before the gateway's first start; running it again is harmless
-- (it resets the passwords and re-applies the grants).
--
--   psql -v ON_ERROR_STOP=1 -d gateway \
--        -v owner_password='...' -v runtime_password='...' \
--        [-v owner_role=gateway_owner] [-v runtime_role=gateway_app] [-v schema=gateway] \
--        -f scripts/pg-roles.sql
--
-- Variables (psql -v NAME=VALUE):
--   owner_role        owns the schema and runs the migrations   (default gateway_owner)
--   owner_password    its password                              (required)
--   runtime_role      the role the gateway runs as              (default gateway_app)
--   runtime_password  its password                              (required)
--   schema            schema holding the gateway's tables       (default gateway)
--
-- Then start the gateway with
--   GATEWAY_DB_USER=<runtime_role>           GATEWAY_DB_PASSWORD=<runtime_password>
--   GATEWAY_DB_MIGRATION_USER=<owner_role>   GATEWAY_DB_MIGRATION_PASSWORD=<owner_password>
-- Flyway migrates as the owner on short-lived connections of its own; the connection pool holds only the
-- runtime credential.
--
-- What the runtime role may do, on every table the owner creates now or in later migrations (ALTER DEFAULT
-- PRIVILEGES): SELECT, INSERT, UPDATE, DELETE (the incidents view is upserted and rebuilt, outbox rows change
-- state, correlation keys are deleted, watermarks, external refs, keys and tokens are updated), and use the
-- sequences; advisory locks need no grant. The exception is the event log: after every migration the
-- gateway takes UPDATE, DELETE and TRUNCATE on timeline_events back from every role but its owner
-- (src/main/resources/db/migration/postgresql/afterMigrate__append_only_grants.sql), so the runtime role can
-- only INSERT and SELECT it (and only SELECT Flyway's history); the same for credential_marks, and on api_keys it may
-- UPDATE only last_used_at, revoked_at and row_mac. It cannot create, alter or drop anything.

\set ON_ERROR_STOP on
\if :{?owner_role}
\else
  \set owner_role gateway_owner
\endif
\if :{?runtime_role}
\else
  \set runtime_role gateway_app
\endif
\if :{?schema}
\else
  \set schema gateway
\endif
\if :{?owner_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'pg-roles.sql: set -v owner_password=...'; END $$;
\endif
\if :{?runtime_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'pg-roles.sql: set -v runtime_password=...'; END $$;
\endif

-- Roles are cluster-wide: create them only when missing, then (re)set their passwords.
SELECT format('CREATE ROLE %I LOGIN', :'owner_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner_role') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'runtime_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'runtime_role') \gexec
ALTER ROLE :"owner_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'owner_password';
ALTER ROLE :"runtime_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'runtime_password';

-- Nobody else may connect to this database or create objects in it.
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"DBNAME" TO :"owner_role", :"runtime_role";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- The schema belongs to the owner; the runtime role may only use what is in it.
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"owner_role";
ALTER SCHEMA :"schema" OWNER TO :"owner_role";
REVOKE ALL ON SCHEMA :"schema" FROM PUBLIC;
GRANT USAGE ON SCHEMA :"schema" TO :"runtime_role";
-- Both roles find the gateway's tables (and Flyway its history) without qualifying them.
ALTER ROLE :"owner_role" IN DATABASE :"DBNAME" SET search_path = :"schema";
ALTER ROLE :"runtime_role" IN DATABASE :"DBNAME" SET search_path = :"schema";

-- Tables and sequences the owner creates from now on (every migration, including later ones).
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA :"schema"
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"runtime_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA :"schema"
    GRANT USAGE, SELECT ON SEQUENCES TO :"runtime_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA :"schema"
    REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Tables that already exist (the script run again after migrations): the same grants, then the event log
-- back to INSERT and SELECT.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA :"schema" TO :"runtime_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA :"schema" TO :"runtime_role";
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON %I.timeline_events FROM %I', :'schema', :'runtime_role')
WHERE to_regclass(format('%I.timeline_events', :'schema')) IS NOT NULL \gexec
-- Credential marks: added, never changed; API keys: the runtime role updates only last use, revocation and the row's MAC.
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON %I.credential_marks FROM %I', :'schema', :'runtime_role')
WHERE to_regclass(format('%I.credential_marks', :'schema')) IS NOT NULL \gexec
-- (Before that column exists, the next migration narrows the grant: afterMigrate__append_only_grants.sql.)
SELECT format('REVOKE UPDATE ON %1$I.api_keys FROM %2$I; GRANT UPDATE (last_used_at, revoked_at, row_mac) ON %1$I.api_keys TO %2$I',
              :'schema', :'runtime_role')
WHERE EXISTS (SELECT FROM information_schema.columns
              WHERE table_schema = :'schema' AND table_name = 'api_keys' AND column_name = 'row_mac') \gexec
-- Flyway's history: the runtime role may read it (a start finds nothing to migrate), never write it.
SELECT format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON %I.flyway_schema_history FROM %I', :'schema', :'runtime_role')
WHERE to_regclass(format('%I.flyway_schema_history', :'schema')) IS NOT NULL \gexec
