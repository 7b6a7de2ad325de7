// An NDJSON ingest endpoint: each request body streams through a pipeline and
// the results stream back. Malformed bodies get a 400 naming line and byte;
// requests without the bearer token get a 401.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { filter, map } from '@streamweave/core';
import { bearerToken, pipelineHandler } from '@streamweave/http';

interface Reading {
  sensor: string;
  celsius: number;
}

const token = 'example-token-123';
const handler = pipelineHandler<Reading, { sensor: string; fahrenheit: number }>({
  auth: bearerToken(token),
  build: (input) =>
    input.pipe(filter((r) => r.celsius > -273.15)).pipe(map((r) => ({ sensor: r.sensor, fahrenheit: r.celsius * 1.8 + 32 }))),
});

const server = createServer(handler.node);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/convert`;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' };

try {
  const body = ['{"sensor":"a","celsius":20}', '{"sensor":"b","celsius":-300}', '{"sensor":"c","celsius":100}'].join('\n') + '\n';
  const ok = await fetch(url, { method: 'POST', headers, body });
  const lines = (await ok.text()).trim().split('\n').map((l) => JSON.parse(l) as unknown);
  console.log(ok.status, lines);
  if (ok.status !== 200 || JSON.stringify(lines) !== JSON.stringify([{ sensor: 'a', fahrenheit: 68 }, { sensor: 'c', fahrenheit: 212 }])) {
    throw new Error(`unexpected response ${ok.status} ${JSON.stringify(lines)}`);
  }

  const bad = await fetch(url, { method: 'POST', headers, body: '{"sensor":"a","celsius":1}\n{"sensor":\n' });
  const error = ((await bad.json()) as { error: string }).error;
  console.log(bad.status, error);
  if (bad.status !== 400 || !error.includes('line 2, byte 27')) throw new Error(`expected a 400 naming line 2, got ${bad.status} ${error}`);

  const anonymous = await fetch(url, { method: 'POST', body: '{}\n' });
  console.log(anonymous.status, await anonymous.text());
  if (anonymous.status !== 401) throw new Error(`expected 401, got ${anonymous.status}`);
} finally {
  server.close();
}
