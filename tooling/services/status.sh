#!/usr/bin/env bash
# Show which services are running.   tooling/services/status.sh [kafka|s3|opensearch|system ...]
# Exit status 0 only if every listed service (default: all) is up.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib/common.sh"
source "$HERE/lib/kafka.sh"
source "$HERE/lib/s3.sh"
source "$HERE/lib/opensearch.sh"
source "$HERE/lib/system.sh"

services=("$@")
((${#services[@]})) || services=(kafka s3 opensearch system)
rc=0
echo "state dir: $SW_STATE"
for s in "${services[@]}"; do
  case "$s" in
    kafka) sw_kafka_status || rc=1 ;;
    s3) sw_s3_status || rc=1 ;;
    opensearch) sw_os_status || rc=1 ;;
    system) sw_system_status || rc=1 ;;
    *) sw_err "unknown service: $s"; rc=2 ;;
  esac
done
exit $rc
