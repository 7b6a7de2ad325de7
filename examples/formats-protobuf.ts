// Protocol Buffers: load a .proto at run time, write a length-delimited file, read it back in small chunks,
// resume from a checkpointed position, and see a bad message reported and skipped.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointBarrier, collect, forEach, fromArray, type JsonValue, onError, pipeline, type RunHandle } from '@streamweave/core';
import { protobufDecode } from '@streamweave/formats-protobuf';
import { loadProtoType, readProtobufFile, writeProtobufFile } from '@streamweave/formats-protobuf/node';

const dir = mkdtempSync(join(tmpdir(), 'streamweave-protobuf-example-'));
try {
  const proto = join(dir, 'metrics.proto');
  writeFileSync(
    proto,
    `syntax = "proto3";
package metrics;
message Sample { string host = 1; int64 at = 2; double cpu = 3; map<string, string> labels = 4; }`,
  );
  const Sample = await loadProtoType(proto, 'metrics.Sample');
  const samples = Array.from({ length: 500 }, (_, i) => ({ host: `h${i % 4}`, at: String(1_700_000_000_000 + i * 1000), cpu: (i % 100) / 100, labels: { dc: 'ams' } }));
  const asJson = { longs: String, defaults: true };

  // 1. Write a length-delimited file (varint length + message, as Java's writeDelimitedTo) and read it back.
  const file = join(dir, 'samples.bin');
  const written = await pipeline().from(fromArray(samples)).to(writeProtobufFile(file, Sample, { input: 'json' })).run();
  const { result } = await pipeline().from(readProtobufFile(file, Sample, { chunkBytes: 100, toObject: asJson })).to(collect()).run();
  console.log(`wrote ${written.result.messages} samples (${written.result.bytes} bytes), read back ${result.length}; #7:`, result[7]);
  const same = (a: (typeof samples)[number], b: unknown) => {
    const r = b as typeof a;
    return a.host === r.host && a.at === r.at && a.cpu === r.cpu && a.labels.dc === r.labels.dc;
  };
  if (result.length !== samples.length || !samples.every((s, i) => same(s, result[i]))) throw new Error('round trip changed the samples');

  // 2. Checkpoint while reading, then restore: the second run continues right after the checkpointed message.
  let position: JsonValue | undefined;
  // The barrier is injected while the sink handles sample #120, as a checkpoint coordinator would mid-stream.
  const first: RunHandle<number> = pipeline()
    .from(readProtobufFile(file, Sample, { name: 'samples', toObject: asJson }))
    .to(forEach((_s, i) => void (i === 120 && first.injectBarrier(checkpointBarrier(1, Date.now())))))
    .start({ checkpoints: { onSourceBarrier: (_id, _b, pos) => (position = pos) } });
  await first.result;
  const resumed = await pipeline()
    .from(readProtobufFile(file, Sample, { name: 'samples', toObject: asJson }))
    .to(collect())
    .run({ restore: { positions: { samples: position! } } });
  console.log('checkpoint position', position, `→ restored run read ${resumed.result.length} samples`);
  if (resumed.result.length !== samples.length - (position as { index: number }).index) throw new Error('restore did not resume at the position');

  // 3. A message that does not parse is reported with its byte offset and index, skipped and counted.
  const good = readFileSync(file);
  const afterFirst = good[0]! + 1; // the first message: its one-byte length prefix + body
  const stream = Buffer.concat([good.subarray(0, afterFirst), Buffer.from([2, 0x0f, 0xff]), good.subarray(afterFirst)]);
  const { result: kept, stats } = await pipeline()
    .from(fromArray([stream]))
    .pipe(protobufDecode(Sample, { name: 'decode', errors: onError.skip() }))
    .to(collect())
    .run({ hooks: { onError: (_id, e) => console.log('reported:', e.message) } });
  console.log(`kept ${kept.length}, skipped ${stats['decode']!.skipped}`);
  if (kept.length !== 500 || stats['decode']!.skipped !== 1) throw new Error('bad message not accounted for');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
