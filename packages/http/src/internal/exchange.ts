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
  /** Calls `fn` once if the client goes away before the response ends (cheaper than `signal` on hot paths). */
  onAbort(fn: () => void): void;
  readonly headersSent: boolean;
  respond(status: number, headers: Record<string, string>): void;
  /** Writes a chunk; returns a promise when the caller must wait for the client to catch up. */
  write(chunk: Uint8Array | string): void | Promise<void>;
  end(chunk?: string): void;
}

/** Wraps a node:http request/response (Express's `req`/`res`, Fastify's `request.raw`/`reply.raw`). @internal */
export function nodeExchange(req: IncomingMessage, res: ServerResponse): Exchange {
  // Created only when asked for: the request-per-item path needs a callback, not an EventTarget.
  let controller: AbortController | undefined;
  let callbacks: Array<() => void> | undefined;
  let aborted = false;
  const onClose = () => {
    if (res.writableFinished) return;
    aborted = true;
    controller?.abort(new Error('client disconnected'));
    if (callbacks) for (const fn of callbacks) fn();
  };
  res.once('close', onClose);
  let corked = false;
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    header: (name) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    body: readChunks(req),
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (aborted) controller.abort(new Error('client disconnected'));
      }
      return controller.signal;
    },
    onAbort(fn) {
      if (aborted) return fn();
      (callbacks ??= []).push(fn);
    },
    get headersSent() {
      return res.headersSent;
    },
    respond(status, headers) {
      res.writeHead(status, headers);
    },
    write(chunk) {
      // Writes of one tick go out together (one writev instead of one syscall each).
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(() => {
          corked = false;
          res.uncork();
        });
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
    },
    end(chunk) {
      // Unread request bytes would otherwise keep the socket half-open.
      if (!req.complete) req.resume();
      if (chunk === undefined) res.end();
      else res.end(chunk);
    },
  };
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
        if (chunk !== undefined) stream!.enqueue(encoder.encode(chunk));
        closed = true;
        stream!.close();
      },
    },
  };
}
