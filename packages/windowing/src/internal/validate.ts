/** Argument checks shared by the package's factories. */
import { InvalidArgumentError } from '@streamweave/core';

/** Checks a duration is a positive finite number of ms. */
export function requirePositiveMs(component: string, name: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new InvalidArgumentError(`${component}: \`${name}\` must be a positive number of milliseconds, got ${String(value)}`);
  }
}

/** Checks a duration is a non-negative finite number of ms. */
export function requireNonNegativeMs(component: string, name: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new InvalidArgumentError(`${component}: \`${name}\` must be a non-negative number of milliseconds, got ${String(value)}`);
  }
}

/** Checks a value is a function. */
export function requireFn(component: string, name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new InvalidArgumentError(`${component}: \`${name}\` must be a function, got ${value === null ? 'null' : typeof value}`);
  }
}

/** Checks a value looks like a Trigger. */
export function requireTrigger(component: string, value: unknown): void {
  const t = value as { onElement?: unknown; onEventTime?: unknown; onProcessingTime?: unknown } | null;
  if (typeof t !== 'object' || t === null || typeof t.onElement !== 'function' || typeof t.onEventTime !== 'function' || typeof t.onProcessingTime !== 'function') {
    throw new InvalidArgumentError(`${component}: expected a trigger with onElement, onEventTime and onProcessingTime`);
  }
}

/** Describes a bad value for an error message. */
export function describeValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  if (v === null) return 'null';
  return typeof v;
}
