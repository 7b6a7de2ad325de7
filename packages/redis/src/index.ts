/**
 * `@streamweave/redis`: Redis Streams source with consumer groups (XREADGROUP, XACK after
 * checkpoints, XAUTOCLAIM recovery) and a pipelined XADD sink with MAXLEN trimming.
 *
 * @packageDocumentation
 */
export { redisStreamSource, type RedisStreamEntry, type RedisStreamSource, type RedisStreamSourceOptions } from './redisStreamSource.js';
export { redisStreamSink, type RedisStreamSinkOptions, type RedisStreamSinkResult } from './redisStreamSink.js';
export type { RedisConnection } from './internal/connection.js';
