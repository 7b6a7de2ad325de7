# shellcheck shell=bash
# Shared helpers for tooling/services/*.sh. Sourced, never executed.
#
# Everything mutable lives OUTSIDE the repository clone:
#   $SW_STATE (default ~/.cache/streamweave-services): generated classpaths,
#             configs, data dirs, pid files and logs.
#   ~/.m2/repository (Maven's local repository): every downloaded artifact.
# so a fresh clone on the same machine starts without downloading again.

SW_STATE="${STREAMWEAVE_SERVICES_HOME:-${HOME:-/root}/.cache/streamweave-services}"
SW_LOGS="$SW_STATE/logs"
SW_RUN="$SW_STATE/run"
SW_TIMEOUT="${STREAMWEAVE_SERVICES_TIMEOUT:-120}"   # seconds per service to become ready
SW_KEEP_DATA="${STREAMWEAVE_SERVICES_KEEP_DATA:-0}" # 1 = do not wipe data dirs on (re)start
SW_HOST=127.0.0.1

# Pinned versions (override with env vars if you must).
SW_KAFKA_VERSION="${STREAMWEAVE_KAFKA_VERSION:-4.4.0}"
SW_LOG4J_VERSION="${STREAMWEAVE_LOG4J_VERSION:-2.25.3}"
SW_S3PROXY_VERSION="${STREAMWEAVE_S3PROXY_VERSION:-4.1.0}"
SW_OPENSEARCH_VERSION="${STREAMWEAVE_OPENSEARCH_VERSION:-2.19.6}"
SW_DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

# Ports (documented in README.md).
SW_KAFKA_PORT="${STREAMWEAVE_KAFKA_PORT:-9092}"   # broker i (1-based): PORT+2*(i-1), controller: +1
SW_KAFKA_SASL_PORT="${STREAMWEAVE_KAFKA_SASL_PORT:-$((SW_KAFKA_PORT + 100))}" # broker i: SASL_PORT+2*(i-1)
SW_KAFKA_SASL_USER="${STREAMWEAVE_KAFKA_SASL_USERNAME:-streamweave}"
SW_KAFKA_SASL_PASSWORD="${STREAMWEAVE_KAFKA_SASL_PASSWORD:-streamweave-secret}"
SW_S3_PORT="${STREAMWEAVE_S3_PORT:-9000}"
SW_OPENSEARCH_PORT="${STREAMWEAVE_OPENSEARCH_PORT:-9200}"
SW_S3_ACCESS_KEY="${STREAMWEAVE_S3_ACCESS_KEY:-streamweave}"
SW_S3_SECRET_KEY="${STREAMWEAVE_S3_SECRET_KEY:-streamweave-secret}"

# Print a script's header comment (its usage text).
sw_usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"; }

sw_ts() { date +%H:%M:%S; }
sw_info() { printf '[services %s] %s\n' "$(sw_ts)" "$*"; }
sw_warn() { printf '[services %s] WARN: %s\n' "$(sw_ts)" "$*" >&2; }
sw_err() { printf '[services %s] ERROR: %s\n' "$(sw_ts)" "$*" >&2; }
sw_die() { sw_err "$*"; exit 1; }

sw_init_dirs() {
  mkdir -p "$SW_STATE" "$SW_LOGS" "$SW_RUN"
}

# Serialise concurrent up/down runs (fd 9 stays open for the script's lifetime).
# Every process spawned while holding it MUST close fd 9 (`9>&-`), or a
# long-running server would keep the lock forever.
sw_lock() {
  sw_init_dirs
  exec 9>"$SW_STATE/.lock"
  if ! flock -w 600 9; then
    sw_die "could not take $SW_STATE/.lock within 600 s (another up.sh/down.sh running?)"
  fi
}

# Print the last 40 lines of a log file to stderr.
sw_tail_log() {
  local f="$1"
  if [[ -f "$f" ]]; then
    printf -- '----- last 40 lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2
    printf -- '----- end of %s -----\n' "$f" >&2
  else
    printf -- '(no log file at %s)\n' "$f" >&2
  fi
}

# Move an old log aside so each start has a clean log (previous kept as .1).
sw_rotate_log() {
  local f="$1"
  if [[ -s "$f" ]]; then mv -f "$f" "$f.1"; fi
  : >"$f"
}

