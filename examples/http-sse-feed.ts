// A Server-Sent Events feed with Last-Event-ID resume: a pipeline publishes,
// an sseSource client reads, is cut off, reconnects and continues where it was.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collect, fromArray, pipeline, take } from '@streamweave/core';
import { sseEndpoint, sseSource } from '@streamweave/http';

const feed = sseEndpoint<{ price: number }>({ replay: 100, heartbeatMs: 5000, retryMs: 50, closeOnComplete: false });
const server = createServer(feed.node);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prices`;

try {
  const reading = pipeline().from(sseSource<{ price: number }>(url)).pipe(take(4)).to(collect()).run();
  while (feed.stats().clients === 0) await new Promise((r) => setTimeout(r, 5));
  await pipeline().from(fromArray([{ price: 10 }, { price: 11 }])).to(feed.consumer()).run();
  await new Promise((r) => setTimeout(r, 50));
  feed.close(); // every client is cut off…
  await pipeline().from(fromArray([{ price: 12 }, { price: 13 }])).to(feed.consumer()).run(); // …while these are published
  const events = (await reading).result;
  console.log(events.map((e) => `${e.id}:${e.data.price}`).join(' '));
  if (events.map((e) => e.data.price).join() !== '10,11,12,13') throw new Error('events lost or duplicated across the reconnect');
} finally {
  feed.close();
  server.close();
}
