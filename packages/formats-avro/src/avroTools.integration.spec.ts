/**
 * Interop with Apache Avro's Java implementation (avro-tools from Maven
 * Central): files written by Java are read by us, files we write are read by
 * Java, and single-object messages cross both ways.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, fromArray, pipeline } from '@streamweave/core';
import { avroDecode, avroFingerprint64, avroSingleObjectDecode, avroSingleObjectEncode } from '@streamweave/formats-avro';
import { readAvroFile, writeAvroFile } from '@streamweave/formats-avro/node';
import { avroToolsJar, java, javaBytes } from './test-support/javaTools.js';

const jar = avroToolsJar();
const describeJava = jar ? describe : describe.skip;

const schema = {
  type: 'record',
  name: 'User',
  namespace: 'interop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'score', type: ['null', 'double'] },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
    { name: 'raw', type: 'bytes' },
  ],
};
const readerV2 = {
  type: 'record',
  name: 'User',
  namespace: 'interop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'label', type: 'string', aliases: ['name'] },
    { name: 'score', type: ['null', 'double'] },
    { name: 'country', type: 'string', default: 'NL' },
  ],
};
const n = 2000;
/** Records as our decoder returns them (unions unwrapped, bytes as Buffer). */
const records = Array.from({ length: n }, (_, i) => ({
  id: i * 1_000_003,
  name: `user-${i}-é`,
  tags: i % 3 === 0 ? [] : [`t${i}`, 'x'],
  score: i % 2 === 0 ? null : i / 4,
  kind: i % 2 === 0 ? 'A' : 'B',
  raw: Buffer.from([i % 256, 0, 255]),
}));
/** The same records in Avro's JSON encoding, as avro-tools reads and prints them. */
const asAvroJson = (r: (typeof records)[number]) => ({
  ...r,
  score: r.score === null ? null : { double: r.score },
  raw: String.fromCharCode(...r.raw),
});
const plain = (xs: unknown[]) => xs.map((x) => ({ ...(x as object) }));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sw-avro-java-'));
  writeFileSync(join(dir, 'user.avsc'), JSON.stringify(schema));
  writeFileSync(join(dir, 'users.json'), records.map((r) => JSON.stringify(asAvroJson(r))).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeJava('Avro interop with Apache Avro Java (avro-tools)', () => {
  jest.setTimeout(180_000);

  it.each(['deflate', 'snappy'])('reads a %s container file written by avro-tools fromjson', async (codec) => {
    const file = join(dir, `java-${codec}.avro`);
    writeFileSync(file, javaBytes(['-jar', jar!, 'fromjson', '--schema-file', join(dir, 'user.avsc'), '--codec', codec, join(dir, 'users.json')]));
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('Obj\u0001');
    const { result } = await pipeline().from(readAvroFile(file, { chunkBytes: 1000 })).to(collect()).run();
    expect(plain(result)).toEqual(records);
    // And as arbitrary chunks through the transformer, with a reader schema (evolution).
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 333) chunks.push(bytes.subarray(i, i + 333));
    const { result: evolved } = await pipeline().from(fromArray(chunks)).pipe(avroDecode({ readerSchema: readerV2 })).to(collect()).run();
    expect(plain(evolved)).toEqual(records.map((r) => ({ id: r.id, label: r.name, score: r.score, country: 'NL' })));
  });

  it.each(['deflate', 'snappy'] as const)('writes a %s container file that avro-tools tojson reads', async (codec) => {
    const file = join(dir, `js-${codec}.avro`);
    await pipeline().from(fromArray(records)).to(writeAvroFile(file, { schema, codec, blockBytes: 4096 })).run();
    const lines = java(['-jar', jar!, 'tojson', file]).trim().split('\n');
    expect(lines.map((l: string) => JSON.parse(l) as unknown)).toEqual(records.map(asAvroJson));
    expect(readFileSync(file).includes(Buffer.from(`avro.codec\u0002${codec}`.replace('\u0002', String.fromCharCode(codec.length * 2))))).toBe(true);
  });

  it('exchanges single-object messages with Java BinaryMessageEncoder/Decoder', async () => {
    const ev = { type: 'record', name: 'Event', fields: [{ name: 'n', type: 'long' }, { name: 'tag', type: 'string' }] };
    writeFileSync(join(dir, 'ev.avsc'), JSON.stringify(ev));
    const { result } = await pipeline().from(fromArray([{ n: 7, tag: 'js' }])).pipe(avroSingleObjectEncode({ schema: ev })).to(collect()).run();
    const hex = Buffer.from(result[0]!).toString('hex');
    const [decoded, fingerprint, javaHex] = java(['-cp', jar!, join(__dirname, '..', 'test-fixtures', 'SingleObjectInterop.java'), join(dir, 'ev.avsc'), hex])
      .trim()
      .split('\n');
    expect(JSON.parse(decoded!)).toEqual({ n: 7, tag: 'js' });
    expect(BigInt(fingerprint!)).toBe(avroFingerprint64(ev));
    const { result: fromJava } = await pipeline()
      .from(fromArray([Uint8Array.from(Buffer.from(javaHex!, 'hex'))]))
      .pipe(avroSingleObjectDecode({ schemas: [ev] }))
      .to(collect())
      .run();
    expect(plain(fromJava)).toEqual([{ n: 42, tag: 'java' }]);
  });
});
