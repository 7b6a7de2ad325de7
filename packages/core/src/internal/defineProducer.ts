/** Helper giving built-in producers their descriptor. */
import type { NodeOptions, Producer, ProducerContext, SourceReader } from '../contracts.js';
import { describeNode } from './describe.js';

/** Builds a producer from a reader factory. */
export function defineProducer<T>(
  type: string,
  params: Record<string, unknown>,
  options: NodeOptions | undefined,
  open: (ctx: ProducerContext) => SourceReader<T>,
): Producer<T> {
  return {
    descriptor: describeNode('producer', type, params, options),
    ...(options?.errors ? { errors: options.errors } : {}),
    open,
  };
}
