#!/usr/bin/env bash
# Scale benchmark: a store of 1M events over 100k open incidents (H2 and PostgreSQL) and what a user of the real
# gateway jar sees on it over HTTP: the Since feed, one incident's timeline, the list by status, an ack, webhook ingest
# against an empty store, bytes on disk per event, the idle gateway's CPU, heap and RSS (see bench/README.md, "Scale").
#
#   bench/scale.sh
#
# Builds target/incident-gateway.jar if needed, starts a throwaway PostgreSQL on port ${BENCH_PG_PORT:-55498}
# (stopped and removed on exit), compiles bench/ScaleBenchmark.java with bench/WebhookBenchmark.java (whose load
# generator it reuses) and runs it. Knobs: BENCH_EVENTS (1000000), BENCH_INCIDENTS (100000), BENCH_LOADERS (16 loading
# threads), BENCH_LOAD_BATCH (10 incidents per append while loading), BENCH_REQUESTS (2000 per read measurement), BENCH_ACKS (1000), BENCH_ROUNDS (2) x BENCH_SECONDS (10) of
# ingest per side, BENCH_WARMUP (10), BENCH_IDLE_SECONDS (40), BENCH_SKIP_PG=1 (H2 only), BENCH_SKIP_H2=1 (PostgreSQL only),
# BENCH_WARMUP_JIT_PCT (10) and BENCH_WARMUP_MAX_S (120: the reads' warm-up repeats while the gateway's JIT compilers
# used that much of a core), BENCH_GATEWAY_JVM_OPTS (added to both gateways' -Xms64m -Xmx256m; for diagnosis, e.g. a GC
# log). A short run:
#   BENCH_EVENTS=100000 BENCH_INCIDENTS=10000 BENCH_SECONDS=5 BENCH_IDLE_SECONDS=10 bench/scale.sh
# The last lines are machine-readable, one per measurement:
#   scale store=<h2|postgresql> metric=<since_page_100|timeline|list_by_status|stats|ack> ... p50_ms=<x> p99_ms=<x> goal=p99<..ms ... pass=<bool>
#   scale store=<..> metric=ingest_ratio ... ratio=<loaded/empty> goal=ratio>=0.80 ... pass=<bool>
#   scale store=<..> metric=<load|bytes_per_event|sla_scan|outbox_gauges|idle_cpu|memory> ...
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

JAR=target/incident-gateway.jar
PG_PORT=${BENCH_PG_PORT:-55498}
log() { echo "scale.sh: $*" >&2; }
jar_ok() { jar_has dev/incidentgateway/GatewayMain.class dev/incidentgateway/sla/SlaTracker.class \
                   org/h2/Driver.class org/postgresql/Driver.class routes/inbound/webhooks.camel.yaml; }
# shellcheck source=bench/lib.sh
source bench/lib.sh
ensure_jar
log_jar_source # bench/lib.sh

WORK=$(mktemp -d "${TMPDIR:-/tmp}/scale-bench.XXXXXX")
cleanup() {
  kill_bench_gateways # bench/lib.sh
  stop_pg "$PG_PORT"
  rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
start_pg "$PG_PORT"
cp "$JAR" "$WORK/incident-gateway.jar"
mkdir -p "$WORK/classes"
javac -nowarn -cp "$WORK/incident-gateway.jar" -d "$WORK/classes" bench/WebhookBenchmark.java bench/DeliveryBenchmark.java bench/ScaleBenchmark.java 2>&1 | grep -v '^Note:' >&2 || true
[[ -f $WORK/classes/ScaleBenchmark.class ]] || { log "ERROR: bench/ScaleBenchmark.java does not compile"; exit 1; }
BENCH_PID_FILE="$WORK/pids" \
  java -Xms256m -Xmx2g -Djava.io.tmpdir="$WORK" -cp "$WORK/incident-gateway.jar:$WORK/classes" ScaleBenchmark "$WORK/incident-gateway.jar" "$PG_URL"
