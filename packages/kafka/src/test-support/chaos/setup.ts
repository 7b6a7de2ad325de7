/**
 * What both SIGKILL chaos drivers set up and check around their kill loop: the input and
 * output topics (3 partitions each), the consumer group and its evictor, the job's
 * environment, the final uninterrupted run, and whether the group's committed offsets
 * reached the input's end.
 */
import { type ChaosJob, startChaosRun } from '@streamweave/testing/node';
import { createTopic, deleteTopic, type KafkaClient, kafkajsClient } from '../../index.js';
import { unique } from '../services.js';
import { type GroupEvictor, groupEvictor } from './evict.js';

/** Longest a chaos run may take before it counts as hung. */
export const runTimeoutMs = 60_000;

/** A chaos run's topics, group and the environment its job reads them from. */
export interface ChaosSetup {
  readonly client: KafkaClient;
  readonly input: string;
  readonly output: string;
  readonly groupId: string;
  readonly evictor: GroupEvictor;
  /** CHAOS_BROKERS, CHAOS_INPUT, CHAOS_OUTPUT, CHAOS_GROUP and CHAOS_TXN_ID over this process's environment. */
  readonly env: NodeJS.ProcessEnv;
  /** Closes the evictor and deletes the topics. */
  cleanup(): Promise<void>;
}

/** Creates the topics (named `<prefix>-in` / `-out`, made unique) and the group evictor. */
export async function chaosSetup(brokers: readonly string[], prefix: string): Promise<ChaosSetup> {
  const client = kafkajsClient({ brokers: [...brokers], retries: 8 });
  const input = unique(`${prefix}-in`);
  const output = unique(`${prefix}-out`);
  const groupId = unique(`${prefix}-g`);
  await createTopic(client, input, 3);
  await createTopic(client, output, 3);
  const evictor = await groupEvictor(brokers);
  const env = {
    ...process.env,
    CHAOS_BROKERS: brokers.join(','),
    CHAOS_INPUT: input,
    CHAOS_OUTPUT: output,
    CHAOS_GROUP: groupId,
    CHAOS_TXN_ID: unique(`${prefix}-txn`),
  };
  return {
    client,
    input,
    output,
    groupId,
    evictor,
    env,
    async cleanup() {
      await evictor.close().catch(() => undefined);
      for (const t of [input, output]) await deleteTopic(client, t).catch(() => undefined);
    },
  };
}

/** Runs the job once more, unthrottled and not killed; throws with its output unless it exits 0 printing a line matching `done`. */
export async function finalRun(job: ChaosJob, env: NodeJS.ProcessEnv, done: RegExp): Promise<void> {
  const r = await startChaosRun(job, { ...env, CHAOS_RATE: '0' }, { timeoutMs: runTimeoutMs }).exit;
  if (r.code !== 0 || !done.test(r.stdout)) throw new Error(`final chaos run failed (exit ${String(r.code ?? r.signal)}):\n${r.stdout}\n${r.stderr}`);
}

/** True when the group's committed offsets equal the input's end offsets, polled until `deadline` (epoch ms; once when past). */
export async function groupOffsetsAtEnd(setup: ChaosSetup, deadline: number): Promise<boolean> {
  const admin = await setup.client.admin();
  try {
    const ends = JSON.stringify(await admin.endOffsets(setup.input));
    for (;;) {
      if (JSON.stringify(await admin.groupOffsets(setup.groupId, setup.input)) === ends) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.close();
  }
}
