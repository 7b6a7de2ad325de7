/**
 * @streamweave/redis
 *
 * @packageDocumentation
 */
export {};
