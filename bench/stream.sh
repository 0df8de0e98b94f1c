#!/usr/bin/env bash
# Live-stream benchmark: the real gateway jar on the embedded H2 store (commit-hook broadcaster), then on a throwaway
# PostgreSQL on port ${BENCH_PG_PORT:-55496} (the Since feed in poll mode; BENCH_SKIP_PG=1: H2 only).
#
#   bench/stream.sh
#
# Builds target/incident-gateway.jar if it is missing or older than pom.xml/src, then runs
# bench/StreamBenchmark.java, which starts the jar itself (temp dir, free port), and prints per store:
#   stream-cost store=<h2|postgresql> streams=1000 rss_delta_mb=<n> threads_delta=<n>   (1,000 idle open streams vs none)
#   fan-out store=<..> subscribers=<S> events_per_s=<n> deliveries_per_s=<n> delivered=<got>/<expected>
#           commit_to_subscriber_ms p50=<x> p99=<x> max=<x> cpu gw=<%> bench=<%> oth=<%>
#           (S = 10, 100, 1000; 8 writers, 15 s each; cpu: shares of the whole machine meanwhile)
# Knobs: BENCH_SECONDS (15), BENCH_SUBSCRIBERS (10,100,1000), BENCH_IDLE_STREAMS (1000), BENCH_PG_PORT, BENCH_SKIP_PG.
# "commit" is when the writer's POST answered 201 (the append is durable then); the reader and the writers are in
# one JVM on the same machine as the gateway, so the figures include their CPU share.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

JAR=target/incident-gateway.jar
log() { echo "stream.sh: $*" >&2; }
jar_ok() { jar_has dev/incidentgateway/stream/StreamBroadcaster.class; }
# shellcheck source=bench/lib.sh
source bench/lib.sh
ensure_jar

PG_PORT=${BENCH_PG_PORT:-55496}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stream-bench.XXXXXX")
PG_URL=""
trap 'cleanup_work; [[ -z $PG_URL ]] || stop_pg "$PG_PORT"' EXIT # bench/lib.sh; the gateways go before their database (only one we started)
trap 'exit 130' INT TERM
start_pg "$PG_PORT"

cp "$JAR" "$WORK/incident-gateway.jar"
java -Xmx512m -Djava.io.tmpdir="$WORK" bench/StreamBenchmark.java "$WORK/incident-gateway.jar" "$WORK" "$PG_URL"
