/**
 * `@streamweave/state/node` — Node-only parts: the LMDB, Redis and SQL backends, the
 * LMDB keyed working store (larger-than-memory keyed state),
 * checkpoint storage in a local directory, the exactly-once file sink and a
 * replayable line file source.
 *
 * @packageDocumentation
 */
export { lmdbBackend, type LmdbBackendOptions } from './platform/node/lmdbBackend.js';
export {
  lmdbKeyedStore,
  type LmdbKeyedStoreFactory,
  type LmdbKeyedStoreOptions,
  type LmdbKeyedStoreStats,
} from './platform/node/lmdbKeyedStore.js';
export { localCheckpointStorage } from './platform/node/localCheckpointStorage.js';
export { exactlyOnceFileSink, readPartFiles, type ExactlyOnceFileSinkOptions } from './platform/node/exactlyOnceFileSink.js';
export { lineFileSource, type LineFileSourceOptions } from './platform/node/lineFileSource.js';
export { redisBackend, type RedisBackendOptions } from './platform/node/redisBackend.js';
export { sqlBackend, type SqlBackendOptions } from './platform/node/sqlBackend.js';
