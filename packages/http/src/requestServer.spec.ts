import { VirtualClock, InvalidArgumentError, filter, map, mapAsync, pipeline } from '@streamweave/core';
import { type HttpRequestItem, type HttpResponseItem, bearerToken, requestServer } from './index.js';
import { type Listening, listen, streamingPost, until } from './test-support/servers.js';

describe('requestServer', () => {
  let srv: Listening | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  function start(server: ReturnType<typeof requestServer>) {
    const users = pipeline()
      .from(server.requests('user', { name: 'users' }))
      .pipe(map((r: HttpRequestItem): HttpResponseItem => ({ id: r.id, body: { user: r.params['id'], q: r.query['v'] ?? null } })))
      .to(server.responses({ name: 'usersOut' }))
      .start();
    const echo = pipeline()
      .from(server.requests('echo'))
      .pipe(
        map((r: HttpRequestItem): HttpResponseItem => ({
          id: r.id,
          status: 201,
          headers: { 'x-route': r.route },
          body: typeof r.body === 'string' ? `text:${r.body}` : { got: r.body, rest: r.params['*'] ?? null },
        })),
      )
      .to(server.responses())
      .start();
    return [users, echo];
  }

  it('routes requests by path pattern and answers each by its id', async () => {
    const server = requestServer({ auth: 'none', routes: { user: 'GET /users/:id', echo: 'POST /echo/*' } });
    const runs = start(server);
    srv = await listen(server.node);
    const [a, b, c, d] = await Promise.all([
      fetch(`${srv.url}/users/42?v=1`),
      fetch(`${srv.url}/users/7`),
      fetch(`${srv.url}/echo/a/b`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' }),
      fetch(`${srv.url}/echo/t`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' }),
    ]);
    expect(await a!.json()).toEqual({ user: '42', q: '1' });
    expect(await b!.json()).toEqual({ user: '7', q: null });
    expect(c!.status).toBe(201);
    expect(c!.headers.get('x-route')).toBe('echo');
    expect(await c!.json()).toEqual({ got: { x: 1 }, rest: 'a/b' });
    expect(await d!.text()).toBe('text:hi');
    expect(server.stats()).toEqual({ pending: 0, queued: 0, served: 4, timedOut: 0, notFound: 0, late: 0, abandoned: 0 });
    for (const r of runs) r.drain();
    await Promise.all(runs.map((r) => r.result));
  });

  it('answers through a synchronous graph within the request, arming no timeout timer', async () => {
    const clock = new VirtualClock();
    const server = requestServer({ auth: 'none', routes: { user: 'GET /users/:id', echo: 'POST /echo/*' }, clock });
    const [users, echo] = start(server);
    srv = await listen(server.node);
    for (const id of ['1', '2', '3']) {
      const res = await fetch(`${srv.url}/users/${id}`);
      expect(await res.json()).toEqual({ user: id, q: null });
      expect(clock.pendingTimers).toBe(0);
    }
    expect(server.stats()).toMatchObject({ pending: 0, served: 3 });
    users!.drain();
    echo!.drain();
    await Promise.all([users!.result, echo!.result]);
  });

  it('through an asynchronous graph, queues requests beyond the credit and arms one timer while any is pending', async () => {
    const clock = new VirtualClock();
    const server = requestServer({ auth: 'none', routes: { job: 'GET /jobs/:id' }, clock });
    const gates: Array<() => void> = [];
    const run = pipeline()
      .from(server.requests('job'))
      .pipe(
        mapAsync(
          (r: HttpRequestItem) =>
            new Promise<HttpResponseItem>((resolve) => gates.push(() => resolve({ id: r.id, body: { job: r.params['id'] } }))),
          { concurrency: 4 },
        ),
      )
      .to(server.responses())
      .start({ creditWindow: 2 });
    srv = await listen(server.node);
    const answers = ['a', 'b', 'c'].map((id) => fetch(`${srv!.url}/jobs/${id}`));
    // Two are taken (the credit window), the third waits in the queue.
    await until(() => gates.length === 2 && server.stats().queued === 1, 'two requests taken, one queued');
    expect(clock.pendingTimers).toBe(1);
    // Answering frees credit, so the queued request is taken too.
    for (let answered = 0; answered < 3; answered++) {
      await until(() => gates.length > 0, 'a job to answer');
      gates.shift()!();
    }
    const bodies = await Promise.all(answers.map(async (a) => (await a).json()));
    expect(bodies).toEqual([{ job: 'a' }, { job: 'b' }, { job: 'c' }]);
    expect(server.stats()).toMatchObject({ pending: 0, queued: 0, served: 3 });
    expect(clock.pendingTimers).toBe(0);
    run.drain();
    await run.result;
  });

  it('answers unmatched paths with 404, or sends them to the default route', async () => {
    const strict = requestServer({ auth: 'none', routes: { user: 'GET /users/:id', echo: 'POST /echo/*' } });
    const runs = start(strict);
    srv = await listen(strict.node);
    const res = await fetch(`${srv.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no route matches GET /nowhere' });
    expect((await fetch(`${srv.url}/users/1`, { method: 'DELETE' })).status).toBe(404);
    expect(strict.stats().notFound).toBe(2);
    runs.forEach((r) => r.drain());
    await srv.close();

    const lenient = requestServer({ auth: 'none', routes: { user: 'GET /users/:id' }, defaultRoute: 'fallback' });
    const run = pipeline()
      .from(lenient.requests('fallback'))
      .pipe(map((r: HttpRequestItem): HttpResponseItem => ({ id: r.id, status: 404, body: { route: r.route, path: r.path } })))
      .to(lenient.responses())
      .start();
    srv = await listen(lenient.node);
    const fb = await fetch(`${srv.url}/else`);
    expect(fb.status).toBe(404);
    expect(await fb.json()).toEqual({ route: 'fallback', path: '/else' });
    run.drain();
    await run.result;
  });

  it('times a request out with 504 on the virtual clock, and counts a late response', async () => {
    const clock = new VirtualClock();
    const server = requestServer({ auth: 'none', routes: { slow: '/slow', never: '/never' }, timeoutMs: 1000, clock });
    const held: HttpRequestItem[] = [];
    const run = pipeline()
      .from(server.requests('slow'))
      .pipe(
        filter((r: HttpRequestItem) => {
          held.push(r);
          return false;
        }),
      )
      .to(server.responses())
      .start();
    srv = await listen(server.node);
    const res = fetch(`${srv.url}/slow`);
    await until(() => held.length === 1, 'request to reach the graph');
    await clock.advanceBy(999);
    expect(server.stats().pending).toBe(1);
    await clock.advanceBy(1);
    const r = await res;
    expect(r.status).toBe(504);
    expect(await r.json()).toEqual({ error: 'request r1 (route "slow") got no response within 1000 ms' });
    // The graph answers after the timeout: dropped and counted, never written twice.
    const late = pipeline().from(server.requests('never')).to(server.responses()).start();
    const sink = server.responses();
    const { fromArray } = await import('@streamweave/core');
    await pipeline().from(fromArray<HttpResponseItem>([{ id: held[0]!.id, body: 'late' }])).to(sink).run();
    expect(server.stats()).toMatchObject({ pending: 0, timedOut: 1, late: 1 });
    expect(clock.pendingTimers).toBe(0);
    run.drain();
    late.drain();
    await Promise.all([run.result, late.result]);
  });

  it('answers 503 when a route has no running pipeline or its queue is full, and frees queued requests when it stops', async () => {
    const server = requestServer({ auth: 'none', routes: { a: '/a', b: '/b' }, maxQueued: 1 });
    srv = await listen(server.node);
    const none = await fetch(`${srv.url}/a`);
    expect(none.status).toBe(503);
    expect(await none.json()).toEqual({ error: 'route "a" has no running pipeline' });
    // A source that is running but has no credit left (its one item never finishes): requests queue up to maxQueued.
    const run = pipeline()
      .from(server.requests('a'))
      .pipe(mapAsync(() => new Promise<HttpResponseItem>(() => undefined), { concurrency: 1 }))
      .to(server.responses())
      .start({ creditWindow: 1 });
    const first = fetch(`${srv.url}/a`); // taken by the source (credit 1), then filtered away
    await until(() => server.stats().pending === 1, 'first request pending');
    const second = fetch(`${srv.url}/a`);
    await until(() => server.stats().queued === 1, 'second request queued');
    const third = await fetch(`${srv.url}/a`);
    expect(third.status).toBe(503);
    expect(await third.json()).toEqual({ error: 'route "a" has 1 requests queued; try again later' });
    run.cancel();
    await run.result.catch(() => undefined);
    const s = await second;
    expect(s.status).toBe(503);
    expect(await s.json()).toEqual({ error: 'route "a" stopped before taking request r2' });
    void first.catch(() => undefined);
  });

  it('rejects malformed JSON with 400, oversized bodies with 413, duplicates with 409 and missing tokens with 401', async () => {
    const token = 'route-token-1';
    const server = requestServer({ auth: bearerToken(token), routes: { echo: 'POST /echo' }, limitBytes: 16 });
    const held: HttpRequestItem[] = [];
    const run = pipeline()
      .from(server.requests())
      .pipe(
        filter((r: HttpRequestItem) => {
          held.push(r);
          return false;
        }),
      )
      .to(server.responses())
      .start();
    srv = await listen(server.node);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect((await fetch(`${srv.url}/echo`, { method: 'POST', body: '{}' })).status).toBe(401);
    const bad = await fetch(`${srv.url}/echo`, { method: 'POST', headers: auth, body: '{"a":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^malformed JSON body: /);
    const big = await fetch(`${srv.url}/echo`, { method: 'POST', headers: auth, body: '{"a":"0123456789abcdef"}' });
    expect(big.status).toBe(413);
    const { req, response } = streamingPost(`${srv.url}/echo`, auth);
    req.write('"0123456789');
    req.end('abcdef"');
    const chunked = await response;
    expect(chunked.statusCode).toBe(413);
    const dupe = fetch(`${srv.url}/echo`, { method: 'POST', headers: { ...auth, 'x-request-id': 'same' }, body: '1' });
    await until(() => held.length === 1, 'first request taken');
    const again = await fetch(`${srv.url}/echo`, { method: 'POST', headers: { ...auth, 'x-request-id': 'same' }, body: '2' });
    expect(again.status).toBe(409);
    void dupe.catch(() => undefined);
    run.cancel();
    await run.result.catch(() => undefined);
  });

  it('forgets a request whose client disconnects before the answer', async () => {
    const server = requestServer({ auth: 'none', routes: { hold: '/hold' } });
    const held: HttpRequestItem[] = [];
    const run = pipeline()
      .from(server.requests('hold'))
      .pipe(map((r: HttpRequestItem) => (held.push(r), { id: r.id, body: 'x' })))
      .pipe(filter(() => false))
      .to(server.responses())
      .start();
    srv = await listen(server.node);
    const ac = new AbortController();
    const gone = fetch(`${srv.url}/hold`, { signal: ac.signal }).catch((e: Error) => e.name);
    await until(() => held.length === 1, 'request taken');
    ac.abort();
    expect(await gone).toBe('AbortError');
    await until(() => server.stats().pending === 0, 'pending request to be forgotten');
    expect(server.stats().abandoned).toBe(1);
    run.drain();
    await run.result;
  });

  it('serves Web-standard requests too', async () => {
    const server = requestServer({ auth: 'none', routes: { user: 'GET /users/:id', echo: 'POST /echo' } });
    const runs = start(server);
    const res = await server.fetch(new Request('http://localhost/users/9'));
    expect(await res.json()).toEqual({ user: '9', q: null });
    expect(server.active).toBe(0);
    runs.forEach((r) => r.drain());
  });

  it('rejects bad configuration', () => {
    expect(() => requestServer({ routes: { a: '/a' } } as never)).toThrow(InvalidArgumentError);
    expect(() => requestServer({ auth: 'none', routes: {} })).toThrow(/at least one route/);
    expect(() => requestServer({ auth: 'none', routes: { a: 'nope' } })).toThrow(/route "a" has an invalid pattern "nope"/);
    expect(() => requestServer({ auth: 'none', routes: { a: '/a' } }).requests('b')).toThrow(/unknown route "b" \(routes: a\)/);
  });
});
