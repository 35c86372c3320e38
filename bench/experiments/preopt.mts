// @ts-nocheck -- a one-off measurement script (docs/BENCHMARKS.md, attempts), kept to re-run; not type-checked.
// Run from the repository root: npx tsx bench/experiments/preopt.mts [model]
// Offline 'basic' optimisation (EP-independent: constant folding, redundant node removal) saved by
// onnxruntime-node, then session creation of the original vs the pre-optimised file in Node wasm.
import { readFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { readGraph } from '../onnx-graph.ts';
const id = process.argv[2] ?? 'tile';
mkdirSync('bench/experiments/out', { recursive: true });
const out = `bench/experiments/out/${id}-basic.onnx`;
const native = await import('onnxruntime-node');
await (await native.InferenceSession.create(`models/${id}.onnx`, { graphOptimizationLevel: 'basic', optimizedModelFilePath: out })).release();
const web = await import('onnxruntime-web'); web.env.wasm.numThreads = 1; web.env.logLevel = 'error';
const a = new Uint8Array(readFileSync(`models/${id}.onnx`)), b = new Uint8Array(readFileSync(out));
await (await web.InferenceSession.create(a, { graphOptimizationLevel: 'disabled' })).release();
const res: Record<string, number[]> = { original: [], preoptimised: [] };
for (let r = 0; r < 3; r++) for (const [k, bytes] of [['original', a], ['preoptimised', b]] as const) {
  const t = performance.now(); const s = await web.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' }); res[k].push(Math.round(performance.now() - t)); await s.release();
}
console.log(id, 'nodes', readGraph(a).nodes.length, '->', readGraph(b).nodes.length, 'bytes', a.length, '->', b.length, JSON.stringify(res), 'load', loadavg()[0].toFixed(1));
