import { InvalidArgumentError } from '@streamweave/core';
import { cronSchedule } from '../index.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('cronSchedule', () => {
  it('finds the next slot for steps, ranges and lists', () => {
    expect(iso(cronSchedule('*/15 * * * *').next(at('2026-01-05T09:07:30Z')))).toBe('2026-01-05T09:15:00.000Z');
    expect(iso(cronSchedule('*/15 * * * *').next(at('2026-01-05T09:15:00Z')))).toBe('2026-01-05T09:30:00.000Z');
    expect(iso(cronSchedule('0 9-17/4 * * *').next(at('2026-01-05T10:00:00Z')))).toBe('2026-01-05T13:00:00.000Z');
    expect(iso(cronSchedule('30 8,20 * * *').next(at('2026-01-05T21:00:00Z')))).toBe('2026-01-06T08:30:00.000Z');
    expect(iso(cronSchedule('0 0 1 */3 *').next(at('2026-02-10T00:00:00Z')))).toBe('2026-04-01T00:00:00.000Z');
  });

  it('treats weekday 7 as Sunday and ORs restricted day fields, as cron does', () => {
    // 2026-01-05 is a Monday.
    expect(iso(cronSchedule('0 12 * * 7').next(at('2026-01-05T00:00:00Z')))).toBe('2026-01-11T12:00:00.000Z');
    expect(iso(cronSchedule('0 0 15 * 3').next(at('2026-01-05T00:00:00Z')))).toBe('2026-01-07T00:00:00.000Z');
    expect(iso(cronSchedule('0 0 29 2 *').next(at('2026-03-01T00:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
  });

  it('rejects malformed or impossible expressions, naming the field', () => {
    expect(() => cronSchedule('* * * *')).toThrow(InvalidArgumentError);
    expect(() => cronSchedule('61 * * * *')).toThrow(/invalid minute field "61" in "61 \* \* \* \*" \(allowed 0-59\)/);
    expect(() => cronSchedule('* * * JAN *')).toThrow(/invalid month field "JAN"/);
    expect(() => cronSchedule('*/0 * * * *')).toThrow(/invalid minute field/);
    expect(() => cronSchedule('0 0 31 2 *').next(0)).toThrow(/never fires/);
  });
});
