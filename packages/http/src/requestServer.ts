import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Cancel,
  type Clock,
  type Consumer,
  type NodeOptions,
  type Producer,
  InvalidArgumentError,
  defineConsumer,
  defineProducer,
  systemClock,
} from '@streamweave/core';
import { type RequestGuard, checkGuard } from './bearerToken.js';
import { HttpError } from './httpError.js';
import { type Exchange, nodeExchange, webExchange } from './internal/exchange.js';
import { type CompiledRoute, compileRoute } from './internal/routePattern.js';
import { sendError, type StreamHandler } from './pipelineHandler.js';

/** One HTTP request as a stream item of a {@link requestServer}. */
export interface HttpRequestItem {
  /** Correlation id; the response item must carry it back. */
  readonly id: string;
  /** Name of the matched route (or the default route). */
  readonly route: string;
  /** HTTP method of the request, such as `'GET'` or `'POST'`. */
  readonly method: string;
  /** Request path without the query string. */
  readonly path: string;
  /** Values of `:name` and `*` segments. */
  readonly params: Readonly<Record<string, string>>;
  /** Query-string parameters (the last value wins for a repeated name). */
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased request headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON for JSON requests, text otherwise, undefined when empty. */
  readonly body: unknown;
}

/** The answer to one {@link HttpRequestItem}. */
export interface HttpResponseItem {
  /** The request's id. */
  readonly id: string;
  /** Default 200. */
  readonly status?: number;
  /** Response headers, added to (and overriding) the default content-type header. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Strings and bytes are sent as they are; anything else as JSON. */
  readonly body?: unknown;
}

/** Options of {@link requestServer}. */
export interface RequestServerOptions {
  /** Who may send requests into the graph: {@link bearerToken}, or `'none'`. Required. */
  readonly auth: RequestGuard | 'none';
  /** Route name → pattern such as `"GET /users/:id"`, `"POST /orders"`, `"/files/*"` (first match wins). */
  readonly routes: Readonly<Record<string, string>>;
  /** Route name that receives requests no pattern matched; without it they get a 404. */
  readonly defaultRoute?: string;
  /** Per-request timeout in ms (default 30 000): no response by then → 504. */
  readonly timeoutMs?: number;
  /** Largest accepted request body (default 1 MiB) → 413. */
  readonly limitBytes?: number;
  /** Requests waiting for the graph to take them, per route (default 1000); beyond → 503. */
  readonly maxQueued?: number;
  /** Clock for timeouts (default the system clock; a VirtualClock in tests). */
  readonly clock?: Clock;
}

/** Counters of a {@link RequestServer}. */
export interface RequestServerStats {
  /** Requests waiting for a response. */
  readonly pending: number;
  /** Requests not yet taken by the graph. */
  readonly queued: number;
  /** Requests answered with a response item from the graph. */
  readonly served: number;
  /** Requests answered with a 504 because no response arrived within `timeoutMs`. */
  readonly timedOut: number;
  /** Requests answered with a 404 because no route matched and there is no default route. */
  readonly notFound: number;
  /** Responses that arrived after a timeout or disconnect (dropped, counted here). */
  readonly late: number;
  /** Clients that left before their response. */
  readonly abandoned: number;
}

/** A request-per-item server: HTTP handlers plus the graph's source and sink. */
export interface RequestServer extends StreamHandler {
  /** A source of the requests matched to `route` (all routes when omitted). */
  requests(route?: string, options?: NodeOptions): Producer<HttpRequestItem>;
  /** The sink that answers requests by id. Several may run at once (one per branch). */
  responses(options?: NodeOptions): Consumer<HttpResponseItem, number>;
  /** Current counters. */
  stats(): RequestServerStats;
}

interface Pending {
  readonly item: HttpRequestItem;
  readonly ex: Exchange;
  readonly deadline: number;
  taken: boolean;
}

