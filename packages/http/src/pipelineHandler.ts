import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type RunOptions,
  type SourcedPipeline,
  type Transformer,
  InvalidArgumentError,
  defineConsumer,
  pipeline,
} from '@streamweave/core';
import { type RequestGuard, checkGuard } from './bearerToken.js';
import { httpStatusOf } from './httpError.js';
import { type Exchange, nodeExchange, webExchange } from './internal/exchange.js';
import { requestBody } from './internal/requestBody.js';
import { ndjsonDecode } from '@streamweave/formats';
import { type ResponseEncoder, type TransformerResponse, ndjsonResponse } from './responseEncoders.js';

/** What the pipeline builder learns about the request. */
export interface HttpRequestInfo {
  /** HTTP method of the request, such as `'GET'` or `'POST'`. */
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Parsed query-string parameters of the request URL. */
  readonly query: URLSearchParams;
  /** Value of request header `name` (case-insensitive), repeated values joined with `, `; undefined when absent. */
  header(name: string): string | undefined;
  /** Aborted when the client disconnects. */
  readonly signal: AbortSignal;
}

/** Options of {@link pipelineHandler}. */
export interface PipelineHandlerOptions<I, O> {
  /**
   * Who may start a run: a guard such as {@link bearerToken}, or `'none'` to
   * accept anyone. Required, because every request starts a pipeline.
   */
  readonly auth: RequestGuard | 'none';
  /**
   * Request-body decoder over byte chunks (default `ndjsonDecode()` of
   * `@streamweave/formats`; `csvDecode()` for CSV, {@link bytesBody} for binary).
   * A `FormatError` it raises becomes a 400 naming the line and byte.
   */
  readonly decode?: Transformer<Uint8Array, I>;
  /** Builds the per-request pipeline from the decoded body. */
  build(input: SourcedPipeline<I>, request: HttpRequestInfo): SourcedPipeline<O>;
  /** Response encoding: per-item (default {@link ndjsonResponse}), or a byte encoder transformer ({@link encodedResponse}). */
  readonly respond?: ResponseEncoder<O> | TransformerResponse<O>;
  /** Largest accepted request body in bytes (default 10 MiB); larger ones get a 413. */
  readonly limitBytes?: number;
  /**
   * Output bytes kept back, at most, while the request body is still being read
   * (default 64 KiB). The status line is sent once the body has been read or this
   * much output is pending, so a malformed body up to this point still gets a
   * clean 400; past it, the response is already 200 and a failure is reported by
   * the encoder's error trailer. 0 streams the first output at once.
   */
  readonly holdResponseBytes?: number;
  /** Options of every per-request run (its signal is the client's connection). */
  readonly run?: Omit<RunOptions, 'signal'>;
}

/** A request handler usable by every server shape. */
export interface StreamHandler {
  /** Web-standard handler (Hono, Bun, Deno, `fetch`-style servers). */
  fetch(request: Request): Promise<Response>;
  /** node:http listener, also an Express handler: `app.post('/ingest', h.node)`. */
  node(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Fastify route handler; register it with {@link fastifyRoute} so the body stays unread. */
  fastify(request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }): Promise<void>;
  /** Number of requests whose run has not finished yet. */
  readonly active: number;
}

/**
 * Turns a pipeline into an HTTP request handler: each request's body streams
 * (never buffered whole) through `decode` and the pipeline `build` returns, and
 * its output streams back as the response (NDJSON by default, or SSE, or raw
 * chunks). A malformed body gets a 400 naming the line and byte, an oversized
 * one a 413, a missing token a 401; a client that disconnects cancels its run.
 *
 * When to use: an ingest or transform endpoint in an Express, Fastify, Hono or
 * node:http service.
 *
 * @example
 * ```ts
 * const h = pipelineHandler<{ n: number }, { n: number }>({
 *   auth: bearerToken(token),
 *   build: (input) => input.pipe(map((r) => ({ n: r.n * 2 }))),
 * });
 * app.post('/double', h.node); // Express
 * ```
 * @see {@link requestServer} for a long-lived graph serving one item per request.
 */
