/**
 * @streamweave/NAME
 *
 * @packageDocumentation
 */
export {};
