import { defineTransformer, InvalidArgumentError, onError, StreamWeaveError, type Transformer } from '@streamweave/core';
import { decodeOrTypedError, runCodec, runCodecError, utf8 } from '../index.js';

class ToyError extends StreamWeaveError {
  override readonly name = 'ToyError';
}

/** A toy decoder: one byte per record; 0xff is bad input (ToyError), 0xfe a crash (TypeError). */
function toyDecode(): Transformer<Uint8Array, number> {
  return defineTransformer<Uint8Array, number>('toyDecode', {}, {}, (out, ctx) => ({
    item(chunk, position) {
      for (const b of chunk) {
        if (b === 0xfe) throw new TypeError('toy crash');
        if (b === 0xff) {
          const d = ctx.fail(new ToyError('bad byte', { component: ctx.component, position }), chunk, position, 1);
          if (d.action === 'stop') {
            out.error(d.error);
            return;
          }
          continue;
        }
        ctx.stats.out++;
        out.next(b);
      }
    },
  }));
}

describe('runCodec', () => {
  it('returns items, dead letters and the codec node counters', async () => {
    const r = await runCodec(toyDecode(), [Uint8Array.of(1, 0xff), Uint8Array.of(2)], onError.deadLetter());
    expect(r.items).toEqual([1, 2]);
    expect(r.dead.map((d) => [d.error.message, d.item])).toEqual([['[toyDecode "toyDecode", item #0] bad byte', Uint8Array.of(1, 0xff)]]);
    expect([r.errors, r.skipped]).toEqual([1, 1]); // a dead-lettered item counts as skipped by its node
    const skipped = await runCodec(toyDecode(), [Uint8Array.of(0xff, 3)], onError.skip());
    expect([skipped.items, skipped.dead, skipped.skipped]).toEqual([[3], [], 1]);
  });

  it('runCodecError resolves to the error of a failing run and rejects when the run succeeds', async () => {
    const e = await runCodecError(toyDecode(), [utf8('a'), Uint8Array.of(0xff)]);
    expect(e).toBeInstanceOf(ToyError);
    await expect(runCodecError(toyDecode(), [Uint8Array.of(1)])).rejects.toThrow('expected the run to fail');
  });
});

describe('decodeOrTypedError', () => {
  it('returns the items, or the typed error, and rejects any other error', async () => {
    expect(await decodeOrTypedError(() => toyDecode(), [Uint8Array.of(1), Uint8Array.of(2)], ToyError)).toEqual([1, 2]);
    const typed = await decodeOrTypedError(() => toyDecode(), [Uint8Array.of(0xff)], ToyError);
    expect(typed).toBeInstanceOf(ToyError);
    await expect(decodeOrTypedError(() => toyDecode(), [Uint8Array.of(0xfe)], ToyError)).rejects.toThrow('expected ToyError, got');
    await expect(decodeOrTypedError(() => toyDecode(), [Uint8Array.of(0xff)], InvalidArgumentError)).rejects.toThrow('expected InvalidArgumentError, got ToyError');
  });
});
