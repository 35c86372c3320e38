// @ts-nocheck -- a one-off measurement script (docs/BENCHMARKS.md, attempts), kept to re-run; not type-checked.
// Run from the repository root: npx tsx bench/experiments/ab.mts
// A/B two graphs, interleaved rounds, same feeds: min and median call ms, max |diff| of outputs.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
const [fa, fb, which = 'node', bs = '32'] = process.argv.slice(2);
let ort: any;
if (which === 'node') ort = await import('onnxruntime-node'); else { ort = await import('onnxruntime-web'); ort.env.wasm.numThreads = 1; ort.env.logLevel = 'error'; }
const b = Number(bs), c = 4, h = 32, w = 32;
const feeds = { x: new ort.Tensor('float32', new Float32Array(b*c*h*w).map((_, i) => Math.sin(i)), [b,c,h,w]), t: new ort.Tensor('float32', new Float32Array(b).fill(0.5), [b]), label: new ort.Tensor('int64', new BigInt64Array(b), [b]), mask: new ort.Tensor('float32', new Float32Array(b*h*w), [b,1,h,w]), known: new ort.Tensor('float32', new Float32Array(b*c*h*w), [b,c,h,w]) };
const sa = await ort.InferenceSession.create(readFileSync(fa), { graphOptimizationLevel: 'all' });
const sb = await ort.InferenceSession.create(readFileSync(fb), { graphOptimizationLevel: 'all' });
const oa = (await sa.run(feeds)).x0.data as Float32Array, ob = (await sb.run(feeds)).x0.data as Float32Array;
let d = 0; for (let i = 0; i < oa.length; i++) d = Math.max(d, Math.abs(oa[i] - ob[i]));
const ta: number[] = [], tb: number[] = [];
for (let r = 0; r < 6; r++) { let t = performance.now(); await sa.run(feeds); ta.push(performance.now() - t); t = performance.now(); await sb.run(feeds); tb.push(performance.now() - t); }
const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
console.log(which, 'batch', b, 'load', loadavg()[0].toFixed(1), `A min ${Math.min(...ta).toFixed(1)} med ${med(ta).toFixed(1)} | B min ${Math.min(...tb).toFixed(1)} med ${med(tb).toFixed(1)} | B/A(min) ${(Math.min(...tb)/Math.min(...ta)).toFixed(3)} | max diff ${d.toExponential(2)}`);
