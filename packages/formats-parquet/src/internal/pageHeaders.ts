/**
 * A check of a row group's page headers before hyparquet decodes it. hyparquet
 * trusts page headers: one that lacks a required field (a corrupt byte turns a
 * field id into another) makes it compute NaN offsets, and its RLE reader then
 * reads byte 0 forever — a hang, not an error. Walking the headers first (they
 * are small thrift structs) turns such input into an error naming the column
 * and the byte offset.
 */
import type { FileMetaData } from 'hyparquet';

/** Thrift compact protocol field types. */
const enum T {
  Stop = 0,
  True = 1,
  False = 2,
  Byte = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
}

class Reader {
  constructor(
    readonly b: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  byte(): number {
    if (this.pos >= this.end) throw new Error(`page header runs past its column chunk at byte ${this.pos}`);
    return this.b[this.pos++]!;
  }

  varint(): number {
    let result = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.byte();
      result += (byte & 0x7f) * shift;
      if ((byte & 0x80) === 0) return result;
      shift *= 128;
    }
    throw new Error(`corrupt varint in a page header at byte ${this.pos}`);
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  skip(type: number, depth: number): void {
    if (depth > 16) throw new Error('page header nested too deeply');
    switch (type) {
      case T.True:
      case T.False:
        return;
      case T.Byte:
        this.byte();
        return;
      case T.I16:
      case T.I32:
      case T.I64:
        this.varint();
        return;
      case T.Double:
        this.advance(8);
        return;
      case T.Binary:
        this.advance(this.varint());
        return;
      case T.List:
      case T.Set: {
        const h = this.byte();
        const size = h >> 4 === 15 ? this.varint() : h >> 4;
        for (let i = 0; i < size; i++) this.skip((h & 0x0f) === T.True || (h & 0x0f) === T.False ? T.Byte : h & 0x0f, depth + 1);
        return;
      }
      case T.Map: {
        const size = this.varint();
        if (size === 0) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kv >> 4, depth + 1);
          this.skip(kv & 0x0f, depth + 1);
        }
        return;
      }
      case T.Struct:
        this.struct(() => false, depth + 1);
        return;
      default:
        throw new Error(`corrupt page header: unknown thrift type ${type} at byte ${this.pos - 1}`);
    }
  }

  advance(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new Error(`page header runs past its column chunk at byte ${this.pos}`);
    this.pos += n;
  }

  /** Reads a struct; `field` handles the fields it knows (returns true) and the rest are skipped. */
  struct(field: (id: number, type: number) => boolean, depth = 0): void {
    let last = 0;
    for (;;) {
      const h = this.byte();
      const type = h & 0x0f;
      if (type === T.Stop) return;
      const id = h >> 4 === 0 ? this.zigzag() : last + (h >> 4);
      last = id;
      if (!field(id, type)) this.skip(type, depth);
    }
  }
}

/** The integer fields (i32) of a struct, by field id; other fields are skipped. */
function intFields(r: Reader): Map<number, number> {
  const fields = new Map<number, number>();
  r.struct((id, type) => {
    if (type !== T.I32) return false;
    fields.set(id, r.zigzag());
    return true;
  });
  return fields;
}

const required: Record<number, { header: number; fields: number[]; name: string }> = {
  0: { header: 5, fields: [1, 2, 3, 4], name: 'data page' },
  2: { header: 7, fields: [1, 2], name: 'dictionary page' },
  3: { header: 8, fields: [1, 2, 3, 4, 5, 6], name: 'data page v2' },
};

/**
 * Throws when a column chunk of row group `index` (only the `columns` projected, when
 * given) does not match the file's schema: its path names no top-level field, a leaf field
 * has more than one chunk (or a nested path), or two top-level fields share a name.
 * hyparquet starts decoding every chunk at once but then only awaits the chunks its schema
 * walk finds, so a chunk the schema does not name (a corrupt name) would fail unobserved —
 * an unhandled rejection that ends the process — instead of failing the row group.
 */
