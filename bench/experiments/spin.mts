// @ts-nocheck -- a one-off measurement script (docs/BENCHMARKS.md, attempts), kept to re-run; not type-checked.
// Run from the repository root: npx tsx bench/experiments/spin.mts
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
const ort = (await import('onnxruntime-node')) as any;
const bytes = readFileSync('models/sprite.onnx');
const b = 32, c = 4, h = 32, w = 32;
const feeds = { x: new ort.Tensor('float32', new Float32Array(b*c*h*w).map((_, i) => Math.sin(i)), [b,c,h,w]), t: new ort.Tensor('float32', new Float32Array(b).fill(0.5), [b]), label: new ort.Tensor('int64', new BigInt64Array(b), [b]), mask: new ort.Tensor('float32', new Float32Array(b*h*w), [b,1,h,w]), known: new ort.Tensor('float32', new Float32Array(b*c*h*w), [b,c,h,w]) };
const variants: Record<string, any> = {
  default: {},
  spin0: { extra: { session: { intra_op: { allow_spinning: '0' } } } },
  t1: { intraOpNumThreads: 1 },
  t2spin0: { intraOpNumThreads: 2, extra: { session: { intra_op: { allow_spinning: '0' } } } },
};
const sessions: Record<string, any> = {};
for (const [k, o] of Object.entries(variants)) sessions[k] = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', ...o });
const res: Record<string, number[]> = {};
for (let round = 0; round < 4; round++) for (const [k, s] of Object.entries(sessions)) {
  await s.run(feeds);
  const t = performance.now(); await s.run(feeds); (res[k] ??= []).push(performance.now() - t);
}
console.log('load', loadavg()[0], JSON.stringify(Object.fromEntries(Object.entries(res).map(([k, v]) => [k, v.map(Math.round)]))));
