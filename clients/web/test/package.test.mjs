// The package as published: what `npm pack` puts in it, its size without
// its peers, and its declarations as a TypeScript consumer sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from '../scripts/size.mjs';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = join(PKG, '..', '..');
const BUDGET = 12 * 1024; // bytes, minified and gzipped

test('npm pack holds the built files, the declarations, the README and package.json, nothing else', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PKG, encoding: 'utf8' }));
  const files = packed.files.map((f) => f.path).sort();
  for (const want of ['dist/index.js', 'dist/index.d.ts', 'dist/element.js', 'dist/element.d.ts', 'dist/machine.js', 'dist/i18n/ar.js', 'dist/i18n/zh-Hant.d.ts', 'README.md', 'package.json']) {
    assert.ok(files.includes(want), `npm pack lacks ${want}`);
  }
  // The repository's licence goes with the package, once there is one.
  assert.equal(files.includes('LICENSE'), existsSync(join(REPO, 'LICENSE')) && existsSync(join(PKG, 'LICENSE')), 'LICENSE in the package iff the repository has one');
  const other = files.filter((f) => !/^dist\/.+\.(js|d\.ts)$/.test(f) && !['README.md', 'package.json', 'LICENSE'].includes(f));
  assert.deepEqual(other, [], 'npm pack holds more than the package');
  assert.equal(files.filter((f) => f.endsWith('.js')).length, files.filter((f) => f.endsWith('.d.ts')).length, 'a declaration for every module');
});

test(`size without the peers: the element with English and its largest language at most ${BUDGET} bytes min+gz`, async () => {
  const s = await measure();
  console.log(`size: entry ${s.entry} B, largest language ${s.largestLanguage} B, all ${s.files} files ${s.all} B (min+gz)`);
  assert.ok(s.entry > 3000, `entry ${s.entry} B: the bundle is missing something`);
  assert.ok(s.entry + s.largestLanguage <= BUDGET, `entry ${s.entry} B + largest language ${s.largestLanguage} B > ${BUDGET} B`);
  assert.equal(s.files, 31, 'one entry and one chunk per language but English');
});

function tsc(project) {
  return spawnSync(process.execPath, [join(PKG, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', project], { encoding: 'utf8' });
}

test('the declarations type-check a consumer, and catch a wrong one', () => {
  const ok = tsc(join(PKG, 'test', 'consumer'));
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const dir = mkdtempSync(join(PKG, 'test', 'consumer', 'tmp-'));
  try {
    writeFileSync(join(dir, 'bad.ts'), "import { PhoneSignIn } from '@phonepass/web';\nnew PhoneSignIn({ signUp: 'sometimes' });\nconst n: number = new PhoneSignIn().state.step;\n");
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', files: ['bad.ts'] }));
    const bad = tsc(dir);
    assert.notEqual(bad.status, 0, 'a wrong consumer type-checked');
    assert.match(bad.stdout, /sometimes/);
    assert.match(bad.stdout, /not assignable to type 'number'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
