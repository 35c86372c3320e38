// @ts-nocheck -- a one-off measurement script (docs/BENCHMARKS.md, attempts), kept to re-run; not type-checked.
// Run from the repository root: npx tsx bench/experiments/create.mts
// Session creation time (bytes -> ready) in Node wasm (1 thread), interleaved variants, min of rounds.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
const web = await import('onnxruntime-web'); web.env.wasm.numThreads = 1; web.env.logLevel = 'error';
const ort = web as any;
const variants: Array<[string, string, string]> = [
  ['fp16 all', 'models/sprite.onnx', 'all'], ['fp16 extended', 'models/sprite.onnx', 'extended'], ['fp16 basic', 'models/sprite.onnx', 'basic'], ['fp16 disabled', 'models/sprite.onnx', 'disabled'],
  ['fp32 all', 'bench/experiments/out/sprite-fp32.onnx', 'all'], ['fp32 basic', 'bench/experiments/out/sprite-fp32.onnx', 'basic'],
];
const bytes = Object.fromEntries(variants.map(([, f]) => [f, new Uint8Array(readFileSync(f))]));
await (await ort.InferenceSession.create(bytes['models/sprite.onnx'], { graphOptimizationLevel: 'disabled' })).release();
const b = 2, c = 4, h = 32, w = 32;
const feeds = { x: new ort.Tensor('float32', new Float32Array(b*c*h*w).map((_, i) => Math.sin(i)), [b,c,h,w]), t: new ort.Tensor('float32', new Float32Array(b).fill(0.5), [b]), label: new ort.Tensor('int64', new BigInt64Array(b), [b]), mask: new ort.Tensor('float32', new Float32Array(b*h*w), [b,1,h,w]), known: new ort.Tensor('float32', new Float32Array(b*c*h*w), [b,c,h,w]) };
const res: Record<string, { create: number[]; run: number[] }> = {};
for (let r = 0; r < 4; r++) for (const [name, f, lvl] of variants) {
  const t0 = performance.now(); const s = await ort.InferenceSession.create(bytes[f], { graphOptimizationLevel: lvl }); const t1 = performance.now();
  await s.run(feeds); const runs: number[] = [];
  for (let i = 0; i < 3; i++) { const t = performance.now(); await s.run(feeds); runs.push(performance.now() - t); }
  (res[name] ??= { create: [], run: [] }).create.push(t1 - t0); res[name].run.push(Math.min(...runs)); await s.release();
}
console.log('load', loadavg()[0].toFixed(1));
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(14), 'create min', Math.min(...v.create).toFixed(0), 'med', [...v.create].sort((a, b) => a - b)[2].toFixed(0), '| call b=2 min', Math.min(...v.run).toFixed(1));
