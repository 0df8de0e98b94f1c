#!/usr/bin/env bash
# Fault benchmark (see bench/README.md): one run prints the figures the README's "Failure behaviour" quotes.
#
#   bench/faults.sh
#
# 1. PostgreSQL paused: starts a throwaway PostgreSQL on port ${BENCH_PG_PORT:-55497} and the gateway jar on it
#    with default settings, then runs bench/FaultsBenchmark.java (8 writers; the database SIGSTOPped for 20 s,
#    then SIGCONTed): appends acknowledged and lost during the pause, time to the first 503, /health, recovery.
# 2. Fuzzing: runs the property-based fuzz suite (InboundFuzzH2IT, InboundFuzzPostgresIT) against the same
#    PostgreSQL and prints its counts (cases tried, answers by class, 5xx: must be 0). BENCH_SKIP_FUZZ=1 skips it.
# Last lines, machine-readable:
#   faults store=postgresql pause_s=… acked=… acked_during_pause=… lost=… first_503_ms=… health_down_ms=… …
#   fuzz store=h2 cases=… answered_2xx=… answered_4xx=… answered_5xx=…
#   fuzz store=postgresql cases=… …
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

JAR=target/incident-gateway.jar
PG_PORT=${BENCH_PG_PORT:-55497}
log() { echo "faults.sh: $*" >&2; }
jar_ok() { jar_has org/postgresql/Driver.class; }
# shellcheck source=bench/lib.sh
source bench/lib.sh
ensure_jar

WORK=$(mktemp -d "${TMPDIR:-/tmp}/faults-bench.XXXXXX")
GW_PID=""
cleanup() {
  [[ -n $GW_PID ]] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null
  # A paused database must not outlive the run.
  [[ -f ${PG_DIR:-/nonexistent}/postmaster.pid ]] && kill -CONT "$(head -1 "$PG_DIR/postmaster.pid")" 2>/dev/null
  stop_pg "$PG_PORT"
  rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
start_pg "$PG_PORT"
[[ -n $PG_URL ]] || { log "ERROR: this benchmark needs PostgreSQL"; exit 1; }
PG_DIR=${TMPDIR:-/tmp}/incident-gateway-pg-$PG_PORT
cp "$JAR" "$WORK/incident-gateway.jar"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export GATEWAY_DB_URL=$PG_URL GATEWAY_HTTP_PORT=$PORT
cd "$WORK"
KEY=$(java -jar incident-gateway.jar api-key create --name "faults-bench-$$-$RANDOM" --scopes read,write 2>api-key.log) || { cat api-key.log >&2; exit 1; }
java -jar incident-gateway.jar > gateway.log 2>&1 &
GW_PID=$!
up=0
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && { up=1; break; }; sleep 0.5; done
[[ $up == 1 ]] || { log "ERROR: the gateway did not come up; its log:"; tail -n 30 gateway.log >&2; exit 1; }
cd - >/dev/null
java bench/FaultsBenchmark.java "http://127.0.0.1:$PORT" "$KEY" "$(head -1 "$PG_DIR/postmaster.pid")" | tee "$WORK/faults.txt"
kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; GW_PID=""
unset GATEWAY_DB_URL GATEWAY_HTTP_PORT

if [[ ${BENCH_SKIP_FUZZ:-0} != 1 ]]; then
  log "running the fuzz suite (mvn verify -Dit.test='InboundFuzz*IT') ..."
  rm -f target/fuzz-summary-*.txt
  GATEWAY_TEST_PG_URL=$PG_URL mvn -B -ntp -q -Dstyle.color=never verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='InboundFuzz*IT' -Dfailsafe.failIfNoSpecifiedTests=false >&2 || log "the fuzz suite FAILED (see above)"
fi
echo
grep '^faults ' "$WORK/faults.txt"
[[ ${BENCH_SKIP_FUZZ:-0} == 1 ]] || cat target/fuzz-summary-*.txt 2>/dev/null || true
