import { collect, fromArray, pipeline, StreamWeaveError } from '@streamweave/core';
import { createServer, type Socket } from 'node:net';
import { mqttSink, mqttSource } from './index.js';

/**
 * A broker stand-in that answers every CONNECT with one CONNACK. Mosquitto 2.0 answers a
 * wrong password with "not authorised" (5 / 135, tested against the real broker in
 * auth.integration.spec.ts); this covers the "bad user name or password" codes (4 / 134)
 * that the MQTT specifications define for it, which other brokers may send.
 */
async function refusingBroker(connack: Buffer): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(connack));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a refused login (CONNACK "bad user name or password")', () => {
  const cases: Array<[string, number, Buffer, 4 | 5, string]> = [
    // CONNACK: type 2, remaining length, session-present flags, return code (MQTT 5: reason code, no properties).
    ['MQTT 3.1.1', 4, Buffer.from([0x20, 0x02, 0x00, 0x04]), 4, 'Connection refused: Bad username or password'],
    ['MQTT 5', 134, Buffer.from([0x20, 0x03, 0x00, 0x86, 0x00]), 5, 'Connection refused: Bad User Name or Password'],
  ];

  it.each(cases)('over %s (code %d) fails the source and the sink at once with "authentication failed", one connection each', async (_, code, connack, protocolVersion, reason) => {
    const broker = await refusingBroker(connack);
    try {
      const url = `mqtt://127.0.0.1:${broker.port}`;
      const clientOptions = { protocolVersion, username: 'u', password: 'p' };
      const resilience = { retries: 20, backoffMs: 20 };
      const source = pipeline().from(mqttSource({ url, topics: 't', clientOptions, ...resilience })).to(collect()).run();
      const error = (await source.catch((e: unknown) => e)) as StreamWeaveError & { cause?: { code?: number } };
      expect(error).toBeInstanceOf(StreamWeaveError);
      expect(error.message).toBe(`[mqttSource "mqttSource"] authentication failed at ${url}: ${reason}`);
      expect(error.cause?.code).toBe(code);
      const sink = pipeline().from(fromArray(['x'])).to(mqttSink({ url, topic: 't', clientOptions, ...resilience })).run();
      await expect(sink).rejects.toThrow(`[mqttSink "mqttSink"] authentication failed at ${url}: ${reason}`);
      // Several reconnects 20 ms apart would have happened by now.
      await new Promise((r) => setTimeout(r, 200));
      expect(broker.connections()).toBe(2);
    } finally {
      await broker.close();
    }
  });
});
