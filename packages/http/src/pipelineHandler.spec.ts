import { csvDecode, csvEncode } from '@streamweave/formats';
import { type IncomingMessage, createServer, request as httpRequest } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { type Transformer, InvalidArgumentError, VirtualClock, defineTransformer, delay, map, mapAsync, take } from '@streamweave/core';
import {
  HttpError,
  bearerToken,
  bytesBody,
  chunkedResponse,
  fastifyRoute,
  encodedResponse,
  findHttpError,
  httpStatusOf,
  pipelineHandler,
  sseResponse,
} from './index.js';
import { type Listening, listen, listenServer, ndjson, parseNdjson, streamingPost, until } from './test-support/servers.js';

const token = 'secret-token-123';
const doubler = () =>
  pipelineHandler<{ n: number }, { n: number }>({
    auth: 'none',
    build: (input) => input.pipe(map((r) => ({ n: r.n * 2 }))),
  });

describe('pipelineHandler on node:http', () => {
  let srv: Listening | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });

  it('streams an NDJSON body through the pipeline and the output back as NDJSON', async () => {
    const h = doubler();
    srv = await listen(h.node);
    const res = await fetch(`${srv.url}/x`, { method: 'POST', body: ndjson([{ n: 1 }, { n: 2 }, { n: 3 }]) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(parseNdjson(await res.text())).toEqual([{ n: 2 }, { n: 4 }, { n: 6 }]);
    expect(h.active).toBe(0);
  });

  it('answers an empty body with an empty 200 response', async () => {
    srv = await listen(doubler().node);
    const res = await fetch(`${srv.url}/x`, { method: 'POST', body: '' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('gives the builder the method, path, query and headers', async () => {
    const h = pipelineHandler<unknown, string>({
      auth: 'none',
      build: (input, req) => input.pipe(map(() => `${req.method} ${req.path} ${req.query.get('k')} ${req.header('x-a')}`)),
    });
    srv = await listen(h.node);
    const res = await fetch(`${srv.url}/p/q?k=v`, { method: 'POST', headers: { 'x-a': 'b' }, body: '{}\n' });
    expect(parseNdjson(await res.text())).toEqual(['POST /p/q v b']);
  });

  it('answers a malformed line with 400 naming the line and byte offset', async () => {
    srv = await listen(doubler().node);
    const res = await fetch(`${srv.url}/x`, { method: 'POST', body: '{"n":1}\n{"n":\n{"n":3}\n' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).toBe('[ndjsonDecode "decode", item #0] ndjson (line 2, byte 8, record #1): malformed JSON: Unexpected end of JSON input');
  });

  it('answers invalid UTF-8 with 400', async () => {
    srv = await listen(doubler().node);
    const res = await fetch(`${srv.url}/x`, { method: 'POST', body: new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^\[ndjsonDecode "decode", item #0\] ndjson \(line 1, byte 0, record #0\): invalid UTF-8/);
  });

  it('answers a declared oversized body with 413 before reading it', async () => {
    srv = await listen(pipelineHandler({ auth: 'none', limitBytes: 10, build: (p) => p }).node);
    const res = await fetch(`${srv.url}/x`, { method: 'POST', body: ndjson([{ n: 123456789 }]) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'request body of 16 bytes exceeds the limit of 10 bytes' });
  });

  it('answers a chunked body that grows past the limit with 413', async () => {
    const h = pipelineHandler({ auth: 'none', limitBytes: 20, build: (p) => p });
    srv = await listen(h.node);
    const { req, response } = streamingPost(`${srv.url}/x`);
    req.write('{"a":1}\n');
    req.write('{"a":2}\n');
    req.write('{"a":3}\n');
    const res = await response;
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(await readAll(res))).toEqual({ error: 'request body exceeds the limit of 20 bytes (at byte 24)' });
    req.destroy();
    await until(() => h.active === 0, 'run to end');
  });

  it('requires a bearer token when guarded', async () => {
    const h = pipelineHandler({ auth: bearerToken([token, 'other-token-456']), build: (p) => p });
    srv = await listen(h.node);
    const none = await fetch(`${srv.url}/x`, { method: 'POST', body: '1\n' });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'missing bearer token (send "Authorization: Bearer <token>")' });
    const bad = await fetch(`${srv.url}/x`, { method: 'POST', headers: { authorization: 'Bearer nope-nope-nope' }, body: '1\n' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'invalid bearer token' });
    const ok = await fetch(`${srv.url}/x`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '1\n' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1\n');
  });

  it('streams Server-Sent Events and ends a failed stream with an error event', async () => {
    const h = pipelineHandler<number, number>({
      auth: 'none',
      holdResponseBytes: 0,
      respond: sseResponse(),
      build: (input) =>
        input.pipe(
          map((n) => {
            if (n === 3) throw new HttpError(422, 'three is not allowed');
            return n;
          }),
        ),
    });
    srv = await listen(h.node);
    const res = await fetch(`${srv.url}/x`, { method: 'POST', body: '1\n2\n3\n' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe('id: 0\ndata: 1\n\nid: 1\ndata: 2\n\nevent: error\ndata: "three is not allowed"\n\n');
  });

  it('sends output held at the end of the body without waiting for the run to finish, then streams the rest', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const h = pipelineHandler<{ n: number }, { n: number }>({
      auth: 'none',
      // Item 1 passes at once; item 2 waits for the gate, so the run outlives the body.
      build: (input) => input.pipe(mapAsync(async (r) => (r.n === 2 ? gate.then(() => r) : r), { concurrency: 2 })),
    });
    srv = await listen(h.node);
    const { req, response } = streamingPost(`${srv.url}/x`);
    req.end(ndjson([{ n: 1 }, { n: 2 }]));
    const res = await response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    res.setEncoding('utf8');
    const first = await new Promise<string>((resolve) => res.once('data', resolve));
    expect(first).toBe('{"n":1}\n');
    expect(h.active).toBe(1);
    open();
    expect(await readAll(res)).toBe('{"n":2}\n');
    await until(() => h.active === 0, 'the run to finish');
  });

  it('gives the builder a signal that aborts when the client leaves', async () => {
    const signals: AbortSignal[] = [];
    const h = pipelineHandler<unknown, unknown>({
      auth: 'none',
      build: (input, request) => {
        signals.push(request.signal);
        return input;
      },
    });
    srv = await listen(h.node);
    const { req, response } = streamingPost(`${srv.url}/x`);
    response.catch(() => undefined); // the request is destroyed: "socket hang up"
    req.write('{}\n');
    await until(() => signals.length === 1, 'the builder to run');
    expect(signals[0]!.aborted).toBe(false);
    req.destroy();
    await until(() => signals[0]!.aborted, 'the signal to abort');
    expect((signals[0]!.reason as Error).message).toBe('client disconnected');
    await until(() => h.active === 0, 'the run to be cancelled');
  });

  it('holds output back until the body is read, so a late malformed line still gets a 400', async () => {
    srv = await listen(doubler().node);
    const { req, response } = streamingPost(`${srv.url}/x`);
    req.write(ndjson([{ n: 1 }]));
    await new Promise((r) => setTimeout(r, 30));
    req.end('{oops}\n');
    const res = await response;
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(await readAll(res))).toEqual({
      error: '[ndjsonDecode "decode", item #1] ndjson (line 2, byte 8, record #1): malformed JSON: Expected property name or \'}\' in JSON at position 1',
    });
  });

  it('ends a failed NDJSON stream with an error line, and reports a failure before output with its status', async () => {
    const failing = pipelineHandler<number, number>({
      auth: 'none',
      holdResponseBytes: 0,
      build: (input) =>
        input.pipe(
          map((n) => {
            if (n === 2) throw new Error('boom');
            return n;
          }),
        ),
    });
    srv = await listen(failing.node);
    const mid = await fetch(`${srv.url}/x`, { method: 'POST', body: '1\n2\n' });
    expect(mid.status).toBe(200);
    const lines = parseNdjson(await mid.text());
    expect(lines[0]).toBe(1);
    expect((lines[1] as { error: string }).error).toMatch(/\[map "map", item #1, attempt 1\] .*boom/);
    const early = await fetch(`${srv.url}/x`, { method: 'POST', body: '2\n' });
    expect(early.status).toBe(500);
    expect(((await early.json()) as { error: string }).error).toMatch(/boom/);
  });

  it('reports a builder that throws as 500', async () => {
    const h = pipelineHandler({
      auth: 'none',
      build: () => {
        throw new Error('no pipeline today');
      },
    });
    srv = await listen(h.node);
    const res = await fetch(`${srv.url}/x`, { method: 'POST', body: '1\n' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'pipelineHandler: build failed: no pipeline today' });
  });

  it('streams binary uploads chunk by chunk and answers with raw chunks', async () => {
    const sizes: number[] = [];
    const h = pipelineHandler<Uint8Array, string>({
      auth: 'none',
      decode: bytesBody(),
      respond: chunkedResponse('text/plain') as never,
      build: (input) =>
        input.pipe(
          map((c) => {
            sizes.push(c.length);
            return `${c.length};`;
          }),
        ),
    });
    srv = await listen(h.node);
    const { req, response } = streamingPost(`${srv.url}/bin`, { 'content-type': 'application/octet-stream' });
    req.write(Buffer.alloc(1000, 1));
    await until(() => sizes.length === 1, 'first chunk to reach the pipeline');
    req.end(Buffer.alloc(500, 2));
    const res = await response;
    expect(res.headers['content-type']).toBe('text/plain');
    expect(await readAll(res)).toBe('1000;500;');
  });

  it('cancels the run of a client that disconnects mid-stream and frees its stages', async () => {
    let torn = 0;
    let seen = 0;
    const tracker: Transformer<number, number> = defineTransformer<number, number>('tracker', {}, undefined, (out) => ({
      item(v) {
        seen++;
        out.next(v);
      },
      teardown: () => void torn++,
    }));
    const h = pipelineHandler<number, number>({ auth: 'none', holdResponseBytes: 0, build: (input) => input.pipe(tracker) });
    srv = await listen(h.node);
    const { req, response } = streamingPost(`${srv.url}/x`);
    req.write('1\n');
    const res = await response;
    const first = await new Promise<string>((resolve) => res.once('data', (c: Buffer) => resolve(c.toString())));
    expect(first).toBe('1\n');
    expect(h.active).toBe(1);
    req.destroy();
    await until(() => h.active === 0, 'the run to end after the disconnect');
    expect(torn).toBe(1);
    expect(seen).toBe(1);
    expect(srv.server.listenerCount('request')).toBe(1);
  });

  it('leaves no timers or in-flight items behind when a client disconnects from a time-based pipeline', async () => {
    const clock = new VirtualClock();
    const h = pipelineHandler<number, number>({
      auth: 'none',
      holdResponseBytes: 0,
      run: { clock },
      build: (input) => input.pipe(delay(1000)),
    });
    srv = await listen(h.node);
    const { req, response } = streamingPost(`${srv.url}/x`);
    req.write('1\n2\n3\n');
    await until(() => clock.pendingTimers > 0, 'delayed items to be scheduled');
    await clock.advanceBy(1000);
    const res = await response;
    const first = await new Promise<string>((resolve) => res.once('data', (c: Buffer) => resolve(c.toString())));
    expect(first.startsWith('1\n')).toBe(true);
    req.write('4\n');
    await until(() => clock.pendingTimers > 0, 'item 4 to be delayed');
    req.destroy();
    await until(() => h.active === 0, 'the run to be cancelled');
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps serving other clients while one client does not read its response', async () => {
    const big = 'x'.repeat(64 * 1024);
    const h = pipelineHandler<number, string>({
      auth: 'none',
      build: (input, req) => (req.path === '/big' ? input.pipe(map(() => big)) : input.pipe(map((n) => `ok ${n}`))),
    });
    srv = await listen(h.node);
    // The stuck client sends many lines but never reads: its pipeline is held back by backpressure.
    const stuck = httpRequest(`${srv.url}/big`, { method: 'POST' });
    stuck.on('error', () => undefined);
    stuck.on('response', (r: IncomingMessage) => r.pause());
    for (let i = 0; i < 200; i++) stuck.write(`${i}\n`);
    await until(() => h.active === 1, 'stuck run to start');
    const res = await fetch(`${srv.url}/small`, { method: 'POST', body: '7\n' });
    expect(await res.text()).toBe('"ok 7"\n');
    expect(h.active).toBe(1);
    stuck.destroy();
    await until(() => h.active === 0, 'stuck run to be cancelled');
  });

  it('rejects bad options with InvalidArgumentError', () => {
    expect(() => pipelineHandler({ build: (p: unknown) => p } as never)).toThrow(InvalidArgumentError);
    expect(() => pipelineHandler({ auth: 'none' } as never)).toThrow(/`build` must be a function/);
    expect(() => pipelineHandler({ auth: 'none', limitBytes: 0, build: (p) => p })).toThrow(/limitBytes/);
    expect(() => bearerToken('short')).toThrow(/at least 8/);
    expect(() => bearerToken([])).toThrow(/at least one token/);
  });
});

describe('pipelineHandler in frameworks', () => {
  it('serves an Express app', async () => {
    const app = express();
    app.post('/double', doubler().node);
    const srv = await listenServer(createServer(app));
    try {
      const res = await fetch(`${srv.url}/double`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson([{ n: 5 }]) });
      expect(parseNdjson(await res.text())).toEqual([{ n: 10 }]);
      const bad = await fetch(`${srv.url}/double`, { method: 'POST', body: 'nope\n' });
      expect(bad.status).toBe(400);
    } finally {
      await srv.close();
    }
  });

  it('serves a Fastify app without Fastify buffering the body', async () => {
    const app = Fastify();
    fastifyRoute(app as never, { method: 'POST', url: '/double', handler: doubler() });
    app.get('/health', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    try {
      const res = await fetch(`http://127.0.0.1:${port}/double`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: ndjson([{ n: 1 }, { n: 21 }]),
      });
      expect(res.status).toBe(200);
      expect(parseNdjson(await res.text())).toEqual([{ n: 2 }, { n: 42 }]);
      const bad = await fetch(`http://127.0.0.1:${port}/double`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":\n' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/ndjson \(line 1, byte 0, record #0\): malformed JSON/);
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ ok: true });
    } finally {
      await app.close();
    }
  });

  it('serves Web-standard Request → Response with a streamed body', async () => {
    const h = doubler();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"n":1}\n{"n"'));
        c.enqueue(new TextEncoder().encode(':2}\n'));
        c.close();
      },
    });
    const res = await h.fetch(new Request('http://localhost/d?x=1', { method: 'POST', body, duplex: 'half' } as RequestInit));
    expect(res.status).toBe(200);
    expect(parseNdjson(await res.text())).toEqual([{ n: 2 }, { n: 4 }]);
    const bad = await h.fetch(new Request('http://localhost/d', { method: 'POST', body: '{"n":1}\n}\n' }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/ndjson \(line 2, byte 8, record #1\): malformed JSON/);
    const empty = await h.fetch(new Request('http://localhost/d', { method: 'GET' }));
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
  });

  it('cancels a Web-standard run when the response body is cancelled', async () => {
    const h = pipelineHandler<number, number>({ auth: 'none', holdResponseBytes: 0, build: (input) => input.pipe(take(1_000_000)) });
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode(`${i++}\n`));
      },
    });
    const res = await h.fetch(new Request('http://localhost/d', { method: 'POST', body, duplex: 'half' } as RequestInit));
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('0\n');
    await reader.cancel();
    await until(() => h.active === 0, 'web run to be cancelled');
  });
});

describe('errors', () => {
  it('findHttpError walks the cause chain', () => {
    const inner = new HttpError(418, 'teapot');
    expect(findHttpError(new Error('outer', { cause: inner }))).toBe(inner);
    expect(findHttpError(new Error('plain'))).toBeUndefined();
    expect(findHttpError(undefined)).toBeUndefined();
  });
});

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (s += c));
    res.on('end', () => resolve(s));
    res.on('error', reject);
  });
}