export function pipelineHandler<I = unknown, O = unknown>(options: PipelineHandlerOptions<I, O>): StreamHandler {
  if (typeof options?.build !== 'function') throw new InvalidArgumentError('pipelineHandler: `build` must be a function');
  if (options.auth !== 'none' && typeof options.auth !== 'function') {
    throw new InvalidArgumentError("pipelineHandler: `auth` is required: a guard such as bearerToken(token), or 'none'");
  }
  const limitBytes = options.limitBytes ?? 10 * 1024 * 1024;
  if (!(limitBytes > 0)) throw new InvalidArgumentError(`pipelineHandler: \`limitBytes\` must be > 0, got ${String(limitBytes)}`);
  const respond = options.respond ?? ndjsonResponse<O>();
  // A byte encoder transformer runs inside the pipeline; its chunks are then written as they are.
  const encoder: ResponseEncoder<unknown> =
    'transformer' in respond
      ? { contentType: respond.contentType, item: (chunk) => chunk as Uint8Array, ...(respond.error ? { error: respond.error } : {}) }
      : (respond as ResponseEncoder<unknown>);
  // One decoder for every request: a transformer keeps its state per run, not in itself.
  // Named so that errors point at "requestBody" / "decode" rather than a generated id.
  const decoder = options.decode ?? (ndjsonDecode({ name: 'decode' }) as Transformer<Uint8Array, I>);
  const holdBytes = options.holdResponseBytes ?? 64 * 1024;
  let active = 0;

  const serve = async (ex: Exchange): Promise<void> => {
    const denied = checkGuard(options.auth, ex);
    if (denied) return sendError(ex, denied.status, denied.message);
    const declared = Number(ex.header('content-length') ?? '0');
    if (declared > limitBytes) {
      return sendError(ex, 413, `request body of ${declared} bytes exceeds the limit of ${limitBytes} bytes`);
    }
    const info = new RequestInfo(ex);
    // Output is held until the body has been read or `holdBytes` are pending; a
    // run that finishes by then is answered in one piece (status, headers and body in one write).
    let streaming = false;
    let finished = false;
    let bodyRead = false;
    let held: Array<string | Uint8Array> = [];
    let heldBytes = 0;
    let cancelFlush: (() => void) | undefined;
    const takeHeld = (): string | Uint8Array | undefined => {
      if (held.length === 0) return undefined;
      const joined = held.length === 1 ? held[0]! : held.every((c) => typeof c === 'string') ? held.join('') : Buffer.concat(held.map(toBytes));
      held = [];
      heldBytes = 0;
      return joined;
    };
    const startStreaming = (): void | Promise<void> => {
      if (streaming || finished) return undefined;
      streaming = true;
      cancelFlush?.();
      ex.respond(200, streamHeaders(encoder.contentType));
      // One write for everything held: far fewer syscalls than one per item.
      const joined = takeHeld();
      return joined === undefined ? undefined : ex.write(joined);
    };
    const source = pipeline()
      .from(
        requestBody(ex.body, limitBytes, () => {
          bodyRead = true;
          // Stream what is held unless the run finishes first (it usually does, within this turn).
          if (held.length > 0 && !streaming) cancelFlush = later(startStreaming);
        }),
      )
      .pipe(decoder);
    let built: SourcedPipeline<O>;
    try {
      built = options.build(source, info);
    } catch (e) {
      return sendError(ex, 500, `pipelineHandler: build failed: ${(e as Error).message}`);
    }
    let index = 0;
    const sink = defineConsumer<unknown, number>('httpResponse', {}, { name: 'httpResponse' }, () => ({
      item(value) {
        const chunk = encoder.item(value, index++);
        if (streaming) return ex.write(chunk) ?? undefined;
        held.push(chunk);
        heldBytes += chunk.length;
        if (bodyRead || heldBytes > holdBytes) return startStreaming() ?? undefined;
        return undefined;
      },
      complete: () => index,
    }));
    active++;
    try {
      const encoded: SourcedPipeline<unknown> = 'transformer' in respond ? built.pipe(respond.transformer) : built;
      // Cancelled through a callback rather than an AbortSignal: no AbortController per request.
      const run = encoded.to(sink).start(options.run);
      ex.onAbort(() => run.cancel(new Error('client disconnected')));
      await run.result;
      cancelFlush?.();
      if (!streaming) {
        finished = true;
        ex.respond(200, streamHeaders(encoder.contentType));
        ex.end(takeHeld());
      } else {
        const rest = takeHeld();
        if (rest !== undefined) await ex.write(rest);
        ex.end();
      }
    } catch (e) {
      cancelFlush?.();
      finished = true;
      if (ex.aborted) return; // the client left: its run is cancelled and nothing is left to answer
      const { status, message } = httpStatusOf(e);
      held = [];
      if (!ex.headersSent) sendError(ex, status, message);
      else ex.end(encoder.error?.(message));
    } finally {
      active--;
    }
  };

  return {
    fetch(request) {
      const { exchange, response } = webExchange(request);
      void serve(exchange);
      return response;
    },
    node: (req, res) => serve(nodeExchange(req, res)),
    fastify(request, reply) {
      reply.hijack();
      return serve(nodeExchange(request.raw, reply.raw));
    },
    get active() {
      return active;
    },
  };
}

/** {@link HttpRequestInfo} whose query and signal are made only when read. */
class RequestInfo implements HttpRequestInfo {
  readonly method: string;
  readonly path: string;
  private readonly q: number;
  private parsedQuery: URLSearchParams | undefined;

  constructor(private readonly ex: Exchange) {
    this.method = ex.method;
    this.q = ex.url.indexOf('?');
    this.path = this.q < 0 ? ex.url : ex.url.slice(0, this.q);
  }

  get query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.q < 0 ? '' : this.ex.url.slice(this.q + 1)));
  }

  get signal(): AbortSignal {
    return this.ex.signal;
  }

  // A property, not a method, so that it still works when destructured.
  readonly header = (name: string): string | undefined => this.ex.header(name);
}

/** Answers with a JSON error body; closes the connection so an unread body is not drained. @internal */
export function sendError(ex: Exchange, status: number, message: string): void {
  ex.respond(status, { 'content-type': 'application/json', connection: 'close' });
  ex.end(JSON.stringify({ error: message }));
}

const headersByType = new Map<string, Readonly<Record<string, string>>>();
function streamHeaders(contentType: string): Readonly<Record<string, string>> {
  let h = headersByType.get(contentType);
  if (!h) headersByType.set(contentType, (h = Object.freeze({ 'content-type': contentType, 'cache-control': 'no-cache' })));
  return h;
}

/** Runs `fn` on a later macrotask; returns its cancel. */
function later(fn: () => unknown): () => void {
  if (typeof setImmediate === 'function') {
    const t = setImmediate(fn);
    return () => clearImmediate(t);
  }
  const t = setTimeout(fn, 0);
  return () => clearTimeout(t);
}

function toBytes(chunk: string | Uint8Array): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}
