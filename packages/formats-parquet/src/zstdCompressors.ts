import type { ParquetCompressor } from './parquetEncode.js';

interface ZstdSimple {
  compress(data: Uint8Array, level?: number): Uint8Array | null;
}
interface ZstdCodecModule {
  ZstdCodec: { run(cb: (zstd: { Simple: new () => ZstdSimple }) => void): void };
}

/**
 * Loads a zstd compressor (zstd-codec: the reference C library compiled to
 * WebAssembly, so it also runs in browsers) for {@link parquetEncode}. Loading
 * is asynchronous, hence a function to await once before building the pipeline.
 *
 * @param level - zstd level, 1 (fast) to 19 (small); default 3 like the zstd CLI.
 * @example
 * ```ts
 * const t = parquetEncode({ compression: 'zstd', compressors: await zstdCompressors() });
 * ```
 * @see {@link parquetEncode}
 */
export async function zstdCompressors(level = 3): Promise<{ ZSTD: ParquetCompressor }> {
  const mod = (await import('zstd-codec')) as unknown as ZstdCodecModule & { default?: ZstdCodecModule };
  const { ZstdCodec } = mod.default ?? mod;
  const simple = await new Promise<ZstdSimple>((resolve) => ZstdCodec.run((zstd) => resolve(new zstd.Simple())));
  return {
    ZSTD(input) {
      const out = simple.compress(input, level);
      if (!out) throw new Error('zstd compression failed');
      return out;
    },
  };
}
