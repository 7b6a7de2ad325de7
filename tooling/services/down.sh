#!/usr/bin/env bash
# Stop servers started by up.sh.   tooling/services/down.sh [kafka|s3|opensearch ...]
# Default: kafka, s3 and opensearch. The machine's own services (`system`:
# PostgreSQL, MariaDB, Redis, RabbitMQ, Mosquitto, NATS) are never stopped.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib/common.sh"
source "$HERE/lib/kafka.sh"
source "$HERE/lib/s3.sh"
source "$HERE/lib/opensearch.sh"

services=()
for a in "$@"; do
  case "$a" in
    all) services+=(kafka s3 opensearch) ;;
    kafka | s3 | opensearch) services+=("$a") ;;
    system) sw_info "system services belong to the machine; not stopping them" ;;
    -h | --help) sw_usage "$0"; exit 0 ;;
    *) sw_die "unknown service: $a (kafka, s3, opensearch)" ;;
  esac
done
(($# == 0)) && services=(kafka s3 opensearch)

sw_lock
# Stop in parallel (each waits for its own processes, KILL after a timeout).
pids=()
for s in "${services[@]}"; do
  case "$s" in
    kafka) sw_kafka_stop & ;;
    s3) sw_s3_stop & ;;
    opensearch) sw_os_stop & ;;
  esac
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
exit $rc
