import { type NodeOptions, type Transformer, defineTransformer } from '@streamweave/core';

/**
 * Passes request-body chunks through as they arrive (binary uploads): the
 * pipeline sees `Uint8Array` pieces of the body, never the whole body at once.
 *
 * @example
 * ```ts
 * pipelineHandler({ auth: 'none', decode: bytesBody(), build: (p) => p.pipe(map((c) => c.length)) });
 * ```
 * @see {@link pipelineHandler}
 */
export function bytesBody(options?: NodeOptions): Transformer<Uint8Array, Uint8Array> {
  return defineTransformer<Uint8Array, Uint8Array>('bytesBody', {}, options, (out, ctx) => ({
    item(chunk) {
      ctx.stats.out++;
      out.next(chunk);
    },
  }));
}
