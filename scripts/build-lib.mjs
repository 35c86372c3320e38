#!/usr/bin/env node
/**
 * npm run build:lib (run by prepack): src/ and plugin/ -> lib/ as ESM JavaScript, .d.ts and source
 * maps (sources inlined, so the package needs no src/). tsc rewrites relative `.ts` imports to
 * `.js` in JavaScript only; the rest is fixed up here, each rewrite checked so a source change that
 * moves one cannot ship silently broken:
 * - .d.ts files keep `./x.ts` specifiers, which consumers without allowImportingTsExtensions reject;
 * - the worker URL is a string tsc never touches (`new URL('./worker.ts', import.meta.url)`);
 * - lib/ adds one folder level (lib/src/...), so paths that climb to the package root climb once more.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = 'lib';
rmSync(OUT, { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.lib.json'], { stdio: 'inherit' });

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** Replace `from` by `to` in lib/<file>, exactly `count` times. */
function rewrite(file, from, to, count = 1) {
  const path = join(OUT, file);
  const text = readFileSync(path, 'utf8');
  const found = text.split(from).length - 1;
  if (found !== count) throw new Error(`build-lib: expected ${count} x ${JSON.stringify(from)} in ${path}, found ${found}`);
  writeFileSync(path, text.split(from).join(to));
}

let declarations = 0;
for (const path of files(OUT)) {
  if (!path.endsWith('.d.ts')) continue;
  const text = readFileSync(path, 'utf8');
  const fixed = text.replace(/((?:from |import\()\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3');
  if (fixed !== text) {
    writeFileSync(path, fixed);
    declarations++;
  }
}

rewrite('src/worker/client.js', "new URL('./worker.ts', import.meta.url)", "new URL('./worker.js', import.meta.url)");
rewrite('src/runtime/runtime.js', "'../../models/manifest.json'", "'../../../models/manifest.json'");
rewrite('src/cli/pack/staging.js', "'../../../package.json'", "'../../../../package.json'");
rewrite('src/levels/training-data.js', "new URL('../../', import.meta.url)", "new URL('../../../', import.meta.url)");

const left = [...files(OUT)].filter((p) => /\.(js|d\.ts)$/.test(p) && /^(?:import|export)\b[^\n]*(?:from |import\()\s*['"]\.{1,2}\/[^'"]+\.ts['"]/m.test(readFileSync(p, 'utf8')));
if (left.length) throw new Error(`build-lib: .ts specifiers left in ${left.join(', ')}`);
// The no-bundler build: lib/browser/ (scripts/build-browser.mjs).
await import('./build-browser.mjs');
console.log(`build-lib: ${OUT}/ written (${declarations} declaration files had .ts specifiers rewritten)`);
