/** Validation of caller options shared by the file components. */
import { InvalidArgumentError } from '@streamweave/core';

/** Encodings whose newline is the single byte 0x0A, so lines can be split on bytes before decoding. */
export type LineEncoding = 'utf8' | 'utf-8' | 'latin1' | 'ascii';
const lineEncodings = new Set(['utf8', 'utf-8', 'latin1', 'ascii']);

export function requirePath(component: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArgumentError(`${component}: \`path\` must be a non-empty string, got ${path === '' ? 'an empty string' : typeof path}`);
  }
  return path;
}

export function positiveInt(component: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    throw new InvalidArgumentError(`${component}: \`${name}\` must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function offsetOf(component: string, name: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
    throw new InvalidArgumentError(`${component}: \`${name}\` must be a non-negative integer byte offset, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function lineEncoding(component: string, value: unknown): LineEncoding {
  if (value === undefined) return 'utf8';
  if (typeof value !== 'string' || !lineEncodings.has(value)) {
    throw new InvalidArgumentError(
      `${component}: \`encoding\` must be one of utf8, latin1, ascii (encodings with a one-byte newline), got ${String(value)}`,
    );
  }
  return value as LineEncoding;
}
