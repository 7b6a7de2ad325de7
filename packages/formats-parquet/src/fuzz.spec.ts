/** Property tests: parquetDecode, fed random, truncated and corrupted bytes, decodes or raises ParquetFormatError. */

import { ParquetFormatError, parquetDecode, parquetEncode } from '@streamweave/formats-parquet';
import fc from 'fast-check';
import { concat, decodeOrTypedError, mutate, runCodec, splitAt } from '@streamweave/testing';

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

describe('parquetDecode fuzzing', () => {
  let valid: Uint8Array[] = [];
  beforeAll(async () => {
    valid = [];
    for (const size of [1, 3, 7]) {
      const rows = Array.from({ length: 7 }, (_, i) => ({ id: i, s: `v${i}`, f: i / 3, b: i % 2 === 0 }));
      valid.push(concat((await runCodec(parquetEncode({ rowGroupSize: size }), rows)).items));
    }
  });

  it('random, truncated and corrupted input decodes or raises ParquetFormatError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 2 }).map((i) => valid[i]!)), mutation, fc.array(fc.nat(), { maxLength: 4 }), async (bytes, m, cuts) => {
        await decodeOrTypedError(() => parquetDecode(), splitAt(mutate(bytes, m), cuts), ParquetFormatError);
      }),
      { numRuns: 200 },
    );
  });
});
