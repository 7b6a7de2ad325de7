/** Default mapping of sink items to Kafka records. */
import type { KafkaOutgoing } from '../kafkaClient.js';

/** What a sink's `toRecord` returns: a record whose topic defaults to the sink's. */
export type KafkaOutgoingRecord = Omit<KafkaOutgoing, 'topic'> & { readonly topic?: string };

/**
 * Strings and Buffers are the value; `{ value, key?, headers? }` objects (a consumed
 * record included) give their value, key and headers (never their topic or partition,
 * so a record read from a topic is not written back to it); anything else is JSON.
 * `topic`, when given, is set on the result (the sinks' default topic: one object per
 * record instead of a copy with the topic added). Runs once per record: no spreads.
 */
export function defaultToRecord(item: unknown, topic?: string): KafkaOutgoingRecord {
  if (typeof item === 'string' || Buffer.isBuffer(item)) return { topic, value: item };
  if (item !== null && typeof item === 'object' && 'value' in item) {
    const r = item as { value: unknown; key?: unknown; headers?: unknown };
    const value = r.value;
    if (value === null || typeof value === 'string' || Buffer.isBuffer(value)) {
      const key = typeof r.key === 'string' || Buffer.isBuffer(r.key) ? r.key : undefined;
      let headers: Record<string, string | Buffer> | undefined;
      if (r.headers && typeof r.headers === 'object') {
        const source = r.headers as Record<string, unknown>;
        for (const k in source) {
          const v = source[k];
          if (Object.hasOwn(source, k) && (typeof v === 'string' || Buffer.isBuffer(v))) (headers ??= {})[k] = v;
        }
      }
      return { topic, value, key, headers };
    }
  }
  return { topic, value: JSON.stringify(item) };
}

/**
 * The item → record mapping of a sink whose default topic is `topic`: the user's `toRecord`
 * (its record's own topic wins), else {@link defaultToRecord}, which sets the topic itself (one
 * object per record on the default path).
 */
export function outgoingMapper<T>(topic: string, toRecord: ((item: T) => KafkaOutgoingRecord) | undefined): (item: T) => KafkaOutgoing {
  if (!toRecord) return (item) => defaultToRecord(item, topic) as KafkaOutgoing;
  return (item) => {
    const r = toRecord(item);
    return r.topic === undefined ? { ...r, topic } : (r as KafkaOutgoing);
  };
}
