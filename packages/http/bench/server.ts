// Benchmark server, run in its own process by load.ts: one mode per process so
// the load generator never shares a heap or event loop with the server.
//   GET /__stats  → { heapUsed (after two full GCs when `?gc=1`), cpuUs, requests }
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { map, pipeline } from '@streamweave/core';
import { type HttpRequestItem, type HttpResponseItem, pipelineHandler, requestServer } from '@streamweave/http';

type Row = { id: number; v: number };
const work = (r: Row) => ({ id: r.id, v: r.v * 2 });
const mode = process.argv[2];

let handler: (req: IncomingMessage, res: ServerResponse) => unknown;
if (mode === 'stream-pipeline') {
  handler = pipelineHandler<Row, Row>({ auth: 'none', build: (input) => input.pipe(map(work)) }).node;
} else if (mode === 'stream-plain') {
  // The same work by hand, streamed like the pipeline: parse each chunk's complete
  // lines as they arrive (a partial last line waits for the next chunk), transform,
  // and answer NDJSON once the body has been read.
  handler = (req, res) => {
    const out: string[] = [];
    let rest = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      const text = rest + c;
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        const line = text.slice(start, nl);
        start = nl + 1;
        if (line.trim() !== '') out.push(`${JSON.stringify(work(JSON.parse(line) as Row))}\n`);
      }
      rest = text.slice(start);
    });
    req.on('end', () => {
      if (rest.trim() !== '') out.push(`${JSON.stringify(work(JSON.parse(rest) as Row))}\n`);
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
      res.end(out.join(''));
    });
  };
} else if (mode === 'item-pipeline') {
  const server = requestServer({ auth: 'none', routes: { row: 'GET /rows/:id' } });
  pipeline()
    .from(server.requests('row'))
    .pipe(map((r: HttpRequestItem): HttpResponseItem => ({ id: r.id, body: work({ id: Number(r.params['id']), v: 21 }) })))
    .to(server.responses())
    .start();
  handler = server.node;
} else if (mode === 'item-plain') {
  // The same routing and work by hand: method + path pattern, 404 otherwise, JSON answer.
  handler = (req, res) => {
    const m = /^\/rows\/([^/]+)\/?$/.exec(req.url ?? '');
    if (!m || req.method !== 'GET') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(work({ id: Number(decodeURIComponent(m[1]!)), v: 21 })));
  };
} else {
  throw new Error(`unknown mode ${mode}`);
}

let requests = 0;
const http = createServer((req, res) => {
  if (req.url?.startsWith('/__stats')) {
    if (req.url.endsWith('gc=1')) {
      (globalThis as { gc?: () => void }).gc?.();
      (globalThis as { gc?: () => void }).gc?.();
    }
    const cpu = process.cpuUsage();
    res.end(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, cpuUs: cpu.user + cpu.system, requests }));
    return;
  }
  requests++;
  void handler(req, res);
});
http.listen(0, '127.0.0.1', () => console.log(`listening ${(http.address() as AddressInfo).port}`));
// Exit cleanly on a signal so `node --cpu-prof` writes its profile.
for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => process.exit(0));
