/**
 * Reads a Node readable as an async iterable WITHOUT destroying it on early
 * exit (the stream's own iterator does, which on an IncomingMessage kills the
 * socket before a 413 or 400 can be written).
 */
import type { Readable } from 'node:stream';

/** @internal */
export function readChunks(stream: Readable): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let waiting: (() => void) | undefined;
      let ended = false;
      let error: unknown;
      const wake = () => {
        const w = waiting;
        waiting = undefined;
        w?.();
      };
      const onEnd = () => {
        ended = true;
        wake();
      };
      const onError = (e: unknown) => {
        error = e;
        wake();
      };
      const onClose = () => {
        if (!stream.readableEnded && error === undefined) error = new Error('request body aborted by the client');
        wake();
      };
      stream.on('readable', wake);
      stream.on('end', onEnd);
      stream.on('error', onError);
      stream.on('close', onClose);
      const cleanup = () => {
        stream.off('readable', wake);
        stream.off('end', onEnd);
        stream.off('error', onError);
        stream.off('close', onClose);
      };
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          for (;;) {
            const chunk = stream.read() as Uint8Array | null;
            if (chunk !== null) return { done: false, value: chunk };
            if (ended || stream.readableEnded) {
              cleanup();
              return { done: true, value: undefined };
            }
            if (error !== undefined) {
              cleanup();
              throw error;
            }
            await new Promise<void>((resolve) => (waiting = resolve));
          }
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          cleanup();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
