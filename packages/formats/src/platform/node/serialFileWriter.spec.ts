import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialFileWriter } from '@streamweave/formats/node';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('serialFileWriter', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'formats-serial-writer-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the header once, then every chunk in the order queued, and counts the bytes', async () => {
    const path = join(dir, 'a.bin');
    writeFileSync(path, 'old content, truncated');
    const header = jest.fn(() => bytes('H|'));
    const file = serialFileWriter(path, { header });
    expect(readFileSync(path, 'utf8')).toBe('old content, truncated'); // opened at the first write
    const first = file.write([bytes('one'), bytes(''), bytes('|two')]);
    const second = file.write([bytes('|three')]);
    await Promise.all([first, second]);
    await file.finish();
    expect(readFileSync(path, 'utf8')).toBe('H|one|two|three');
    expect(file.bytes).toBe(15);
    expect(header).toHaveBeenCalledTimes(1);
  });

  it('creates the file (with its header) at finish when nothing was written', async () => {
    const withHeader = join(dir, 'empty-h.bin');
    const h = serialFileWriter(withHeader, { header: () => bytes('HDR') });
    await h.finish();
    expect(readFileSync(withHeader, 'utf8')).toBe('HDR');
    const bare = join(dir, 'empty.bin');
    const b = serialFileWriter(bare);
    await b.finish();
    expect(readFileSync(bare, 'utf8')).toBe('');
    expect(b.bytes).toBe(0);
  });

  it('rejects every write and the finish with the first failure', async () => {
    const file = serialFileWriter(join(dir, 'missing-dir', 'x.bin'));
    await expect(file.write([bytes('a')])).rejects.toThrow(/ENOENT/);
    await expect(file.write([bytes('b')])).rejects.toThrow(/ENOENT/);
    await expect(file.finish()).rejects.toThrow(/ENOENT/);
    file.teardown();
  });

  it('lets the write in flight finish on teardown', async () => {
    const path = join(dir, 'torn.bin');
    const file = serialFileWriter(path);
    const pending = file.write([bytes('kept')]);
    file.teardown();
    await pending;
    expect(readFileSync(path, 'utf8')).toBe('kept');
  });
});
