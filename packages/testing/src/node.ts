/**
 * \@streamweave/testing/node: Node-only helpers for tests against real servers
 * (selected by the `node` export condition) — free ports, a synchronous port probe,
 * the skip/require rule of service-backed specs (`STREAMWEAVE_REQUIRE_SERVICES=1`),
 * installed-executable checks and a polling wait.
 *
 * @packageDocumentation
 */
export { binariesAvailable, freePort, portOpenSync, requireService, until } from './platform/node/services.js';
