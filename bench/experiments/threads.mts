// @ts-nocheck -- a one-off measurement script (docs/BENCHMARKS.md, attempts), kept to re-run; not type-checked.
// Run from the repository root: npx tsx bench/experiments/threads.mts
import { launchChromium, startServer } from '../../tests/helpers/chromium.ts';
import { openBench } from '../browser.ts';
import { loadavg } from 'node:os';
const { server, origin } = await startServer(); const browser = await launchChromium();
const p1 = await openBench(await browser.newPage(), origin, '?threads=1');
const p2 = await openBench(await browser.newPage(), origin, '?threads=2');
await p1.image('sprite', 0, 4, 2); await p2.image('sprite', 0, 4, 2);
const out: Record<string, number[]> = { t1: [], t2: [] };
for (let r = 0; r < 3; r++) { out.t1.push(Math.round((await p1.image('sprite', r, 4, 4)).runs.run_ms)); out.t2.push(Math.round((await p2.image('sprite', r, 4, 4)).runs.run_ms)); }
console.log('load', loadavg()[0].toFixed(1), 'run_ms of 4 calls batch 8', JSON.stringify(out));
await browser.close(); await server.close();
