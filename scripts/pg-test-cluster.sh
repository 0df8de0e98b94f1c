#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and benchmarks (no docker needed).
#
#   scripts/pg-test-cluster.sh start [DATADIR] [PORT]   # prints the JDBC URL on stdout
#   scripts/pg-test-cluster.sh stop  [DATADIR] [PORT]   # stop and delete: fast stop, then removes DATADIR (all its data)
#   scripts/pg-test-cluster.sh install                  # apt-get install postgresql if missing (root only)
#
# PORT defaults to 55432, DATADIR to ${TMPDIR:-/tmp}/incident-gateway-pg-$PORT
# (pass "" as DATADIR to only choose the port). All diagnostics go to stderr.
set -euo pipefail

cmd=${1:-}
PORT=${3:-55432}
DATADIR=${2:-}
DATADIR=${DATADIR:-${TMPDIR:-/tmp}/incident-gateway-pg-$PORT}

log() { echo "pg-test-cluster: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Prints the bin dir holding initdb: pg_config's if it has one, else the highest
# /usr/lib/postgresql/<major>/bin (Debian's pg_config may belong to another major).
find_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    if [[ -n $d && -x $d/initdb ]]; then echo "$d"; return 0; fi
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x $d/initdb ]]; then echo "$d"; return 0; fi
  done
  return 1
}

install_pg() {
  find_bindir >/dev/null && return 0
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL server binaries (initdb) not found; install them (e.g. 'sudo apt-get install postgresql') or run this as root"
  log "installing PostgreSQL with apt-get ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  find_bindir >/dev/null || die "apt-get installed postgresql but no initdb was found"
}

# initdb/pg_ctl refuse to run as root, so as root run them as the postgres user.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

is_running() { [[ -f $DATADIR/PG_VERSION ]] && as_pg "$BIN/pg_ctl" -D "$DATADIR" status >/dev/null 2>&1; }

# Only ever delete a directory that is missing, empty or a PostgreSQL data dir,
# so a mistyped DATADIR cannot wipe something else.
remove_datadir() {
  [[ -e $DATADIR ]] || return 0
  if [[ -f $DATADIR/PG_VERSION || -z $(ls -A "$DATADIR") ]]; then
    rm -rf -- "$DATADIR"
  else
    die "$DATADIR is not a PostgreSQL data directory; refusing to delete it"
  fi
}

start() {
  install_pg
  BIN=$(find_bindir)
  if is_running; then
    # Reuse it; report the port it really listens on (line 4 of postmaster.pid).
    local actual; actual=$(sed -n 4p "$DATADIR/postmaster.pid")
    [[ $actual == "$PORT" ]] || log "server in $DATADIR listens on port $actual, not $PORT; using $actual"
    PORT=$actual
    log "reusing running server in $DATADIR (port $PORT)"
  else
    remove_datadir   # a stopped leftover cluster is re-created from scratch
    mkdir -p "$DATADIR"
    if [[ $(id -u) -eq 0 ]]; then
      chown postgres: "$DATADIR"
      runuser -u postgres -- test -w "$DATADIR" \
        || die "user postgres cannot write $DATADIR (is a parent directory private?); choose another DATADIR/TMPDIR"
    fi
    log "initdb $DATADIR ($BIN)"
    local out   # initdb is chatty; show its output only if it fails
    out=$(as_pg "$BIN/initdb" -D "$DATADIR" -A trust -U postgres -E UTF8 --no-locale 2>&1) \
      || { echo "$out" >&2; die "initdb failed"; }
    # fsync stays on (the default): benchmarks must see real commit costs.
    # The unix socket goes into DATADIR so no /var/run/postgresql is needed.
    if ! as_pg "$BIN/pg_ctl" -D "$DATADIR" -l "$DATADIR/server.log" -w \
        -o "-p $PORT -k $DATADIR -c listen_addresses=127.0.0.1" start >&2; then
      tail -n 20 "$DATADIR/server.log" >&2 || true
      die "could not start PostgreSQL on port $PORT (port in use?)"
    fi
  fi
  local exists
  exists=$("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -XtAq \
    -c "select 1 from pg_database where datname = 'gateway'")
  if [[ $exists != 1 ]]; then
    "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres gateway
    log "created database gateway"
  fi
  echo "jdbc:postgresql://127.0.0.1:$PORT/gateway?user=postgres"
}

stop() {
  if BIN=$(find_bindir) && is_running; then
    as_pg "$BIN/pg_ctl" -D "$DATADIR" -m fast -w stop >&2
  fi
  remove_datadir
  log "stopped and removed $DATADIR"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  install) install_pg ;;
  *) die "usage: $0 start|stop [DATADIR] [PORT] | install   (stop = stop and delete: removes DATADIR and all its data)" ;;
esac
