/** How a stream of items becomes a streamed HTTP response body. */
import type { Transformer } from '@streamweave/core';

/**
 * Turns output items into response-body chunks.
 *
 * @example
 * ```ts
 * const csv: ResponseEncoder<{ a: number }> = { contentType: 'text/csv', item: (r) => `${r.a}\n` };
 * ```
 * @see {@link ndjsonResponse}, {@link sseResponse}, {@link chunkedResponse}
 */
export interface ResponseEncoder<O> {
  /** Content-Type of the response. */
  readonly contentType: string;
  /** Encodes one item; `index` counts items from 0. */
  item(value: O, index: number): string | Uint8Array;
  /** Trailer written when the stream fails after the headers went out (the status can no longer change). */
  error?(message: string): string;
}

/**
 * NDJSON responses: one JSON document per line. A failure after the first line
 * ends the body with `{"error":"…"}` as the last line.
 *
 * @example
 * ```ts
 * pipelineHandler({ auth: 'none', build: (p) => p, respond: ndjsonResponse() });
 * ```
 * @see {@link ResponseEncoder}
 */
export function ndjsonResponse<O>(): ResponseEncoder<O> {
  return {
    contentType: 'application/x-ndjson',
    item: (value) => `${JSON.stringify(value)}\n`,
    error: (message) => `${JSON.stringify({ error: message })}\n`,
  };
}

/**
 * Server-Sent Events responses: each item is an event whose id is its index and
 * whose data is its JSON. A failure after the first event sends `event: error`.
 *
 * @example
 * ```ts
 * pipelineHandler({ auth: 'none', build: (p) => p, respond: sseResponse() });
 * ```
 * @see {@link sseEndpoint} for a long-lived stream with replay and heartbeats.
 */
export function sseResponse<O>(): ResponseEncoder<O> {
  return {
    contentType: 'text/event-stream',
    item: (value, index) => `id: ${index}\ndata: ${JSON.stringify(value)}\n\n`,
    error: (message) => `event: error\ndata: ${JSON.stringify(message)}\n\n`,
  };
}

/**
 * Raw chunked responses: strings and byte arrays are written as they are.
 *
 * @example
 * ```ts
 * pipelineHandler({ auth: 'none', decode: bytesBody(), build: (p) => p, respond: chunkedResponse('application/octet-stream') });
 * ```
 * @see {@link ResponseEncoder}
 */
export function chunkedResponse(contentType = 'application/octet-stream'): ResponseEncoder<string | Uint8Array> {
  return { contentType, item: (value) => value };
}

/** A response encoded by a byte-encoder transformer (such as `csvEncode()` from `@streamweave/formats`). */
export interface TransformerResponse<O> {
  /** Content-Type header of the response. */
  readonly contentType: string;
  /** Turns items into byte chunks, inside the per-request pipeline. */
  readonly transformer: Transformer<O, Uint8Array>;
  /** Trailer written when the stream fails after the headers went out. */
  error?(message: string): string;
}

/**
 * Encodes the response with a byte-encoder transformer, so any
 * `@streamweave/formats` encoder (CSV, NDJSON, MessagePack) can write the body.
 *
 * @example
 * ```ts
 * pipelineHandler({ auth: 'none', decode: csvDecode(), build: (p) => p, respond: encodedResponse('text/csv', csvEncode()) });
 * ```
 * @see {@link ResponseEncoder}
 */
export function encodedResponse<O>(contentType: string, transformer: Transformer<O, Uint8Array>): TransformerResponse<O> {
  return { contentType, transformer };
}
