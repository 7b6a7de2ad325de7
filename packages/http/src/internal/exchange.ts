/**
 * One request/response pair, independent of the server framework. Node
 * (node:http, Express, Fastify) and Web-standard (Request → Response) adapters
 * both produce it, so the handlers are written once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readChunks } from './readChunks.js';

/** A request/response pair seen by the handlers. @internal */
export interface Exchange {
  readonly method: string;
  /** Path plus query string. */
  readonly url: string;
  header(name: string): string | undefined;
  /** The request body as it arrives; never buffered whole. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Aborted when the client goes away before the response ends. */
  readonly signal: AbortSignal;
  /** Whether the client went away before the response ended. */
  readonly aborted: boolean;
  /** Calls `fn` once if the client goes away before the response ends (cheaper than `signal` on hot paths). */
  onAbort(fn: () => void): void;
  readonly headersSent: boolean;
  respond(status: number, headers: Readonly<Record<string, string>>): void;
  /** Writes a chunk; returns a promise when the caller must wait for the client to catch up. */
  write(chunk: Uint8Array | string): void | Promise<void>;
  end(chunk?: string | Uint8Array): void;
}

/** Wraps a node:http request/response (Express's `req`/`res`, Fastify's `request.raw`/`reply.raw`). @internal */
export function nodeExchange(req: IncomingMessage, res: ServerResponse): Exchange {
  return new NodeExchange(req, res);
}

/**
 * A class rather than an object of closures: one request-per-item answer costs
 * a few microseconds in all, so the wrapper allocates nothing it is not asked for
 * (no body reader for a GET, no AbortController unless `signal` is read).
 */
class NodeExchange implements Exchange {
  readonly method: string;
  readonly url: string;
  private controller: AbortController | undefined;
  private callbacks: Array<() => void> | undefined;
  aborted = false;
  private corked = false;
  private reader: AsyncIterable<Uint8Array> | undefined;
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.method = req.method ?? 'GET';
    this.url = req.url ?? '/';
    // 'close' fires once; `on` spares the wrapper `once` allocates.
    res.on('close', () => this.onClose());
  }

  private onClose(): void {
    if (this.res.writableFinished) return;
    this.aborted = true;
    this.controller?.abort(new Error('client disconnected'));
    if (this.callbacks) for (const fn of this.callbacks) fn();
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  get body(): AsyncIterable<Uint8Array> {
    return (this.reader ??= readChunks(this.req));
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(new Error('client disconnected'));
    }
    return this.controller.signal;
  }

  onAbort(fn: () => void): void {
    if (this.aborted) return fn();
    (this.callbacks ??= []).push(fn);
  }

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  respond(status: number, headers: Readonly<Record<string, string>>): void {
    this.res.writeHead(status, headers);
  }

  write(chunk: Uint8Array | string): void | Promise<void> {
    const res = this.res;
    // Writes of one tick go out together (one writev instead of one syscall each).
    if (!this.corked) {
      this.corked = true;
      res.cork();
      process.nextTick(uncork, this);
    }
    if (res.write(chunk)) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  end(chunk?: string | Uint8Array): void {
    // Unread request bytes would otherwise keep the socket half-open.
    if (!this.req.complete) this.req.resume();
    if (chunk === undefined) this.res.end();
    else this.res.end(chunk);
  }

  /** @internal */
  uncork(): void {
    this.corked = false;
    this.res.uncork();
  }
}

function uncork(ex: NodeExchange): void {
  ex.uncork();
}

/** Wraps a Web-standard Request; `response` settles once the status is known. @internal */
export function webExchange(request: Request): { exchange: Exchange; response: Promise<Response> } {
  const url = new URL(request.url);
  const controller = new AbortController();
  const abort = () => {
    if (!controller.signal.aborted) controller.abort(new Error('client disconnected'));
  };
  if (request.signal.aborted) abort();
  else request.signal.addEventListener('abort', abort, { once: true });
  let resolveResponse!: (r: Response) => void;
  const response = new Promise<Response>((resolve) => (resolveResponse = resolve));
  let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  let wake: (() => void) | undefined;
  let sent = false;
  let closed = false;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        stream = c;
      },
      pull() {
        const w = wake;
        wake = undefined;
        w?.();
      },
      cancel() {
        closed = true;
        abort();
        const w = wake;
        wake = undefined;
        w?.();
      },
    },
    { highWaterMark: 16 },
  );
  const emptyBody: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) };
  return {
    response,
    exchange: {
      method: request.method,
      url: url.pathname + url.search,
      header: (name) => request.headers.get(name) ?? undefined,
      body: request.body ? (request.body as unknown as AsyncIterable<Uint8Array>) : emptyBody,
      signal: controller.signal,
      get aborted() {
        return controller.signal.aborted;
      },
      onAbort(fn) {
        if (controller.signal.aborted) fn();
        else controller.signal.addEventListener('abort', fn, { once: true });
      },
      get headersSent() {
        return sent;
      },
      respond(status, headers) {
        sent = true;
        const noBody = status === 204 || status === 304;
        resolveResponse(new Response(noBody ? null : body, { status, headers }));
      },
      write(chunk) {
        if (closed) return undefined;
        stream!.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
        if ((stream!.desiredSize ?? 1) > 0) return undefined;
        return new Promise<void>((resolve) => (wake = resolve));
      },
      end(chunk) {
        if (closed) return;
        if (chunk !== undefined) stream!.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
        closed = true;
        stream!.close();
      },
    },
  };
}
