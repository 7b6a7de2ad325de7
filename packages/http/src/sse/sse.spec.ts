import { request as httpRequest } from 'node:http';
import { VirtualClock, InvalidArgumentError, collect, fromArray, fromAsyncIterable, mapAsync, onError, pipeline, take } from '@streamweave/core';
import { bearerToken, sseEndpoint, sseSource } from '../index.js';
import { type Listening, handFed, listen, until } from '../test-support/servers.js';

describe('SSE endpoint and client', () => {
  let srv: Listening | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  it('delivers published events to an sseSource client with ids and event names', async () => {
    const feed = sseEndpoint<{ n: number }>({ event: (x) => (x.n % 2 === 0 ? 'even' : undefined), heartbeatMs: 0 });
    srv = await listen(feed.node);
    const input = handFed<{ n: number }>();
    const pub = pipeline().from(fromAsyncIterable(input.iterable)).to(feed.consumer()).run();
    const got = pipeline().from(sseSource<{ n: number }>(`${srv.url}/events`)).pipe(take(3)).to(collect()).run();
    await until(() => feed.stats().clients === 1, 'client');
    input.push({ n: 1 }, { n: 2 }, { n: 3 });
    expect((await got).result).toEqual([
      { id: '0', event: 'message', data: { n: 1 } },
      { id: '1', event: 'even', data: { n: 2 } },
      { id: '2', event: 'message', data: { n: 3 } },
    ]);
    await until(() => feed.stats().clients === 0, 'client to leave');
    input.end();
    expect((await pub).result).toBe(3);
    expect(feed.stats()).toEqual({ clients: 0, published: 3, lastId: 2, disconnected: 0, gaps: 0 });
  });

  it('resumes from Last-Event-ID out of the bounded replay buffer, and reports a gap', async () => {
    const feed = sseEndpoint<number>({ replay: 3, heartbeatMs: 0, closeOnComplete: false });
    srv = await listen(feed.node);
    await pipeline().from(fromArray([10, 11, 12, 13, 14])).to(feed.consumer()).run();
    const resumed = await pipeline()
      .from(sseSource<number>(`${srv.url}/`, { lastEventId: '2' }))
      .pipe(take(2))
      .to(collect())
      .run();
    expect(resumed.result.map((e) => [e.id, e.data])).toEqual([
      ['3', 13],
      ['4', 14],
    ]);
    const raw = await readSome(`${srv.url}/?lastEventId=0`, 3);
    expect(raw).toBe(': connected\n\n: replay gap: events 1..1 are no longer buffered\n\nid: 2\ndata: 12\n\n');
    expect(feed.stats().gaps).toBe(1);
    feed.close();
  });

  it('client reconnects after the retry delay on the virtual clock and resumes without loss or duplicates', async () => {
    const feed = sseEndpoint<number>({ heartbeatMs: 0, retryMs: 2000, closeOnComplete: false });
    srv = await listen(feed.node);
    const clock = new VirtualClock();
    const input = handFed<number>();
    void pipeline().from(fromAsyncIterable(input.iterable)).to(feed.consumer()).run();
    const seen: string[] = [];
    const got = pipeline()
      .from(sseSource<number>(srv.url, { name: 'sse' }))
      .pipe(take(4))
      .to(collect())
      .run({ clock, hooks: { onItemOut: (id, x) => id === 'sse' && seen.push((x as { id: string }).id) } });
    await until(() => feed.stats().clients === 1, 'client');
    input.push(1, 2);
    await until(() => seen.length === 2, 'two events');
    feed.close(); // the server drops every connection
    input.push(3, 4); // published while the client is away
    await until(() => feed.stats().published === 4 && clock.pendingTimers === 1, 'reconnect timer');
    await clock.advanceBy(1999);
    expect(feed.stats().clients).toBe(0);
    await clock.advanceBy(1);
    expect((await got).result.map((e) => e.data)).toEqual([1, 2, 3, 4]);
    input.end();
  });

  it('sends heartbeats on the clock and stops them when the last client leaves', async () => {
    const clock = new VirtualClock();
    const feed = sseEndpoint({ heartbeatMs: 1000, clock });
    srv = await listen(feed.node);
    const chunks: string[] = [];
    const req = httpRequest(`${srv.url}/`);
    req.on('response', (res) => res.on('data', (c: Buffer) => chunks.push(c.toString())));
    req.on('error', () => undefined);
    req.end();
    await until(() => chunks.length === 1, 'connected');
    await clock.advanceBy(1000);
    await until(() => chunks.length === 2, 'heartbeat');
    expect(chunks).toEqual([': connected\n\n', ': ping\n\n']);
    req.destroy();
    await until(() => feed.stats().clients === 0, 'client gone');
    await clock.advanceBy(1000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('disconnects a client that does not read, without holding up the others', async () => {
    const feed = sseEndpoint<string>({ heartbeatMs: 0, maxBuffered: 8, closeOnComplete: false });
    srv = await listen(feed.node);
    const stuck = httpRequest(`${srv.url}/`);
    stuck.on('response', (res) => res.pause());
    stuck.on('error', () => undefined);
    stuck.end();
    const total = 1500;
    const reader = pipeline().from(sseSource<string>(srv.url)).pipe(take(total)).to(collect()).run();
    await until(() => feed.stats().clients === 2, 'two clients');
    const big = 'q'.repeat(16 * 1024);
    // Paced publisher: the reading client keeps up, the stuck one cannot.
    await pipeline()
      .from(fromArray(Array.from({ length: total }, (_, i) => `${i}${big}`)))
      .pipe(mapAsync(async (x: string) => (await new Promise((r) => setImmediate(r)), x)))
      .to(feed.consumer())
      .run();
    const got = (await reader).result;
    expect(got.map((e) => Number.parseInt(e.data, 10))).toEqual(Array.from({ length: total }, (_, i) => i));
    await until(() => feed.stats().clients === 0, 'reader to leave');
    expect(feed.stats().disconnected).toBe(1);
    stuck.destroy();
    feed.close();
  }, 30_000);

  it('restores its position from a checkpoint and reports it at barriers', async () => {
    const feed = sseEndpoint<number>({ heartbeatMs: 0, closeOnComplete: false });
    srv = await listen(feed.node);
    await pipeline().from(fromArray([0, 1, 2, 3])).to(feed.consumer()).run();
    const r = await pipeline()
      .from(sseSource<number>(srv.url, { name: 'sse' }))
      .pipe(take(1))
      .to(collect())
      .run({ restore: { positions: { sse: '2' } } });
    expect(r.result).toEqual([{ id: '3', event: 'message', data: 3 }]);
    feed.close();
  });

  it('ends on 204, fails on 401 and after maxRetries on a non-event-stream answer', async () => {
    srv = await listen(async (req, res) => {
      if (req.url === '/gone') res.writeHead(204).end();
      else if (req.url === '/html') res.writeHead(200, { 'content-type': 'text/html' }).end('<p>');
      else res.writeHead(500).end();
    });
    expect((await pipeline().from(sseSource(`${srv.url}/gone`)).to(collect()).run()).result).toEqual([]);
    const guarded = sseEndpoint({ auth: bearerToken('sse-token-1'), heartbeatMs: 0 });
    const g = await listen(guarded.node);
    try {
      await expect(pipeline().from(sseSource(g.url)).to(collect()).run()).rejects.toThrow(/cannot connect to .* \(HTTP 401\)/);
      const ok = pipeline()
        .from(sseSource(g.url, { headers: { authorization: 'Bearer sse-token-1' } }))
        .to(collect())
        .start();
      await until(() => guarded.stats().clients === 1, 'authorized client');
      ok.drain();
      expect((await ok.result).status).toBe('drained');
      await until(() => guarded.stats().clients === 0, 'authorized client to leave');
    } finally {
      await g.close();
    }
    const clock = new VirtualClock();
    const html = pipeline().from(sseSource(`${srv.url}/html`, { maxRetries: 1, retryMs: 100 })).to(collect()).run({ clock });
    const failed = expect(html).rejects.toThrow(/content-type "text\/html" is not text\/event-stream, 2 attempts/);
    await until(() => clock.pendingTimers === 1, 'retry timer');
    await clock.advanceBy(100);
    await failed;
  });

  it('filters event names, fails on undecodable data per the error strategy, and ends on close when asked', async () => {
    srv = await listen(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('event: skip\ndata: 0\n\nid: a\ndata: 1\n\nid: b\ndata: {bad\n\nid: c\ndata: 3\n\n');
    });
    const r = await pipeline()
      .from(sseSource<number>(srv.url, { name: 'sse', events: ['message'], endOnClose: true }))
      .to(collect())
      .run({ errors: onError.skip() });
    expect(r.result.map((e) => e.data)).toEqual([1, 3]);
    expect(r.stats['sse']).toMatchObject({ errors: 1 });
    await expect(pipeline().from(sseSource(srv.url, { endOnClose: true })).to(collect()).run()).rejects.toThrow(
      /cannot decode event "b" \(message\)/,
    );
  });

  it('serves Web-standard requests', async () => {
    const feed = sseEndpoint<number>({ heartbeatMs: 0 });
    const res = await feed.fetch(new Request('http://localhost/', { headers: { 'last-event-id': '-1' } }));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    await pipeline().from(fromArray([5])).to(feed.consumer()).run();
    expect(await res.text()).toBe(': connected\n\nid: 0\ndata: 5\n\n');
  });

  it('rejects bad arguments', () => {
    expect(() => sseSource('ftp://x')).toThrow(InvalidArgumentError);
    expect(() => sseEndpoint({ replay: -1 })).toThrow(/replay/);
  });
});

/** Reads raw SSE text until `n` blank-line-terminated blocks arrived. */
function readSome(url: string, n: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.split('\n\n').length - 1 >= n) {
          req.destroy();
          resolve(text);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}
