import { fromArray, InvalidArgumentError, pipeline } from '@streamweave/core';
import { deterministicKey, idempotentSink } from '@streamweave/state';

describe('idempotentSink', () => {
  it('upserts under deterministic keys, so a replay leaves one record per key', async () => {
    const table = new Map<string, number>();
    const sink = () => idempotentSink({ key: (x: { k: string; v: number }) => deterministicKey('t', x.k), upsert: (k, x) => void table.set(k, x.v) });
    const items = [
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
    ];
    expect((await pipeline().from(fromArray(items)).to(sink()).run()).result).toEqual({ written: 2 });
    await pipeline().from(fromArray(items)).to(sink()).run();
    expect([...table]).toEqual([
      ['["t","a"]', 1],
      ['["t","b"]', 2],
    ]);
  });

  it('awaits asynchronous upserts in order', async () => {
    const log: string[] = [];
    const sink = idempotentSink({ key: (x: number) => String(x), upsert: async (k) => void log.push(k) });
    expect((await pipeline().from(fromArray([1, 2, 3])).to(sink).run()).result).toEqual({ written: 3 });
    expect(log).toEqual(['1', '2', '3']);
  });

  it('keys are unambiguous and bad options are rejected', () => {
    expect(deterministicKey('a:b', 'c')).not.toBe(deterministicKey('a', 'b:c'));
    expect(() => idempotentSink({} as never)).toThrow(new InvalidArgumentError('idempotentSink: expected { key, upsert } functions'));
  });
});
