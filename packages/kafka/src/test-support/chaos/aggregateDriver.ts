/**
 * Seeded SIGKILL chaos driver for the keyed-state job (aggregateJob.ts): Kafka → running
 * total per key → kafkaTransactionalSink under a CheckpointCoordinator. Runs the job as a
 * child process, kills it at random moments (`kills` times), restarts it (each start restores
 * the latest checkpoint), lets the last run finish, then reads the output under read_committed
 * and checks, for every key, that the emitted `<count>,<total>` sequence is exactly
 * 1..n with the running totals of that key's input, in order: nothing lost, nothing repeated,
 * no total computed from state that lost or repeated an update.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@streamweave/testing';
import { bundleChaosJob, type ChaosJob, killRestartLoop } from '@streamweave/testing/node';
import { kcatConsume, kcatProduce } from '../services.js';
import { chaosSetup, finalRun, groupOffsetsAtEnd, runTimeoutMs } from './setup.js';

/**
 * Bundles aggregateJob.ts once. kafkajs and the state package's optional drivers (its node
 * entry re-exports backends the job does not use) stay external; the unused ones are
 * tree-shaken away, so none needs to be installed here.
 */
export function bundleAggregateJob(jobPath: string): Promise<ChaosJob> {
  return bundleChaosJob(jobPath, { external: ['kafkajs', 'lmdb', 'ioredis', 'knex', 'pg', 'mysql2', 'better-sqlite3'] });
}

export interface AggregateChaosOptions {
  readonly job: ChaosJob;
  readonly brokers: readonly string[];
  readonly seed: number;
  /** SIGKILLs to deliver (default 30). */
  readonly kills?: number;
  /** Input records (default 10 000). */
  readonly records?: number;
  /** Keys (default 8). */
  readonly keys?: number;
  /** Records per second a killed run processes (default 1500); the last run is unthrottled. */
  readonly rate?: number;
  readonly log?: (line: string) => void;
}

export interface AggregateChaosReport {
  readonly seed: number;
  readonly restarts: number;
  readonly startupKills: number;
  /** Output records the killed runs committed between them. */
  readonly committedByKilledRuns: number;
  readonly records: number;
  /** Output records under read_committed (must equal `records`). */
  readonly emitted: number;
  /** Keys whose sequence of totals differs from the expected one, with the first difference. */
  readonly wrongKeys: readonly string[];
  /** Output records of aborted transactions (read_uncommitted minus read_committed). */
  readonly abortedOutputRecords: number;
  /** The consumer group's committed offsets equal the input's end offsets. */
  readonly offsetsAtEnd: boolean;
  readonly exact: boolean;
  readonly seconds: number;
}

export async function runAggregateChaos(options: AggregateChaosOptions): Promise<AggregateChaosReport> {
  const t0 = Date.now();
  const random = seededRandom(options.seed);
  const kills = options.kills ?? 30;
  const records = options.records ?? 10_000;
  const keys = options.keys ?? 8;
  const log = options.log ?? (() => undefined);
  const setup = await chaosSetup(options.brokers, 'chaos-agg');
  const { input, output, groupId, evictor } = setup;
  const work = mkdtempSync(join(tmpdir(), 'sw-kafka-agg-chaos-'));
  try {
    const amounts = new Map<string, number[]>();
    const lines: string[] = [];
    for (let i = 0; i < records; i++) {
      const key = `k${Math.floor(random() * keys)}`;
      const amount = 1 + Math.floor(random() * 9);
      let list = amounts.get(key);
      if (!list) amounts.set(key, (list = []));
      list.push(amount);
      lines.push(`${key}:${amount}`);
    }
    kcatProduce(input, lines, true);
    const env = { ...setup.env, CHAOS_WORK: work };
    const { restarts, startupKills } = await killRestartLoop({
      job: options.job,
      env: { ...env, CHAOS_RATE: String(options.rate ?? 1500) },
      kills,
      random,
      startupWindowMs: 1000,
      windowMs: 500,
      endedEarly: 'fail',
      timeoutMs: runTimeoutMs,
      afterKill: async () => void (await evictor.evictAll(groupId)),
      log: (l) => log(`kafka aggregate ${l}`),
      logEvery: 5,
    });
    const committedByKilledRuns = kcatConsume(output, '%s\\n', true).length;
    await finalRun(options.job, env, /^DONE \d+$/m);

    // The last commit returned before the job exited; its markers reach the partitions a few ms later.
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const settleBy = Date.now() + 10_000;
    let committed = kcatConsume(output, '%k:%s\\n', true);
    while (committed.length < records && Date.now() < settleBy) {
      await sleep(100);
      committed = kcatConsume(output, '%k:%s\\n', true);
    }
    const uncommitted = kcatConsume(output, '%k:%s\\n', false);
    const got = new Map<string, string[]>();
    for (const line of committed) {
      const [key, value] = line.split(':') as [string, string];
      let list = got.get(key);
      if (!list) got.set(key, (list = []));
      list.push(value);
    }
    const wrongKeys: string[] = [];
    for (const key of new Set([...amounts.keys(), ...got.keys()])) {
      let total = 0;
      const expected = (amounts.get(key) ?? []).map((a, i) => `${i + 1},${(total += a)}`);
      const actual = got.get(key) ?? [];
      const at = expected.findIndex((e, i) => actual[i] !== e);
      if (at >= 0 || actual.length !== expected.length) {
        const i = at >= 0 ? at : Math.min(actual.length, expected.length);
        wrongKeys.push(`${key}: ${actual.length} totals for ${expected.length} records, first difference at #${i + 1}: got ${actual[i] ?? 'nothing'}, expected ${expected[i] ?? 'nothing'}`);
      }
    }
    const offsetsAtEnd = await groupOffsetsAtEnd(setup, settleBy);
    return {
      seed: options.seed,
      restarts,
      startupKills,
      committedByKilledRuns,
      records,
      emitted: committed.length,
      wrongKeys,
      abortedOutputRecords: uncommitted.length - committed.length,
      offsetsAtEnd,
      exact: wrongKeys.length === 0 && committed.length === records && offsetsAtEnd,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await setup.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

export function formatAggregateReport(r: AggregateChaosReport): string {
  return (
    `kafka aggregate chaos [seed ${r.seed}]: restarts survived ${r.restarts} (${r.startupKills} during start-up), ` +
    `${r.emitted} totals for ${r.records} records (${r.committedByKilledRuns} committed by the killed runs), ` +
    `keys wrong ${r.wrongKeys.length}${r.wrongKeys.length ? ` [${r.wrongKeys.join('; ')}]` : ''}, aborted output records ${r.abortedOutputRecords}, ` +
    `offsets at end ${r.offsetsAtEnd}, exact ${r.exact} (${r.seconds.toFixed(1)} s)`
  );
}
