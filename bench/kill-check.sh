#!/usr/bin/env bash
# Kill check of the embedded H2 store: does every acknowledged append survive SIGKILL?
#
#   bench/kill-check.sh [runs=5] [min_seconds=40] [max_seconds=90] [threads=32]
#
# Each run: bench/KillCheck.java declares new incidents from <threads> threads for a random 40–90 s (long enough for H2
# to start reusing freed file space, 45 s after a start), SIGKILL 2 s after the last answer, then reopens the store and
# compares it with the log of acknowledged appends. Last line per run:
#   kill-check store=h2 acked=<n> stored=<n> missing=<n>
# KILL_CHECK_URL_EXTRA is appended to the store's H2 URL (e.g. ";RETENTION_TIME=1000"): a setting there wins over the
# gateway's own (StoreFactory.durableUrl), so other H2 settings can be checked with the same jar.
# KILL_CHECK_AT=load sends the SIGKILL during the appends instead, a random <min>–<max> s after they start (the child
# appends for max + 60 s): commits in flight at that moment were not answered, so they may be missing; answered ones not.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${1:-5}; MIN=${2:-40}; MAX=${3:-90}; THREADS=${4:-32}; AT=${KILL_CHECK_AT:-idle}
JAR=target/incident-gateway.jar
log() { echo "kill-check.sh: $*" >&2; }
jar_ok() { jar_has dev/incidentgateway/store/StoreFactory.class org/h2/Driver.class; }
# shellcheck source=bench/lib.sh
source bench/lib.sh
ensure_jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kill-check.XXXXXX")
CHILD=""
cleanup() { [[ -n $CHILD ]] && kill -9 "$CHILD" 2>/dev/null; rm -rf -- "$WORK"; }
trap cleanup EXIT
cp "$JAR" "$WORK/incident-gateway.jar"
[[ -n ${KILL_CHECK_URL_EXTRA:-} ]] && log "store URL + ${KILL_CHECK_URL_EXTRA}"
for i in $(seq 1 "$RUNS"); do
  D="$WORK/run-$i"; mkdir -p "$D"
  S=$(( MIN + RANDOM % (MAX - MIN + 1) ))
  APPEND_S=$S; [[ $AT == load ]] && APPEND_S=$(( MAX + 60 ))
  (exec java -Xmx256m -cp "$WORK/incident-gateway.jar" bench/KillCheck.java child "$D" "$APPEND_S" "$THREADS" > "$D/child.out" 2> "$D/child.err") &
  CHILD=$!
  if [[ $AT == load ]]; then
    for _ in $(seq 1 1200); do grep -q APPENDING "$D/child.out" 2>/dev/null && break; sleep 0.1; done
    sleep "$S"
    WHEN="killed during the appends"
  else
    for _ in $(seq 1 1200); do grep -q IDLE "$D/child.out" 2>/dev/null && break; sleep 0.5; done
    sleep 2
    WHEN="killed 2 s after the last answer"
  fi
  kill -9 "$CHILD"; wait "$CHILD" 2>/dev/null || true; CHILD=""
  echo "run $i: ${S}s of appends, $WHEN; $(java -cp "$WORK/incident-gateway.jar" bench/KillCheck.java check "$D" 2>"$D/check.err" | tail -1)"
  rm -rf -- "$D"
done
