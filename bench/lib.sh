# Shared by the bench/*.sh scripts: makes sure the shaded jar exists, is newer than the sources and is complete.
# The caller defines JAR, log() and jar_ok() (usually `jar_has` with the entries its benchmark needs), then calls
# ensure_jar.

# jar_has ENTRY...: whether $JAR exists and lists every entry (classes, routes, descriptors). The listing is read
# into a variable, not piped into grep -q: with pipefail, grep quitting early would fail the pipe (SIGPIPE).
jar_has() {
  [[ -f $JAR ]] || return 1
  local names entry
  if command -v unzip >/dev/null 2>&1; then names=$(unzip -Z1 "$JAR" 2>/dev/null) || return 1
  else names=$(jar tf "$JAR" 2>/dev/null) || return 1; fi
  for entry in "$@"; do
    grep -qxF "$entry" <<<"$names" || return 1
  done
}

stale() { [[ ! -f $JAR ]] || [[ -n $(find pom.xml src -newer "$JAR" -type f -print -quit 2>/dev/null) ]]; }
build() {
  log "building $JAR (mvn -B -ntp -q -DskipTests package) ..."
  mvn -B -ntp -q -Dstyle.color=never -DskipTests package >&2
}

ensure_jar() {
  if stale || ! jar_ok; then
    # Other builds may share target/: if ours fails or leaves no complete shaded jar, wait and retry once.
    if ! build || ! jar_ok; then
      log "build failed or $JAR incomplete (a concurrent build?); retrying in 20s"
      sleep 20
      if ! build || ! jar_ok; then
        if jar_ok; then
          log "WARNING: the build failed; benchmarking the existing, older $JAR"
        else
          log "ERROR: no usable shaded $JAR (build failed)"
          return 1
        fi
      fi
    fi
  else
    log "$JAR is up to date"
  fi
}

# log_jar_source: which commit the jar was built from, and whether pom.xml/src had uncommitted changes.
log_jar_source() {
  local rev
  if rev=$(git rev-parse --short HEAD 2>/dev/null); then
    if [[ -n $(git status --porcelain -- pom.xml src 2>/dev/null) ]]; then rev="$rev + uncommitted changes in pom.xml/src"; fi
    log "source: commit $rev; jar built $(date -u -r "$JAR" '+%Y-%m-%d %H:%M:%S') UTC"
  fi
}

# start_pg PORT: starts a throwaway PostgreSQL (scripts/pg-test-cluster.sh) and sets PG_URL, or leaves PG_URL
# empty and says why (BENCH_SKIP_PG=1 skips it). stop_pg PORT stops and removes it; call it from an EXIT trap.
start_pg() {
  PG_URL=""
  if [[ ${BENCH_SKIP_PG:-0} == 1 ]]; then
    log "BENCH_SKIP_PG=1: H2 only"
    return 0
  fi
  log "starting a throwaway PostgreSQL on port $1 ..."
  local err; err=$(mktemp)
  if PG_URL=$(bash scripts/pg-test-cluster.sh start "" "$1" 2>"$err"); then
    log "PostgreSQL: $PG_URL"
  else
    PG_URL=""
    log "PostgreSQL could not be started; H2 only. Reason:"
    tail -n 5 "$err" >&2 || true
  fi
  rm -f "$err"
}
stop_pg() {
  bash scripts/pg-test-cluster.sh stop "" "$1" >/dev/null 2>&1 || true
}

# kill_bench_gateways: kills the gateways a benchmark started from its private jar copy in $WORK and did not stop
# (only if it was killed): by pid, listed in $WORK/pids, and only if the process still runs
# $WORK/incident-gateway.jar (a reused pid is never hit).
kill_bench_gateways() {
  local pid
  if [[ -f $WORK/pids ]]; then
    while read -r pid; do
      if [[ -n $pid && -r /proc/$pid/cmdline ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$WORK/incident-gateway.jar"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done <"$WORK/pids"
  fi
}
# cleanup_work: the EXIT trap of delivery.sh and stream.sh: those gateways, then $WORK.
cleanup_work() {
  kill_bench_gateways
  rm -rf -- "$WORK"
}
