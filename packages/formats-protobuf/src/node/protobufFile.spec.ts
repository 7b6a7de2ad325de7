import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointBarrier, collect, type DeadLetter, forEach, fromArray, InvalidArgumentError, type JsonValue, onError, pipeline, type RunHandle } from '@streamweave/core';
import { type MessageCodec, ProtobufError, protobufDecode, protobufEncode } from '@streamweave/formats-protobuf';
import { loadProtoType, readProtobufFile, writeProtobufFile } from '@streamweave/formats-protobuf/node';

const fixtures = join(__dirname, '..', '..', 'test-fixtures');
const userProto = join(fixtures, 'user.proto');
const users = Array.from({ length: 300 }, (_, i) => ({
  id: String(1_000_000_000_000 + i),
  name: `user-${i}`,
  tags: i % 2 ? ['a', 'b'] : [],
  address: { city: `c${i % 7}`, zip: 1000 + i },
  role: i % 3 === 0 ? 'ADMIN' : 'MEMBER',
  scores: { math: i % 100 },
  avatar: Buffer.from([i % 256]).toString('base64'),
  ...(i % 2 ? { email: `u${i}@x.org` } : { phone: `+31${i}` }),
  balance: (i + 1) / 8,
}));
const conversion = { longs: String, enums: String, bytes: String, arrays: true };
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sw-pb-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadProtoType', () => {
  it('loads a .proto file at run time and finds the message type', async () => {
    const User = await loadProtoType(userProto, 'app.User');
    expect(User.fullName).toBe('.app.User');
    expect(Object.keys(User.fields)).toContain('address');
    const kept = await loadProtoType([userProto], 'app.User', { keepCase: true });
    expect(kept.name).toBe('User');
  });

  it('names the file or the type when loading fails', async () => {
    await expect(loadProtoType(join(dir, 'missing.proto'), 'x.Y')).rejects.toThrow(/cannot load .*missing\.proto/);
    await expect(loadProtoType(userProto, 'app.Nope')).rejects.toThrow(/no message type "app.Nope"/);
    await expect(loadProtoType([], 'x')).rejects.toThrow(InvalidArgumentError);
    await expect(loadProtoType(userProto, '')).rejects.toThrow(/typeName/);
  });
});

