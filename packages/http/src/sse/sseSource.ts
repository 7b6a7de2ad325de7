import { type BackoffOptions, type NodeOptions, type Producer, InvalidArgumentError, backoffDelay, defineProducer } from '@streamweave/core';
import { type ParsedSseEvent, SseParser } from './sseParser.js';

/** One Server-Sent Event as a stream item. */
export interface SseEvent<T> {
  /** The event's id ('' when the server sent none). */
  readonly id: string;
  /** The event name (`message` by default). */
  readonly event: string;
  /** The decoded data. */
  readonly data: T;
}

/** Options of {@link sseSource}. */
export interface SseSourceOptions<T> extends NodeOptions {
  /** Extra request headers, such as `authorization`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Resume after this event id (also settable through checkpoint restore). */
  readonly lastEventId?: string;
  /** Data decoder (default JSON.parse). A throw fails per the error strategy, naming the event id. */
  readonly decode?: (data: string, event: ParsedSseEvent) => T;
  /** Only these event names are emitted (default all). */
  readonly events?: readonly string[];
  /** Delay before a reconnect when the server set no `retry:` (default 1000 ms). */
  readonly retryMs?: number;
  /** Backoff of consecutive failed connection attempts (default from `retryMs`, doubling to 30 s, no jitter). */
  readonly backoff?: BackoffOptions;
  /** Consecutive failed attempts after which the stream fails (default Infinity). */
  readonly maxRetries?: number;
  /** Stop instead of reconnecting when the server ends the stream (default false: reconnect, as EventSource does). */
  readonly endOnClose?: boolean;
  /** fetch implementation (default globalThis.fetch). */
  readonly fetch?: typeof fetch;
}

/**
 * An EventSource client as a producer, over fetch: it parses the event stream
 * (the HTML standard's algorithm), reconnects after the server's `retry:` delay
 * (with backoff on failures) sending `Last-Event-ID`, and reports that id as
 * its position, so a restored checkpoint resumes exactly after the last event
 * the pipeline processed. A 204 ends the stream; other 4xx answers fail it.
 *
 * When to use: consuming an SSE feed ({@link sseEndpoint}, or any standard one).
 *
 * @example
 * ```ts
 * await pipeline().from(sseSource<Tick>('http://127.0.0.1:8080/ticks')).pipe(take(10)).to(collect()).run();
 * ```
 * @see {@link sseEndpoint}
 */
export function sseSource<T = unknown>(url: string, options: SseSourceOptions<T> = {}): Producer<SseEvent<T>> {
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new InvalidArgumentError(`sseSource: \`url\` must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  const retryDefault = options.retryMs ?? 1000;
  const backoff: Required<BackoffOptions> = { initialDelayMs: retryDefault, maxDelayMs: 30_000, factor: 2, jitter: 0, ...options.backoff };
  const maxRetries = options.maxRetries ?? Infinity;
  const decode = options.decode ?? ((data: string) => JSON.parse(data) as T);
  const events = options.events ? new Set(options.events) : undefined;
  return defineProducer<SseEvent<T>>('sseSource', { url, retryMs: retryDefault }, options, (ctx) => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const parser = new SseParser(options.lastEventId ?? '');
    // The position is the id of the last event EMITTED, not merely parsed.
    let position = options.lastEventId ?? '';
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let abort: AbortController | undefined;
    let failures = 0;
    let connected = false;
    let ended = false;
    const decoder = new TextDecoder();
    const queue: ParsedSseEvent[] = [];
    // Stopping the run aborts the connection, which also ends a pending read.
    ctx.signal.addEventListener('abort', () => abort?.abort(), { once: true });
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const onAbort = () => (cancel(), resolve());
        const cancel = ctx.clock.schedule(() => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
    const disconnect = () => {
      abort?.abort();
      abort = undefined;
      reader = undefined;
      parser.reset();
    };
    const connect = async (): Promise<void> => {
      if (connected) await sleep(parser.retryMs ?? retryDefault);
      for (;;) {
        if (ctx.signal.aborted) return;
        abort = new AbortController();
        let status = 0;
        let problem: string;
        try {
          const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache', ...options.headers };
          if (parser.lastEventId !== '') headers['last-event-id'] = parser.lastEventId;
          const res = await doFetch(url, { headers, signal: abort.signal });
          status = res.status;
          const type = res.headers.get('content-type') ?? '';
          if (res.status === 200 && res.body && /^text\/event-stream\b/i.test(type)) {
            reader = res.body.getReader();
            connected = true;
            failures = 0;
            return;
          }
          await res.body?.cancel();
          if (res.status === 204) {
            ended = true;
            return;
          }
          problem = res.status === 200 ? `content-type ${JSON.stringify(type)} is not text/event-stream` : `HTTP ${res.status}`;
        } catch (e) {
          if (ctx.signal.aborted) return;
          problem = (e as Error).message;
        }
        failures++;
        const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
        if (permanent || failures > maxRetries) {
          throw new Error(`sseSource: cannot connect to ${url} (${problem}${permanent ? '' : `, ${failures} attempts`})`);
        }
        await sleep(backoffDelay(backoff, failures));
      }
    };
    return {
      async pull(emit, demand) {
        while (queue.length === 0) {
          if (ended || ctx.signal.aborted) return !ended;
          if (!reader) {
            await connect();
            continue;
          }
          let r: ReadableStreamReadResult<Uint8Array>;
          try {
            r = await reader.read();
          } catch {
            r = { done: true, value: undefined };
          }
          if (r.done) {
            disconnect();
            if (options.endOnClose) ended = true;
            continue;
          }
          for (const e of parser.push(decoder.decode(r.value, { stream: true }))) {
            if (!events || events.has(e.event)) queue.push(e);
            else position = e.id;
          }
        }
        for (let i = 0; i < demand && queue.length > 0; i++) {
          const e = queue.shift()!;
          position = e.id;
          let data: T;
          try {
            data = decode(e.data, e);
          } catch (err) {
            throw new Error(`sseSource: cannot decode event ${JSON.stringify(e.id)} (${e.event}): ${(err as Error).message}`);
          }
          emit({ id: e.id, event: e.event, data });
        }
        return true;
      },
      close() {
        disconnect();
      },
      position: () => position,
      seek(p) {
        if (typeof p !== 'string') throw new InvalidArgumentError(`sseSource: a position must be an event id string, got ${JSON.stringify(p)}`);
        position = p;
        parser.lastEventId = p;
        parser.reset();
      },
    };
  });
}
