/**
 * Builders of multi-port graph nodes. A fan-out node subscribes its input once
 * (when every output port has a subscriber: the runtime subscribes every port
 * before sources start) and routes data; every signal, error and completion
 * reaches every port. A fan-in node tags each input's items with their port and
 * merges with `alignedMerge`, so watermarks combine as the minimum and
 * barriers are aligned.
 */
import { Observable, type Subscriber } from 'rxjs';
import type { NodeContext, NodeOptions } from '../../contracts.js';
import { InvalidArgumentError } from '../../errors.js';
import type { MultiPortTransformer, PortMap } from '../../graph/model.js';
import { alignedMerge } from '../../internal/alignedMerge.js';
import { describeNode } from '../../internal/describe.js';
import { type Element, isEndOfStream, isSignal, type Signal } from '../../signals.js';

/** Marks, in order with an input's items, that the input ended. */
const endMark: unique symbol = Symbol('input ended');

/** Handlers of a fan-out node, built once per run. */
export interface FanOutHandlers<T> {
  /** A data item arrived; route it with `emit(portIndex, item)`. */
  item(value: T, position: number): void;
  /** A signal arrived; default: `broadcast(signal)`. */
  signal?(signal: Signal): void;
  /** The input completed; default: complete every port. */
  complete?(): void;
  teardown?(): void;
}

/** The routing tools a fan-out node gets. */
export interface FanOutTools {
  /** Sends an element to one port. */
  emit(port: number, el: unknown): void;
  /** Sends a signal to every port. */
  broadcast(signal: Signal): void;
  /** Completes every port. */
  completeAll(): void;
  /** Fails every port. */
  errorAll(e: unknown): void;
  /** Number of subscribers of a port (0 once its downstream went away). */
  subscribers(port: number): number;
  /** A subscriber-shaped target whose `error` fails every port (for the error strategy helpers). */
  readonly failSink: Subscriber<unknown>;
}

/** Checks and returns port names. */
export function portNames(op: string, names: number | readonly string[], prefix = 'out'): string[] {
  const list = typeof names === 'number' ? Array.from({ length: names }, (_, i) => `${prefix}${i}`) : [...(names ?? [])];
  if (typeof names === 'number' && !(Number.isInteger(names) && names > 0)) {
    throw new InvalidArgumentError(`${op}: the number of ports must be a positive integer, got ${String(names)}`);
  }
  if (list.length === 0) throw new InvalidArgumentError(`${op}: give at least one port name`);
  for (const n of list) {
    if (typeof n !== 'string' || n.length === 0 || n.includes('.')) throw new InvalidArgumentError(`${op}: port names must be non-empty strings without ".", got ${JSON.stringify(n)}`);
  }
  if (new Set(list).size !== list.length) throw new InvalidArgumentError(`${op}: duplicate port names in ${JSON.stringify(list)}`);
  return list;
}

/** Builds a fan-out node with input port `in` and the given output ports. */
export function defineFanOut<T, Out extends PortMap>(
  type: string,
  params: Record<string, unknown>,
  outputs: readonly string[],
  options: NodeOptions | undefined,
  setup: (tools: FanOutTools, ctx: NodeContext) => FanOutHandlers<T>,
): MultiPortTransformer<{ in: T }, Out> {
  const base = describeNode('transformer', type, params, options);
  return {
    descriptor: { ...base, inputs: ['in'], outputs: outputs as (keyof Out & string)[] },
    ...(options?.errors ? { errors: options.errors } : {}),
    applyPorts(inputs, ctx) {
      // Arrays replaced on change (copy-on-write), so emitting never iterates a collection being modified.
      const subs: Array<Array<Subscriber<unknown>>> = outputs.map(() => []);
      let started = false;
      let done = false;
      let handlers: FanOutHandlers<T> | undefined;
      let inputSub: { unsubscribe(): void } | undefined;
      const tools: FanOutTools = {
        emit(port, el) {
          const list = subs[port]!;
          for (let i = 0; i < list.length; i++) list[i]!.next(el);
        },
        broadcast(signal) {
          for (let p = 0; p < subs.length; p++) tools.emit(p, signal);
        },
        completeAll() {
          if (done) return;
          done = true;
          for (const list of subs) for (const s of list) s.complete();
        },
        errorAll(e) {
          if (done) return;
          done = true;
          for (const list of subs) for (const s of list) s.error(e);
        },
        subscribers: (port) => subs[port]!.length,
        failSink: { error: (e: unknown) => tools.errorAll(e) } as unknown as Subscriber<unknown>,
      };
      const start = () => {
        started = true;
        const h = (handlers = setup(tools, ctx));
        const stats = ctx.stats;
        inputSub = inputs.in.subscribe({
          next(el) {
            if (done) return;
            if (isSignal(el)) {
              if (h.signal) h.signal(el);
              else tools.broadcast(el);
              return;
            }
            h.item(el as T, stats.in++);
          },
          error: (e: unknown) => tools.errorAll(e),
          complete() {
            if (h.complete) h.complete();
            else tools.completeAll();
          },
        });
      };
      const stop = () => {
        inputSub?.unsubscribe();
        handlers?.teardown?.();
      };
      const result: Record<string, Observable<Element<unknown>>> = {};
      outputs.forEach((name, i) => {
        result[name] = new Observable<Element<unknown>>((sub) => {
          subs[i] = [...subs[i]!, sub];
          if (!started && subs.every((s) => s.length > 0)) start();
          return () => {
            subs[i] = subs[i]!.filter((x) => x !== sub);
            if (started && subs.every((s) => s.length === 0)) stop();
          };
        });
      });
      return result as never;
    },
  };
}