export function checkChunksMatchSchema(metadata: FileMetaData, index: number, columns: readonly string[] | undefined): void {
  const fields = topLevelFields(metadata);
  const leafChunks = new Set<string>();
  for (const chunk of metadata.row_groups[index]?.columns ?? []) {
    const path = chunk.meta_data?.path_in_schema;
    if (!path || path.length === 0) continue;
    const name = path[0]!;
    if (columns !== undefined && !columns.includes(name)) continue;
    const leaf = fields.get(name);
    if (leaf === undefined) throw new Error(`column chunk "${path.join('.')}" names no field of the schema`);
    if (!leaf) continue;
    if (path.length !== 1) throw new Error(`column chunk "${path.join('.')}" has a nested path, but "${name}" is a primitive field`);
    if (leafChunks.has(name)) throw new Error(`field "${name}" has more than one column chunk in the row group`);
    leafChunks.add(name);
  }
}

/** Top-level field name → whether it is a primitive (leaf); throws on a duplicate name or a schema list that ends early. */
function topLevelFields(metadata: FileMetaData): Map<string, boolean> {
  const schema = metadata.schema;
  const fields = new Map<string, boolean>();
  let i = 1;
  const skipSubtree = (): void => {
    const element = schema[i++];
    if (element === undefined) throw new Error('the schema ends before all of its fields');
    for (let c = 0; c < (element.num_children ?? 0); c++) skipSubtree();
  };
  for (let c = 0; c < (schema[0]?.num_children ?? 0); c++) {
    const element = schema[i];
    if (element === undefined) throw new Error('the schema ends before all of its fields');
    if (fields.has(element.name)) throw new Error(`the schema has two top-level fields named "${element.name}"`);
    fields.set(element.name, !element.num_children);
    skipSubtree();
  }
  return fields;
}

/**
 * Walks the page headers of the column chunks of row group `index` (only the
 * `columns` projected, when given) in the file's bytes, and throws when one is
 * missing a required field, has a negative size or count, or overruns its
 * column chunk.
 */
export function checkRowGroupPages(file: Uint8Array, metadata: FileMetaData, index: number, columns: readonly string[] | undefined): void {
  checkChunksMatchSchema(metadata, index, columns);
  for (const chunk of metadata.row_groups[index]?.columns ?? []) {
    const m = chunk.meta_data;
    if (!m || (columns !== undefined && !columns.includes(m.path_in_schema[0]!))) continue;
    const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
    const end = start + Number(m.total_compressed_size);
    const column = m.path_in_schema.join('.');
    if (!(start >= 0 && end <= file.length && end >= start)) throw new Error(`column "${column}": chunk bytes ${start}..${end} lie outside the file`);
    const values = Number(m.num_values);
    const r = new Reader(file, start, end);
    while (r.pos < end) {
      const at = r.pos;
      let type = -1;
      let compressed = -1;
      let uncompressed = -1;
      let sub: Map<number, number> | undefined;
      let subId = -1;
      r.struct((id, t) => {
        if (t === T.I32 && id >= 1 && id <= 3) {
          const v = r.zigzag();
          if (id === 1) type = v;
          else if (id === 2) uncompressed = v;
          else compressed = v;
          return true;
        }
        if (t === T.Struct && (id === 5 || id === 7 || id === 8)) {
          sub = intFields(r);
          subId = id;
          return true;
        }
        return false;
      });
      const bad = (why: string) => new Error(`column "${column}": corrupt page header at byte ${at}: ${why}`);
      if (type < 0 || compressed < 0 || uncompressed < 0) throw bad('missing or negative type or page size');
      if (r.pos + compressed > end) throw bad(`page of ${compressed} bytes overruns its column chunk`);
      const rule = required[type];
      if (rule) {
        const fields = sub as Map<number, number> | undefined;
        if (subId !== rule.header || !fields) throw bad(`${rule.name} without its header`);
        for (const f of rule.fields) {
          const v = fields.get(f);
          if (v === undefined || v < 0) throw bad(`${rule.name} header field ${f} missing or negative`);
        }
        if (type !== 2 && fields.get(1)! > values) throw bad(`${fields.get(1)} values in a page of a chunk of ${values}`);
        if (type === 3 && fields.get(5)! + fields.get(6)! > compressed) throw bad('level lengths exceed the page size');
      }
      r.pos += compressed;
    }
  }
}
