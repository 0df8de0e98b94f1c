#!/usr/bin/env bash
# Storage benchmark: bytes on disk per stored event, H2 (the gateway's default settings) and PostgreSQL.
#
#   bench/storage.sh
#
# Builds target/incident-gateway.jar if needed, starts a throwaway PostgreSQL on port ${BENCH_PG_PORT:-55498}
# (stopped and removed on exit) and runs bench/StorageBenchmark.java. BENCH_EVENTS (20000), BENCH_WRITERS (8)
# and BENCH_INCIDENTS (200) change the load; BENCH_H2_SETTINGS appends settings to the H2 URL to show a tuned
# setting beside the default. The last lines are machine-readable, one per store:
#   storage store=h2 events=<n> bytes_per_event_running=<n> bytes_per_event_second_half=<n> bytes_per_event_peak=<n> bytes_per_event_closed=<n>
#   storage store=postgresql events=<n> bytes_per_event=<n>
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

JAR=target/incident-gateway.jar
PG_PORT=${BENCH_PG_PORT:-55498}
log() { echo "storage.sh: $*" >&2; }
jar_ok() { jar_has dev/incidentgateway/store/H2FileMaintenance.class org/postgresql/Driver.class; }
# shellcheck source=bench/lib.sh
source bench/lib.sh
ensure_jar

WORK=$(mktemp -d "${TMPDIR:-/tmp}/storage-bench.XXXXXX")
trap 'stop_pg "$PG_PORT"; rm -rf -- "$WORK"' EXIT
trap 'exit 130' INT TERM
start_pg "$PG_PORT"
cp "$JAR" "$WORK/incident-gateway.jar"
java -Xms256m -Xmx1g -cp "$WORK/incident-gateway.jar" bench/StorageBenchmark.java "$WORK/h2" "$PG_URL"
