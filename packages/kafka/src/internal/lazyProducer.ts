import type { ComponentRef } from '@streamweave/core';
import type { KafkaClient, KafkaProducerHandle, KafkaProducerConfig } from '../kafkaClient.js';
import { connectError } from './connectErrors.js';

/** A sink's producer: created on first use, closed (if it ever was created) by `close`. */
export interface LazyProducer {
  /** The producer, created by the first call; a failure to connect names the brokers and the cause. */
  connect(): Promise<KafkaProducerHandle>;
  /** Closes the producer if there is one; never rejects (a producer that never connected has nothing to close). */
  close(): Promise<void>;
}

/** The producer of one run of sink `type` (kafkaSink, kafkaTransactionalSink). */
export function lazyProducer(type: string, client: KafkaClient, options: KafkaProducerConfig, component: ComponentRef): LazyProducer {
  let producer: Promise<KafkaProducerHandle> | undefined;
  return {
    connect: () =>
      (producer ??= client.producer(options).catch((e: unknown) => {
        throw connectError(type, client.brokers, component, e);
      })),
    async close() {
      const p = producer;
      producer = undefined;
      try {
        await (await p)?.close();
      } catch {
        // It never connected, or closing failed: either way nothing is left to close.
      }
    },
  };
}