/**
 * One running `requests()` source. While its pull waits for requests, `emit`
 * is set and `left` counts the credit the pull was given: a request arriving
 * then is emitted at once, from the HTTP callback (no promise, no microtask
 * hop), and the pull settles when its credit is used up or the source stops.
 */
interface Taker {
  emit: ((item: HttpRequestItem) => void) | undefined;
  left: number;
  settle: ((more: boolean) => void) | undefined;
}

const settled: Promise<void> = Promise.resolve();
const noQuery: Readonly<Record<string, string>> = Object.freeze({});
const jsonHeaders = Object.freeze({ 'content-type': 'application/json' });
const textHeaders = Object.freeze({ 'content-type': 'text/plain; charset=utf-8' });
const bytesHeaders = Object.freeze({ 'content-type': 'application/octet-stream' });

/**
 * A long-lived graph serving one item per HTTP request: requests are routed by
 * path pattern to per-route sources, the graph computes, and its sink answers
 * each request by correlation id. Each request has a timeout (504), unmatched
 * paths get a 404 or go to a default route, and a full queue answers 503
 * instead of buffering without bound.
 *
 * When to use: an API whose handlers are pipeline stages (enrichment, model
 * inference, lookups with shared state), where starting a pipeline per request
 * would cost too much. For one streamed body per request use {@link pipelineHandler}.
 *
 * @example
 * ```ts
 * const server = requestServer({ auth: bearerToken(token), routes: { user: 'GET /users/:id' } });
 * pipeline().from(server.requests('user'))
 *   .pipe(mapAsync(async (r) => ({ id: r.id, body: await users.get(r.params.id) })))
 *   .to(server.responses()).start();
 * createServer(server.node).listen(8080, '127.0.0.1');
 * ```
 * @see {@link pipelineHandler}, {@link HttpRequestItem}, {@link HttpResponseItem}
 */
