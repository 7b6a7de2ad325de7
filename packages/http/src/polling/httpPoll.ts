import {
  type BackoffOptions,
  type JsonValue,
  type NodeOptions,
  type Producer,
  InvalidArgumentError,
  backoffDelay,
  defineProducer,
} from '@streamweave/core';
import { HttpError } from '../httpError.js';
import { type CronSchedule, cronSchedule } from './cronSchedule.js';

/** Cursor pagination of {@link httpPoll}. */
export interface CursorPagination {
  /** Reads the next cursor from a page body; undefined/null/'' when it was the last page. */
  next(body: unknown): string | null | undefined;
  /** Query parameter that carries the cursor (default `cursor`). */
  readonly param?: string;
  /**
   * Start the next poll from the last cursor instead of the first page (an
   * incremental feed such as "changes since"). The cursor is part of the position.
   */
  readonly resume?: boolean;
}

/** Options of {@link httpPoll}. */
export interface HttpPollOptions<T> extends NodeOptions {
  /** First page of every poll. */
  readonly url: string;
  /** Poll every this many ms (measured from the end of one poll to the start of the next). */
  readonly everyMs?: number;
  /** Or poll on a five-field cron schedule (UTC), see {@link cronSchedule}. */
  readonly schedule?: string;
  /** Items of a page (default: the JSON body itself, which must be an array). */
  readonly items?: (body: unknown, response: Response) => readonly T[];
  /** Follow `Link: <…>; rel="next"` headers (`'link'`) or a cursor in the body. Default: one page per poll. */
  readonly paginate?: 'link' | CursorPagination;
  /** Most pages followed in one poll (default 100). */
  readonly maxPages?: number;
  /** Identity of an item for deduplication across overlapping pages and polls (default: none, no dedup). */
  readonly key?: (item: T) => string;
  /** Most recent keys remembered (default 1000); also what the position carries. */
  readonly dedupWindow?: number;
  /** Extra request headers (authorization…). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Backoff on 429 / 5xx / network errors when the server sends no Retry-After (default 1 s doubling to 5 min). */
  readonly backoff?: BackoffOptions;
  /** Consecutive failed attempts before the producer fails (default 10). */
  readonly maxRetries?: number;
  /** Stop after one complete poll (a backfill) instead of polling forever. */
  readonly once?: boolean;
  /** fetch implementation (default globalThis.fetch). */
  readonly fetch?: typeof fetch;
  /** Uniform random numbers in [0, 1) for backoff jitter. */
  readonly random?: () => number;
}

/** What {@link httpPoll} records at a checkpoint. */
interface PollPosition {
  etag: string | null;
  lastModified: string | null;
  cursor: string | null;
  nextPollAt: number | null;
  seen: string[];
}

/**
 * Polls an HTTP endpoint on an interval or a cron schedule (on the run's
 * clock) and emits the items of each response. It sends `If-None-Match` /
 * `If-Modified-Since` so an unchanged resource costs a 304; follows `Link`
 * headers or body cursors across pages; backs off on 429 and 5xx, honouring
 * `Retry-After`; drops items already seen on overlapping pages (bounded
 * memory); and is replayable: its position (validators, cursor, next poll
 * time, recent keys) restores through checkpoints.
 *
 * When to use: ingesting REST APIs without push support: status pages, change
 * feeds, paginated listings.
 *
 * @example
 * ```ts
 * httpPoll<Issue>({ url: 'https://api.example.com/issues?sort=updated', everyMs: 60_000, paginate: 'link', key: (i) => `${i.id}@${i.updatedAt}` });
 * ```
 * @see {@link cronSchedule}, {@link sseSource} for servers that push.
 */
