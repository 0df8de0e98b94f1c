#!/usr/bin/env bash
# Outbox delivery benchmark: the real gateway jar (embedded H2) delivering incident events to a local fake of the
# Slack Web API that answers every call after 5 ms (see bench/README.md, "Outbox delivery").
#
#   bench/delivery.sh
#
# About 3 minutes (plus the build when the jar is stale). Builds target/incident-gateway.jar if it is missing or
# older than pom.xml/src, then runs bench/DeliveryBenchmark.java from a private copy of the jar. The program starts
# the fake and the gateway itself (in a temp dir, on a free port, embedded H2, GATEWAY_OUTBOX_CONCURRENCY=8,
# GATEWAY_OUTBOX_POLL_MS=20), warms it up, appends incidents over the REST API (a burst of 300 incidents x 5
# events, then 50 events/s for 20 s) and measures delivery throughput and commit->delivery latency; then a burst
# on a second gateway with GATEWAY_OUTBOX_CONCURRENCY=1 for comparison.
# Knobs (environment): BENCH_INCIDENTS, BENCH_CLIENTS, BENCH_PACED_RATE, BENCH_PACED_SECONDS, BENCH_CONCURRENCY,
# BENCH_POLL_MS, BENCH_FAKE_LATENCY_MS, BENCH_WARMUP_MAX_S, BENCH_COMPARE_CONCURRENCY (0 = no comparison run), ...
# (see the header of bench/DeliveryBenchmark.java).
# The benchmark's own JVM (the fake Slack and the load clients, which stand in for machines of their own) runs with C1
# only (BENCH_HARNESS_JAVA_OPTS, default -XX:TieredStopAtLevel=1): with C2 its compiler took a third of a core through
# the whole run, CPU the gateway under test then did not get on 2 cores (bench/README.md, session 24). The gateway runs
# with the JVM's defaults.
# Then bench/ClaimCostBenchmark.java times the relay's claim with 10,000 and 100,000 pending rows on H2 and on a throwaway
# PostgreSQL on port ${BENCH_PG_PORT:-55499} (BENCH_SKIP_PG=1: H2 only; BENCH_SKIP_CLAIM=1 skips the claim part;
# BENCH_SKIP_DELIVERY=1 skips the gateway part).
# The last lines of the output are machine-readable:
#   delivery-paced store=h2 connector=slack concurrency=8 fake_latency_ms=5 rate_per_s=50 events=<n> p50_ms=<x> p99_ms=<x> duplicates=<n> out_of_order=<n>
#   delivery store=h2 connector=slack concurrency=8 fake_latency_ms=5 events=<n> delivered_per_s=<n> ceiling_per_s=<n> of_ceiling=<x> p50_ms=<x> p99_ms=<x> duplicates=<n> out_of_order=<n>
#   delivery-claim store=h2|postgresql pending_small=10000 pending_large=100000 claim_p50_ms_small=<x> claim_p50_ms_large=<x> ... large_over_small_p50=<x> ...
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

JAR=target/incident-gateway.jar
log() { echo "delivery.sh: $*" >&2; }

# --- build what is needed -------------------------------------------------------------------
# The benchmark runs the shaded jar (the gateway with Camel/Vert.x, camel-http, H2, the shipped connectors).
jar_ok() { jar_has dev/incidentgateway/GatewayMain.class dev/incidentgateway/outbox/OutboxRelay.class \
                   dev/incidentgateway/connectors/slack/SlackSink.class \
                   org/apache/camel/component/http/HttpComponent.class \
                   com/fasterxml/jackson/databind/ObjectMapper.class org/h2/Driver.class connectors/slack.yaml; }
# shellcheck source=bench/lib.sh
source bench/lib.sh
ensure_jar

# --- run --------------------------------------------------------------------------------------
# The machine has 2 cores: another benchmark running at the same time would halve both results.
if others=$(pgrep -af 'AppendBenchmark|WebhookBenchmark|DeliveryBenchmark' 2>/dev/null) && [[ -n $others ]]; then
  log "WARNING: another benchmark is running; the figures will be low:"
  echo "$others" | cut -c1-160 >&2
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/delivery-bench.XXXXXX")
trap cleanup_work EXIT # bench/lib.sh
trap 'exit 130' INT TERM

# Run from a private copy, so a concurrent rebuild of target/ cannot pull the jar from under the JVMs. The
# gateways' working dirs (H2 files) go under $WORK too, so the trap removes them even if the JVM is killed.
cp "$JAR" "$WORK/incident-gateway.jar"
OUT=$WORK/lines
: >"$OUT"
if [[ ${BENCH_SKIP_DELIVERY:-0} != 1 ]]; then
  BENCH_PID_FILE="$WORK/pids" \
    java -Xms256m -Xmx512m ${BENCH_HARNESS_JAVA_OPTS--XX:TieredStopAtLevel=1} -Djava.io.tmpdir="$WORK" -cp "$WORK/incident-gateway.jar" bench/DeliveryBenchmark.java "$WORK/incident-gateway.jar" \
    | tee "$WORK/delivery.out"
  grep -E '^delivery' "$WORK/delivery.out" >>"$OUT" || true
fi
if [[ ${BENCH_SKIP_CLAIM:-0} != 1 ]]; then
  PG_PORT=${BENCH_PG_PORT:-55499}
  start_pg "$PG_PORT"
  trap 'stop_pg "$PG_PORT"; cleanup_work' EXIT
  mkdir -p "$WORK/claim"
  java -Xms256m -Xmx512m -cp "$WORK/incident-gateway.jar" bench/ClaimCostBenchmark.java "$WORK/claim" "$PG_URL" | tee "$WORK/claim.out"
  grep -E '^delivery-claim' "$WORK/claim.out" >>"$OUT" || true
fi
echo
cat "$OUT"
