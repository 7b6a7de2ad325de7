// Write rows as a zstd Parquet file with row groups, then read it back with column projection and row-group skipping.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, fromArray, pipeline } from '@streamweave/core';
import { writeChunks } from '@streamweave/files';
import { parquetEncode, parquetSource, type RowGroupInfo, zstdCompressors } from '@streamweave/formats-parquet';

const dir = await mkdtemp(join(tmpdir(), 'streamweave-parquet-'));
try {
  const file = join(dir, 'events.parquet');
  const events = Array.from({ length: 10_000 }, (_, i) => ({ ts: 1_700_000_000_000 + i * 1000, user: `u${i % 50}`, amount: (i % 97) / 4 }));

  const written = await pipeline()
    .from(fromArray(events))
    .pipe(parquetEncode({ columns: [{ name: 'ts', type: 'INT64' }, 'user', 'amount'], rowGroupSize: 2_000, compression: 'zstd', compressors: await zstdCompressors() }))
    .to(writeChunks(file))
    .run();
  console.log('written:', written.result);

  // Only the last 2 000 seconds, only two columns: row groups whose max ts is older are never decoded.
  const since = 1_700_000_000_000 + 8_000 * 1000;
  const visited: number[] = [];
  const { result } = await pipeline()
    .from(
      parquetSource(new Uint8Array(await readFile(file)), {
        source: file,
        columns: ['ts', 'amount'],
        rowGroupFilter: (g: RowGroupInfo) => (visited.push(g.index), Number(g.columns.ts?.max) >= since),
      }),
    )
    .to(collect<{ ts: bigint; amount: number }>())
    .run();
  const recent = result.filter((r) => Number(r.ts) >= since);
  console.log(`row groups seen: ${visited.length}, rows decoded: ${result.length}, recent rows: ${recent.length}`);
  console.log('first recent row:', recent[0]);

  // Self-check.
  if (visited.length !== 5 || result.length !== 2_000 || recent.length !== 2_000) throw new Error('unexpected row-group skipping');
  if (Number(recent[0]!.ts) !== since || recent[0]!.amount !== ((8_000 % 97) / 4) || 'user' in recent[0]!) throw new Error(`unexpected row ${JSON.stringify(recent[0], (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
