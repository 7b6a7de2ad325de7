// Benchmark server, run in its own process by load.ts: one mode per process so
// the load generator never shares a heap or event loop with the server.
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
  // The same work by hand: read the body, split lines, parse, transform, answer NDJSON.
  handler = (req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const out: string[] = [];
      for (const line of Buffer.concat(parts).toString('utf8').split('\n')) {
        if (line.trim() !== '') out.push(`${JSON.stringify(work(JSON.parse(line) as Row))}\n`);
      }
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
  handler = (req, res) => {
    const m = /^\/rows\/([^/]+)$/.exec(req.url ?? '');
    if (!m || req.method !== 'GET') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(work({ id: Number(m[1]), v: 21 })));
  };
} else {
  throw new Error(`unknown mode ${mode}`);
}

const http = createServer((req, res) => {
  if (req.url === '/__mem') {
    (globalThis as { gc?: () => void }).gc?.();
    (globalThis as { gc?: () => void }).gc?.();
    res.end(JSON.stringify(process.memoryUsage()));
    return;
  }
  void handler(req, res);
});
http.listen(0, '127.0.0.1', () => console.log(`listening ${(http.address() as AddressInfo).port}`));
