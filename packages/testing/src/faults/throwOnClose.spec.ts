import { collect, fromArray, pipeline } from '@streamweave/core';
import { throwOnClose } from '../index.js';

describe('throwOnClose', () => {
  it('producer: emits its items, and its failing close does not hide the run result', async () => {
    const src = throwOnClose.producer([1, 2, 3]);
    const { result } = await pipeline().from(src).to(collect()).run({ creditWindow: 2 });
    expect(result).toEqual([1, 2, 3]);
    expect(src.closeCalls).toBe(1);
  });

  it('is callable directly as the producer form', async () => {
    const src = throwOnClose<number>();
    const { result } = await pipeline().from(src).to(collect()).run();
    expect(result).toEqual([]);
    expect(src.closeCalls).toBe(1);
  });

  it('consumer: its finalization rejects with the given error after every item arrived', async () => {
    await expect(pipeline().from(fromArray([1])).to(throwOnClose.consumer(new Error('flush failed'))).run()).rejects.toThrow('flush failed');
    await expect(pipeline().from(fromArray([1])).to(throwOnClose.consumer()).run()).rejects.toThrow('throwOnClose: close failed');
  });
});
