// @ts-nocheck -- a one-off measurement script (docs/BENCHMARKS.md, attempts), kept to re-run; not type-checked.
// Run from the repository root: npx tsx bench/experiments/init.mts
import { launchChromium, startServer } from '../../tests/helpers/chromium.ts';
import { openBench } from '../browser.ts';
import { loadavg } from 'node:os';
const { server, origin } = await startServer(); const browser = await launchChromium();
const b = await openBench(await browser.newPage(), origin, '');
const out: Record<string, number[]> = {};
for (let r = 0; r < 3; r++) for (const build of ['default', 'wasm'] as const) { const x = await b.wasmInit(build); (out[build] ??= []).push(Math.round(x.import_ms + x.init_ms)); }
console.log('load', loadavg()[0].toFixed(1), JSON.stringify(out));
await browser.close(); await server.close();
