// @ts-nocheck -- a one-off measurement script (docs/BENCHMARKS.md, attempts), kept to re-run; not type-checked.
// Run from the repository root: npx tsx bench/experiments/prof.mts
import { readFileSync, readdirSync } from 'node:fs';
const ort = (await import('onnxruntime-node')) as any;
const id = process.argv[2] ?? 'sprite'; const b = Number(process.argv[3] ?? 32);
const [c, h, w] = id === 'level-smb' ? [13, 14, 32] : id === 'tile' ? [3, 32, 32] : [4, 32, 32];
const feeds = { x: new ort.Tensor('float32', new Float32Array(b*c*h*w).map((_, i) => Math.sin(i)), [b,c,h,w]), t: new ort.Tensor('float32', new Float32Array(b).fill(0.5), [b]), label: new ort.Tensor('int64', new BigInt64Array(b), [b]), mask: new ort.Tensor('float32', new Float32Array(b*h*w), [b,1,h,w]), known: new ort.Tensor('float32', new Float32Array(b*c*h*w), [b,c,h,w]) };
const s = await ort.InferenceSession.create(readFileSync(`models/${id}.onnx`), { enableProfiling: true, profileFilePrefix: `/tmp/prof-${id}`, intraOpNumThreads: 1 });
for (let i = 0; i < 4; i++) await s.run(feeds);
s.endProfiling?.(); await s.release();
const f = readdirSync('/tmp').filter((n) => n.startsWith(`prof-${id}`)).sort().at(-1)!;
const ev = JSON.parse(readFileSync(`/tmp/${f}`, 'utf8')) as any[];
const by: Record<string, number> = {}; let tot = 0;
for (const e of ev) if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) { const op = e.args.op_name; by[op] = (by[op] ?? 0) + e.dur; tot += e.dur; }
console.log(id, b, Object.entries(by).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(100 * v / tot).toFixed(1)}%`).join(', '));
