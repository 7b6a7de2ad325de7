import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { type JsonValue, VirtualClock, InvalidArgumentError, checkpointBarrier, collect, forEach, pipeline, take } from '@streamweave/core';
import { httpPoll } from '../index.js';
import { type Listening, listen, until } from '../test-support/servers.js';

interface Item {
  id: number;
}
type Route = (req: IncomingMessage, res: ServerResponse, n: number) => void;

describe('httpPoll', () => {
  let srv: Listening | undefined;
  let log: Array<{ url: string; headers: IncomingHttpHeaders }>;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });
  const serve = async (route: Route) => {
    log = [];
    srv = await listen((req, res) => {
      log.push({ url: req.url!, headers: req.headers });
      route(req, res, log.length);
    });
    return srv.url;
  };
  const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

  it('polls on an interval with ETag revalidation and drops items seen before', async () => {
    const url = await serve((req, res, n) => {
      if (n === 1) return json(res, [{ id: 1 }, { id: 2 }], { etag: '"v1"' });
      if (req.headers['if-none-match'] === '"v1"' && n === 2) return res.writeHead(304).end();
      return json(res, [{ id: 2 }, { id: 3 }], { etag: '"v2"' });
    });
    const clock = new VirtualClock();
    const run = pipeline()
      .from(httpPoll<Item>({ url: `${url}/items`, everyMs: 1000, key: (i) => String(i.id) }))
      .pipe(take(3))
      .to(collect())
      .run({ clock });
    await until(() => log.length === 1, 'first poll');
    await clock.advanceBy(999);
    expect(log).toHaveLength(1);
    await clock.advanceBy(1);
    await until(() => log.length === 2, 'second poll');
    await clock.advanceBy(1000);
    expect((await run).result).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(log.map((l) => l.headers['if-none-match'] ?? null)).toEqual([null, '"v1"', '"v1"']);
  });

  it('sends If-Modified-Since from Last-Modified', async () => {
    const lm = 'Wed, 01 Jan 2026 00:00:00 GMT';
    const url = await serve((req, res, n) => {
      if (n === 1) return json(res, [{ id: 1 }], { 'last-modified': lm });
      return req.headers['if-modified-since'] === lm ? json(res, [{ id: 9 }]) : json(res, []);
    });
    const clock = new VirtualClock();
    const run = pipeline().from(httpPoll<Item>({ url, everyMs: 10 })).pipe(take(2)).to(collect()).run({ clock });
    await until(() => log.length === 1, 'first poll');
    await clock.advanceBy(10);
    expect((await run).result).toEqual([{ id: 1 }, { id: 9 }]);
  });

  it('follows Link rel="next" pages and deduplicates overlapping pages', async () => {
    const url = await serve((req, res) => {
      const page = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1');
      const link: Record<string, string> = page < 3 ? { link: `<?page=${page + 1}>; rel="next", </items?page=1>; rel="first"` } : {};
      // Pages overlap by one item, as they do when new items shift a listing.
      json(res, [{ id: page * 2 - 1 }, { id: page * 2 }, { id: page * 2 + 1 }], link);
    });
    const { result } = await pipeline()
      .from(httpPoll<Item>({ url: `${url}/items`, once: true, paginate: 'link', key: (i) => String(i.id) }))
      .to(collect())
      .run();
    expect(result.map((i) => i.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(log.map((l) => l.url)).toEqual(['/items', '/items?page=2', '/items?page=3']);
  });

  it('follows body cursors and resumes the next poll from the last cursor', async () => {
    let available = 4;
    const url = await serve((req, res) => {
      const cursor = new URL(req.url!, 'http://x').searchParams.get('after');
      const from = cursor === null ? 0 : Number(cursor);
      const items = from < available ? [{ id: from + 1 }, { id: from + 2 }] : [];
      json(res, { data: items, next: items.length > 0 ? String(from + 2) : null });
    });
    const clock = new VirtualClock();
    const run = pipeline()
      .from(
        httpPoll<Item>({
          url: `${url}/changes`,
          everyMs: 500,
          items: (b) => (b as { data: Item[] }).data,
          paginate: { param: 'after', next: (b) => (b as { next: string | null }).next, resume: true },
        }),
      )
      .pipe(take(6))
      .to(collect())
      .run({ clock });
    await until(() => log.length === 3, 'first poll to reach the end of the feed');
    available = 6;
    await clock.advanceBy(500);
    expect((await run).result.map((i) => i.id)).toEqual([1, 2, 3, 4, 5, 6]);
    // The second poll starts from the last cursor (after=4), not from the first page.
    // (The source may already be fetching after=6 when take() stops the run.)
    expect(log.slice(0, 4).map((l) => l.url)).toEqual(['/changes', '/changes?after=2', '/changes?after=4', '/changes?after=4']);
  });

  it('backs off on 429 honouring Retry-After and on 503 exponentially, then succeeds', async () => {
    const url = await serve((_req, res, n) => {
      if (n === 1) return res.writeHead(429, { 'retry-after': '3' }).end();
      if (n === 2) return res.writeHead(503).end();
      return json(res, [{ id: 1 }]);
    });
    const clock = new VirtualClock();
    const run = pipeline()
      .from(httpPoll<Item>({ url, once: true, backoff: { initialDelayMs: 200, jitter: 0 } }))
      .to(collect())
      .run({ clock });
    await until(() => log.length === 1, '429');
    await clock.advanceBy(2999);
    expect(log).toHaveLength(1);
    await clock.advanceBy(1);
    await until(() => log.length === 2, '503');
    // Second consecutive failure: 200 × 2.
    await clock.advanceBy(399);
    expect(log).toHaveLength(2);
    await clock.advanceBy(1);
    expect((await run).result).toEqual([{ id: 1 }]);
  });

  it('honours an HTTP-date Retry-After and gives up after maxRetries', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
    const url = await serve((_req, res) => res.writeHead(503, { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }).end());
    const run = pipeline().from(httpPoll({ url, once: true, maxRetries: 1 })).to(collect()).run({ clock });
    const failed = expect(run).rejects.toThrow(/httpPoll: HTTP 503 at http:\/\/127\.0\.0\.1:\d+ \(gave up after 2 attempts\)/);
    await until(() => log.length === 1, 'first');
    await clock.advanceBy(5000);
    await failed;
    expect(log).toHaveLength(2);
  });

  it('fails on a 4xx, a malformed body or a non-array body, naming the URL', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/404') return res.writeHead(404).end('nope');
      if (req.url === '/bad') return res.writeHead(200).end('{oops');
      return json(res, { not: 'an array' });
    });
    await expect(pipeline().from(httpPoll({ url: `${url}/404`, once: true })).to(collect()).run()).rejects.toThrow(/HTTP 404 from http:\/\/127\.0\.0\.1:\d+\/404: nope/);
    await expect(pipeline().from(httpPoll({ url: `${url}/bad`, once: true })).to(collect()).run()).rejects.toThrow(/malformed JSON from .*\/bad/);
    await expect(pipeline().from(httpPoll({ url: `${url}/obj`, once: true })).to(collect()).run()).rejects.toThrow(/not a JSON array/);
    await expect(pipeline().from(httpPoll({ url: `${url}/obj`, once: true, items: () => 'x' as never })).to(collect()).run()).rejects.toThrow(
      /items of .*\/obj are not an array/,
    );
  });

  it('retries a network failure with backoff', async () => {
    const url = await serve((_req, res) => json(res, [{ id: 1 }]));
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      if (++calls === 1) throw new Error('ECONNRESET');
      return fetch(input, init);
    };
    const clock = new VirtualClock();
    const run = pipeline().from(httpPoll<Item>({ url, once: true, fetch: flaky, backoff: { initialDelayMs: 50, jitter: 0 } })).to(collect()).run({ clock });
    await until(() => clock.pendingTimers === 1, 'retry timer');
    await clock.advanceBy(50);
    expect((await run).result).toEqual([{ id: 1 }]);
  });

  it('waits for the first cron slot on the clock', async () => {
    const url = await serve((_req, res, n) => json(res, [{ id: n }]));
    const clock = new VirtualClock(Date.parse('2026-01-01T00:01:00Z'));
    const run = pipeline().from(httpPoll<Item>({ url, schedule: '*/5 * * * *' })).pipe(take(2)).to(collect()).run({ clock });
    await clock.advanceBy(3 * 60_000);
    expect(log).toHaveLength(0);
    await clock.advanceBy(60_000); // 00:05
    await until(() => log.length === 1, 'first slot');
    await clock.advanceBy(5 * 60_000); // 00:10
    expect((await run).result).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('records its position at barriers and resumes from it: validators, next poll time and seen keys', async () => {
    const url = await serve((req, res) =>
      req.headers['if-none-match'] === '"e1"' ? res.writeHead(304).end() : json(res, [{ id: 1 }, { id: 2 }], { etag: '"e1"' }),
    );
    const clock = new VirtualClock(1000);
    const positions: Array<JsonValue | undefined> = [];
    const handle = pipeline()
      .from(httpPoll<Item>({ url, everyMs: 100, key: (i) => String(i.id), name: 'poll' }))
      .to(collect())
      .start({ clock, checkpoints: { onSourceBarrier: (_id, _b, p) => positions.push(p) } });
    await until(() => log.length === 1, 'first poll');
    await clock.settle();
    handle.injectBarrier(checkpointBarrier(1, 0));
    handle.cancel();
    await handle.result.catch(() => undefined);
    expect(positions).toEqual([{ etag: '"e1"', lastModified: null, cursor: null, nextPollAt: 1100, seen: ['1', '2'] }]);

    const resumed = pipeline()
      .from(httpPoll<Item>({ url, everyMs: 100, key: (i) => String(i.id), name: 'poll' }))
      .to(collect())
      .start({ clock, restore: { positions: { poll: positions[0]! } } });
    await clock.advanceBy(100);
    await until(() => log.length === 2, 'resumed poll');
    expect(log[1]!.headers['if-none-match']).toBe('"e1"');
    resumed.drain();
    expect((await resumed.result).result).toEqual([]);
  });

  it('a position taken with items still queued makes a restore fetch that page again', async () => {
    const url = await serve((_req, res) => json(res, [{ id: 1 }, { id: 2 }, { id: 3 }], { etag: '"e"' }));
    const clock = new VirtualClock();
    const positions: Array<JsonValue | undefined> = [];
    const handle = pipeline()
      .from(httpPoll<Item>({ url, everyMs: 100, key: (i) => String(i.id), name: 'poll' }))
      .to(forEach(() => new Promise<void>(() => undefined)))
      .start({ clock, creditWindow: 1, checkpoints: { onSourceBarrier: (_id, _b, p) => positions.push(p) } });
    await until(() => log.length === 1, 'poll');
    handle.injectBarrier(checkpointBarrier(1, 0));
    handle.cancel();
    await handle.result.catch(() => undefined);
    const p = positions[0] as { etag: null; seen: string[]; nextPollAt: null };
    expect(p.etag).toBeNull();
    expect(p.nextPollAt).toBeNull();
    // Item 1 was emitted; 2 and 3 were still queued, so only key 1 is recorded.
    expect(p.seen).toEqual(['1']);
  });

  it('rejects bad options and positions', async () => {
    expect(() => httpPoll({ url: 'ftp://x', once: true })).toThrow(InvalidArgumentError);
    expect(() => httpPoll({ url: 'http://x' })).toThrow(/exactly one of `everyMs` or `schedule`/);
    expect(() => httpPoll({ url: 'http://x', everyMs: 0 })).toThrow(/everyMs/);
    expect(() => httpPoll({ url: 'http://x', schedule: 'bad' })).toThrow(/cronSchedule/);
    await expect(
      pipeline()
        .from(httpPoll({ url: 'http://127.0.0.1:1/', once: true, name: 'p' }))
        .to(collect())
        .run({ restore: { positions: { p: 'nope' } } }),
    ).rejects.toThrow(/cannot restore position "nope"/);
  });
});
