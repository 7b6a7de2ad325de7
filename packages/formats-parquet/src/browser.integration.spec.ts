/**
 * Browser check: the JSON, CSV, MessagePack, Arrow and Parquet decoding paths are bundled for the
 * browser (esbuild, `browser` conditions, no Node built-ins) and run in headless Chromium.
 * Skips with a reason when Chromium is absent; fails instead when STREAMWEAVE_REQUIRE_SERVICES=1.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(executablePath);
const required = process.env.STREAMWEAVE_REQUIRE_SERVICES === '1';
if (!available && !required) console.log(`browser.integration: skipped, no Chromium at ${executablePath} (set CHROMIUM_PATH)`);
const maybe = available || required ? it : it.skip;

const entry = `
import { collect, fromArray, pipeline } from '@streamweave/core';
import { csvDecode, jsonStreamDecode, msgpackDecode, msgpackEncode, ndjsonDecode } from '@streamweave/formats';
import { arrowDecode, arrowEncode } from '@streamweave/formats-arrow';
import { parquetDecode, parquetEncode } from '@streamweave/formats-parquet';
const enc = new TextEncoder();
const run = async (t, chunks) => (await pipeline().from(fromArray(chunks)).pipe(t).to(collect()).run()).result;
const rows = [{ id: 1, name: 'a' }, { id: 2, name: 'é😀' }];
window.results = (async () => ({
  ndjson: await run(ndjsonDecode(), [enc.encode('{"id":1,"name":"a"}\\n{"id":2,"name":"é😀"}')]),
  json: await run(jsonStreamDecode({ path: '$.data[*]' }), [enc.encode('{"data":[{"id":1,"name":"a"},'), enc.encode('{"id":2,"name":"é😀"}]}')]),
  csv: await run(csvDecode({ columns: { id: 'integer' } }), [enc.encode('id,name\\r\\n1,a\\r\\n2,"é😀"\\r\\n')]),
  msgpack: await run(msgpackDecode(), await run(msgpackEncode(), rows)),
  arrow: await run(arrowDecode(), await run(arrowEncode({ format: 'file' }), rows)),
  parquet: await run(parquetDecode(), await run(parquetEncode({ columns: [{ name: 'id', type: 'INT32' }, 'name'] }), rows)),
  hasProcess: typeof process !== 'undefined',
}))();
`;

describe('decoding in a browser (headless Chromium)', () => {
  maybe(
    'JSON, CSV, MessagePack, Arrow and Parquet decode in Chromium from a browser bundle',
    async () => {
      const bundle = await build({
        stdin: { contents: entry, resolveDir: join(__dirname, '..'), loader: 'ts' },
        bundle: true,
        write: false,
        format: 'iife',
        platform: 'browser',
        conditions: ['@streamweave/source', 'browser'],
        external: ['zstd-codec'],
        logLevel: 'silent',
      });
      const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.setContent('<!doctype html><meta charset="utf-8"><body></body>');
        await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
        const results = await page.evaluate(() => (window as unknown as { results: Promise<unknown> }).results);
        const rows = [
          { id: 1, name: 'a' },
          { id: 2, name: 'é😀' },
        ];
        expect(errors).toEqual([]);
        expect(results).toEqual({ ndjson: rows, json: rows, csv: rows, msgpack: rows, arrow: rows, parquet: rows, hasProcess: false });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
