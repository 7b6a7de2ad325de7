/** Property tests: arrowDecode, fed random, truncated and corrupted bytes, decodes or raises ArrowFormatError. */
import { ArrowFormatError, arrowDecode } from '@streamweave/formats-arrow';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { decodeOrTypedError, mutate, splitAt } from '@streamweave/testing';

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

describe('arrowDecode fuzzing', () => {
  const valid = fc
    .tuple(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 20 }), fc.constantFrom('stream' as const, 'file' as const))
    .map(([ints, format]) => tableToIPC(tableFromArrays({ n: Int32Array.from(ints), s: ints.map((i) => `v${i}`) }), format));

  it('decodes valid IPC exactly whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 6 }), async (ints, cuts) => {
        const out = await decodeOrTypedError(() => arrowDecode(), splitAt(tableToIPC(tableFromArrays({ n: Int32Array.from(ints) }), 'stream'), cuts), ArrowFormatError);
        expect(out).toEqual(ints.map((n) => ({ n })));
      }),
      { numRuns: 100 },
    );
  });

  it('random, truncated and corrupted input decodes or raises ArrowFormatError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), valid), mutation, fc.array(fc.nat(), { maxLength: 6 }), async (bytes, m, cuts) => {
        await decodeOrTypedError(() => arrowDecode({ maxMessageBytes: 1 << 20 }), splitAt(mutate(bytes, m), cuts), ArrowFormatError);
      }),
      { numRuns: 200 },
    );
  });
});
