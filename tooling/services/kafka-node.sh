#!/usr/bin/env bash
# Fault-test helper: stop, crash or (re)start ONE node of the Kafka cluster
# started by `up.sh kafka [--brokers 3]`, keeping its data (no reformat).
#
#   tooling/services/kafka-node.sh stop N      # SIGTERM, clean shutdown (waits)
#   tooling/services/kafka-node.sh kill N      # SIGKILL, simulated crash
#   tooling/services/kafka-node.sh start N     # start again, wait until it accepts connections
#   tooling/services/kafka-node.sh restart N   # stop + start
#   tooling/services/kafka-node.sh pid N       # print the JVM pid (e.g. for kill -STOP / -CONT)
#
# Node N listens on 127.0.0.1:$((9092 + 2*(N-1))) (9092, 9094, 9096), SASL on
# 127.0.0.1:$((9192 + 2*(N-1))).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib/common.sh"
source "$HERE/lib/kafka.sh"

(($# == 2)) || { sw_usage "$0"; exit 2; }
action="$1" i="$2"
n="$(cat "$SW_RUN/kafka.brokers" 2>/dev/null || true)"
[[ "$n" =~ ^[0-9]+$ ]] || sw_die "kafka is not running (start it with up.sh kafka)"
[[ "$i" =~ ^[0-9]+$ ]] && ((i >= 1 && i <= n)) || sw_die "node must be 1..$n"
pidfile="$SW_RUN/kafka-$i.pid" marker="streamweave.service=kafka-$i"

do_stop() { # timeout
  if sw_pid_if_alive "$pidfile" "$marker" >/dev/null; then
    sw_info "stopping kafka node $i"
    sw_stop_pids "$1" "$pidfile:$marker"
  else
    sw_info "kafka node $i is not running"
  fi
}
do_start() {
  if sw_pid_if_alive "$pidfile" "$marker" >/dev/null; then
    sw_info "kafka node $i already running"
    return 0
  fi
  local java cp
  java="$(sw_java_home)/bin/java"
  cp="$(sw_kafka_classpath)"
  SW_READY_SINCE=$SECONDS
  sw_kafka_spawn_node "$i" "$n" "$java" "$cp"
  sw_kafka_wait_node "$i"
}

case "$action" in
  stop) sw_lock; do_stop "${STREAMWEAVE_KAFKA_STOP_TIMEOUT:-30}" ;;
  kill)
    sw_lock
    if pid="$(sw_pid_if_alive "$pidfile" "$marker")"; then
      kill -KILL "$pid"
      while sw_alive "$pid"; do sleep 0.1; done
      rm -f "$pidfile"
      sw_info "killed kafka node $i (pid $pid)"
    else
      sw_info "kafka node $i is not running"
    fi
    ;;
  start) sw_lock; do_start ;;
  restart) sw_lock; do_stop "${STREAMWEAVE_KAFKA_STOP_TIMEOUT:-30}"; do_start ;;
  pid) sw_pid_if_alive "$pidfile" "$marker" || sw_die "kafka node $i is not running" ;;
  *) sw_die "unknown action: $action (stop, kill, start, restart, pid)" ;;
esac
