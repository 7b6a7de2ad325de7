/**
 * No QoS 1 message lost across SIGKILLs: mqttSource with its write-ahead journal → payload →
 * exactlyOnceFileSink under a CheckpointCoordinator runs as a child process (bundled once with
 * esbuild), while mosquitto_pub publishes 2000 numbered QoS 1 messages; the job is SIGKILLed
 * at seeded random moments (STREAMWEAVE_MQTT_CHAOS_KILLS, default 8) and restarted, then a
 * last run drains what is left. Every number must be in the committed output; duplicates
 * (messages journaled whose PUBACK the kill swallowed, so the broker sent them again) are
 * counted and printed. The same job without the journal loses messages:
 * `pnpm --filter @streamweave/mqtt chaos nojournal` (see the README).
 */
import { join } from 'node:path';
import { binariesAvailable, requireService } from '@streamweave/testing/node';
import { bundleChaosJob, type ChaosJob, formatReport, runMqttChaos } from './test-support/chaos/driver.js';
import { brokerUp, port, url } from './test-support/services.js';

const missing = binariesAvailable(['mosquitto_pub']);
const up = brokerUp() && requireService('MQTT chaos', missing.length === 0, `${missing.join(', ')} not installed`);
const kills = Number(process.env.STREAMWEAVE_MQTT_CHAOS_KILLS ?? 8);
const seed = Number(process.env.STREAMWEAVE_CHAOS_SEED ?? 20261127);

(up ? describe : describe.skip)('mqttSource write-ahead journal under SIGKILL (real Mosquitto, child processes)', () => {
  let job: ChaosJob | undefined;
  beforeAll(async () => {
    job = await bundleChaosJob(join(__dirname, 'test-support', 'chaos', 'job.ts'));
  });
  afterAll(() => job?.dispose());

  it(`MQTT QoS 1 → exactly-once file sink with the journal survives ${kills} SIGKILLs: every published message is in the output`, async () => {
    const report = await runMqttChaos({ job: job!, url, port, journal: true, seed, kills });
    console.log(formatReport(report));
    expect(report).toMatchObject({ restarts: kills, published: 2000, checked: 2000, lost: 0 });
    // At-least-once: a message journaled whose PUBACK the kill swallowed comes again from the broker (at most Mosquitto's in-flight window, 20, per kill).
    expect(report.duplicated).toBeLessThanOrEqual(kills * 20);
  }, 120_000);
});
