/** Unsigned varint of a message length, as a length-delimited stream prefixes each message. */
export function encodeLength(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** The length prefix followed by the body, in one array. */
export function delimit(body: Uint8Array): Uint8Array {
  const prefix = encodeLength(body.length);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}
