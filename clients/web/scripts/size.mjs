// The package's size without its peers: dist/element.js (which holds the
// state machine, the phone helpers and English) bundled by esbuild with
// aws-amplify and libphonenumber-js external, minified, each language in
// its own chunk, every file gzipped with zlib. Prints JSON; the budget is
// checked by test/package.test.mjs.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';

/** measure returns { entry, largestLanguage, all } in gzipped bytes. */
export async function measure(entry = new URL('../dist/element.js', import.meta.url).pathname) {
  const out = mkdtempSync(join(tmpdir(), 'phonepass-size-'));
  try {
    const res = await build({
      entryPoints: [entry], bundle: true, splitting: true, format: 'esm', minify: true, write: false,
      outdir: out, external: ['aws-amplify', 'aws-amplify/*', 'libphonenumber-js', 'libphonenumber-js/*'], logLevel: 'silent',
    });
    const sizes = res.outputFiles.map((f) => ({ file: basename(f.path), raw: f.contents.length, gz: gzipSync(f.contents, { level: 9 }).length }));
    const main = sizes.find((s) => s.file === basename(entry));
    const chunks = sizes.filter((s) => s !== main);
    return {
      entry: main.gz,
      entryRaw: main.raw,
      largestLanguage: Math.max(...chunks.map((s) => s.gz)),
      all: sizes.reduce((n, s) => n + s.gz, 0),
      files: sizes.length,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) console.log(JSON.stringify(await measure()));
