/**
 * avsc's record reader over one cursor ("Tap") per block, the way avsc's own
 * BlockDecoder reads container blocks: `Type.decode` allocates a cursor per
 * record, which costs a third of the decode time on small records. Tap and
 * `_read` are avsc internals, stable across avsc 5.x; the version is pinned.
 */
import type avro from 'avsc';
import avscUtils from 'avsc/lib/utils.js';
import type { AvroResolver } from './schemas.js';

/** avsc's byte cursor. */
export interface Tap {
  pos: number;
  isValid(): boolean;
}

interface Readable {
  _read(tap: Tap): unknown;
}

const TapClass = (avscUtils as { Tap: new (buf: Uint8Array, pos?: number) => Tap }).Tap;

/** A cursor over `buffer` from `pos`. */
export function newTap(buffer: Uint8Array, pos = 0): Tap {
  return new TapClass(buffer, pos);
}

/** Reads one value at the cursor (as the reader type when a resolver is given); check `tap.isValid()` afterwards. */
export function recordReader(type: avro.Type, resolver: AvroResolver | undefined): (tap: Tap) => unknown {
  const r = (resolver ?? type) as unknown as Readable;
  return (tap) => r._read(tap);
}
