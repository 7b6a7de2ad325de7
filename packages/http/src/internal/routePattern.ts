/** Route patterns such as `GET /users/:id` or `/files/*`. */
import { InvalidArgumentError } from '@streamweave/core';

/** @internal */
export interface CompiledRoute {
  readonly name: string;
  readonly method: string | undefined;
  readonly pattern: string;
  match(method: string, path: string): Record<string, string> | undefined;
}

/** @internal */
export function compileRoute(name: string, spec: string): CompiledRoute {
  const m = /^(?:([A-Z]+)\s+)?(\/\S*)$/.exec(spec.trim());
  if (!m) throw new InvalidArgumentError(`requestServer: route "${name}" has an invalid pattern ${JSON.stringify(spec)} (expected "[METHOD] /path/:param/*")`);
  const method = m[1];
  const path = m[2]!;
  const names: string[] = [];
  const source = path
    .split('/')
    .map((seg) => {
      if (seg === '*') {
        names.push('*');
        return '(.*)';
      }
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const re = new RegExp(`^${source}/?$`);
  return {
    name,
    method,
    pattern: spec,
    match(reqMethod, reqPath) {
      if (method !== undefined && method !== reqMethod) return undefined;
      const r = re.exec(reqPath);
      if (!r) return undefined;
      const params: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) params[names[i]!] = decodeURIComponent(r[i + 1]!);
      return params;
    },
  };
}
