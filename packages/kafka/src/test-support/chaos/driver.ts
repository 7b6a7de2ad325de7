/**
 * Seeded SIGKILL chaos driver for the Kafka → aggregate → Kafka job (job.ts): runs the job
 * as a child process, kills it at random moments (`kills` times), restarts it each time,
 * lets the last run finish, then reads the output topic with kcat under read_committed and
 * checks every input record id appears exactly once, under its key.
 * Script: `pnpm --filter @streamweave/kafka chaos [kills] [seed]` (see run.ts).
 */
import { deliveryTally, seededRandom } from '@streamweave/testing';
import { bundleChaosJob as bundle, type ChaosJob, killRestartLoop } from '@streamweave/testing/node';
import { kcatConsume, kcatProduce } from '../services.js';
import { chaosSetup, finalRun, groupOffsetsAtEnd, runTimeoutMs } from './setup.js';

export type { ChaosJob };

/** Bundles job.ts once (see bundleChaosJob of @streamweave/testing/node); kafkajs stays external, resolved from this package. */
export function bundleChaosJob(jobPath: string): Promise<ChaosJob> {
  return bundle(jobPath, { external: ['kafkajs'] });
}

export interface KafkaChaosOptions {
  readonly job: ChaosJob;
  readonly brokers: readonly string[];
  readonly seed: number;
  /** SIGKILLs to deliver (default 100). */
  readonly kills?: number;
  /** Input records (default 20 000). */
  readonly records?: number;
  /** Records per second a killed run processes (default 2000), so most kills land mid-stream; the last run is unthrottled. */
  readonly rate?: number;
  /** Share of kills after which the dead member is left to time out of the group instead of being evicted (default 0.05). */
  readonly sessionTimeoutShare?: number;
  readonly log?: (line: string) => void;
}

export interface KafkaChaosReport {
  readonly seed: number;
  /** Runs killed with SIGKILL (and restarted). */
  readonly restarts: number;
  /** Kills during start-up (connect, producer fencing, group join) rather than mid-stream. */
  readonly startupKills: number;
  /** Input records whose output the killed runs committed (the rest were left to the last, uninterrupted run). */
  readonly committedByKilledRuns: number;
  /** Restarts that waited for the dead member's session to time out instead of evicting it. */
  readonly sessionTimeouts: number;
  /** Input records whose ids were looked for in the committed output. */
  readonly checked: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Ids found under a key other than their input record's. */
  readonly misplaced: number;
  /** Output records (per key and epoch) visible under read_uncommitted only: written by transactions the kills aborted. */
  readonly abortedOutputRecords: number;
  /** The consumer group's committed offsets equal the input's end offsets. */
  readonly offsetsAtEnd: boolean;
  readonly exact: boolean;
  readonly seconds: number;
}

export async function runKafkaChaos(options: KafkaChaosOptions): Promise<KafkaChaosReport> {
  const t0 = Date.now();
  const random = seededRandom(options.seed);
  const kills = options.kills ?? 100;
  const records = options.records ?? 20_000;
  const log = options.log ?? (() => undefined);
  const setup = await chaosSetup(options.brokers, 'chaos');
  const { input, output, groupId, evictor, env } = setup;
  try {
    const keyOf = new Map<string, string>();
    const lines: string[] = [];
    for (let i = 0; i < records; i++) {
      const key = `k${Math.floor(random() * 10)}`;
      keyOf.set(`r${i}`, key);
      lines.push(`${key}:r${i}`);
    }
    kcatProduce(input, lines, true);
    let sessionTimeouts = 0;
    // 15% of the kills during start-up (node, connect, InitProducerId fencing the last run's producer,
    // group join), the rest 0-200 ms after the run's first record.
    const { restarts, startupKills } = await killRestartLoop({
      job: options.job,
      env: { ...env, CHAOS_RATE: String(options.rate ?? 2000) },
      kills,
      random,
      startupWindowMs: 600,
      endedEarly: 'fail',
      timeoutMs: runTimeoutMs,
      // Usually evict the dead member at once; now and then let it time out (6 s) like an unattended restart.
      afterKill: async () => {
        if (random() < (options.sessionTimeoutShare ?? 0.05)) sessionTimeouts++;
        else await evictor.evictAll(groupId);
      },
      log: (l) => log(`kafka ${l}`),
    });
    // What the killed runs committed between them (the kills did land mid-stream).
    const committedByKilledRuns = kcatConsume(output, '%s\\n', true).reduce((n, l) => n + l.split(',').length, 0);
    await finalRun(options.job, env, /^DONE \d+ \d+$/m);

    const committed = kcatConsume(output, '%s\\n', true);
    const uncommitted = kcatConsume(output, '%s\\n', false);
    const ids: string[] = [];
    let misplaced = 0;
    for (const line of committed) {
      const [key, list] = line.split(':') as [string, string];
      for (const id of list.split(',')) {
        ids.push(id);
        if (keyOf.get(id) !== key) misplaced++;
      }
    }
    const { checked, lost, duplicated } = deliveryTally(keyOf.keys(), ids);
    const offsetsAtEnd = await groupOffsetsAtEnd(setup, 0);
    return {
      seed: options.seed,
      restarts,
      startupKills,
      committedByKilledRuns,
      sessionTimeouts,
      checked,
      lost,
      duplicated,
      misplaced,
      abortedOutputRecords: uncommitted.length - committed.length,
      offsetsAtEnd,
      exact: lost === 0 && duplicated === 0 && misplaced === 0 && offsetsAtEnd,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await setup.cleanup();
  }
}

export function formatReport(r: KafkaChaosReport): string {
  return (
    `kafka chaos [seed ${r.seed}]: restarts survived ${r.restarts} (${r.startupKills} during start-up, ${r.sessionTimeouts} left to the session timeout), ` +
    `records checked ${r.checked} (${r.committedByKilledRuns} committed by the killed runs), lost ${r.lost}, duplicated ${r.duplicated}, misplaced ${r.misplaced}, ` +
    `aborted output records ${r.abortedOutputRecords}, offsets at end ${r.offsetsAtEnd}, exact ${r.exact} (${r.seconds.toFixed(1)} s)`
  );
}
