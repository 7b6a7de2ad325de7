/** zstd-codec ships no types; zstdCompressors.ts declares the part it uses. */
declare module 'zstd-codec';
