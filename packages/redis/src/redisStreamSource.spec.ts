import { collect, fromArray, InvalidArgumentError, pipeline } from '@streamweave/core';
import { redisStreamSink, redisStreamSource } from './index.js';

const unreachable = { host: '127.0.0.1', port: 1 };

describe('redisStreamSource / redisStreamSink: bad input', () => {
  it('rejects bad options with InvalidArgumentError naming the option', () => {
    expect(() => redisStreamSource({ stream: '', group: 'g', consumer: 'c' })).toThrow('redisStreamSource: `stream` must be a non-empty string');
    expect(() => redisStreamSource({ stream: 's', group: 'g', consumer: 7 as never })).toThrow('`consumer` must be a non-empty string');
    expect(() => redisStreamSource({ stream: 's', group: 'g', consumer: 'c', count: 0 })).toThrow('`count` must be a positive integer, got 0');
    expect(() => redisStreamSource({ stream: 's', group: 'g', consumer: 'c', decode: 'x' as never })).toThrow('`decode` must be a function');
    expect(() => redisStreamSource(null as never)).toThrow(InvalidArgumentError);
    expect(() => redisStreamSink({ stream: '' })).toThrow('redisStreamSink: `stream` must be a non-empty string');
    expect(() => redisStreamSink({ stream: 's', maxLen: -1 })).toThrow('`maxLen` must be a positive integer, got -1');
    expect(() => redisStreamSink({ stream: 's', toFields: 1 as never })).toThrow('`toFields` must be a function');
    expect(() => redisStreamSink(undefined as never)).toThrow('redisStreamSink: options must be an object');
  });

  it('rejects a malformed position', async () => {
    const source = redisStreamSource({ connection: unreachable, stream: 's', group: 'g', consumer: 'c' });
    await expect(source.commitCheckpoint({ last: 1 })).rejects.toThrow('redisStreamSource: a position must look like { last: "<id>", seq: <n> }, got {"last":1}');
    await expect(source.commitCheckpoint(undefined)).resolves.toBeUndefined();
    // Nothing emitted yet: nothing to acknowledge, no connection attempted.
    await expect(source.commitCheckpoint({ last: '0-0', seq: 3 })).resolves.toBeUndefined();
  });

  it('fails after bounded retries when Redis is unreachable, naming the address and the cause', async () => {
    const source = redisStreamSource({ connection: unreachable, stream: 's', group: 'g', consumer: 'c', retries: 1 });
    await expect(pipeline().from(source).to(collect()).run()).rejects.toThrow(
      /\[redisStreamSource "redisStreamSource"[^\]]*\] redisStreamSource: cannot connect to Redis at 127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    await expect(pipeline().from(fromArray(['a'])).to(redisStreamSink({ connection: 'redis://127.0.0.1:1', stream: 's', retries: 1 })).run()).rejects.toThrow(
      /redisStreamSink: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
  });
});
