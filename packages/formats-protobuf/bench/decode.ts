/**
 * Decode throughput of protobufDecode (a length-delimited stream through a
 * pipeline, in 64 KiB chunks) vs protobufjs used directly (a Reader over the
 * whole buffer calling decodeDelimited until the end), in one run. Prints MB/s,
 * records/s and our/baseline ratio.
 *
 *   pnpm --filter @streamweave/formats-protobuf bench          # 200 000 messages
 *   BENCH_RECORDS=50000 pnpm --filter @streamweave/formats-protobuf bench
 */
import protobuf from 'protobufjs';
import { fromArray, pipeline, reduceTo } from '@streamweave/core';
import { protobufDecode } from '@streamweave/formats-protobuf';

const records = Number(process.env['BENCH_RECORDS'] ?? 200_000);
const rounds = 9;
const chunkBytes = 64 * 1024;
const Event = protobuf.parse(`
syntax = "proto3";
package bench;
enum Kind { VIEW = 0; CLICK = 1; BUY = 2; }
message Event { int64 id = 1; string user = 2; Kind kind = 3; double amount = 4; repeated string tags = 5; int64 ts = 6; }
`).root.lookupType('bench.Event');

const writer = protobuf.Writer.create();
for (let i = 0; i < records; i++) {
  Event.encodeDelimited(
    { id: i, user: `user-${i % 5000}`, kind: i % 3, amount: i / 100, tags: i % 5 === 0 ? [] : ['a', `t${i % 17}`], ts: 1_700_000_000_000 + i * 13 },
    writer,
  );
}
const file = writer.finish();
const chunks: Uint8Array[] = [];
for (let i = 0; i < file.length; i += chunkBytes) chunks.push(file.subarray(i, i + chunkBytes));

async function ours(): Promise<number> {
  const { result } = await pipeline()
    .from(fromArray(chunks))
    .pipe(protobufDecode(Event))
    .to(reduceTo((n: number) => n + 1, 0))
    .run();
  return result;
}

async function bare(): Promise<number> {
  const reader = protobuf.Reader.create(file);
  let n = 0;
  while (reader.pos < reader.len) {
    Event.decodeDelimited(reader);
    n++;
  }
  return n;
}

/**
 * Best time of each contender over `rounds` rounds, alternating them inside each
 * round so that load from other processes on a shared machine hits both alike.
 */
async function bestOfEach(a: () => Promise<number>, b: () => Promise<number>): Promise<[number, number]> {
  const fastest: [number, number] = [Infinity, Infinity];
  for (let r = 0; r < rounds; r++) {
    for (const [k, fn] of [a, b].entries()) {
      const t0 = performance.now();
      const n = await fn();
      const ms = performance.now() - t0;
      if (n !== records) throw new Error(`decoded ${n} records, expected ${records}`);
      fastest[k] = Math.min(fastest[k]!, ms);
    }
  }
  return fastest;
}

await ours(); // warm-up
await bare();
const [tBare, tOurs] = await bestOfEach(bare, ours);
const line = (name: string, ms: number) =>
  `${name.padEnd(34)} ${((file.length / 1e6) / (ms / 1000)).toFixed(1).padStart(7)} MB/s ${Math.round(records / (ms / 1000)).toLocaleString('en').padStart(11)} records/s`;
console.log(`protobuf decode: ${records} messages (${(file.length / 1e6).toFixed(1)} MB), ${chunkBytes / 1024} KiB chunks, best of ${rounds} (node ${process.version})`);
console.log(line('protobufjs decodeDelimited (bare)', tBare));
console.log(line('protobufDecode pipeline', tOurs));
console.log(`ratio ours/bare: ${(tBare / tOurs).toFixed(2)}x`);
