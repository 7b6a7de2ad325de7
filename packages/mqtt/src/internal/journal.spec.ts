import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, decodeSegment, deleteThrough, encodeRecord, Journal, JournalError, listSegments } from './journal.js';

let dir: string;
// One journal open at a time per directory (the lock): `open` closes the previous one first.
let last: Journal | undefined;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mqttjournal-unit-'))));
afterEach(() => {
  last?.close();
  last = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const open = (segmentBytes?: number, minNextSeq?: number) => {
  last?.close();
  last = Journal.open(dir, { fsync: false, ...(segmentBytes ? { segmentBytes } : {}) }, minNextSeq);
  return last;
};
const texts = (j: Journal, after = 0) => [...j.replay(after)].map((r) => `${r.seq}:${r.topic}:${r.payload.toString()}:${r.qos}:${r.retain}`);
const names = () => readdirSync(dir).sort();

describe('write-ahead journal of mqttSource (no broker)', () => {
  it('frames a record as length, crc32, flags, seq, topic and payload, and decodes it back', () => {
    const buf = encodeRecord({ seq: 7, qos: 2, retain: true, topic: 'a/b', payload: Buffer.from('hi') });
    expect(buf.readUInt32LE(0)).toBe(1 + 6 + 2 + 3 + 2);
    expect(buf.readUInt32LE(4)).toBe(crc32(buf.subarray(8)));
    expect(buf.readUInt8(8)).toBe(2 | 4);
    expect(buf.readUIntLE(9, 6)).toBe(7);
    expect(buf.subarray(17).toString()).toBe('a/bhi');
    expect(decodeSegment(buf, 'f', 7, false)).toEqual({ records: [{ seq: 7, qos: 2, retain: true, topic: 'a/b', payload: Buffer.from('hi') }], validBytes: buf.length, torn: false });
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('appends to a new segment per open, numbers on across opens, replays after a seq', () => {
    const a = open();
    expect([a.append(1, false, 't/1', Buffer.from('one')), a.append(2, true, 't/2', Buffer.from('two'))]).toEqual([1, 2]);
    a.close();
    const b = open();
    expect(b.nextSeq).toBe(3);
    expect(b.append(1, false, 't/3', Buffer.from('')), ).toBe(3);
    b.close();
    expect(names()).toEqual(['0000000000000001.journal', '0000000000000003.journal']);
    const c = open();
    expect(texts(c)).toEqual(['1:t/1:one:1:false', '2:t/2:two:2:true', '3:t/3::1:false']);
    expect(texts(c, 2)).toEqual(['3:t/3::1:false']);
    expect(texts(c, 3)).toEqual([]);
    expect(c.firstSeq).toBe(1);
  });

  it('rolls a segment at a barrier (only when the open one holds records) and past segmentBytes', () => {
    const j = open(60);
    j.roll(); // nothing open yet
    j.append(1, false, 't', Buffer.from('a'));
    j.roll();
    j.roll();
    j.append(1, false, 't', Buffer.from('b'));
    j.append(1, false, 't', Buffer.alloc(50));
    j.append(1, false, 't', Buffer.from('d')); // the segment passed 60 bytes
    j.close();
    expect(names()).toEqual(['0000000000000001.journal', '0000000000000002.journal', '0000000000000004.journal']);
    expect([...open().replay(0)].map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('deletes the segments a completed checkpoint covers, keeping the newest', () => {
    const j = open();
    for (let i = 0; i < 6; i++) {
      j.append(1, false, 't', Buffer.from(String(i)));
      if (i % 2 === 1) j.roll();
    }
    j.close();
    expect(names()).toEqual(['0000000000000001.journal', '0000000000000003.journal', '0000000000000005.journal']);
    expect(deleteThrough(dir, 1)).toEqual([]); // segment 1-2 is not wholly covered
    expect(deleteThrough(dir, 3).map((f) => f.slice(dir.length + 1))).toEqual(['0000000000000001.journal']);
    expect(deleteThrough(dir, 6).map((f) => f.slice(dir.length + 1))).toEqual(['0000000000000003.journal']);
    expect(names()).toEqual(['0000000000000005.journal']);
    const k = open();
    expect(k.firstSeq).toBe(5);
    expect(k.nextSeq).toBe(7);
    expect(deleteThrough(join(dir, 'missing'), 9)).toEqual([]);
  });

  it('ignores and cuts off a torn tail record of the newest segment, then appends after it', () => {
    const j = open();
    j.append(1, false, 't', Buffer.from('kept'));
    j.close();
    const file = join(dir, '0000000000000001.journal');
    const whole = statSync(file).size;
    const next = encodeRecord({ seq: 2, qos: 1, retain: false, topic: 't', payload: Buffer.from('torn') });
    appendFileSync(file, next.subarray(0, next.length - 3));
    const k = open();
    expect(statSync(file).size).toBe(whole);
    expect(k.nextSeq).toBe(2);
    expect(texts(k)).toEqual(['1:t:kept:1:false']);
    // A header cut short, and a last record with a bad checksum (zeros from a power loss), are torn tails too.
    appendFileSync(file, Buffer.from([1, 2, 3]));
    expect(texts(open())).toEqual(['1:t:kept:1:false']);
    const zeroed = Buffer.from(next);
    zeroed.fill(0, 12);
    appendFileSync(file, zeroed);
    const m = open();
    expect(statSync(file).size).toBe(whole);
    expect(m.append(1, false, 't', Buffer.from('after'))).toBe(2);
    m.close();
    expect(texts(open())).toEqual(['1:t:kept:1:false', '2:t:after:1:false']);
  });

  it('fails on a corrupt record in the middle, naming the file, the byte offset, the record and the cause', () => {
    const j = open();
    for (const p of ['a', 'b', 'c']) j.append(1, false, 't', Buffer.from(p));
    j.close();
    const file = join(dir, '0000000000000001.journal');
    const buf = readFileSync(file);
    const second = buf.readUInt32LE(0) + 8;
    buf[second + 8 + 9] = 'X'.charCodeAt(0); // the payload of record #1
    writeFileSync(file, buf);
    expect(() => open()).toThrow(`corrupt record #1 (seq 2): checksum mismatch (at ${file}, byte ${second})`);
    // Another segment, so the bad one is no longer the newest: opening works, replaying fails.
    writeFileSync(join(dir, '0000000000000004.journal'), encodeRecord({ seq: 4, qos: 1, retain: false, topic: 't', payload: Buffer.from('d') }));
    const k = open();
    expect(() => [...k.replay(0)]).toThrow(new JournalError('corrupt record #1 (seq 2): checksum mismatch', file, second));
    expect(() => [...k.replay(0)]).toThrow(`corrupt record #1 (seq 2): checksum mismatch (at ${file}, byte ${second})`);
  });

  it('fails on a torn record in an older segment and on a sequence number out of order', () => {
    const older = join(dir, '0000000000000001.journal');
    const rec = encodeRecord({ seq: 1, qos: 1, retain: false, topic: 't', payload: Buffer.from('a') });
    writeFileSync(older, rec.subarray(0, 10));
    writeFileSync(join(dir, '0000000000000002.journal'), encodeRecord({ seq: 5, qos: 1, retain: false, topic: 't', payload: Buffer.from('b') }));
    expect(() => open()).toThrow(`corrupt record #0: sequence number 5, expected 2 (at ${join(dir, '0000000000000002.journal')}, byte 0)`);
    writeFileSync(join(dir, '0000000000000002.journal'), '');
    expect(() => [...open().replay(0)]).toThrow(`corrupt record #0 (seq 1): the record is 11 bytes long but the file ends 2 bytes after its header (at ${older}, byte 0)`);
    writeFileSync(older, Buffer.from([1, 0]));
    expect(() => [...open().replay(0)]).toThrow(`corrupt record #0 (seq 1): the file ends inside a record header (at ${older}, byte 0)`);
  });

  it('rejects malformed lengths inside a checksummed record', () => {
    const body = Buffer.from([1, 1, 0, 0, 0, 0, 0, 200, 0]); // topic length 200 in a 9-byte body
    const bad = Buffer.alloc(8 + body.length);
    bad.writeUInt32LE(body.length, 0);
    bad.writeInt32LE(crc32(body) | 0, 4);
    body.copy(bad, 8);
    expect(() => decodeSegment(bad, 'f', 1, true)).toThrow('corrupt record #0: topic length 200 exceeds the record (at f, byte 0)');
    const short = Buffer.alloc(8 + 2);
    short.writeUInt32LE(2, 0);
    short.writeInt32LE(crc32(Buffer.alloc(2)) | 0, 4);
    expect(() => decodeSegment(short, 'f', 1, true)).toThrow('corrupt record #0: body of 2 bytes is shorter than its fixed fields (at f, byte 0)');
    expect(() => encodeRecord({ seq: 1, qos: 1, retain: false, topic: 'x'.repeat(70_000), payload: Buffer.alloc(0) })).toThrow('topic longer than 65535 bytes');
  });

  it('starts numbering past a restored position beyond the journal, and lists only segment files', () => {
    writeFileSync(join(dir, 'notes.txt'), 'x');
    const j = open(undefined, 41);
    expect(j.nextSeq).toBe(41);
    expect(j.append(1, false, 't', Buffer.from('x'))).toBe(41);
    j.close();
    expect(listSegments(dir).map((s) => s.seq)).toEqual([41]);
  });

  it('reports an unusable journal directory with its path and the cause', () => {
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => Journal.open(join(dir, 'file', 'sub'), { fsync: true })).toThrow(`cannot create the journal directory (at ${join(dir, 'file', 'sub')})`);
    const gone = join(dir, 'gone');
    const j = Journal.open(gone, { fsync: true });
    rmSync(gone, { recursive: true });
    last = j;
    let error: JournalError | undefined;
    try {
      j.append(1, false, 't', Buffer.from('x'));
    } catch (e) {
      error = e as JournalError;
    }
    expect(error).toBeInstanceOf(JournalError);
    expect(error!.message).toBe(`cannot create a journal segment (at ${join(gone, '0000000000000001.journal')})`);
    expect((error!.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('fsyncs appends and new segments when asked', () => {
    const j = Journal.open(dir, { fsync: true });
    j.append(2, false, 't', Buffer.from('durable'));
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    j.close();
    expect(texts(open())).toEqual(['1:t:durable:2:false']);
  });

  it('two journals of one directory in one process: the second fails naming the directory and this pid; closing releases it', () => {
    const a = open();
    let error: JournalError | undefined;
    try {
      Journal.open(dir, { fsync: false });
    } catch (e) {
      error = e as JournalError;
    }
    expect(error).toBeInstanceOf(JournalError);
    expect(error!.message).toBe(
      `the journal ${dir} is locked by this process (pid ${process.pid}): another run of the source has it open; two runs must not share one journal directory (at ${join(dir, 'lock')})`,
    );
    a.close();
    a.close();
    expect(names()).toEqual([]);
    expect(() => a.append(1, false, 't', Buffer.from('x'))).toThrow(`the journal was closed (at ${dir})`);
    const b = open();
    expect(b.append(1, false, 't', Buffer.from('x'))).toBe(1);
    // A journal that fails to open (a corrupt newest segment that is not a torn tail) does not keep the lock.
    b.close();
    writeFileSync(join(dir, '0000000000000002.journal'), encodeRecord({ seq: 9, qos: 1, retain: false, topic: 't', payload: Buffer.from('x') }));
    expect(() => open()).toThrow('corrupt record #0: sequence number 9, expected 2');
    expect(names()).toEqual(['0000000000000001.journal', '0000000000000002.journal']);
  });

  it('a journal held by another live process fails naming its pid; once that process died, its stale lock is taken over', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `import { Journal } from ${JSON.stringify(join(__dirname, 'journal.ts'))}; Journal.open(${JSON.stringify(dir)}, { fsync: false }); console.log('held'); setInterval(() => {}, 1000);`],
      { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((r) => child.on('exit', r));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      child.on('exit', (code) => reject(new Error(`the lock-holding child exited with ${String(code)}`)));
    });
    try {
      expect(() => open()).toThrow(`the journal ${dir} is locked by process ${child.pid}; two runs must not share one journal directory (at ${join(dir, 'lock')})`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${child.pid}\n`);
    const j = open();
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    j.close();
    // A lock naming no pid (a crash between creating and writing it) is stale too.
    writeFileSync(join(dir, 'lock'), '');
    open().close();
    expect(names()).toEqual([]);
  });

  it('replays in bounded chunks: records across chunk boundaries, a record bigger than the chunk, a torn tail, and closes the file when a replay stops early', () => {
    const j = open();
    const payloads = ['a', 'x'.repeat(100), 'bc', '', 'y'.repeat(37), 'z'];
    for (const p of payloads) j.append(1, p === '', `t/${p.length}`, Buffer.from(p));
    j.close();
    last = undefined;
    const file = join(dir, '0000000000000001.journal');
    const next = encodeRecord({ seq: 7, qos: 1, retain: false, topic: 't', payload: Buffer.from('torn') });
    appendFileSync(file, next.subarray(0, 20));
    const expected = payloads.map((p, i) => `${i + 1}:t/${p.length}:${p}:1:${p === ''}`);
    for (const chunk of [1, 16, 17, 64, 1 << 20]) {
      const k = Journal.open(dir, { fsync: false, readChunkBytes: chunk });
      expect(k.nextSeq).toBe(7);
      expect(texts(k)).toEqual(expected);
      expect(texts(k, 4)).toEqual(expected.slice(4));
      k.close();
    }
    const fds = () => readdirSync('/proc/self/fd').length;
    const k = Journal.open(dir, { fsync: false, readChunkBytes: 16 });
    const before = fds();
    const it = k.replay(0);
    expect(it.next().value?.seq).toBe(1);
    expect(fds()).toBe(before + 1);
    it.return(undefined);
    expect(fds()).toBe(before);
    k.close();
  });
});