sw_port_open() { # host port
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# Alive = exists and is not a zombie (an exited server whose orphan has not
# been reaped yet by pid 1 still answers kill -0).
sw_alive() {
  local st
  kill -0 "$1" 2>/dev/null || return 1
  st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$st" && "$st" != Z && "$st" != X ]]
}

# pid from a pid file if that process is alive AND its command line contains
# the marker (guards against a recycled pid).
sw_pid_if_alive() { # pidfile marker
  local pidfile="$1" marker="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  sw_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  echo "$pid"
}

# Stop processes from pid files: TERM all, wait up to $timeout s, then KILL.
sw_stop_pids() { # timeout "pidfile:marker"...
  local timeout="$1"; shift
  local entry pids=() pid
  for entry in "$@"; do
    if pid="$(sw_pid_if_alive "${entry%%:*}" "${entry#*:}")"; then
      pids+=("$pid")
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  local deadline=$((SECONDS + timeout)) alive
  while :; do
    alive=()
    for pid in "${pids[@]}"; do sw_alive "$pid" && alive+=("$pid"); done
    ((${#alive[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      sw_warn "pid(s) ${alive[*]} still alive after ${timeout}s; sending KILL"
      kill -KILL "${alive[@]}" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.3
  done
  for entry in "$@"; do rm -f "${entry%%:*}"; done
}

# Wait until host:port accepts connections (and optional extra check passes).
# Fails early if the pid dies. Prints the log tail on failure.
sw_wait_ready() { # name host port pid logfile [check-command...]
  local name="$1" host="$2" port="$3" pid="$4" log="$5"; shift 5
  local start="${SW_READY_SINCE:-$SECONDS}" deadline=$((SECONDS + SW_TIMEOUT))
  while :; do
    if [[ -n "$pid" ]] && ! sw_alive "$pid"; then
      sw_err "$name (pid $pid) exited before accepting connections on $host:$port"
      sw_tail_log "$log"
      return 1
    fi
    if sw_port_open "$host" "$port" && { (($# == 0)) || "$@" >/dev/null 2>&1; }; then
      sw_info "$name ready on $host:$port ($((SECONDS - start))s after launch)"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      sw_err "$name not ready on $host:$port after ${SW_TIMEOUT}s"
      sw_tail_log "$log"
      return 1
    fi
    sleep 0.5
  done
}

# Major version of a JDK home, from its `release` file (no JVM start).
sw_jdk_major() {
  local home="$1" v
  [[ -x "$home/bin/java" && -f "$home/release" ]] || return 1
  v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")"
  [[ -n "$v" ]] && echo "$v"
}

# First JDK home whose major version is within [min,max].
# Candidates: $1 (explicit override), $JAVA_HOME, `java` on PATH, /usr/lib/jvm/*.
sw_find_jdk() { # override min max
  local override="$1" min="$2" max="$3" c m
  local cands=()
  [[ -n "$override" ]] && cands+=("$override")
  [[ -n "${JAVA_HOME:-}" ]] && cands+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    cands+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in /usr/lib/jvm/*; do [[ -L "$c" ]] || cands+=("$c"); done
  for c in "${cands[@]}"; do
    m="$(sw_jdk_major "$c")" || continue
    if ((m >= min && m <= max)); then echo "$c"; return 0; fi
    if [[ -n "$override" && "$c" == "$override" ]]; then
      sw_warn "ignoring $c: Java $m is outside $min..$max"
    fi
  done
  return 1
}

# JDK for Kafka and S3Proxy (17+). OpenSearch 2.19 needs 17..23 (security manager).
sw_java_home() {
  sw_find_jdk "${STREAMWEAVE_JAVA_HOME:-}" 17 23 || sw_find_jdk "" 17 99 ||
    sw_die "no JDK 17+ found (set STREAMWEAVE_JAVA_HOME)"
}

# Resolve Maven artifacts into ~/.m2 (cached) and print their absolute paths,
# one per line. Result is cached in $SW_STATE/m2/<name>.paths and re-validated
# (every file must exist) on each call; Maven runs only on a cache miss,
# offline first (fast for a fresh state dir with a warm ~/.m2), then online.
#   sw_mvn_resolve NAME 'DEPENDENCIES-XML'
sw_mvn_resolve() {
  local name="$1" deps="$2"
  local dir="$SW_STATE/m2/$name" out="$SW_STATE/m2/$name.paths" f ok=1
  if [[ -s "$out" ]]; then
    while IFS= read -r f || [[ -n "$f" ]]; do [[ -f "$f" ]] || { ok=0; break; }; done <"$out"
    if ((ok)); then cat "$out"; return 0; fi
  fi
  command -v "${MVN:-mvn}" >/dev/null 2>&1 || sw_die "Maven (mvn) is required to fetch $name"
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by tooling/services (resolves $name); safe to delete -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.streamweave.services</groupId>
  <artifactId>$name</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
$deps
  </dependencies>
</project>
EOF
  local mlog="$SW_LOGS/maven-$name.log" cp="$dir/classpath.txt"
  rm -f "$cp"
  local args=(-B -q -f "$dir/pom.xml" "$SW_DEP_PLUGIN:build-classpath"
    -Dmdep.outputFile="$cp" -Dmdep.includeScope=runtime -Dmdep.pathSeparator=:)
  if ! "${MVN:-mvn}" -o "${args[@]}" >"$mlog" 2>&1; then
    sw_info "downloading $name from Maven Central (first run only; cached in ~/.m2)" >&2
    if ! "${MVN:-mvn}" "${args[@]}" >>"$mlog" 2>&1; then
      sw_err "Maven could not resolve $name"
      sw_tail_log "$mlog"
      return 1
    fi
  fi
  { tr ':' '\n' <"$cp"; echo; } | sed '/^$/d' >"$out.tmp"
  while IFS= read -r f || [[ -n "$f" ]]; do
    [[ -f "$f" ]] || { sw_err "resolved file missing: $f"; return 1; }
  done <"$out.tmp"
  mv -f "$out.tmp" "$out"
  cat "$out"
}

sw_unzip() { # zip destdir
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$1" -d "$2"
  else
    (cd "$2" && "$(sw_java_home)/bin/jar" xf "$1")
  fi
}

# Fresh (empty) data dir unless STREAMWEAVE_SERVICES_KEEP_DATA=1.
sw_fresh_dir() {
  local d="$1"
  if [[ "$SW_KEEP_DATA" != 1 ]]; then rm -rf "$d"; fi
  mkdir -p "$d"
}
