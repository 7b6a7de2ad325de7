// Polling a paginated REST endpoint with ETags, on a virtual clock: the first
// poll follows Link headers over three pages, the second costs one 304.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualClock, collect, pipeline, take } from '@streamweave/core';
import { httpPoll } from '@streamweave/http';

const requests: string[] = [];
const api = createServer((req, res) => {
  requests.push(`${req.url} ${req.headers['if-none-match'] ?? ''}`.trim());
  if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
  const page = Number(new URL(req.url!, 'http://x').searchParams.get('page') ?? '1');
  const headers: Record<string, string> = { 'content-type': 'application/json', etag: '"v1"' };
  if (page < 3) headers['link'] = `</orders?page=${page + 1}>; rel="next"`;
  res.writeHead(200, headers).end(JSON.stringify([{ id: page * 10 }, { id: page * 10 + 1 }]));
});
await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/orders`;

const clock = new VirtualClock();
const run = pipeline()
  .from(httpPoll<{ id: number }>({ url, everyMs: 60_000, paginate: 'link', key: (o) => String(o.id) }))
  .pipe(take(6))
  .to(collect())
  .run({ clock });
const { result } = await run;
console.log('orders:', result.map((o) => o.id).join(', '));
if (result.map((o) => o.id).join() !== '10,11,20,21,30,31') throw new Error('unexpected orders');

// A second poller resumes from a checkpointed position: the next poll is a cheap 304.
const again = pipeline()
  .from(httpPoll<{ id: number }>({ url, everyMs: 60_000, name: 'orders' }))
  .to(collect())
  .start({ clock, restore: { positions: { orders: { etag: '"v1"', lastModified: null, cursor: null, nextPollAt: 0, seen: [] } } } });
while (requests.length < 4) await new Promise((r) => setTimeout(r, 5));
again.drain();
console.log('requests:', requests);
if ((await again.result).result.length !== 0 || requests[3] !== '/orders "v1"') throw new Error('expected a 304 revalidation');
api.close();
