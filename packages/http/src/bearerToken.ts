import { timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError } from '@streamweave/core';
import { HttpError } from './httpError.js';

/** Decides whether a request may proceed: returns undefined to allow it, or the error to answer with. */
export type RequestGuard = (request: { header(name: string): string | undefined }) => HttpError | undefined;

/**
 * A guard that admits only requests carrying `Authorization: Bearer <token>`
 * with one of the given tokens (compared in constant time). Others get a 401.
 *
 * When to use: on every endpoint that starts or changes a pipeline over the
 * network (`pipelineHandler`, `requestServer`), which require an `auth` option.
 *
 * @example
 * ```ts
 * const handler = pipelineHandler({ auth: bearerToken(process.env.INGEST_TOKEN!), build: (p) => p });
 * ```
 * @see {@link pipelineHandler}, {@link requestServer}
 */
export function bearerToken(token: string | readonly string[]): RequestGuard {
  const tokens = (typeof token === 'string' ? [token] : token).map((t) => {
    if (typeof t !== 'string' || t.length < 8) {
      throw new InvalidArgumentError('bearerToken: every token must be a string of at least 8 characters');
    }
    return Buffer.from(t);
  });
  if (tokens.length === 0) throw new InvalidArgumentError('bearerToken: give at least one token');
  return (request) => {
    const h = request.header('authorization');
    const m = h === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m) return new HttpError(401, 'missing bearer token (send "Authorization: Bearer <token>")');
    const given = Buffer.from(m[1]!);
    let ok = false;
    for (const t of tokens) if (t.length === given.length && timingSafeEqual(t, given)) ok = true;
    return ok ? undefined : new HttpError(401, 'invalid bearer token');
  };
}

/** @internal Runs the guard of an endpoint; `'none'` admits everything. */
export function checkGuard(auth: RequestGuard | 'none', request: { header(name: string): string | undefined }): HttpError | undefined {
  return auth === 'none' ? undefined : auth(request);
}
