import { VirtualClock, InvalidArgumentError, collect, fromArray, map, mapAsync, onError, pipeline, take } from '@streamweave/core';
import { WebSocket } from 'ws';
import {
  type ListeningWebSocketServer,
  bearerToken,
  listenWebSocket,
  webSocketClient,
  webSocketHub,
  webSocketSink,
  webSocketSource,
} from '../index.js';
import { until } from '../test-support/servers.js';

const opened = (ws: WebSocket) => new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
const received = (ws: WebSocket, n: number) =>
  new Promise<string[]>((resolve) => {
    const got: string[] = [];
    ws.on('message', (d: Buffer) => {
      got.push(d.toString());
      if (got.length === n) resolve(got);
    });
  });

describe('WebSocket', () => {
  let wss: ListeningWebSocketServer | undefined;
  afterEach(async () => {
    await wss?.close();
    wss = undefined;
  });

  it('runs a pipeline per server-side connection: incoming messages in, answers out', async () => {
    wss = await listenWebSocket();
    expect(wss.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const runs: Promise<unknown>[] = [];
    wss.server.on('connection', (socket) => {
      runs.push(
        pipeline()
          .from(webSocketSource<{ n: number }>(socket))
          .pipe(map((m) => ({ double: m.n * 2 })))
          .to(webSocketSink(socket))
          .run(),
      );
    });
    const client = new WebSocket(wss.url);
    await opened(client);
    const answers = received(client, 3);
    for (const n of [1, 2, 3]) client.send(JSON.stringify({ n }));
    expect(await answers).toEqual(['{"double":2}', '{"double":4}', '{"double":6}']);
    client.close();
    await until(() => runs.length === 1, 'run');
    const r = (await runs[0]) as { result: number };
    expect(r.result).toBe(3);
  });

  it('reads a client-side socket as a source, binary frames as bytes, and completes on close', async () => {
    wss = await listenWebSocket();
    wss.server.on('connection', (socket) => {
      socket.send('"a"');
      socket.send(Buffer.from([1, 2]));
      socket.close();
    });
    const client = new WebSocket(wss.url);
    const { result } = await pipeline().from(webSocketSource(client)).to(collect()).run();
    expect(result).toEqual(['a', new Uint8Array([1, 2])]);
    expect(Buffer.isBuffer(result[1])).toBe(true);
  });

  it('reports a malformed message with its position, and skips it under a skip strategy', async () => {
    wss = await listenWebSocket();
    wss.server.on('connection', (socket) => {
      socket.send('1');
      socket.send('{nope');
      socket.send('3');
      socket.close();
    });
    const failed = pipeline().from(webSocketSource(new WebSocket(wss.url), { name: 'feed' })).to(collect()).run();
    await expect(failed).rejects.toThrow(/\[webSocketSource "feed", item #1, attempt 1\] .*malformed JSON message \(5 chars, starts "\{nope"\)/);
    const skipped = await pipeline()
      .from(webSocketSource(new WebSocket(wss.url), { name: 'feed' }))
      .to(collect())
      .run({ errors: onError.skip() });
    expect(skipped.result).toEqual([1, 3]);
    expect(skipped.stats['feed']).toMatchObject({ errors: 1, skipped: 1, out: 2 });
  });

  it('pauses the socket while the pipeline is slow, losing nothing', async () => {
    wss = await listenWebSocket();
    let paused = false;
    const done = new Promise<number[]>((resolve) => {
      wss!.server.on('connection', (socket) => {
        const origPause = socket.pause.bind(socket);
        socket.pause = () => ((paused = true), origPause());
        void pipeline()
          .from(webSocketSource<number>(socket, { maxQueued: 4 }))
          .pipe(mapAsync(async (n: number) => (await new Promise((r) => setTimeout(r, 1)), n)))
          .pipe(take(40))
          .to(collect())
          .run()
          .then((r) => resolve(r.result));
      });
    });
    const client = new WebSocket(wss.url);
    await opened(client);
    for (let i = 0; i < 40; i++) client.send(String(i));
    expect(await done).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(paused).toBe(true);
    client.close();
  });

  it('sink waits while the socket buffers more than highWaterMark, then delivers everything', async () => {
    wss = await listenWebSocket();
    const big = 'x'.repeat(64 * 1024);
    let sinkRun: Promise<{ result: number }> | undefined;
    let serverSocket: WebSocket | undefined;
    wss.server.on('connection', (socket) => {
      serverSocket = socket;
      sinkRun = pipeline()
        .from(fromArray(Array.from({ length: 200 }, () => big)))
        .to(webSocketSink(socket, { highWaterMark: 128 * 1024, closeOnComplete: false }))
        .run();
    });
    const client = new WebSocket(wss.url);
    await opened(client);
    client.pause(); // the peer stops reading
    await until(() => serverSocket !== undefined && serverSocket.bufferedAmount > 128 * 1024, 'socket to buffer');
    await new Promise((r) => setTimeout(r, 50));
    // Bounded: the sink stopped sending once the socket had more than the mark buffered.
    expect(serverSocket!.bufferedAmount).toBeLessThan(4 * 1024 * 1024);
    let n = 0;
    client.on('message', () => n++);
    client.resume();
    expect((await sinkRun!).result).toBe(200);
    await until(() => n === 200, 'all frames to arrive');
    client.close();
  });

  it('sink fails when the socket is not open, and closes it on completion by default', async () => {
    wss = await listenWebSocket();
    const closed = new Promise<number>((resolve) => {
      wss!.server.on('connection', (socket) => {
        void pipeline().from(fromArray([1])).to(webSocketSink(socket)).run();
        socket.once('close', (code) => resolve(code));
      });
    });
    const client = new WebSocket(wss.url);
    const first = received(client, 1);
    expect(await first).toEqual(['1']);
    expect(await closed).toBe(1000);
    await until(() => client.readyState === WebSocket.CLOSED, 'client closed');
    await expect(pipeline().from(fromArray([1])).to(webSocketSink(client)).run()).rejects.toThrow(/socket is not open \(readyState 3\) at message 0/);
  });

  it('guards the upgrade with a bearer token', async () => {
    wss = await listenWebSocket({ auth: bearerToken('ws-token-123'), path: '/feed' });
    const refused = new WebSocket(`${wss.url}/feed`);
    const status = await new Promise<number>((resolve) => refused.once('unexpected-response', (_req, res) => resolve(res.statusCode!)));
    expect(status).toBe(401);
    const ok = new WebSocket(`${wss.url}/feed`, { headers: { authorization: 'Bearer ws-token-123' } });
    await opened(ok);
    ok.close();
  });

  it('client reconnects with backoff on the virtual clock and keeps one ordered message stream', async () => {
    wss = await listenWebSocket();
    let connection = 0;
    wss.server.on('connection', (socket) => {
      connection++;
      socket.send(JSON.stringify(`c${connection}-a`));
      if (connection === 1) socket.close(1012, 'restart');
    });
    const clock = new VirtualClock();
    const client = webSocketClient<string>(wss.url, { clock, backoff: { initialDelayMs: 500, jitter: 0 } });
    const run = pipeline().from(client.messages()).pipe(take(2)).to(collect()).run();
    await until(() => client.connects === 1 && clock.pendingTimers === 1, 'first connection to drop and a retry to be scheduled');
    expect(client.socket).toBeUndefined();
    await clock.advanceBy(499);
    expect(client.connects).toBe(1);
    await clock.advanceBy(1);
    expect((await run).result).toEqual(['c1-a', 'c2-a']);
    expect(client.connects).toBe(2);
    expect(client.socket).toBeDefined();
    client.close();
    expect(clock.pendingTimers).toBe(0);
  });

  it('client gives up after maxRetries and its stream fails; close() ends the stream', async () => {
    wss = await listenWebSocket({ auth: bearerToken('ws-token-123') });
    const clock = new VirtualClock();
    const client = webSocketClient(wss.url, { clock, maxRetries: 1, backoff: { initialDelayMs: 10, jitter: 0 } });
    const run = pipeline().from(client.messages({ name: 'remote' })).to(collect()).run();
    await until(() => clock.pendingTimers === 1, 'retry scheduled');
    await clock.advanceBy(10);
    await expect(run).rejects.toThrow(/gave up on ws:\/\/127\.0\.0\.1:\d+ after 2 failed attempts/);

    const good = webSocketClient(wss.url, { headers: { authorization: 'Bearer ws-token-123' } });
    const idle = pipeline().from(good.messages()).to(collect()).run();
    await until(() => good.connects === 1, 'connect');
    good.close();
    expect((await idle).result).toEqual([]);
  });

  it('client sender waits for the connection, then sends in order', async () => {
    wss = await listenWebSocket();
    const got: string[] = [];
    wss.server.on('connection', (socket) => socket.on('message', (d: Buffer) => got.push(d.toString())));
    const client = webSocketClient(wss.url);
    const { result } = await pipeline().from(fromArray([{ a: 1 }, 'two', new Uint8Array([3])])).to(client.sender()).run();
    expect(result).toBe(3);
    await until(() => got.length === 3, 'messages at the server');
    expect(got).toEqual(['{"a":1}', 'two', '\u0003']);
    client.close();
    await expect(pipeline().from(fromArray([1])).to(client.sender()).run()).rejects.toThrow(/closed before message 0 was sent/);
  });

  it('hub broadcasts to every subscriber; a stuck one loses its oldest messages without slowing the others', async () => {
    wss = await listenWebSocket();
    const hub = webSocketHub<string>({ bufferSize: 8, highWaterMark: 16 * 1024 });
    hub.attach(wss.server);
    const fast = [new WebSocket(wss.url), new WebSocket(wss.url)];
    const stuck = new WebSocket(wss.url);
    await Promise.all([...fast, stuck].map(opened));
    await until(() => hub.stats().subscribers === 3, 'subscribers');
    stuck.pause();
    const counts = [0, 0];
    fast.forEach((ws, i) => ws.on('message', () => counts[i]!++));
    const big = 'y'.repeat(32 * 1024);
    const { result } = await pipeline()
      .from(fromArray(Array.from({ length: 300 }, () => big)))
      .pipe(mapAsync(async (x: string) => (await new Promise((r) => setImmediate(r)), x)))
      .to(hub.consumer())
      .run();
    expect(result).toBe(300);
    await until(() => counts[0] === 300 && counts[1] === 300, 'fast subscribers to get everything');
    expect(hub.stats().dropped).toBeGreaterThan(0);
    expect(hub.stats()).toMatchObject({ subscribers: 3, disconnected: 0, published: 300 });
    [...fast, stuck].forEach((ws) => ws.terminate());
    await until(() => hub.stats().subscribers === 0, 'subscribers to leave');
  });

  it('hub disconnects a subscriber that falls behind under the disconnect policy', async () => {
    wss = await listenWebSocket();
    const hub = webSocketHub<string>({ bufferSize: 2, highWaterMark: 1024, overflow: 'disconnect' });
    const stop = hub.attach(wss.server);
    const stuck = new WebSocket(wss.url);
    await opened(stuck);
    await until(() => hub.stats().subscribers === 1, 'subscriber');
    stuck.pause();
    await pipeline()
      .from(fromArray(Array.from({ length: 100 }, () => 'z'.repeat(64 * 1024))))
      .to(hub.consumer())
      .run();
    expect(hub.stats()).toMatchObject({ subscribers: 0, disconnected: 1 });
    stop();
    stuck.terminate();
  });

  it('rejects bad arguments', () => {
    expect(() => webSocketSource(null as never)).toThrow(InvalidArgumentError);
    expect(() => webSocketSource({ on() {} } as never, { maxQueued: 0 })).toThrow(/maxQueued/);
    expect(() => webSocketSink({} as never)).toThrow(/must be a ws WebSocket/);
    expect(() => webSocketClient('http://x')).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => webSocketHub({ bufferSize: 0 })).toThrow(/bufferSize/);
    expect(() => webSocketHub({ overflow: 'block' as never })).toThrow(/overflow/);
  });
});
