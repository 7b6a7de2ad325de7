/**
 * \@streamweave/testing/node: Node-only helpers for tests against real servers
 * (selected by the `node` export condition) — free ports, a synchronous port probe,
 * the skip/require rule of service-backed specs (`STREAMWEAVE_REQUIRE_SERVICES=1`),
 * installed-executable checks and a polling wait — and the SIGKILL chaos driver (bundle a
 * job once, kill it at seeded random moments, restart it, count).
 *
 * @packageDocumentation
 */
export { binariesAvailable, freePort, portOpenSync, requireService, until } from './platform/node/services.js';
export {
  bundleChaosJob,
  killRestartLoop,
  startChaosRun,
  type BundleChaosJobOptions,
  type ChaosExit,
  type ChaosJob,
  type ChaosRun,
  type KillRestartOptions,
  type KillRestartResult,
  type StartChaosRunOptions,
} from './platform/node/chaos.js';
