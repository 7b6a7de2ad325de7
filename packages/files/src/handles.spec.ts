import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, fromArray, pipeline, take, VirtualClock } from '@streamweave/core';
import { snapshotActiveHandles } from '@streamweave/testing';
import { openAtomic, readChunks, readGlob, readLines, writeChunks, writeLines } from './index.js';

// Every source and sink must close its file descriptors on every ending: completion, failure, cancellation.
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-handles-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fdDir = '/proc/self/fd';
const openFds = async () => (await readdir(fdDir)).length;

describe('file descriptors', () => {
  it('are all closed after completed, failed, cut-short and cancelled runs', async () => {
    if (!existsSync(fdDir)) {
      console.log(`skipping the descriptor count: ${fdDir} does not exist on this platform`);
      return;
    }
    const p = join(dir, 'in.txt');
    await writeFile(p, 'a\nbb\nccccccccccc\nd\n');
    const handles = snapshotActiveHandles();
    const before = await openFds();
    for (let i = 0; i < 10; i++) {
      await pipeline().from(readLines(p)).to(collect()).run();
      await pipeline().from(readLines(p, { maxLineLength: 3 })).to(collect()).run().catch(() => undefined);
      await pipeline().from(readLines(p)).pipe(take(1)).to(collect()).run();
      await pipeline().from(readChunks(p, { chunkSize: 2 })).to(collect()).run();
      await pipeline().from(readGlob('*.txt', { cwd: dir })).pipe(take(2)).to(collect()).run();
      await pipeline().from(fromArray(['x'])).to(writeLines(join(dir, `out${i}.log`), { rotate: { maxBytes: 1 } })).run();
      await pipeline().from(fromArray<Uint8Array>([Buffer.from('x')])).to(writeChunks(join(dir, `out${i}.bin`))).run();
      const clock = new VirtualClock();
      const tail = pipeline().from(readLines(p, { follow: true })).to(collect()).start({ clock });
      await new Promise((r) => setTimeout(r, 5));
      tail.cancel();
      await tail.result.catch(() => undefined);
      const w = await openAtomic(join(dir, `atomic${i}`));
      await w.write('x');
      await w.abort();
    }
    // A timer due within half a second (a close still completing under CI load) is not a leak.
    await handles.expectNoLeaks(20, 500);
    // Each scenario ran 10 times, so one leaking component leaves >= 10 descriptors; a
    // margin below that absorbs descriptors the test runner itself may open meanwhile.
    expect((await openFds()) - before).toBeLessThan(5);
  });
});
