/**
 * How kafkaTransactionalSink stores its pre-committed epochs in a checkpoint: plain JSON
 * (a checkpoint is JSON), Buffers as base64, so a restarted process can commit them.
 */
import type { KafkaOffsets, KafkaOutgoing } from '../kafkaClient.js';
import { parseOffsets } from './offsets.js';

/** One checkpoint epoch's output and the source's offsets at its barrier, waiting for the checkpoint to complete. */
export interface PreCommittedEpoch {
  /** Number of the epoch's commit (per transactionalId, never reused): the commit marker holds the last one committed, plus one. */
  readonly seq: number;
  /** The checkpoint whose completion commits it (`'end'`: the final checkpoint). */
  readonly checkpoint: number | 'end';
  readonly records: readonly KafkaOutgoing[];
  /** The source's offsets at the barrier; committed for the consumer group in the same transaction. */
  readonly offsets: KafkaOffsets | undefined;
  /** The epoch's JSON, built once (it is stored again by every checkpoint taken before it commits). */
  json?: string;
}

/** The sink's checkpoint state: the next commit number and the epochs not yet committed. */
export interface EpochSnapshot {
  readonly nextSeq: number;
  readonly pending: PreCommittedEpoch[];
}

type Bytes = string | { readonly b: string } | null;

const encodeBytes = (v: string | Buffer | null | undefined): Bytes | undefined =>
  v === undefined ? undefined : v === null || typeof v === 'string' ? v : { b: v.toString('base64') };

function decodeBytes(component: string, v: unknown): string | Buffer | null {
  if (v === null || typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && typeof (v as { b?: unknown }).b === 'string') return Buffer.from((v as { b: string }).b, 'base64');
  throw new Error(`${component}: a restored record field must be a string, null or { b: base64 }, got ${JSON.stringify(v)}`);
}

function encodeEpoch(e: PreCommittedEpoch): string {
  return (e.json ??= JSON.stringify({
    seq: e.seq,
    checkpoint: e.checkpoint,
    offsets: e.offsets ?? null,
    records: e.records.map((r) => {
      let headers: Record<string, Bytes> | undefined;
      if (r.headers) {
        headers = {};
        for (const [k, v] of Object.entries(r.headers)) headers[k] = encodeBytes(v)!;
      }
      return { t: r.topic, k: encodeBytes(r.key), v: encodeBytes(r.value), h: headers, p: r.partition };
    }),
  }));
}

/** The snapshot entries of the sink's state. */
export function encodeEpochs(nextSeq: number, pending: readonly PreCommittedEpoch[]): Array<[string, string]> {
  return [['epochs', `{"nextSeq":${nextSeq},"pending":[${pending.map(encodeEpoch).join(',')}]}`]];
}

/** Reads what {@link encodeEpochs} stored; throws naming `component` when it is not that shape. */
export function decodeEpochs(component: string, snapshot: ReadonlyArray<readonly [string, string]>): EpochSnapshot {
  // The barrier-commit mode's snapshot (every epoch committed at its barrier already).
  if (snapshot.length === 0) return { nextSeq: 0, pending: [] };
  const entry = snapshot.find(([k]) => k === 'epochs');
  if (!entry) throw new Error(`${component}: the restored state has no "epochs" entry (it was not written by kafkaTransactionalSink)`);
  const raw = JSON.parse(entry[1]) as { nextSeq: unknown; pending: unknown };
  if (typeof raw.nextSeq !== 'number' || !Array.isArray(raw.pending)) throw new Error(`${component}: the restored "epochs" entry is malformed`);
  const pending = (raw.pending as Array<Record<string, unknown>>).map((e): PreCommittedEpoch => {
    if (typeof e.seq !== 'number' || !(typeof e.checkpoint === 'number' || e.checkpoint === 'end') || !Array.isArray(e.records)) {
      throw new Error(`${component}: a restored epoch is malformed: ${JSON.stringify(e).slice(0, 200)}`);
    }
    const records = (e.records as Array<Record<string, unknown>>).map((r): KafkaOutgoing => {
      const out: { topic: string; value: string | Buffer | null; key?: string | Buffer | null; headers?: Record<string, string | Buffer>; partition?: number } = {
        topic: String(r.t),
        value: decodeBytes(component, r.v),
      };
      if (r.k !== undefined) out.key = decodeBytes(component, r.k);
      if (r.h !== undefined) {
        out.headers = {};
        for (const [k, v] of Object.entries(r.h as Record<string, unknown>)) out.headers[k] = decodeBytes(component, v) ?? '';
      }
      if (typeof r.p === 'number') out.partition = r.p;
      return out;
    });
    return {
      seq: e.seq,
      checkpoint: e.checkpoint,
      records,
      offsets: e.offsets === null || e.offsets === undefined ? undefined : parseOffsets(component, e.offsets as never),
    };
  });
  return { nextSeq: raw.nextSeq, pending };
}
