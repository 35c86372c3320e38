/**
 * lib/browser/ (part of npm run build:lib): the Phaser plugin and the worker as plain ES modules
 * for a page with no bundler: `import { diffusionPlugins } from '.../asset-diffusion/lib/browser/phaser.js'`.
 * comlink, idb-keyval and zod are bundled in (browsers apply import maps to the page only, never to
 * its workers, so the worker cannot import anything by package name); `phaser` stays a bare import
 * for the page's import map; onnxruntime-web is loaded from the installed package next to this one
 * (`node_modules/onnxruntime-web/dist/`, a relative URL, as a folder of node_modules or an npm CDN
 * lays them out), so the browser fetches only the onnxruntime build it uses.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rolldown } from 'rolldown';

const OUT = 'lib/browser';
// From lib/browser/*.js: up to node_modules/, then the onnxruntime-web package.
const ORT = '../../../onnxruntime-web/dist/';
const paths = { 'onnxruntime-web': `${ORT}ort.bundle.min.mjs`, 'onnxruntime-web/wasm': `${ORT}ort.wasm.bundle.min.mjs` };

const bundle = await rolldown({
  input: { phaser: 'plugin/index.ts', worker: 'src/worker/worker.ts', 'worker-client': 'src/worker/client.ts' },
  external: ['phaser', 'onnxruntime-web', 'onnxruntime-web/wasm', /^node:/],
  platform: 'browser',
  // The clone's sources are the input; no `asset-diffusion-source` condition is needed for them.
  resolve: { conditionNames: ['browser', 'import', 'default'] },
});
await bundle.write({ dir: OUT, format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true, paths });
await bundle.close();

// The worker URL is a string no bundler step rewrites; the worker entry is worker.js here.
let rewritten = 0;
for (const file of ['phaser.js', 'worker-client.js', ...(await import('node:fs')).readdirSync(OUT).filter((f) => f.endsWith('.js'))]) {
  const path = `${OUT}/${file}`;
  const text = readFileSync(path, 'utf8');
  if (!text.includes("new URL('./worker.ts', import.meta.url)") && !text.includes('new URL("./worker.ts", import.meta.url)')) continue;
  writeFileSync(path, text.replaceAll("new URL('./worker.ts', import.meta.url)", "new URL('./worker.js', import.meta.url)").replaceAll('new URL("./worker.ts", import.meta.url)', 'new URL("./worker.js", import.meta.url)'));
  rewritten++;
}
if (rewritten === 0) throw new Error('build-browser: the worker URL was not found in the bundle');
console.log(`build-browser: ${OUT}/ written`);
