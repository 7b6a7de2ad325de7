import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamHandler } from './pipelineHandler.js';

/** The part of a Fastify instance {@link fastifyRoute} uses (kept structural: fastify is not a dependency). */
export interface FastifyLike {
  /** Registers an encapsulated plugin; {@link fastifyRoute} adds its route inside the scope the plugin receives. */
  register(plugin: (scope: FastifyScope) => Promise<void>): unknown;
}

/** An encapsulated Fastify scope. */
export interface FastifyScope {
  /** Removes every body parser of the scope, so the handler reads the raw request body itself. */
  removeAllContentTypeParsers(): void;
  /** Adds a body parser for the content type `type` (`'*'` for any) to the scope. */
  addContentTypeParser(type: string, parser: (request: unknown, payload: unknown, done: (err: Error | null, body?: unknown) => void) => void): void;
  /** Declares a route of the scope: method(s), URL and handler. */
  route(options: {
    method: string | string[];
    url: string;
    handler: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }) => Promise<void>;
  }): unknown;
}

/**
 * Mounts a {@link StreamHandler} on a Fastify app. It registers the route in
 * its own encapsulated scope whose content-type parser leaves the body unread,
 * so the handler streams it instead of Fastify buffering and parsing it.
 *
 * When to use: Fastify services; Express and node:http use `handler.node`
 * directly.
 *
 * @example
 * ```ts
 * const app = Fastify();
 * fastifyRoute(app, { method: 'POST', url: '/ingest', handler });
 * await app.listen({ host: '127.0.0.1', port: 0 });
 * ```
 * @see {@link pipelineHandler}
 */
export function fastifyRoute(app: FastifyLike, options: { method: string | string[]; url: string; handler: StreamHandler }): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.route({ method: options.method, url: options.url, handler: (request, reply) => options.handler.fastify(request, reply) });
  });
}
