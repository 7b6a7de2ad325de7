import { type Consumer, type DeadLetter, defineConsumer, InvalidArgumentError, type NodeOptions, StreamWeaveError } from '@streamweave/core';
import type { KafkaClient, KafkaProducerHandle } from './kafkaClient.js';
import { connectError } from './internal/connectErrors.js';

/** Options of {@link kafkaDeadLetter}. */
export interface KafkaDeadLetterOptions extends NodeOptions {
  /** Kafka client the dead-letter producer is created from. */
  readonly client: KafkaClient;
}

/** Header names written by {@link kafkaDeadLetter}. */
export const deadLetterHeaders = {
  error: 'streamweave.error',
  component: 'streamweave.component',
  position: 'streamweave.position',
  sourceTopic: 'streamweave.source.topic',
  sourcePartition: 'streamweave.source.partition',
  sourceOffset: 'streamweave.source.offset',
} as const;

interface RecordLike {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  value: Buffer | string | null;
}

function isRecordLike(x: unknown): x is RecordLike {
  const r = x as Partial<RecordLike> | null;
  return r !== null && typeof r === 'object' && typeof r.topic === 'string' && typeof r.partition === 'number' && typeof r.offset === 'string';
}

/**
 * The dead-letter route to a Kafka topic: give it as `RunOptions.deadLetter`. Each
 * failed item is written (acks=all, one by one: dead letters are rare, and each must be
 * durable before the run goes on) with headers carrying the error, the failing node and
 * item position, and — for a record consumed by {@link kafkaSource} (an undecodable
 * message, say) — its source topic, partition and offset; such a record keeps its
 * original key and value bytes, anything else is written as JSON.
 *
 * Under a `CheckpointCoordinator` the run hands the route each checkpoint barrier after the
 * sinks, behind the dead letters routed before it, so a checkpoint (and the offset commit of
 * {@link kafkaSource} that follows it) completes only once those dead letters are acknowledged
 * by the brokers. A dead letter that cannot be written fails the run (the route's own
 * `errors` strategy aside) with an error naming the failing node, position and source record:
 * it is never lost behind a committed offset.
 *
 * @example
 * ```ts
 * await pipeline().from(kafkaSource({ client, topics: ['in'], groupId: 'g', decode: parseJson })).to(sink)
 *   .run({ errors: onError.deadLetter(), deadLetter: kafkaDeadLetter('in.dlq', { client }) });
 * ```
 * @see {@link kafkaSource}, {@link deadLetterHeaders}
 */
export function kafkaDeadLetter(topic: string, options: KafkaDeadLetterOptions): Consumer<DeadLetter, { readonly records: number }> {
  if (typeof topic !== 'string' || topic === '') throw new InvalidArgumentError('kafkaDeadLetter: `topic` must be a non-empty string');
  if (!options || !options.client || typeof options.client.producer !== 'function') {
    throw new InvalidArgumentError('kafkaDeadLetter: `options.client` must be a KafkaClient');
  }
  return defineConsumer<DeadLetter, { readonly records: number }>('kafkaDeadLetter', { topic }, options, (ctx) => {
    let producer: Promise<KafkaProducerHandle> | undefined;
    let records = 0;
    const connect = () =>
      (producer ??= options.client.producer({ idempotent: true }).catch((e: unknown) => {
        throw connectError('kafkaDeadLetter', options.client.brokers, ctx.component, e);
      }));
    return {
      async item(value, position) {
        const letter = value as DeadLetter;
        const headers: Record<string, string> = { [deadLetterHeaders.error]: letter.error.message };
        if (letter.error.component) headers[deadLetterHeaders.component] = `${letter.error.component.type}:${letter.error.component.id}`;
        if (letter.error.position !== undefined) headers[deadLetterHeaders.position] = String(letter.error.position);
        const item = letter.item;
        let key: Buffer | string | null = null;
        let body: Buffer | string | null;
        if (isRecordLike(item)) {
          headers[deadLetterHeaders.sourceTopic] = item.topic;
          headers[deadLetterHeaders.sourcePartition] = String(item.partition);
          headers[deadLetterHeaders.sourceOffset] = item.offset;
          key = item.key;
          body = item.value;
        } else {
          body = JSON.stringify(item) ?? null;
        }
        const c = await connect();
        try {
          await c.send([{ topic, key, value: body, headers }], 'none');
        } catch (e) {
          const of = letter.error.component ? `${letter.error.component.type}:${letter.error.component.id}` : 'an unnamed node';
          const at = letter.error.position === undefined ? '' : ` at position ${letter.error.position}`;
          const record = isRecordLike(item) ? ` (record ${item.topic}/${item.partition}@${item.offset})` : '';
          throw new StreamWeaveError(`kafkaDeadLetter: writing the dead letter of ${of}${at}${record} to topic ${topic} failed`, {
            component: ctx.component,
            position,
            cause: e,
          });
        }
        records++;
      },
      async complete() {
        // Closed before the run resolves (see kafkaSink).
        const p = producer;
        producer = undefined;
        try {
          await (await p)?.close();
        } catch {
          // It never connected, or closing failed: either way nothing is left to close.
        }
        return { records };
      },
      teardown() {
        void producer?.then((p) => p.close()).catch(() => undefined);
      },
    };
  });
}
