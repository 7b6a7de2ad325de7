/**
 * A real browser (headless Chromium from Debian, driven by playwright-core)
 * opens the SSE stream with its own EventSource (including its automatic
 * Last-Event-ID reconnect) and a WebSocket, from a page served by the test.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArray, map, pipeline } from '@streamweave/core';
import { chromium } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { sseEndpoint, webSocketSink, webSocketSource } from './index.js';
import { listenServer, until } from './test-support/servers.js';

const executablePath = '/usr/bin/chromium';
const available = existsSync(executablePath);
const required = process.env['STREAMWEAVE_REQUIRE_SERVICES'] === '1';
if (!available) {
  console.warn(`browser.integration: skipped: ${executablePath} is missing (apt-get install -y chromium)`);
}
const describeBrowser = available ? describe : describe.skip;

test('chromium is present when services are required', () => {
  expect({ required, available: available || !required }).toEqual({ required, available: true });
});

const page = `<!doctype html><meta charset="utf-8"><title>sw</title><script>
window.results = { sse: [], ids: [], ws: [] };
const es = new EventSource('/events');
es.onmessage = (e) => { window.results.sse.push(JSON.parse(e.data)); window.results.ids.push(e.lastEventId); };
const ws = new WebSocket('ws://' + location.host + '/ws');
ws.onopen = () => { ws.send(JSON.stringify({ n: 20 })); ws.send(JSON.stringify({ n: 1 })); };
ws.onmessage = (e) => window.results.ws.push(JSON.parse(e.data));
</script>`;

describeBrowser('in headless Chromium', () => {
  jest.setTimeout(60_000);

  it('receives SSE events (resuming after a server-side drop) and talks to a WebSocket pipeline', async () => {
    const feed = sseEndpoint<{ tick: number }>({ retryMs: 200, heartbeatMs: 0, closeOnComplete: false });
    const server = createServer((req, res) => {
      if (req.url === '/events') return void feed.node(req, res);
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    });
    const wss = new WebSocketServer({ server, path: '/ws' });
    wss.on('connection', (socket) => {
      void pipeline()
        .from(webSocketSource<{ n: number }>(socket))
        .pipe(map((m) => ({ doubled: m.n * 2 })))
        .to(webSocketSink(socket))
        .run()
        .catch(() => undefined);
    });
    const srv = await listenServer(server);
    const userDataDir = mkdtempSync(join(tmpdir(), 'sw-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const tab = await context.newPage();
      await tab.goto(srv.url);
      await until(() => feed.stats().clients === 1, 'browser EventSource to connect', 15_000);
      await pipeline().from(fromArray([{ tick: 1 }, { tick: 2 }])).to(feed.consumer()).run();
      await tab.waitForFunction(() => (window as unknown as { results: { sse: unknown[] } }).results.sse.length === 2);
      feed.close(); // drop the browser; it reconnects with Last-Event-ID: 1
      await pipeline().from(fromArray([{ tick: 3 }])).to(feed.consumer()).run(); // published while it is away
      await until(() => feed.stats().clients === 1, 'browser EventSource to reconnect', 15_000);
      await tab.waitForFunction(() => (window as unknown as { results: { sse: unknown[] } }).results.sse.length === 3);
      await tab.waitForFunction(() => (window as unknown as { results: { ws: unknown[] } }).results.ws.length === 2);
      const results = await tab.evaluate(() => (window as unknown as { results: unknown }).results);
      expect(results).toEqual({
        sse: [{ tick: 1 }, { tick: 2 }, { tick: 3 }],
        ids: ['0', '1', '2'],
        ws: [{ doubled: 40 }, { doubled: 2 }],
      });
    } finally {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
      feed.close();
      for (const c of wss.clients) c.terminate();
      wss.close();
      await srv.close();
    }
  });
});
