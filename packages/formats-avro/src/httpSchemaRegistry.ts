import { InvalidArgumentError } from '@streamweave/core';
import { type SchemaRegistry, SchemaRegistryError } from './schemaRegistry.js';

/** Options of {@link HttpSchemaRegistry}. */
export interface HttpSchemaRegistryOptions {
  /** Base URL of the registry, such as `http://localhost:8081`. */
  readonly url: string;
  /** Extra request headers (for example `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The fetch implementation (default: the global `fetch`). */
  readonly fetch?: typeof fetch;
  /** Abort a request after this many milliseconds (default 10 000). */
  readonly timeoutMs?: number;
}

const contentType = 'application/vnd.schemaregistry.v1+json';

/**
 * A {@link SchemaRegistry} client for the Confluent Schema Registry REST API
 * (`GET /schemas/ids/{id}`, `POST /subjects/{subject}/versions`), which
 * Confluent, Redpanda, Karapace and Apicurio's compatibility API serve. Schemas
 * by id are immutable, so they are cached for the client's life, and so are
 * registrations; concurrent requests for the same key share one call.
 *
 * @example
 * ```ts
 * const registry = new HttpSchemaRegistry({ url: 'http://localhost:8081', headers: { Authorization: 'Basic …' } });
 * pipeline().from(kafkaValues).pipe(confluentAvroDecode({ registry })).to(collect());
 * ```
 * @see {@link InMemorySchemaRegistry}, {@link confluentAvroDecode}
 */
export class HttpSchemaRegistry implements SchemaRegistry {
  private readonly base: string;
  private readonly ids = new Map<number, Promise<string>>();
  private readonly registered = new Map<string, Promise<number>>();
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpSchemaRegistryOptions) {
    if (!options || typeof options.url !== 'string' || !/^https?:\/\//.test(options.url)) {
      throw new InvalidArgumentError(`HttpSchemaRegistry: \`url\` must be an http(s) URL, got ${JSON.stringify(options?.url)}`);
    }
    this.base = options.url.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Fetches the schema (JSON text) with global id `id` (`GET /schemas/ids/{id}`), cached on success. */
  getSchemaById(id: number): Promise<string> {
    let p = this.ids.get(id);
    if (!p) {
      p = this.call('GET', `/schemas/ids/${id}`).then((body) => {
        const schema = (body as { schema?: unknown }).schema;
        if (typeof schema !== 'string') throw new SchemaRegistryError(`registry answer for schema ${id} has no "schema" string`);
        return schema;
      });
      this.cache(this.ids, id, p);
    }
    return p;
  }

  /** Registers `schema` under `subject` (`POST /subjects/{subject}/versions`); resolves to its global id, cached on success. */
  register(subject: string, schema: string): Promise<number> {
    const key = `${subject}\u0000${schema}`;
    let p = this.registered.get(key);
    if (!p) {
      p = this.call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema }).then((body) => {
        const id = (body as { id?: unknown }).id;
        if (typeof id !== 'number') throw new SchemaRegistryError(`registry answer for subject "${subject}" has no numeric "id"`);
        return id;
      });
      this.cache(this.registered, key, p);
    }
    return p;
  }

  /** Keeps successes only: a failed call is tried again next time. */
  private cache<K, V>(map: Map<K, Promise<V>>, key: K, p: Promise<V>): void {
    map.set(key, p);
    p.catch(() => map.delete(key));
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const url = `${this.base}${path}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: { Accept: `${contentType}, application/json`, ...(body === undefined ? {} : { 'Content-Type': contentType }), ...this.options.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new SchemaRegistryError(`${method} ${url} failed`, { cause: e });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text.length === 0 ? {} : JSON.parse(text);
    } catch (e) {
      throw new SchemaRegistryError(`${method} ${url}: answer is not JSON (status ${res.status})`, { status: res.status, cause: e });
    }
    if (!res.ok) {
      const err = json as { error_code?: unknown; message?: unknown };
      throw new SchemaRegistryError(`${method} ${url}: ${typeof err.message === 'string' ? err.message : `status ${res.status}`}`, {
        status: res.status,
        ...(typeof err.error_code === 'number' ? { errorCode: err.error_code } : {}),
      });
    }
    return json;
  }
}