export function httpPoll<T = unknown>(options: HttpPollOptions<T>): Producer<T> {
  if (typeof options?.url !== 'string' || !/^https?:\/\//.test(options.url)) {
    throw new InvalidArgumentError(`httpPoll: \`url\` must be an http(s) URL, got ${JSON.stringify(options?.url)}`);
  }
  const { url } = options;
  if ((options.everyMs === undefined) === (options.schedule === undefined) && !options.once) {
    throw new InvalidArgumentError('httpPoll: give exactly one of `everyMs` or `schedule` (or `once: true`)');
  }
  if (options.everyMs !== undefined && !(options.everyMs > 0)) {
    throw new InvalidArgumentError(`httpPoll: \`everyMs\` must be > 0, got ${String(options.everyMs)}`);
  }
  const cron: CronSchedule | undefined = options.schedule === undefined ? undefined : cronSchedule(options.schedule);
  const maxPages = options.maxPages ?? 100;
  const dedupWindow = options.dedupWindow ?? 1000;
  const maxRetries = options.maxRetries ?? 10;
  const backoff: Required<BackoffOptions> = { initialDelayMs: 1000, maxDelayMs: 300_000, factor: 2, jitter: 0.1, ...options.backoff };
  const extract = options.items ?? defaultItems<T>;
  const cursorParam = typeof options.paginate === 'object' ? (options.paginate.param ?? 'cursor') : 'cursor';
  return defineProducer<T>(
    'httpPoll',
    { url, everyMs: options.everyMs ?? null, schedule: options.schedule ?? null, maxPages, dedupWindow },
    options,
    (ctx) => {
      const doFetch = options.fetch ?? globalThis.fetch;
      const random = options.random ?? Math.random;
      const pos: PollPosition = { etag: null, lastModified: null, cursor: null, nextPollAt: null, seen: [] };
      const seen = new Set<string>();
      const queue: T[] = [];
      let page: string | undefined; // URL of the next page of the current poll
      let pageCursor: string | null = null; // cursor in that URL, if any
      let fetchingCursor: string | null = null; // cursor of the page whose items are queued
      let pages = 0;
      let failures = 0;
      let polls = 0;
      let done = false;

      const remember = (key: string) => {
        seen.add(key);
        pos.seen.push(key);
        if (pos.seen.length > dedupWindow) seen.delete(pos.seen.shift()!);
      };
      const sleepUntil = (at: number) =>
        new Promise<void>((resolve) => {
          const delay = at - ctx.clock.now();
          if (delay <= 0 || ctx.signal.aborted) return resolve();
          const onAbort = () => (cancel(), resolve());
          const cancel = ctx.clock.schedule(() => {
            ctx.signal.removeEventListener('abort', onAbort);
            resolve();
          }, delay);
          ctx.signal.addEventListener('abort', onAbort, { once: true });
        });
      const cursorUrl = (cursor: string) => {
        const u = new URL(url);
        u.searchParams.set(cursorParam, cursor);
        return u.toString();
      };
      const finishPoll = () => {
        page = undefined;
        pages = 0;
        polls++;
        if (options.once) done = true;
        else pos.nextPollAt = cron ? cron.next(ctx.clock.now()) : ctx.clock.now() + options.everyMs!;
      };
      const fail = async (why: string, retryAfterMs: number | undefined) => {
        failures++;
        if (failures > maxRetries) throw new Error(`httpPoll: ${why} at ${page} (gave up after ${failures} attempts)`);
        await sleepUntil(ctx.clock.now() + (retryAfterMs ?? backoffDelay(backoff, failures, random)));
      };

      const fetchPage = async (): Promise<void> => {
        const first = pages === 0;
        const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
        // Validators only make sense for the first page: later pages are different resources.
        if (first && pos.etag) headers['if-none-match'] = pos.etag;
        if (first && pos.lastModified) headers['if-modified-since'] = pos.lastModified;
        let res: Response;
        try {
          res = await doFetch(page!, { headers, signal: ctx.signal });
        } catch (e) {
          if (ctx.signal.aborted) return;
          return fail(`request failed (${(e as Error).message})`, undefined);
        }
        if (res.status === 429 || res.status >= 500) {
          await res.body?.cancel();
          return fail(`HTTP ${res.status}`, retryAfter(res.headers.get('retry-after'), ctx.clock.now()));
        }
        if (res.status === 304) {
          failures = 0;
          return finishPoll();
        }
        if (res.status < 200 || res.status >= 300) {
          const text = await res.text().catch(() => '');
          throw new HttpError(res.status, `httpPoll: HTTP ${res.status} from ${page}${text ? `: ${text.slice(0, 200)}` : ''}`);
        }
        failures = 0;
        if (first) {
          pos.etag = res.headers.get('etag') ?? pos.etag;
          pos.lastModified = res.headers.get('last-modified') ?? pos.lastModified;
        }
        const text = await res.text();
        let body: unknown;
        try {
          body = text === '' ? [] : (JSON.parse(text) as unknown);
        } catch (e) {
          throw new Error(`httpPoll: malformed JSON from ${page}: ${(e as Error).message}`);
        }
        const items = extract(body, res);
        if (!Array.isArray(items)) throw new Error(`httpPoll: the items of ${page} are not an array`);
        for (const item of items as T[]) {
          if (options.key) {
            const k = options.key(item);
            if (seen.has(k)) continue;
            remember(k);
          }
          queue.push(item);
        }
        pages++;
        let next: string | undefined;
        if (options.paginate === 'link') next = linkNext(res.headers.get('link'), page!);
        else if (options.paginate) {
          const c = options.paginate.next(body);
          if (c !== undefined && c !== null && c !== '') {
            next = cursorUrl(c);
            if (options.paginate.resume) pos.cursor = c;
          }
        }
        if (next !== undefined && pages < maxPages) {
          page = next;
          pageCursor = pos.cursor;
        }
        else finishPoll();
      };

      return {
        async pull(emit, demand) {
          while (queue.length === 0) {
            if (done) return false;
            if (ctx.signal.aborted) return true;
            if (page === undefined) {
              // A cron poller waits for its first slot; an interval poller starts at once.
              if (pos.nextPollAt === null && cron && polls === 0) pos.nextPollAt = cron.next(ctx.clock.now());
              if (pos.nextPollAt !== null) await sleepUntil(pos.nextPollAt);
              if (ctx.signal.aborted) return true;
              page = pos.cursor !== null ? cursorUrl(pos.cursor) : url;
              pageCursor = pos.cursor;
            }
            fetchingCursor = pageCursor;
            await fetchPage();
          }
          for (let i = 0; i < demand && queue.length > 0; i++) emit(queue.shift()!);
          return true;
        },
        // The position is taken between emits. Items still queued were fetched but not
        // emitted: the position then points at the page they came from, without the
        // validators (so it is fetched again, not answered 304) and without their dedup
        // keys, so a restore emits them again (at-least-once) and nothing is lost.
        position: (): JsonValue => {
          if (queue.length === 0) return { ...pos, seen: [...pos.seen] };
          return {
            etag: null,
            lastModified: null,
            cursor: fetchingCursor,
            nextPollAt: null,
            seen: options.key ? pos.seen.slice(0, Math.max(0, pos.seen.length - queue.length)) : [],
          };
        },
        seek(p) {
          const o = p as Partial<PollPosition> | null;
          if (!o || typeof o !== 'object' || !Array.isArray(o.seen)) {
            throw new InvalidArgumentError(`httpPoll: cannot restore position ${JSON.stringify(p)}`);
          }
          pos.etag = o.etag ?? null;
          pos.lastModified = o.lastModified ?? null;
          pos.cursor = o.cursor ?? null;
          pos.nextPollAt = o.nextPollAt ?? null;
          polls = 1; // a restored poller continues its schedule rather than waiting for a first slot
          pos.seen = [];
          seen.clear();
          for (const k of o.seen.slice(-dedupWindow)) remember(String(k));
        },
      };
    },
  );
}

function defaultItems<T>(body: unknown): readonly T[] {
  if (!Array.isArray(body)) throw new Error('httpPoll: the response body is not a JSON array; give an `items` function to pick the items');
  return body as T[];
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into a delay in ms. */
function retryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The `rel="next"` target of a Link header, resolved against the page URL. */
function linkNext(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2]!)) return new URL(m[1]!, base).toString();
  }
  return undefined;
}
