/**
 * `@streamweave/kafka`: Kafka source with consumer groups and checkpointed offsets, batching
 * and transactional sinks, a dead-letter topic, and admin helpers. kafkajs sits behind
 * the small {@link KafkaClient} interface.
 *
 * @packageDocumentation
 */
export {
  kafkajsClient,
  type KafkaAdminHandle,
  type KafkaClient,
  type KafkaCompression,
  type KafkaConsumerConfig,
  type KafkaConsumerHandle,
  type KafkaConsumerHandlers,
  type KafkaHeaders,
  type KafkajsClientOptions,
  type KafkaOffsets,
  type KafkaOutgoing,
  type KafkaProducerConfig,
  type KafkaProducerHandle,
  type KafkaRecord,
  type KafkaSaslOptions,
  type KafkaTransactionHandle,
} from './kafkaClient.js';
export { kafkaSource, type KafkaSource, type KafkaSourceOptions } from './kafkaSource.js';
export { kafkaSink, type KafkaSinkOptions, type KafkaSinkResult } from './kafkaSink.js';
export { kafkaTransactionalSink, type KafkaTransactionalSinkOptions, type KafkaTransactionalSinkResult } from './kafkaTransactionalSink.js';
export { kafkaDeadLetter, deadLetterHeaders, type KafkaDeadLetterOptions } from './kafkaDeadLetter.js';
export { createTopic, deleteTopic, readAllMessages, type ReadAllOptions } from './kafkaAdmin.js';
export type { KafkaOutgoingRecord } from './internal/toOutgoing.js';
