#!/usr/bin/env bash
# Run a Kafka command-line tool on the same (cached) classpath as the broker.
#
#   tooling/services/kafka-cli.sh topics --bootstrap-server 127.0.0.1:9092 --list
#   tooling/services/kafka-cli.sh topics --bootstrap-server 127.0.0.1:9092 --create --topic t --partitions 3
#   tooling/services/kafka-cli.sh consumer-groups --bootstrap-server 127.0.0.1:9092 --list
#   tooling/services/kafka-cli.sh metadata-quorum --bootstrap-server 127.0.0.1:9092 describe --status
#   tooling/services/kafka-cli.sh class <fully.qualified.Main> [args...]
#
# Tools: topics, consumer-groups, console-producer, console-consumer, configs,
# metadata-quorum, get-offsets, storage, class.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib/common.sh"
source "$HERE/lib/kafka.sh"

(($#)) || { sw_usage "$0"; exit 2; }
tool="$1"; shift
sw_init_dirs
cp="$(sw_kafka_classpath)" || exit 1
case "$tool" in
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  console-producer) main=org.apache.kafka.tools.ConsoleProducer ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  configs) main=org.apache.kafka.tools.ConfigCommand ;;
  metadata-quorum) main=org.apache.kafka.tools.MetadataQuorumCommand ;;
  get-offsets) main=org.apache.kafka.tools.GetOffsetShell ;;
  storage) main="$(sw_kafka_storage_tool "$cp")" ;;
  class) main="$1"; shift ;;
  *) sw_die "unknown tool: $tool" ;;
esac

# Tools log WARN+ to stderr only.
l4j="$SW_STATE/kafka/tools-log4j2.properties"
if [[ ! -f "$l4j" ]]; then
  mkdir -p "$(dirname "$l4j")"
  cat >"$l4j" <<'EOF'
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
fi
exec "$(sw_java_home)/bin/java" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Djava.awt.headless=true -Dlog4j2.configurationFile="$l4j" -cp "$cp" "$main" "$@"
