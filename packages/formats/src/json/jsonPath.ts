/** The small JSONPath subset {@link jsonStreamDecode} understands. */
import { InvalidArgumentError } from '@streamweave/core';

/** One step of a path: an object key, any key (`.*`), or any array element (`[*]`). */
export type PathSegment = { readonly kind: 'key'; readonly name: string } | { readonly kind: 'anyKey' } | { readonly kind: 'anyIndex' };

/**
 * Parses `$`, `$[*]`, `$.data.items[*]`, `$.a[*].b`, `$["odd key"][*]`, `$.*`.
 * Throws InvalidArgumentError on anything else.
 */
export function parseJsonPath(path: string): PathSegment[] {
  const fail = (why: string): never => {
    throw new InvalidArgumentError(`jsonStreamDecode: invalid path ${JSON.stringify(path)}: ${why}`);
  };
  if (typeof path !== 'string' || !path.startsWith('$')) fail('it must start with $');
  const out: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    if (path.startsWith('[*]', i)) {
      out.push({ kind: 'anyIndex' });
      i += 3;
    } else if (path.startsWith('.*', i)) {
      out.push({ kind: 'anyKey' });
      i += 2;
    } else if (path[i] === '.') {
      const m = /^[A-Za-z_$][\w$-]*/.exec(path.slice(i + 1));
      if (!m) fail(`expected a key name at ${i + 1}`);
      out.push({ kind: 'key', name: m![0] });
      i += 1 + m![0].length;
    } else if (path.startsWith('["', i)) {
      const end = path.indexOf('"]', i + 2);
      if (end < 0) fail(`unterminated ["…"] at ${i}`);
      out.push({ kind: 'key', name: path.slice(i + 2, end) });
      i = end + 2;
    } else {
      fail(`unexpected ${JSON.stringify(path[i])} at ${i}`);
    }
  }
  return out;
}