describe('pipelineHandler with @streamweave/formats codecs', () => {
  it('decodes a CSV body and answers CSV, and names the record of a malformed row', async () => {
    const h = pipelineHandler<{ name: string; qty: number }, { name: string; total: number }>({
      auth: 'none',
      decode: csvDecode({ columns: { qty: 'number' } }) as never,
      respond: encodedResponse('text/csv', csvEncode({ lineTerminator: '\n' })),
      build: (input) => input.pipe(map((r) => ({ name: r.name, total: r.qty * 10 }))),
    });
    const srv = await listen(h.node);
    try {
      const res = await fetch(`${srv.url}/csv`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'name,qty\na,1\nb,2\n' });
      expect(res.headers.get('content-type')).toBe('text/csv');
      expect(await res.text()).toBe('name,total\na,10\nb,20\n');
      const bad = await fetch(`${srv.url}/csv`, { method: 'POST', body: 'name,qty\na,1\nb,2,3\n' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toBe('[csvDecode "csvDecode", item #0] csv (line 3, byte 13, record #1): expected 2 fields, got 3');
    } finally {
      await srv.close();
    }
  });

  it('maps errors to statuses', () => {
    expect(httpStatusOf(new HttpError(413, 'big'))).toEqual({ status: 413, message: 'big' });
    expect(httpStatusOf(new Error('x'))).toEqual({ status: 500, message: 'x' });
    expect(httpStatusOf('weird')).toEqual({ status: 500, message: 'weird' });
  });
});
