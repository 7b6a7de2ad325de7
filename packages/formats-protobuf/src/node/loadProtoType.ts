import protobuf from 'protobufjs';
import { InvalidArgumentError } from '@streamweave/core';

/** Options of {@link loadProtoType}. */
export interface LoadProtoTypeOptions {
  /** Keep field names as written in the .proto file instead of camelCase (protobufjs `keepCase`, default false). */
  readonly keepCase?: boolean;
}

/**
 * Loads `.proto` files at run time (with their imports, resolved relative to
 * each file; `google/protobuf/*.proto` well-known types are built in) and
 * returns the message type `typeName`, a `MessageCodec` for
 * `protobufDecode` and `protobufEncode`.
 *
 * @example
 * ```ts
 * const User = await loadProtoType('schemas/user.proto', 'app.User');
 * ```
 * @see `protobufDecode`
 */
export async function loadProtoType(files: string | readonly string[], typeName: string, options: LoadProtoTypeOptions = {}): Promise<protobuf.Type> {
  const list = typeof files === 'string' ? [files] : [...files];
  if (list.length === 0 || list.some((f) => typeof f !== 'string' || f.length === 0)) {
    throw new InvalidArgumentError('loadProtoType: `files` must name at least one .proto file');
  }
  if (typeof typeName !== 'string' || typeName.length === 0) throw new InvalidArgumentError('loadProtoType: `typeName` must be a message name');
  let root: protobuf.Root;
  try {
    root = await new protobuf.Root().load(list, { keepCase: options.keepCase ?? false });
  } catch (e) {
    throw new InvalidArgumentError(`loadProtoType: cannot load ${list.join(', ')}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return root.lookupType(typeName);
  } catch (e) {
    throw new InvalidArgumentError(`loadProtoType: no message type "${typeName}" in ${list.join(', ')}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
