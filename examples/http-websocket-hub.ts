// WebSocket both ways: a per-connection echo pipeline (source → map → sink) and
// a broadcast hub that fans one stream out to several subscribers.
import { fromArray, map, pipeline } from '@streamweave/core';
import { listenWebSocket, webSocketHub, webSocketSink, webSocketSource } from '@streamweave/http';
import { WebSocket } from 'ws';

const echo = await listenWebSocket({ path: '/echo' });
echo.server.on('connection', (socket) => {
  void pipeline()
    .from(webSocketSource<{ q: string }>(socket))
    .pipe(map((m) => ({ answer: m.q.toUpperCase() })))
    .to(webSocketSink(socket))
    .run();
});
const news = await listenWebSocket({ path: '/news' });
const hub = webSocketHub<{ headline: string }>({ bufferSize: 64, overflow: 'dropOldest' });
hub.attach(news.server);

const open = (url: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
const collectN = (ws: WebSocket, n: number) =>
  new Promise<string[]>((resolve) => {
    const got: string[] = [];
    ws.on('message', (d: Buffer) => {
      got.push(d.toString());
      if (got.length === n) resolve(got);
    });
  });

try {
  const client = await open(`${echo.url}/echo`);
  const answers = collectN(client, 2);
  client.send(JSON.stringify({ q: 'hello' }));
  client.send(JSON.stringify({ q: 'streams' }));
  console.log('echo:', await answers);
  if ((await answers).join() !== '{"answer":"HELLO"},{"answer":"STREAMS"}') throw new Error('unexpected echo');
  client.close();

  const readers = await Promise.all([open(`${news.url}/news`), open(`${news.url}/news`)]);
  while (hub.stats().subscribers < 2) await new Promise((r) => setTimeout(r, 5));
  const received = readers.map((r) => collectN(r, 3));
  await pipeline()
    .from(fromArray([{ headline: 'a' }, { headline: 'b' }, { headline: 'c' }]))
    .to(hub.consumer())
    .run();
  const all = await Promise.all(received);
  console.log('hub:', all, hub.stats());
  if (all.some((msgs) => msgs.length !== 3)) throw new Error('a subscriber missed headlines');
  readers.forEach((r) => r.close());
} finally {
  await echo.close();
  await news.close();
}
