/**
 * `@streamweave/core/node`: Node-only pieces of the core library (selected by the
 * `node` export condition).
 *
 * @packageDocumentation
 */
export { fileRunStore, type FileRunStoreOptions } from './fileRunStore.js';
