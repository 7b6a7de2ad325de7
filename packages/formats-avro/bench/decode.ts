/**
 * Decode throughput of avroDecode (container files, through a pipeline, in
 * 64 KiB chunks) vs avsc used directly (its BlockDecoder stream fed the same
 * chunks), in one run, per codec. Prints MB/s, records/s and our/baseline ratio.
 *
 *   pnpm --filter @streamweave/formats-avro bench            # 200 000 records
 *   BENCH_RECORDS=50000 pnpm --filter @streamweave/formats-avro bench
 */
import { Readable } from 'node:stream';
import avro from 'avsc';
import snappy from 'snappyjs';
import { collect, fromArray, pipeline, reduceTo } from '@streamweave/core';
import { avroDecode, avroEncode, type AvroCodec } from '@streamweave/formats-avro';

const records = Number(process.env['BENCH_RECORDS'] ?? 200_000);
const rounds = 9;
const chunkBytes = 64 * 1024;
const schema = {
  type: 'record',
  name: 'Event',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'user', type: 'string' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['VIEW', 'CLICK', 'BUY'] } },
    { name: 'amount', type: ['null', 'double'] },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'ts', type: 'long' },
  ],
};
const kinds = ['VIEW', 'CLICK', 'BUY'];

async function makeFile(codec: AvroCodec): Promise<Uint8Array[]> {
  const rows = Array.from({ length: records }, (_, i) => ({
    id: i,
    user: `user-${i % 5000}`,
    kind: kinds[i % 3],
    amount: i % 4 === 0 ? null : i / 100,
    tags: i % 5 === 0 ? [] : ['a', `t${i % 17}`],
    ts: 1_700_000_000_000 + i * 13,
  }));
  const { result } = await pipeline().from(fromArray(rows)).pipe(avroEncode({ schema, codec })).to(collect()).run();
  const file = Buffer.concat(result);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < file.length; i += chunkBytes) chunks.push(file.subarray(i, i + chunkBytes));
  return chunks;
}

async function ours(chunks: Uint8Array[]): Promise<number> {
  const { result } = await pipeline()
    .from(fromArray(chunks))
    .pipe(avroDecode())
    .to(reduceTo((n: number) => n + 1, 0))
    .run();
  return result;
}

/** avsc has no snappy codec built in: give it the same pure-JS snappyjs with Avro's CRC-32 trailer check, as its docs suggest. */
const snappyCodec = (buf: Buffer, cb: (err: Error | null, out?: Buffer) => void) => {
  try {
    const out = Buffer.from(snappy.uncompress(buf.subarray(0, buf.length - 4)));
    if (crc32(out) !== buf.readUInt32BE(buf.length - 4)) throw new Error('snappy CRC mismatch');
    cb(null, out);
  } catch (e) {
    cb(e as Error);
  }
};

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
const crcTable = Uint32Array.from({ length: 256 }, (_, i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function bare(chunks: Uint8Array[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    Readable.from(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)), { objectMode: false })
      .pipe(new avro.streams.BlockDecoder({ codecs: { ...avro.streams.BlockDecoder.getDefaultCodecs(), snappy: snappyCodec } }))
      .on('data', () => n++)
      .on('end', () => resolve(n))
      .on('error', reject);
  });
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

console.log(`avro decode: ${records} records, ${chunkBytes / 1024} KiB chunks, best of ${rounds} (node ${process.version})`);
for (const codec of ['null', 'deflate', 'snappy'] as const) {
  const chunks = await makeFile(codec);
  const bytes = chunks.reduce((s, c) => s + c.length, 0);
  await ours(chunks); // warm-up
  await bare(chunks);
  const [tBare, tOurs] = await bestOfEach(() => bare(chunks), () => ours(chunks));
  const line = (name: string, ms: number) =>
    `${name.padEnd(26)} ${((bytes / 1e6) / (ms / 1000)).toFixed(1).padStart(7)} MB/s ${Math.round(records / (ms / 1000)).toLocaleString('en').padStart(11)} records/s`;
  console.log(`\ncodec ${codec} (${(bytes / 1e6).toFixed(1)} MB)`);
  console.log(line('avsc BlockDecoder (bare)', tBare));
  console.log(line('avroDecode pipeline', tOurs));
  console.log(`ratio ours/bare: ${(tBare / tOurs).toFixed(2)}x`);
}
