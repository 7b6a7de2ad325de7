/** The per-request source: the request body as byte chunks, with a size limit. */
import { type Producer, defineProducer, whenAborted } from '@streamweave/core';
import { HttpError } from '../httpError.js';

/** @internal */
export function requestBody(body: AsyncIterable<Uint8Array>, limitBytes: number, onEnd?: () => void): Producer<Uint8Array> {
  return defineProducer<Uint8Array>('requestBody', { limitBytes }, { name: 'requestBody' }, (ctx) => {
    const iterator = body[Symbol.asyncIterator]();
    let seen = 0;
    let done = false;
    const stopped = new Promise<'stopped'>((resolve) => whenAborted(ctx, () => resolve('stopped')));
    return {
      async pull(emit, demand) {
        for (let i = 0; i < demand; i++) {
          const r = await Promise.race([iterator.next(), stopped]);
          if (r === 'stopped') return true;
          if (r.done) {
            done = true;
            onEnd?.();
            return false;
          }
          seen += r.value.length;
          if (seen > limitBytes) {
            done = true;
            throw new HttpError(413, `request body exceeds the limit of ${limitBytes} bytes (at byte ${seen})`);
          }
          emit(r.value);
        }
        return true;
      },
      async close() {
        if (!done) await iterator.return?.();
      },
    };
  });
}
