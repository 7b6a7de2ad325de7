/**
 * Authentication against the broker's SASL_PLAINTEXT listener (tooling/services starts it on
 * 127.0.0.1:9192 with the user streamweave / streamweave-secret, PLAIN and SCRAM-SHA-256):
 * refused credentials fail the run at once with an error that says so; good ones work.
 */
import { collect, fromArray, pipeline, StreamWeaveError, take } from '@streamweave/core';
import { portOpenSync, requireService } from '@streamweave/testing/node';
import { createTopic, deleteTopic, kafkajsClient, kafkaSink, kafkaSource, readAllMessages, type KafkaRecord, type KafkaSaslOptions } from './index.js';
import { brokers as plaintextBrokers, kafkaUp, unique } from './test-support/services.js';

const saslBrokers = (process.env.STREAMWEAVE_KAFKA_SASL_BROKERS ?? '127.0.0.1:9192').split(',');
const username = process.env.STREAMWEAVE_KAFKA_SASL_USERNAME ?? 'streamweave';
const password = process.env.STREAMWEAVE_KAFKA_SASL_PASSWORD ?? 'streamweave-secret';
const [saslHost, saslPort] = saslBrokers[0]!.split(':');
const up = requireService(
  'Kafka SASL',
  portOpenSync(Number(saslPort), saslHost),
  `no SASL_PLAINTEXT listener at ${saslBrokers[0]} (bash tooling/services/up.sh kafka starts one)`,
);
const describeSasl = up ? describe : describe.skip;

// Many retries: a failure that kafkajs retried would take >15 s (100 ms doubling to 2 s, 10 times).
const client = (sasl: KafkaSaslOptions, brokers = saslBrokers) => kafkajsClient({ brokers, sasl, retries: 10 });
const good = client({ mechanism: 'plain', username, password });
const created: string[] = [];

afterAll(async () => {
  if (!up) return;
  for (const t of created) await deleteTopic(good, t).catch(() => undefined);
});

/** Runs `run`, expecting it to reject; returns the error and how long it took. */
async function failure(run: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t0 = Date.now();
  try {
    await run();
  } catch (error) {
    return { error, ms: Date.now() - t0 };
  }
  throw new Error('expected the run to fail');
}

describeSasl('Kafka SASL authentication (real broker)', () => {
  jest.setTimeout(60_000);

  it('a sink whose password is refused fails at once, saying authentication failed, where, and the broker\'s reason', async () => {
    const t = unique('auth-sink');
    const wrong = client({ mechanism: 'plain', username, password: 'not-the-password' });
    const { error, ms } = await failure(() => pipeline().from(fromArray(['a', 'b'])).to(kafkaSink({ client: wrong, topic: t })).run());
    expect(error).toBeInstanceOf(StreamWeaveError);
    expect((error as Error).message).toBe(
      `[kafkaSink "kafkaSink"] kafkaSink: authentication failed at Kafka ${saslBrokers[0]} (SASL PLAIN, user "${username}"): ` +
        'Authentication failed: Invalid username or password',
    );
    expect(((error as Error).cause as Error).name).toBe('KafkaAuthenticationError');
    expect(ms).toBeLessThan(5000);
  });

  it('a source whose SCRAM password is refused fails at once with the SCRAM reason', async () => {
    const wrong = client({ mechanism: 'scram-sha-256', username, password: 'not-the-password' });
    const source = kafkaSource({ client: wrong, topics: [unique('auth-src')], groupId: unique('g') });
    const { error, ms } = await failure(() => pipeline().from(source).to(collect()).run());
    expect(error).toBeInstanceOf(StreamWeaveError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^\\[kafkaSource "kafkaSource"[^\\]]*\\] kafkaSource: authentication failed at Kafka ${saslBrokers[0]!.replace(/\./g, '\\.')} ` +
          `\\(SASL SCRAM-SHA-256, user "${username}"\\): ` +
          'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256$',
      ),
    );
    expect(ms).toBeLessThan(5000);
  });

  it('an unknown user is refused the same way (PLAIN)', async () => {
    const stranger = client({ mechanism: 'plain', username: 'nobody', password });
    const { error, ms } = await failure(() => createTopic(stranger, unique('auth-admin')));
    expect(error).toBeInstanceOf(StreamWeaveError);
    expect((error as Error).message).toBe(
      `authentication failed at Kafka ${saslBrokers[0]} (SASL PLAIN, user "nobody"): Authentication failed: Invalid username or password`,
    );
    expect(ms).toBeLessThan(5000);
  });

  it('names the broker that refused, not the whole bootstrap list', async () => {
    // 127.0.0.1:1 refuses connections (retried); the SASL listener refuses the password (not retried).
    const wrong = client({ mechanism: 'plain', username, password: 'not-the-password' }, ['127.0.0.1:1', saslBrokers[0]!]);
    const { error } = await failure(() => createTopic(wrong, unique('auth-admin')));
    expect((error as Error).message).toBe(
      `authentication failed at Kafka ${saslBrokers[0]} (SASL PLAIN, user "${username}"): Authentication failed: Invalid username or password`,
    );
  });

  (kafkaUp() ? it : it.skip)('SASL credentials sent to the PLAINTEXT listener fail at once, pointing at the listener', async () => {
    const misdirected = client({ mechanism: 'plain', username, password }, plaintextBrokers);
    const { error, ms } = await failure(() => pipeline().from(fromArray(['a'])).to(kafkaSink({ client: misdirected, topic: unique('auth-x') })).run());
    expect((error as Error).message).toBe(
      `[kafkaSink "kafkaSink"] kafkaSink: authentication failed at Kafka ${plaintextBrokers.join(',')} (SASL PLAIN, user "${username}"): ` +
        'Request is not valid given the current SASL state (ILLEGAL_SASL_STATE: the broker did not expect a SASL handshake (is this a PLAINTEXT listener?))',
    );
    expect(ms).toBeLessThan(5000);
  });

  it('with the right credentials a sink (PLAIN) and a source (SCRAM-SHA-256) round-trip records over SASL', async () => {
    const t = unique('auth-rt');
    await createTopic(good, t, 2);
    created.push(t);
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
    const written = await pipeline()
      .from(fromArray(values.map((v, i) => ({ key: `k${i % 5}`, value: v }))))
      .to(kafkaSink({ client: good, topic: t, batchSize: 20 }))
      .run();
    expect(written.result).toEqual({ records: 50, batches: expect.any(Number) as number });

    const scram = client({ mechanism: 'scram-sha-256', username, password });
    const read = await pipeline()
      .from(kafkaSource({ client: scram, topics: [t], groupId: unique('g'), decode: (r: KafkaRecord) => String(r.value) }))
      .pipe(take(50))
      .to(collect())
      .run();
    expect([...(read.result as string[])].sort()).toEqual([...values].sort());
    // And the admin helpers over SASL see the same records.
    expect((await readAllMessages(good, t)).map((r) => String(r.value)).sort()).toEqual([...values].sort());
  });
});
