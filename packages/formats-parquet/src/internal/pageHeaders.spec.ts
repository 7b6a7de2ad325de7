import { ParquetFormatError, parquetDecode, parquetEncode } from '@streamweave/formats-parquet';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { concat, mutate, runCodec, runCodecError } from '@streamweave/testing';
import { checkChunksMatchSchema } from './pageHeaders.js';

const rows = Array.from({ length: 7 }, (_, i) => ({ id: i, s: `v${i}`, f: i / 3, b: i % 2 === 0 }));
const encode = async () => concat((await runCodec(parquetEncode({ rowGroupSize: 7 }), rows)).items);
const metadataOf = (bytes: Uint8Array): FileMetaData => parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);

describe('checkChunksMatchSchema', () => {
  it('accepts a well-formed file, projected or not', async () => {
    const metadata = metadataOf(await encode());
    expect(() => checkChunksMatchSchema(metadata, 0, undefined)).not.toThrow();
    expect(() => checkChunksMatchSchema(metadata, 0, ['id', 'b'])).not.toThrow();
  });

  it('rejects a chunk no schema field names, a leaf with two chunks or a nested path, and duplicate field names', async () => {
    const fresh = async () => metadataOf(await encode());
    const renamed = await fresh();
    renamed.schema[2]!.name = 'renamed';
    expect(() => checkChunksMatchSchema(renamed, 0, undefined)).toThrow('column chunk "s" names no field of the schema');
    // A projection that leaves the unmatched chunk out has nothing to check.
    expect(() => checkChunksMatchSchema(renamed, 0, ['id'])).not.toThrow();

    const twice = await fresh();
    twice.row_groups[0]!.columns[1]!.meta_data!.path_in_schema = ['id'];
    expect(() => checkChunksMatchSchema(twice, 0, undefined)).toThrow('field "id" has more than one column chunk in the row group');

    const nested = await fresh();
    nested.row_groups[0]!.columns[0]!.meta_data!.path_in_schema = ['id', 'x'];
    expect(() => checkChunksMatchSchema(nested, 0, undefined)).toThrow('column chunk "id.x" has a nested path, but "id" is a primitive field');

    const duplicate = await fresh();
    duplicate.schema[2]!.name = 'id';
    expect(() => checkChunksMatchSchema(duplicate, 0, undefined)).toThrow('the schema has two top-level fields named "id"');

    const short = await fresh();
    short.schema = short.schema.slice(0, 3);
    expect(() => checkChunksMatchSchema(short, 0, undefined)).toThrow('the schema ends before all of its fields');
  });

  it('makes parquetDecode fail the row group with a ParquetFormatError instead of leaking a rejection that ends the process', async () => {
    // Found by the fuzz test: these flips corrupt the name of field "s" in the footer, so hyparquet
    // decoded chunk "s" (and failed on its bytes) without ever awaiting it.
    const corrupt = mutate(await encode(), { kind: 'flip', at: [1913165222, 1583223057, 1131955306, 1893256052, 298346126, 227357587], value: 193 });
    const error = await runCodecError(parquetDecode({ source: 'corrupt.parquet' }), [corrupt]);
    expect(error).toBeInstanceOf(ParquetFormatError);
    expect((error as ParquetFormatError).message).toBe(
      '[parquetDecode "parquetDecode", item #0] parquet (source "corrupt.parquet", byte 4, record #0): cannot decode row group 0: column chunk "s" names no field of the schema',
    );
    // Give a leaked rejection time to surface (jest fails the test on one).
    await new Promise((r) => setTimeout(r, 50));
  });
});
