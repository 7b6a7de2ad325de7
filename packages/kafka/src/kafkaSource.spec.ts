import { collect, InvalidArgumentError, pipeline } from '@streamweave/core';
import { kafkajsClient, kafkaDeadLetter, kafkaSink, kafkaSource, kafkaTransactionalSink, type KafkaClient } from './index.js';

const unreachable = kafkajsClient({ brokers: ['127.0.0.1:1'], retries: 1, connectionTimeoutMs: 300 });

describe('kafkaSource / kafkaSink: bad input', () => {
  it('rejects bad options with InvalidArgumentError naming the option', () => {
    expect(() => kafkaSource({ client: unreachable, topics: [], groupId: 'g' })).toThrow('kafkaSource: `topics` must be a non-empty array of topic names');
    expect(() => kafkaSource({ client: unreachable, topics: ['t'], groupId: '' })).toThrow('kafkaSource: `groupId` must be a non-empty string');
    expect(() => kafkaSource({ client: {} as KafkaClient, topics: ['t'], groupId: 'g' })).toThrow('kafkaSource: `client` must be a KafkaClient');
    expect(() => kafkaSource({ client: unreachable, topics: ['t'], groupId: 'g', bufferSize: 0 })).toThrow('`bufferSize` must be a positive integer, got 0');
    expect(() => kafkaSource({ client: unreachable, topics: ['t'], groupId: 'g', decode: 1 as never })).toThrow('`decode` must be a function');
    expect(() => kafkaSource(null as never)).toThrow(InvalidArgumentError);
    expect(() => kafkaSink({ client: unreachable, topic: '' })).toThrow('kafkaSink: `topic` must be a non-empty string');
    expect(() => kafkaSink({ client: unreachable, topic: 't', compression: 'zstd' as never })).toThrow("`compression` must be 'none' or 'gzip', got zstd");
    expect(() => kafkaSink({ client: unreachable, topic: 't', batchSize: 1.5 })).toThrow('`batchSize` must be a positive integer, got 1.5');
    expect(() => kafkaSink({ client: unreachable, topic: 't', toRecord: 'x' as never })).toThrow('`toRecord` must be a function');
    expect(() => kafkaSink({ client: null as never, topic: 't' })).toThrow('kafkaSink: `client` must be a KafkaClient');
    expect(() => kafkaSink(undefined as never)).toThrow('kafkaSink: options must be an object');
    const source = kafkaSource({ client: unreachable, topics: ['t'], groupId: 'g' });
    expect(() => kafkaTransactionalSink({ client: unreachable, topic: 't', source: {} as never, transactionalId: 'x' })).toThrow(
      '`source` must be the kafkaSource of this pipeline',
    );
    expect(() => kafkaTransactionalSink({ client: unreachable, topic: 't', source, transactionalId: '' })).toThrow('`transactionalId` must be a non-empty string');
    expect(() => kafkaDeadLetter('', { client: unreachable })).toThrow('kafkaDeadLetter: `topic` must be a non-empty string');
    expect(() => kafkaDeadLetter('d', {} as never)).toThrow('kafkaDeadLetter: `options.client` must be a KafkaClient');
  });

  it('rejects a malformed restore position, naming its shape', async () => {
    const source = kafkaSource({ client: unreachable, topics: ['t'], groupId: 'g' });
    await expect(source.commitCheckpoint({ t: { x: '1' } })).rejects.toThrow(
      'kafkaSource: a position must look like { topic: { partition: "nextOffset" } }, got {"t":{"x":"1"}}',
    );
    await expect(source.commitCheckpoint([1])).rejects.toThrow('a position must look like');
    await expect(source.commitCheckpoint({ t: 3 })).rejects.toThrow('a position must look like');
    // Nothing to commit: no connection is attempted.
    await expect(source.commitCheckpoint(undefined)).resolves.toBeUndefined();
    await expect(source.commitCheckpoint({})).resolves.toBeUndefined();
    await expect(pipeline().from(source).to(collect()).run({ restore: { positions: { kafkaSource: 'nope' } } })).rejects.toThrow(
      'a position must look like',
    );
  });

  it('fails after bounded retries when no broker is reachable, naming the address and the cause', async () => {
    const source = kafkaSource({ client: unreachable, topics: ['t'], groupId: 'g' });
    await expect(pipeline().from(source).to(collect()).run()).rejects.toThrow(
      /\[kafkaSource "kafkaSource"[^\]]*\] kafkaSource: cannot connect to Kafka at 127\.0\.0\.1:1: .*(ECONNREFUSED|Connection error)/,
    );
  }, 20_000);

  it('the sink fails the same way when it cannot connect', async () => {
    const { fromArray } = await import('@streamweave/core');
    await expect(pipeline().from(fromArray(['a'])).to(kafkaSink({ client: unreachable, topic: 't' })).run()).rejects.toThrow(
      /kafkaSink: cannot connect to Kafka at 127\.0\.0\.1:1: .*(ECONNREFUSED|Connection error)/,
    );
  }, 20_000);
});