/** A data item tagged with the index of the input port it came from. */
export class Tagged<T> {
  constructor(
    readonly port: number,
    readonly value: T,
  ) {}
}

/** Handlers of a fan-in node over the aligned, tagged merge of its inputs. */
export interface FanInHandlers<T> {
  /** A data item arrived on input `port`. */
  item(port: number, value: T, position: number): void;
  /** Input `port` has ended (its EndOfStream, in order after its items). */
  ended?(port: number): void;
  /** An aligned signal (min watermark, aligned barrier, EndOfStream once all ended); default: forward. */
  signal?(signal: Signal): void;
  complete?(): void;
  teardown?(): void;
}

/** Builds a fan-in node with the given input ports and output port `out`. */
export function defineFanIn<In extends PortMap, O>(
  type: string,
  params: Record<string, unknown>,
  inputs: readonly string[],
  options: NodeOptions | undefined,
  setup: (out: Subscriber<Element<O>>, ctx: NodeContext) => FanInHandlers<In[keyof In]>,
): MultiPortTransformer<In, { out: O }> {
  const base = describeNode('transformer', type, params, options);
  return {
    descriptor: { ...base, inputs: inputs as (keyof In & string)[], outputs: ['out'] },
    ...(options?.errors ? { errors: options.errors } : {}),
    applyPorts(ins, ctx) {
      const tagged = inputs.map(
        (name, port) =>
          new Observable<Element<unknown>>((sub) => {
            let ended = false;
            return (ins as Record<string, Observable<Element<unknown>>>)[name]!.subscribe({
              next: (el) => {
                if (isEndOfStream(el)) {
                  ended = true;
                  sub.next(new Tagged(port, endMark));
                }
                sub.next(isSignal(el) ? el : new Tagged(port, el));
              },
              error: (e: unknown) => sub.error(e),
              complete: () => {
                // After EndOfStream the input's completion is not passed on: alignedMerge may still hold
                // that input's tail (behind a barrier) and would otherwise treat the input as ended too
                // early. The node completes when the merged EndOfStream arrives instead.
                if (ended) return;
                sub.next(new Tagged(port, endMark));
                sub.complete();
              },
            });
          }),
      );
      const merged = alignedMerge(tagged);
      const out = new Observable<Element<O>>((sub) => {
        const h = setup(sub, ctx);
        const stats = ctx.stats;
        let completed = false;
        const complete = () => {
          if (completed) return;
          completed = true;
          if (h.complete) h.complete();
          else sub.complete();
        };
        const s = merged.subscribe({
          next(el) {
            if (completed) return;
            if (isSignal(el)) {
              if (h.signal) h.signal(el);
              else sub.next(el);
              if (isEndOfStream(el)) complete();
              return;
            }
            const t = el as Tagged<In[keyof In]>;
            if (t.value === (endMark as unknown)) h.ended?.(t.port);
            else h.item(t.port, t.value, stats.in++);
          },
          error: (e: unknown) => sub.error(e),
          complete,
        });
        return () => {
          s.unsubscribe();
          h.teardown?.();
        };
      });
      return { out } as never;
    },
  };
}
