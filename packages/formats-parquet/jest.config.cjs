const base = require('@streamweave/jest-preset').createConfig(__dirname);

// hyparquet and its companions ship ESM only: let swc compile them to CommonJS for jest.
module.exports = {
  ...base,
  transformIgnorePatterns: ['/node_modules/\\.pnpm/(?!(hyparquet|hyparquet-writer|hyparquet-compressors|hysnappy|fzstd)@)'],
};
