#!/usr/bin/env bash
# Start the real servers the integration tests use (all on 127.0.0.1) and
# return once each accepts connections. Idempotent: running services are kept.
#
#   tooling/services/up.sh [kafka|s3|opensearch|system ...] [--brokers N]
#
# Default: all four. `--brokers 3` (or KAFKA_BROKERS=3) starts a 3-node KRaft
# cluster on 9092/9094/9096 instead of the single broker on 9092.
# See tooling/services/README.md for ports, credentials and env vars.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"
source "$HERE/lib/kafka.sh"
source "$HERE/lib/s3.sh"
source "$HERE/lib/opensearch.sh"
source "$HERE/lib/system.sh"

usage() { sw_usage "$0"; }

brokers="${STREAMWEAVE_KAFKA_BROKER_COUNT:-}"
if [[ -z "$brokers" && "${KAFKA_BROKERS:-}" =~ ^[0-9]+$ ]]; then brokers="$KAFKA_BROKERS"; fi
services=()
while (($#)); do
  case "$1" in
    --brokers) brokers="${2:-}"; shift 2 ;;
    --brokers=*) brokers="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    all) services+=(system kafka s3 opensearch); shift ;;
    kafka | s3 | opensearch | system) services+=("$1"); shift ;;
    *) usage >&2; sw_die "unknown argument: $1" ;;
  esac
done
((${#services[@]})) || services=(system kafka s3 opensearch)
brokers="${brokers:-1}"
[[ "$brokers" =~ ^[1-9]$ ]] || sw_die "--brokers must be 1..9 (got '$brokers')"

want() { local s; for s in "${services[@]}"; do [[ "$s" == "$1" ]] && return 0; done; return 1; }

sw_lock
start=$SECONDS
sw_info "state dir: $SW_STATE (logs in $SW_LOGS)"
failed=()

# Launch everything first (slowest first), then wait for all, so the JVMs
# start in parallel.
want system && sw_system_launch
launched=()
declare -A since=()
if want opensearch; then since[opensearch]=$SECONDS; sw_os_launch && launched+=(opensearch) || failed+=(opensearch); fi
if want s3; then since[s3]=$SECONDS; sw_s3_launch && launched+=(s3) || failed+=(s3); fi
if want kafka; then since[kafka]=$SECONDS; sw_kafka_launch "$brokers" && launched+=(kafka) || failed+=(kafka); fi

if want system; then SW_READY_SINCE=$start sw_system_wait || failed+=(system); fi
for s in "${launched[@]}"; do
  SW_READY_SINCE="${since[$s]}"
  case "$s" in
    kafka) sw_kafka_wait || failed+=(kafka) ;;
    s3) sw_s3_wait || failed+=(s3) ;;
    opensearch) sw_os_wait || failed+=(opensearch) ;;
  esac
done

if ((${#failed[@]})); then
  # Do not leave half-started servers behind: a retry then starts clean.
  for s in "${failed[@]}"; do
    case "$s" in
      kafka) sw_kafka_stop quiet ;;
      s3) sw_s3_stop quiet ;;
      opensearch) sw_os_stop quiet ;;
    esac
  done
  sw_err "failed to start: ${failed[*]} (after $((SECONDS - start))s; logs in $SW_LOGS)"
  exit 1
fi
sw_info "all requested services ready in $((SECONDS - start))s: ${services[*]}"
if want kafka; then
  sw_info "  STREAMWEAVE_KAFKA_BROKERS=$(sw_kafka_bootstrap "$(cat "$SW_RUN/kafka.brokers")")"
  sw_info "  STREAMWEAVE_KAFKA_SASL_BROKERS=$(sw_kafka_sasl_bootstrap "$(cat "$SW_RUN/kafka.brokers")") (SASL PLAIN/SCRAM-SHA-256, $SW_KAFKA_SASL_USER / $SW_KAFKA_SASL_PASSWORD)"
fi
want s3 && sw_info "  STREAMWEAVE_S3_ENDPOINT=http://$SW_HOST:$SW_S3_PORT (key $SW_S3_ACCESS_KEY / $SW_S3_SECRET_KEY)"
want opensearch && sw_info "  STREAMWEAVE_OPENSEARCH_URL=http://$SW_HOST:$SW_OPENSEARCH_PORT"
exit 0
