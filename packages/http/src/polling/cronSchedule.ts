import { InvalidArgumentError } from '@streamweave/core';

/** A parsed cron expression. */
export interface CronSchedule {
  /** The expression it was parsed from. */
  readonly expression: string;
  /** The first fire time strictly after `afterMs` (ms since the epoch, UTC). */
  next(afterMs: number): number;
}

const fields = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/**
 * Parses a five-field cron expression (minute hour day-of-month month
 * day-of-week, evaluated in UTC). Supported: `*`, numbers, ranges `a-b`,
 * lists `a,b`, steps `*\/n` and `a-b/n`; day of week 0 or 7 is Sunday. As in
 * classic cron, when both day fields are restricted a day matching either fires.
 * Not supported: names (JAN, MON), `L`, `W`, `#`, seconds.
 *
 * When to use: the `schedule` of {@link httpPoll}, or any schedule on a Clock.
 *
 * @example
 * ```ts
 * cronSchedule('*\/15 9-17 * * 1-5').next(Date.parse('2026-01-05T09:07:00Z')); // 09:15 UTC that day
 * ```
 * @see {@link httpPoll}
 */
export function cronSchedule(expression: string): CronSchedule {
  const parts = typeof expression === 'string' ? expression.trim().split(/\s+/) : [];
  if (parts.length !== 5) {
    throw new InvalidArgumentError(`cronSchedule: expected 5 fields (minute hour day month weekday), got ${JSON.stringify(expression)}`);
  }
  const sets = parts.map((p, i) => parseField(p, fields[i]!, expression));
  const [minutes, hours, days, months, weekdays] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (weekdays.has(7)) weekdays.add(0);
  const dayRestricted = parts[2] !== '*';
  const weekdayRestricted = parts[4] !== '*';
  const dayMatches = (d: Date) => {
    const dom = days.has(d.getUTCDate());
    const dow = weekdays.has(d.getUTCDay());
    if (dayRestricted && weekdayRestricted) return dom || dow;
    return dom && dow;
  };
  return {
    expression,
    next(afterMs) {
      const d = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
      // Bounded search: any valid expression fires within about four years (Feb 29).
      for (let guard = 0; guard < 200_000; guard++) {
        if (!months.has(d.getUTCMonth() + 1)) {
          d.setUTCMonth(d.getUTCMonth() + 1, 1);
          d.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!dayMatches(d)) {
          d.setUTCDate(d.getUTCDate() + 1);
          d.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!hours.has(d.getUTCHours())) {
          d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
          continue;
        }
        if (!minutes.has(d.getUTCMinutes())) {
          d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
          continue;
        }
        return d.getTime();
      }
      throw new InvalidArgumentError(`cronSchedule: ${JSON.stringify(expression)} never fires`);
    },
  };
}

function parseField(part: string, f: (typeof fields)[number], expression: string): Set<number> {
  const out = new Set<number>();
  const bad = () =>
    new InvalidArgumentError(`cronSchedule: invalid ${f.name} field ${JSON.stringify(part)} in ${JSON.stringify(expression)} (allowed ${f.min}-${f.max})`);
  for (const item of part.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!m) throw bad();
    const lo = m[1] === '*' ? f.min : Number(m[2]);
    const hi = m[1] === '*' ? f.max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? f.max : lo;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (lo < f.min || hi > f.max || lo > hi || step < 1) throw bad();
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}
