// A long-lived pipeline serving one item per HTTP request: requests are routed
// by path pattern, answered by correlation id, with a 404 for other paths.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { map, pipeline } from '@streamweave/core';
import { type HttpRequestItem, type HttpResponseItem, requestServer } from '@streamweave/http';

const prices: Record<string, number> = { apple: 3, pear: 4 };
const server = requestServer({ auth: 'none', routes: { price: 'GET /prices/:fruit' }, timeoutMs: 2000 });
const run = pipeline()
  .from(server.requests('price'))
  .pipe(
    map((r: HttpRequestItem): HttpResponseItem => {
      const price = prices[r.params['fruit']!];
      return price === undefined ? { id: r.id, status: 404, body: { error: 'unknown fruit' } } : { id: r.id, body: { price } };
    }),
  )
  .to(server.responses())
  .start();

const http = createServer(server.node);
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
try {
  const answers = await Promise.all(['/prices/apple', '/prices/pear', '/prices/kiwi', '/nothing'].map(async (p) => {
    const res = await fetch(base + p);
    return `${p} → ${res.status} ${await res.text()}`;
  }));
  console.log(answers.join('\n'));
  const expected = ['200 {"price":3}', '200 {"price":4}', '404 {"error":"unknown fruit"}', '404 {"error":"no route matches GET /nothing"}'];
  answers.forEach((a, i) => {
    if (!a.endsWith(expected[i]!)) throw new Error(`unexpected answer: ${a}`);
  });
  console.log(server.stats());
} finally {
  run.drain();
  await run.result;
  http.close();
}
