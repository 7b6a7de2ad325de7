// Type-level tests: what must not compile (checked by `tsc --noEmit` in `pnpm typecheck`).
import { collect, fromArray, pipeline, type Transformer } from '@streamweave/core';
import { type MessageCodec, protobufDecode, protobufEncode } from '@streamweave/formats-protobuf';

const codec: MessageCodec<string> = { decode: (b) => String(b.length), encode: (s) => ({ finish: () => new TextEncoder().encode(s) }) };
const decoded: Transformer<Uint8Array, string> = protobufDecode<string>(codec);
const encoded: Transformer<string, Uint8Array> = protobufEncode<string>(codec);
void decoded;
void encoded;

// @ts-expect-error a codec needs encode() returning { finish() }
protobufEncode({ decode: () => 1, encode: () => new Uint8Array() });
// @ts-expect-error input is 'message' or 'json'
protobufEncode(codec, { input: 'xml' });

// @ts-expect-error protobufDecode takes bytes, not strings
pipeline().from(fromArray(['a'])).pipe(protobufDecode(codec)).to(collect());
