/** Validation of offset positions (plain data restored from checkpoints). */
import { InvalidArgumentError, type JsonValue } from '@streamweave/core';
import type { KafkaOffsets } from '../kafkaClient.js';

/** Checks `position` is `{ topic: { partition: "offset" } }` and returns it typed. */
export function parseOffsets(component: string, position: JsonValue): KafkaOffsets {
  const bad = () =>
    new InvalidArgumentError(`${component}: a position must look like { topic: { partition: "nextOffset" } }, got ${JSON.stringify(position)}`);
  if (position === null || typeof position !== 'object' || Array.isArray(position)) throw bad();
  const out: Record<string, Record<string, string>> = {};
  for (const [topic, parts] of Object.entries(position)) {
    if (parts === null || typeof parts !== 'object' || Array.isArray(parts)) throw bad();
    const o: Record<string, string> = {};
    for (const [p, off] of Object.entries(parts as Record<string, JsonValue>)) {
      if (!/^\d+$/.test(p) || typeof off !== 'string' || !/^\d+$/.test(off)) throw bad();
      o[p] = off;
    }
    out[topic] = o;
  }
  return out;
}
