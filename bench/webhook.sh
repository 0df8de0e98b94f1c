#!/usr/bin/env bash
# Webhook ingest benchmark: the real gateway jar, 64 keep-alive connections, small Alertmanager payloads
# (each a new firing alert, i.e. one durable declare per request) against a trivial route on the same HTTP
# server; H2 (the default store) and PostgreSQL in one run (see bench/README.md, "Webhook ingest").
#
#   bench/webhook.sh
#
# Builds target/incident-gateway.jar if it is missing or older than pom.xml/src, starts a throwaway
# PostgreSQL on port ${BENCH_PG_PORT:-55498} (scripts/pg-test-cluster.sh; stopped and removed on exit), and
# runs bench/WebhookBenchmark.java, which starts the gateway jar itself (once per store, each in a temp dir on
# a free port). If PostgreSQL cannot be started, only H2 is measured (and the output says so).
# The last lines of the output are machine-readable, one per store:
#   webhook-ratio store=h2 connections=64 webhook_rps=<n> webhook_p99_ms=<x> noop_rps=<n> noop_p99_ms=<x> ratio=<webhook/noop>
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

JAR=target/incident-gateway.jar
PG_PORT=${BENCH_PG_PORT:-55498}
log() { echo "webhook.sh: $*" >&2; }

# --- build what is needed -------------------------------------------------------------------
# The benchmark runs the shaded jar (the gateway with Camel/Vert.x, H2 and the PostgreSQL driver).
jar_ok() { jar_has dev/incidentgateway/GatewayMain.class dev/incidentgateway/ingest/WebhookSteps.class \
                   dev/incidentgateway/transport/AsyncRouteHttpEngine.class \
                   org/apache/camel/component/platform/http/vertx/VertxPlatformHttpServer.class \
                   org/h2/Driver.class org/postgresql/Driver.class routes/inbound/webhooks.camel.yaml \
                   connectors/alertmanager.yaml; }
# shellcheck source=bench/lib.sh
source bench/lib.sh
ensure_jar

# The figures depend on the code: say which (the jar is built from the working tree).
log_jar_source # bench/lib.sh

# --- throwaway PostgreSQL -------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/webhook-bench.XXXXXX")
PG_URL=""
PG_STARTED=0

cleanup() {
  kill_bench_gateways # bench/lib.sh
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
# Run from a private copy, so a concurrent rebuild of target/ cannot pull the jar from under the JVMs. The
# gateways' working dirs (H2 files) go under $WORK too, so the trap removes them even if the JVM is killed.
cp "$JAR" "$WORK/incident-gateway.jar"
BENCH_PID_FILE="$WORK/pids" \
  java -Xms256m -Xmx512m -Djava.io.tmpdir="$WORK" -cp "$WORK/incident-gateway.jar" bench/WebhookBenchmark.java "$WORK/incident-gateway.jar" "$PG_URL"
