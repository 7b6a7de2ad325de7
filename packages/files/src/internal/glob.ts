/**
 * A small glob matcher: `*`, `?`, `[...]`, `{a,b}` and `**`. Node 20 has no stable
 * fs.glob (it arrived in Node 22), and this covers what file sources need without a
 * dependency. Paths use `/` separators.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const magic = /[*?[{]/;

/** Compiles a glob to a regular expression over `/`-separated paths. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    switch (c) {
      case '*':
        if (pattern[i + 1] === '*') {
          const atSegmentStart = i === 0 || pattern[i - 1] === '/';
          const slashAfter = pattern[i + 2] === '/';
          if (atSegmentStart && slashAfter) {
            re += '(?:[^/]*/)*';
            i += 2;
          } else {
            re += '.*';
            i += 1;
          }
        } else {
          re += '[^/]*';
        }
        break;
      case '?':
        re += '[^/]';
        break;
      case '[': {
        const close = pattern.indexOf(']', i + 2);
        if (close < 0) {
          re += '\\[';
          break;
        }
        let body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body}]`;
        i = close;
        break;
      }
      case '{':
        braces++;
        re += '(?:';
        break;
      case '}':
        if (braces > 0) {
          braces--;
          re += ')';
        } else re += '\\}';
        break;
      case ',':
        re += braces > 0 ? '|' : ',';
        break;
      default:
        re += c.replace(/[.+^$()|\\/]/g, (m) => `\\${m}`);
    }
  }
  if (braces > 0) throw new Error(`unclosed "{" in glob "${pattern}"`);
  return new RegExp(`^${re}$`);
}

/**
 * Absolute paths of the files matching `pattern` (relative to `cwd` unless absolute), sorted.
 * Names starting with a dot are skipped unless `dot` is set: that keeps hidden
 * files and the temporary files of atomic writers (`.<name>.<random>.tmp`) out.
 */
export async function globFiles(pattern: string, cwd: string, dot: boolean): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let baseCount = 0;
  while (baseCount < segments.length - 1 && !magic.test(segments[baseCount]!)) baseCount++;
  const base = segments.slice(0, baseCount).join('/') || (absolute ? '/' : '');
  const rest = segments.slice(baseCount).join('/');
  const matcher = globToRegExp(rest);
  const unbounded = rest.includes('**');
  const maxDepth = rest.split('/').length;
  const root = absolute ? base : join(cwd, base);
  const out: string[] = [];
  await walk(root, '', 1);
  return out.sort();

  async function walk(dir: string, rel: string, depth: number): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      // A missing base directory simply matches nothing, as in a shell.
      if ((e as { code?: string }).code === 'ENOENT' || (e as { code?: string }).code === 'ENOTDIR') return;
      throw e;
    }
    for (const entry of entries) {
      if (!dot && entry.name.startsWith('.')) continue;
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (unbounded || depth < maxDepth) await walk(full, childRel, depth + 1);
      } else if (entry.isFile() && matcher.test(childRel)) {
        out.push(full);
      }
    }
  }
}
