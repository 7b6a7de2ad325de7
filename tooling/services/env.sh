#!/usr/bin/env bash
# Print `export` lines for the env vars the integration tests read. Values are
# the defaults the tests already assume, except STREAMWEAVE_KAFKA_BROKERS
# and STREAMWEAVE_KAFKA_SASL_BROKERS, which list all three brokers while a
# 3-node cluster is running.
#
#   eval "$(tooling/services/env.sh)"
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib/common.sh"
source "$HERE/lib/kafka.sh"

n="$(cat "$SW_RUN/kafka.brokers" 2>/dev/null || echo 1)"
[[ "$n" =~ ^[0-9]+$ ]] || n=1
cat <<EOF
export STREAMWEAVE_KAFKA_BROKERS=$(sw_kafka_bootstrap "$n")
export STREAMWEAVE_KAFKA_SASL_BROKERS=$(sw_kafka_sasl_bootstrap "$n")
export STREAMWEAVE_KAFKA_SASL_USERNAME=$SW_KAFKA_SASL_USER
export STREAMWEAVE_KAFKA_SASL_PASSWORD=$SW_KAFKA_SASL_PASSWORD
export STREAMWEAVE_S3_ENDPOINT=http://$SW_HOST:$SW_S3_PORT
export STREAMWEAVE_S3_REGION=us-east-1
export STREAMWEAVE_S3_ACCESS_KEY_ID=$SW_S3_ACCESS_KEY
export STREAMWEAVE_S3_SECRET_ACCESS_KEY=$SW_S3_SECRET_KEY
export STREAMWEAVE_OPENSEARCH_URL=http://$SW_HOST:$SW_OPENSEARCH_PORT
EOF
