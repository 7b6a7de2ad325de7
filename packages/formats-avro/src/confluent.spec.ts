import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collect, type DeadLetter, fromArray, InvalidArgumentError, onError, pipeline, VirtualClock } from '@streamweave/core';
import {
  AvroError,
  confluentAvroDecode,
  confluentAvroEncode,
  HttpSchemaRegistry,
  InMemorySchemaRegistry,
  SchemaRegistryError,
  type SchemaRegistry,
} from '@streamweave/formats-avro';

const v1 = { type: 'record', name: 'Order', namespace: 'shop', fields: [{ name: 'id', type: 'int' }, { name: 'total', type: 'double' }] };
const v2 = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'total', type: 'double' },
    { name: 'currency', type: 'string', default: 'EUR' },
  ],
};
const orders = [
  { id: 1, total: 9.5 },
  { id: 2, total: 20 },
];
const plain = (xs: unknown[]) => xs.map((x) => ({ ...(x as object) }));

/**
 * A tiny Confluent-compatible registry over real HTTP on 127.0.0.1: the REST
 * shape of GET /schemas/ids/{id} and POST /subjects/{subject}/versions, backed
 * by the in-memory registry, plus a switch to make it fail with 500.
 */
async function startRegistry(): Promise<{ url: string; server: Server; requests: string[]; failNext: { count: number } }> {
  const backing = new InMemorySchemaRegistry();
  const requests: string[] = [];
  const failNext = { count: 0 };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push([req.method, req.url, req.headers['content-type'], req.headers['authorization']].filter(Boolean).join(' '));
      if (failNext.count > 0) {
        failNext.count--;
        send(res, 500, { error_code: 50001, message: 'Error in the backend data store' });
        return;
      }
      const byId = /^\/schemas\/ids\/(\d+)$/.exec(req.url ?? '');
      const subject = /^\/subjects\/([^/]+)\/versions$/.exec(req.url ?? '');
      if (req.method === 'GET' && byId) {
        backing.getSchemaById(Number(byId[1])).then(
          (schema) => send(res, 200, { schema }),
          () => send(res, 404, { error_code: 40403, message: 'Schema not found' }),
        );
      } else if (req.method === 'POST' && subject) {
        const { schema } = JSON.parse(body) as { schema: string };
        backing.register(decodeURIComponent(subject[1]!), schema).then(
          (id) => send(res, 200, { id }),
          () => send(res, 422, { error_code: 42201, message: 'Invalid schema' }),
        );
      } else if (req.url === '/garbage/schemas/ids/1') {
        res.writeHead(200);
        res.end('not json');
      } else {
        send(res, 404, { error_code: 404, message: 'HTTP 404 Not Found' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, requests, failNext };
}

async function roundTrip(registry: SchemaRegistry, readerSchema?: object) {
  const { result: wire } = await pipeline()
    .from(fromArray(orders))
    .pipe(confluentAvroEncode({ registry, subject: 'orders-value', schema: v1 }))
    .to(collect())
    .run();
  const { result } = await pipeline()
    .from(fromArray(wire))
    .pipe(confluentAvroDecode({ registry, ...(readerSchema ? { readerSchema } : {}) }))
    .to(collect())
    .run();
  return { wire, result };
}

describe('Confluent wire format with InMemorySchemaRegistry', () => {
  it('writes magic 0, the big-endian schema id and the record, and reads it back', async () => {
    const registry = new InMemorySchemaRegistry();
    await registry.register('other-value', JSON.stringify(v2)); // id 1
    const { wire, result } = await roundTrip(registry);
    expect(Array.from(wire[0]!.subarray(0, 5))).toEqual([0, 0, 0, 0, 2]);
    expect(plain(result)).toEqual(orders);
    expect(registry.versions('orders-value')).toEqual([2]);
    expect(await registry.register('orders-value', JSON.stringify({ ...v1, doc: 'same canonical form' }))).toBe(2);
  });

  it('reads with a reader schema (int promoted to long, added field default)', async () => {
    const { result } = await roundTrip(new InMemorySchemaRegistry(), v2);
    expect(plain(result)).toEqual([
      { id: 1, total: 9.5, currency: 'EUR' },
      { id: 2, total: 20, currency: 'EUR' },
    ]);
  });

  it('routes malformed messages and unknown ids as AvroErrors and goes on', async () => {
    const registry = new InMemorySchemaRegistry();
    const { wire } = await roundTrip(registry);
    const unknownId = Uint8Array.from([0, 0, 0, 0, 9, 2]);
    const inputs = [Uint8Array.from([0, 1]), Uint8Array.from([1, 0, 0, 0, 1, 2]), unknownId, wire[0]!.subarray(0, 7), 42, wire[1]!];
    const { result, deadLetter, stats } = await pipeline()
      .from(fromArray(inputs as Uint8Array[]))
      .pipe(confluentAvroDecode({ name: 'cd', registry, source: 'orders', errors: onError.deadLetter() }))
      .to(collect())
      .run({ deadLetter: collect<DeadLetter>() });
    expect(plain(result)).toEqual([orders[1]]);
    const errs = (deadLetter as DeadLetter[]).map((d) => d.error as AvroError);
    expect(errs.map((e) => e instanceof AvroError)).toEqual([true, true, true, true, true]);
    expect(errs.map((e) => e.recordIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(errs[0]!.message).toContain('shorter than the 5-byte');
    expect(errs[1]!.message).toContain('unknown magic byte 1');
    expect(errs[2]!.message).toContain('unknown schema id 9');
    expect(errs[2]!.cause).toBeInstanceOf(SchemaRegistryError);
    expect(errs[3]!.message).toContain('does not decode');
    expect(errs.every((e) => e.source === 'orders' && e.component?.id === 'cd')).toBe(true);
    expect(stats['cd']!.skipped).toBe(5);
  });

  it('reports registry schemas that are not Avro and incompatible reader schemas', async () => {
    const registry: SchemaRegistry = { getSchemaById: async () => '{"type":"nope"}', register: async () => 1 };
    const err = await pipeline()
      .from(fromArray([Uint8Array.from([0, 0, 0, 0, 1, 2])]))
      .pipe(confluentAvroDecode({ registry }))
      .to(collect())
      .run()
      .catch((e: unknown) => e);
    expect((err as AvroError).message).toContain('registry schema 1 is not a valid Avro schema');
    const mem = new InMemorySchemaRegistry();
    const { wire } = await roundTrip(mem);
    const err2 = await pipeline()
      .from(fromArray(wire))
      .pipe(confluentAvroDecode({ registry: mem, readerSchema: { type: 'record', name: 'shop.Order', fields: [{ name: 'x', type: 'int' }] } }))
      .to(collect())
      .run()
      .catch((e: unknown) => e);
    expect((err2 as AvroError).message).toContain('reader schema cannot read');
    expect([(err2 as AvroError).byteOffset, (err2 as AvroError).recordIndex]).toEqual([1, 0]);
  });

  it('routes records that do not match the schema when encoding', async () => {
    const { result, stats } = await pipeline()
      .from(fromArray([{ id: 'x' }, orders[0]]))
      .pipe(confluentAvroEncode({ name: 'ce', registry: new InMemorySchemaRegistry(), subject: 's', schema: v1, errors: onError.skip() }))
      .to(collect())
      .run();
    expect(result).toHaveLength(1);
    expect(stats['ce']!.skipped).toBe(1);
  });

  it('rejects bad options and invalid schemas', async () => {
    expect(() => confluentAvroDecode({ registry: {} as never })).toThrow(InvalidArgumentError);
    expect(() => confluentAvroEncode({ registry: new InMemorySchemaRegistry(), subject: '', schema: v1 })).toThrow(/subject/);
    await expect(new InMemorySchemaRegistry().register('s', '{"type":"bad"}')).rejects.toMatchObject({ status: 422 });
    await expect(new InMemorySchemaRegistry().getSchemaById(1)).rejects.toMatchObject({ status: 404, errorCode: 40403 });
  });
});

describe('HttpSchemaRegistry against a Confluent-shaped REST server on 127.0.0.1', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  beforeEach(async () => {
    registry = await startRegistry();
  });
  afterEach(async () => {
    await new Promise((r) => registry.server.close(r));
  });

  it('registers, fetches by id (cached) and round-trips with auth headers', async () => {
    const client = new HttpSchemaRegistry({ url: `${registry.url}/`, headers: { Authorization: 'Basic dTpw' } });
    const { result } = await roundTrip(client, v2);
    expect(plain(result)).toEqual([
      { id: 1, total: 9.5, currency: 'EUR' },
      { id: 2, total: 20, currency: 'EUR' },
    ]);
    expect(registry.requests).toEqual([
      'POST /subjects/orders-value/versions application/vnd.schemaregistry.v1+json Basic dTpw',
      'GET /schemas/ids/1 Basic dTpw',
    ]);
  });

  it('maps 404 to an AvroError about the data and errors to SchemaRegistryError', async () => {
    const client = new HttpSchemaRegistry({ url: registry.url });
    await expect(client.getSchemaById(77)).rejects.toMatchObject({ status: 404, errorCode: 40403, message: expect.stringContaining('Schema not found') });
    await expect(client.register('s', '{"type":"bad"}')).rejects.toMatchObject({ status: 422 });
    await expect(new HttpSchemaRegistry({ url: `${registry.url}/garbage` }).getSchemaById(1)).rejects.toThrow(/not JSON/);
    await expect(new HttpSchemaRegistry({ url: 'http://127.0.0.1:1' }).getSchemaById(1)).rejects.toBeInstanceOf(SchemaRegistryError);
    const odd = new HttpSchemaRegistry({ url: registry.url, fetch: (async () => new Response('{}', { status: 200 })) as typeof fetch });
    await expect(odd.getSchemaById(1)).rejects.toThrow(/no "schema" string/);
    await expect(odd.register('s', '"int"')).rejects.toThrow(/no numeric "id"/);
    const empty = new HttpSchemaRegistry({ url: registry.url, fetch: (async () => new Response('', { status: 503 })) as typeof fetch });
    await expect(empty.getSchemaById(1)).rejects.toThrow(/status 503/);
    expect(() => new HttpSchemaRegistry({ url: 'ftp://x' })).toThrow(InvalidArgumentError);
  });

  it('retries a failing registry with backoff on the run clock, then decodes', async () => {
    const mem = new InMemorySchemaRegistry();
    const { wire } = await roundTrip(mem);
    const client = new HttpSchemaRegistry({ url: registry.url });
    await client.register('orders-value', JSON.stringify(v1));
    registry.failNext.count = 2;
    const clock = new VirtualClock();
    const run = pipeline()
      .from(fromArray(wire))
      .pipe(confluentAvroDecode({ name: 'cd', registry: client, errors: onError.retry({ maxAttempts: 3, initialDelayMs: 100, jitter: 0 }) }))
      .to(collect())
      .run({ clock });
    for (let i = 0; i < 20; i++) await clock.advanceBy(100);
    const { result, stats } = await run;
    expect(plain(result)).toEqual(orders);
    expect(stats['cd']!.errors).toBe(2);
  });

  it('stops with a SchemaRegistryError naming the node when registration keeps failing', async () => {
    registry.failNext.count = 1;
    const err = await pipeline()
      .from(fromArray(orders))
      .pipe(confluentAvroEncode({ name: 'ce', registry: new HttpSchemaRegistry({ url: registry.url }), subject: 'orders-value', schema: v1 }))
      .to(collect())
      .run()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaRegistryError);
    expect((err as SchemaRegistryError).status).toBe(500);
    expect((err as SchemaRegistryError).component).toEqual({ id: 'ce', type: 'confluentAvroEncode' });
  });
});