export function requestServer(options: RequestServerOptions): RequestServer {
  if (options?.auth !== 'none' && typeof options?.auth !== 'function') {
    throw new InvalidArgumentError("requestServer: `auth` is required: a guard such as bearerToken(token), or 'none'");
  }
  const routes: CompiledRoute[] = Object.entries(options.routes ?? {}).map(([name, spec]) => compileRoute(name, spec));
  if (routes.length === 0 && options.defaultRoute === undefined) {
    throw new InvalidArgumentError('requestServer: give at least one route or a defaultRoute');
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const limitBytes = options.limitBytes ?? 1024 * 1024;
  const maxQueued = options.maxQueued ?? 1000;
  const clock = options.clock ?? systemClock;
  const routeNames = new Set([...routes.map((r) => r.name), ...(options.defaultRoute === undefined ? [] : [options.defaultRoute])]);
  const pending = new Map<string, Pending>();
  // Per route: the requests waiting to be pulled, and the live sources that pull them.
  const queues = new Map<string, Pending[]>();
  const takers = new Map<string, Set<Taker>>();
  let nextId = 0;
  let served = 0;
  let timedOut = 0;
  let notFound = 0;
  let late = 0;
  let abandoned = 0;

  const queueOf = (route: string) => {
    let q = queues.get(route);
    if (!q) queues.set(route, (q = []));
    return q;
  };
  const sourcesOf = (route: string) => {
    let s = takers.get(route);
    if (!s) takers.set(route, (s = new Set()));
    return s;
  };
  /** Hands `p` to a source whose pull is waiting; false when none is. */
  const deliver = (route: string, p: Pending): boolean => {
    for (const t of sourcesOf(route)) {
      const emit = t.emit;
      if (emit === undefined) continue;
      p.taken = true;
      if (--t.left === 0) {
        const settle = t.settle!;
        t.emit = t.settle = undefined;
        settle(true);
      }
      emit(p.item);
      return true;
    }
    return false;
  };
  // One timer for all requests: with a fixed timeout, deadlines follow arrival
  // order, which is the Map's iteration order, so the earliest is always first.
  let cancelSweep: Cancel | undefined;
  const sweep = () => {
    cancelSweep = undefined;
    const now = clock.now();
    for (const p of pending.values()) {
      if (p.deadline > now) break;
      timedOut++;
      forget(p);
      sendError(p.ex, 504, `request ${p.item.id} (route "${p.item.route}") got no response within ${timeoutMs} ms`);
    }
    armSweep();
  };
  const armSweep = () => {
    if (cancelSweep) return;
    const first = pending.values().next();
    if (!first.done) cancelSweep = clock.schedule(sweep, first.value.deadline - clock.now());
  };
  const forget = (p: Pending) => {
    pending.delete(p.item.id);
    if (pending.size === 0 && cancelSweep) {
      cancelSweep();
      cancelSweep = undefined;
    }
    if (!p.taken) {
      const q = queueOf(p.item.route);
      const i = q.indexOf(p);
      if (i >= 0) q.splice(i, 1);
    }
  };

  // Synchronous up to the body read, so a bodiless request (the usual GET) is
  // routed, emitted and, with a synchronous graph, answered in one call.
  const serve = (ex: Exchange): Promise<void> | void => {
    const denied = checkGuard(options.auth, ex);
    if (denied) return sendError(ex, denied.status, denied.message);
    const q = ex.url.indexOf('?');
    const path = q < 0 ? ex.url : ex.url.slice(0, q);
    let route: string | undefined;
    let params: Record<string, string> = {};
    for (const r of routes) {
      const m = r.match(ex.method, path);
      if (m) {
        route = r.name;
        params = m;
        break;
      }
    }
    route ??= options.defaultRoute;
    if (route === undefined) {
      notFound++;
      return sendError(ex, 404, `no route matches ${ex.method} ${path}`);
    }
    if (sourcesOf(route).size === 0) return sendError(ex, 503, `route "${route}" has no running pipeline`);
    if (queueOf(route).length >= maxQueued) return sendError(ex, 503, `route "${route}" has ${maxQueued} requests queued; try again later`);
    const length = ex.header('content-length');
    const bodiless = (length === undefined || length === '0') && ex.header('transfer-encoding') === undefined;
    if (bodiless) return admit(ex, route, path, q, params, undefined);
    return readBody(ex, limitBytes).then(
      (body) => admit(ex, route, path, q, params, body),
      (e: unknown) => {
        if (e instanceof HttpError) sendError(ex, e.status, e.message);
        // Otherwise the client went away while sending: nothing to answer.
      },
    );
  };

  const admit = (ex: Exchange, route: string, path: string, q: number, params: Record<string, string>, body: unknown): void => {
    const headers: Record<string, string> = {};
    for (const name of forwardedHeaders) {
      const v = ex.header(name);
      if (v !== undefined) headers[name] = v;
    }
    const item: HttpRequestItem = {
      id: ex.header('x-request-id') ?? `r${++nextId}`,
      route,
      method: ex.method,
      path,
      params,
      query: q < 0 ? noQuery : Object.fromEntries(new URLSearchParams(ex.url.slice(q + 1))),
      headers,
      body,
    };
    if (pending.has(item.id)) return sendError(ex, 409, `request id ${JSON.stringify(item.id)} is already in flight`);
    const p: Pending = { item, ex, taken: false, deadline: clock.now() + timeoutMs };
    pending.set(item.id, p);
    if (!deliver(route, p)) queueOf(route).push(p);
    // A synchronous graph has answered already: no timeout to arm, no disconnect to watch.
    if (pending.get(item.id) !== p) return;
    armSweep();
    ex.onAbort(() => {
      if (pending.get(item.id) !== p) return;
      abandoned++;
      forget(p);
    });
  };

  const requests = (route?: string, nodeOptions?: NodeOptions): Producer<HttpRequestItem> => {
    if (route !== undefined && !routeNames.has(route)) {
      throw new InvalidArgumentError(`requestServer.requests: unknown route "${route}" (routes: ${[...routeNames].join(', ')})`);
    }
    const names = route === undefined ? [...routeNames] : [route];
    return defineProducer<HttpRequestItem>('httpRequests', { route: route ?? '*' }, nodeOptions, (ctx) => {
      const taker: Taker = { emit: undefined, left: 0, settle: undefined };
      for (const n of names) sourcesOf(n).add(taker);
      const stop = () => {
        const settle = taker.settle;
        taker.emit = taker.settle = undefined;
        settle?.(true);
      };
      ctx.signal.addEventListener('abort', stop, { once: true });
      return {
        pull(emit, demand) {
          let emitted = 0;
          for (const n of names) {
            const q = queueOf(n);
            while (emitted < demand && q.length > 0) {
              const p = q.shift()!;
              p.taken = true;
              emit(p.item);
              emitted++;
            }
          }
          if (emitted > 0 || ctx.signal.aborted) return true;
          // Nothing queued: wait, taking requests directly as they arrive (see Taker).
          return new Promise<boolean>((resolve) => {
            taker.emit = emit as (item: HttpRequestItem) => void;
            taker.left = demand;
            taker.settle = resolve;
          });
        },
        close() {
          stop();
          for (const n of names) {
            const s = sourcesOf(n);
            s.delete(taker);
            if (s.size > 0) continue;
            // Nobody is left to take these: answer rather than let them wait for the timeout.
            for (const p of queueOf(n).splice(0)) {
              p.taken = true;
              forget(p);
              sendError(p.ex, 503, `route "${n}" stopped before taking request ${p.item.id}`);
            }
          }
        },
      };
    });
  };

  const responses = (nodeOptions?: NodeOptions): Consumer<HttpResponseItem, number> =>
    defineConsumer<HttpResponseItem, number>('httpResponses', {}, nodeOptions, () => {
      let answered = 0;
      return {
        item(value) {
          const r = value as HttpResponseItem;
          const p = r && typeof r.id === 'string' ? pending.get(r.id) : undefined;
          if (!p) {
            late++;
            return;
          }
          forget(p);
          served++;
          answered++;
          const b = r.body;
          const raw = typeof b === 'string' || b instanceof Uint8Array;
          const base = raw ? (typeof b === 'string' ? textHeaders : bytesHeaders) : jsonHeaders;
          p.ex.respond(r.status ?? 200, r.headers ? { ...base, ...r.headers } : base);
          if (b === undefined) p.ex.end();
          else if (raw) {
            void p.ex.write(b);
            p.ex.end();
          } else p.ex.end(JSON.stringify(b));
        },
        complete: () => answered,
      };
    });

  return {
    requests,
    responses,
    stats: () => ({
      pending: pending.size,
      queued: [...queues.values()].reduce((n, q) => n + q.length, 0),
      served,
      timedOut,
      notFound,
      late,
      abandoned,
    }),
    fetch(request) {
      const { exchange, response } = webExchange(request);
      void serve(exchange);
      return response;
    },
    node: (req: IncomingMessage, res: ServerResponse) => serve(nodeExchange(req, res)) ?? settled,
    fastify(request, reply) {
      reply.hijack();
      return serve(nodeExchange(request.raw, reply.raw)) ?? settled;
    },
    get active() {
      return pending.size;
    },
  };
}

const forwardedHeaders = ['content-type', 'accept', 'user-agent', 'x-request-id'];

/** Reads one request's body (it is one item, so it is read whole, up to the limit). */
async function readBody(ex: Exchange, limitBytes: number): Promise<unknown> {
  const declared = Number(ex.header('content-length') ?? '0');
  if (declared > limitBytes) throw new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limitBytes} bytes`);
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of ex.body) {
    size += chunk.length;
    if (size > limitBytes) throw new HttpError(413, `request body exceeds the limit of ${limitBytes} bytes (at byte ${size})`);
    parts.push(chunk);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(parts, size).toString('utf8');
  if (!/\bjson\b/i.test(ex.header('content-type') ?? '')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HttpError(400, `malformed JSON body: ${(e as Error).message}`);
  }
}
