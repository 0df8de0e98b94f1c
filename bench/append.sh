#!/usr/bin/env bash
# Append benchmark, H2 and PostgreSQL in one run (see bench/README.md).
#
#   bench/append.sh
#
# Builds target/incident-gateway.jar if it is missing or older than pom.xml/src, starts a throwaway
# PostgreSQL on port ${BENCH_PG_PORT:-55499} (scripts/pg-test-cluster.sh; stopped and removed on exit),
# and runs bench/AppendBenchmark.java against a fresh H2 file and a fresh PostgreSQL database.
# If PostgreSQL cannot be started, only H2 is measured (and the output says so).
# The last lines of the output are machine-readable, one per store:
#   append-ratio store=h2 writers=32 durable_per_s=<n> raw_per_s=<n> ratio=<durable/raw>
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

JAR=target/incident-gateway.jar
PG_PORT=${BENCH_PG_PORT:-55499}
log() { echo "append.sh: $*" >&2; }

# --- build what is needed -------------------------------------------------------------------
# The benchmark needs the shaded jar (store classes + H2 + PostgreSQL driver + ulid-creator).
jar_ok() { jar_has dev/incidentgateway/timeline/TimelineStore.class org/h2/Driver.class \
                   org/postgresql/Driver.class com/github/f4b6a3/ulid/UlidFactory.class \
                   com/zaxxer/hikari/HikariDataSource.class; }
# shellcheck source=bench/lib.sh
source bench/lib.sh
ensure_jar

# --- fresh H2 file, throwaway PostgreSQL ----------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/append-bench.XXXXXX")
H2_URL="jdbc:h2:file:$WORK/h2/timeline"
PG_URL=""
PG_STARTED=0

cleanup() {
  if [[ $PG_STARTED == 1 ]]; then
    bash scripts/pg-test-cluster.sh stop "" "$PG_PORT" >/dev/null 2>&1 || log "WARNING: could not stop PostgreSQL on port $PG_PORT"
  fi
  rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ ${BENCH_SKIP_PG:-0} != 1 ]]; then
  log "starting a throwaway PostgreSQL on port $PG_PORT ..."
  if PG_URL=$(bash scripts/pg-test-cluster.sh start "" "$PG_PORT" 2>"$WORK/pg-start.log"); then
    PG_STARTED=1
    log "PostgreSQL: $PG_URL"
  else
    PG_URL=""
    # It may have come up before failing: stop it anyway.
    PG_STARTED=1
    log "PostgreSQL could not be started; measuring H2 only. Reason:"
    tail -n 5 "$WORK/pg-start.log" >&2 || true
  fi
else
  log "BENCH_SKIP_PG=1: measuring H2 only"
fi

# --- run --------------------------------------------------------------------------------------
# Run from a private copy, so a concurrent rebuild of target/ cannot pull the jar from under the JVM.
cp "$JAR" "$WORK/incident-gateway.jar"
java -Xms512m -Xmx1g -cp "$WORK/incident-gateway.jar" bench/AppendBenchmark.java "$H2_URL" "$PG_URL"
