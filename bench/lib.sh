# Shared by the bench/*.sh scripts: makes sure the shaded jar exists, is newer than the sources and is complete.
# The caller defines JAR, log() and jar_ok() (the classes its benchmark needs), then calls ensure_jar.

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