describe('writeProtobufFile / readProtobufFile', () => {
  it('writes and reads 300 users with small reads', async () => {
    const User = await loadProtoType(userProto, 'app.User');
    const path = join(dir, 'users.bin');
    const { result: w } = await pipeline().from(fromArray(users)).to(writeProtobufFile(path, User, { input: 'json' })).run();
    expect(w.messages).toBe(300);
    expect(w.bytes).toBe(readFileSync(path).length);
    const { result } = await pipeline().from(readProtobufFile(path, User, { chunkBytes: 50, toObject: conversion })).to(collect()).run();
    expect(result).toEqual(users);
    const { result: asMessages } = await pipeline().from(readProtobufFile(path, User)).to(collect()).run();
    expect(asMessages).toHaveLength(300);
    const { result: withDefaults } = await pipeline().from(readProtobufFile(path, User, { toObject: true })).to(collect()).run();
    expect((withDefaults[0] as { name: string }).name).toBe('user-0');
  });

  it('restores from a checkpointed position', async () => {
    const User = await loadProtoType(userProto, 'app.User');
    const path = join(dir, 'replay.bin');
    await pipeline().from(fromArray(users)).to(writeProtobufFile(path, User, { input: 'json' })).run();
    let pos: JsonValue | undefined;
    // Inject the barrier while the sink handles message #120, as a coordinator would mid-stream.
    const handle: RunHandle<number> = pipeline()
      .from(readProtobufFile(path, User, { name: 'src', chunkBytes: 300 }))
      .to(forEach((_m, i) => void (i === 120 && handle.injectBarrier(checkpointBarrier(1, 0)))))
      .start({ checkpoints: { onSourceBarrier: (_id, _b, p) => (pos = p) } });
    expect((await handle.result).result).toBe(300);
    expect((pos as { index: number }).index).toBe(121);
    const { result } = await pipeline()
      .from(readProtobufFile(path, User, { name: 'src', toObject: conversion }))
      .to(collect())
      .run({ restore: { positions: { src: pos! } } });
    expect(result).toEqual(users.slice(121));
    await expect(pipeline().from(readProtobufFile(path, User, { name: 'src' })).to(collect()).run({ restore: { positions: { src: 'x' } } })).rejects.toThrow(/cannot seek/);
  });

  it('routes bad messages and fails truncated files with path, offset and index', async () => {
    const User = await loadProtoType(userProto, 'app.User');
    const path = join(dir, 'bad.bin');
    await pipeline().from(fromArray(users.slice(0, 3))).to(writeProtobufFile(path, User, { input: 'json' })).run();
    const good = readFileSync(path);
    writeFileSync(path, Buffer.concat([good, Buffer.from([2, 0x0f, 0xff]), good]));
    const { result, deadLetter } = await pipeline()
      .from(readProtobufFile(path, User, { name: 'src', toObject: conversion, errors: onError.deadLetter() }))
      .to(collect())
      .run({ deadLetter: collect<DeadLetter>() });
    expect(result).toEqual([...users.slice(0, 3), ...users.slice(0, 3)]);
    const e = (deadLetter as DeadLetter[])[0]!.error as ProtobufError;
    expect([e.source, e.byteOffset, e.recordIndex]).toEqual([path, good.length, 3]);
    writeFileSync(path, good.subarray(0, good.length - 1));
    const err = (await pipeline().from(readProtobufFile(path, User)).to(collect()).run().catch((x: unknown) => x)) as ProtobufError;
    expect(err).toBeInstanceOf(ProtobufError);
    expect(err.recordIndex).toBe(2);
    expect(err.message).toContain('truncated');
  });

  it('keeps failing after a stop, so a retrying source strategy cannot end the run quietly', async () => {
    const User = await loadProtoType(userProto, 'app.User');
    const path = join(dir, 'trunc-retry.bin');
    await pipeline().from(fromArray(users.slice(0, 3))).to(writeProtobufFile(path, User, { input: 'json' })).run();
    const good = readFileSync(path);
    writeFileSync(path, good.subarray(0, good.length - 1));
    const err = await pipeline()
      .from(readProtobufFile(path, User, { errors: onError.retry({ maxAttempts: 3, initialDelayMs: 1, jitter: 0 }) }))
      .to(collect())
      .run()
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ProtobufError);
  });

  it('routes invalid records when writing, writes at barriers, and rejects bad arguments', async () => {
    const User = await loadProtoType(userProto, 'app.User');
    const path = join(dir, 'w.bin');
    const handle = pipeline()
      .from(fromArray([{ id: 1, name: 'a', role: 1 }, { id: 'NaN-ish', name: 5 }, { id: 2, name: 'b', avatar: Uint8Array.from([1]) }]))
      .to(writeProtobufFile(path, User, { name: 'sink', errors: onError.skip() }))
      .start();
    handle.injectBarrier(checkpointBarrier(1, 0));
    const { result, stats } = await handle.result;
    expect(result.messages).toBe(2);
    expect(stats['sink']!.skipped).toBe(1);
    expect(() => readProtobufFile('', User)).toThrow(InvalidArgumentError);
    expect(() => readProtobufFile('x', User, { chunkBytes: -1 })).toThrow(/chunkBytes/);
    expect(() => readProtobufFile('x', { decode: () => 1, encode: () => ({ finish: () => new Uint8Array() }) }, { toObject: true })).toThrow(/toObject/);
    expect(() => writeProtobufFile('', User)).toThrow(InvalidArgumentError);
    expect(() => writeProtobufFile('x', User, { input: 'xml' as never })).toThrow(/input/);
    expect(() => protobufEncode({ decode: () => 1, encode: () => ({ finish: () => new Uint8Array() }) }, { input: 'json' })).toThrow(/fromObject/);
    const { stats: s2 } = await pipeline()
      .from(fromArray([null, users[0]]))
      .pipe(protobufEncode(User, { name: 'e', input: 'json', errors: onError.skip() }))
      .to(collect())
      .run();
    expect(s2['e']!.skipped).toBe(1);
  });
});

describe('generated code (pbjs static module)', () => {
  it('uses a class generated by pbjs -t static-module as the codec', async () => {
    const pbjs = join(__dirname, '..', '..', 'node_modules', '.bin', 'pbjs');
    const out = join(dir, 'user.generated.cjs');
    const r = spawnSync(pbjs, ['-t', 'static-module', '-w', 'commonjs', '-o', out, userProto], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The generated module requires "protobufjs/minimal"; point it at this package's copy.
    const require = createRequire(__filename);
    writeFileSync(out, readFileSync(out, 'utf8').replace('require("protobufjs/minimal")', `require(${JSON.stringify(require.resolve('protobufjs/minimal'))})`));
    const generated = require(out) as { app: { User: MessageCodec } };
    const User = generated.app.User;
    const { result: wire } = await pipeline().from(fromArray(users.slice(0, 20))).pipe(protobufEncode(User, { input: 'json' })).to(collect()).run();
    const { result } = await pipeline().from(fromArray(wire)).pipe(protobufDecode(User, { toObject: conversion })).to(collect()).run();
    expect(result).toEqual(users.slice(0, 20));
    // Same bytes as the runtime-loaded type.
    const Runtime = await loadProtoType(userProto, 'app.User');
    const { result: wire2 } = await pipeline().from(fromArray(users.slice(0, 20))).pipe(protobufEncode(Runtime, { input: 'json' })).to(collect()).run();
    expect(Buffer.concat(wire).equals(Buffer.concat(wire2))).toBe(true);
  });
});
