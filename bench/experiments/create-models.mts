// @ts-nocheck -- a one-off measurement script (docs/BENCHMARKS.md, attempts), kept to re-run; not type-checked.
// Run from the repository root: npx tsx bench/experiments/create-models.mts
// Session creation per shipped model in Node wasm (1 thread), order rotated each round; node counts.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { readGraph } from '../onnx-graph.ts';
const web = await import('onnxruntime-web'); web.env.wasm.numThreads = 1; web.env.logLevel = 'error';
const ids = ['tile', 'sprite', 'level-smb'];
const bytes = Object.fromEntries(ids.map((id) => [id, new Uint8Array(readFileSync(`models/${id}.onnx`))]));
await (await web.InferenceSession.create(bytes.sprite, { graphOptimizationLevel: 'disabled' })).release();
const res: Record<string, number[]> = {};
for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) {
  const id = ids[(r + k) % 3];
  const t = performance.now(); const s = await web.InferenceSession.create(bytes[id], { graphOptimizationLevel: 'all' }); (res[id] ??= []).push(Math.round(performance.now() - t)); await s.release();
}
for (const id of ids) { const g = readGraph(bytes[id]); const ops: Record<string, number> = {}; for (const n of g.nodes) ops[n.op] = (ops[n.op] ?? 0) + 1;
  console.log(id, 'create ms', JSON.stringify(res[id]), 'nodes', g.nodes.length, 'Slice', ops.Slice ?? 0, 'Concat', ops.Concat ?? 0); }
console.log('load', loadavg()[0].toFixed(1));
