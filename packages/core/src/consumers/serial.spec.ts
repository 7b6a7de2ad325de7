import { Serial } from '../index.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

describe('Serial', () => {
  it('runs steps one at a time, in the order they were added', async () => {
    const serial = new Serial();
    const log: string[] = [];
    const step = (name: string, ticks: number) => async () => {
      log.push(`${name} start`);
      for (let i = 0; i < ticks; i++) await tick();
      log.push(`${name} end`);
    };
    const a = serial.add(step('a', 3));
    const b = serial.add(step('b', 0));
    const c = serial.add(step('c', 1));
    await Promise.all([a, b, c]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(serial.failed).toBeUndefined();
    await expect(serial.settled()).resolves.toBeUndefined();
  });

  it('keeps the first failure: later steps are skipped and every wait rejects with it', async () => {
    const serial = new Serial();
    const ran: string[] = [];
    const first = new Error('first');
    const ok = serial.add(async () => void ran.push('ok'));
    const bad = serial.add(async () => {
      ran.push('bad');
      throw first;
    });
    const later = serial.add(async () => {
      ran.push('later');
      throw new Error('second');
    });
    await expect(ok).resolves.toBeUndefined();
    await expect(bad).rejects.toBe(first);
    await expect(later).rejects.toBe(first);
    expect(ran).toEqual(['ok', 'bad']);
    expect(serial.failed).toEqual({ error: first });
    await expect(serial.settled()).rejects.toBe(first);
    await expect(serial.add(async () => void ran.push('after'))).rejects.toBe(first);
    expect(ran).toEqual(['ok', 'bad']);
  });

  it('settles at once when nothing was queued', async () => {
    await expect(new Serial().settled()).resolves.toBeUndefined();
  });
});
