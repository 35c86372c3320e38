/**
 * `npx tsx bench/circular-pad.ts [--keep DIR]`: does the exported ONNX compute what PyTorch eager
 * computes for circular padding? (torch 1.13's export of `padding_mode="circular"` convs was found
 * wrong on this project: the shipped tile.onnx did not compute the trained net.)
 *
 * models/bench_torch.py --circular writes (1) one circular 3x3 conv exported by torch.onnx,
 * (2) the tile denoiser exported from models/unet.py as it is now, (3) eager x0 of the shipped
 * tile weights; this runs each graph in onnxruntime-node (else onnxruntime-web wasm) on the same
 * inputs and prints the max |eager - onnx|. A correct graph differs by float rounding (~1e-5).
 * Exit code 1 when a model graph (not the `conv` reference, which shows torch's bug) differs by
 * more than 1e-3. `--json` prints one object.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type * as Ort from 'onnxruntime-web';

type OrtModule = typeof Ort;
const PYTHON = process.env.TORCH_PYTHON ?? '/usr/bin/python3';
export const TOLERANCE = 1e-3;

export interface CircularCase {
  case: string;
  max_abs_diff: number;
  ok: boolean;
  /** Set when the eager weights are not the file's (the checkpoint moved on since the export): not a verdict. */
  not_comparable?: string;
}

async function ortModule(): Promise<OrtModule> {
  try {
    const m = (await import(/* @vite-ignore */ 'onnxruntime-node' as string)) as OrtModule & { default?: OrtModule };
    return m.InferenceSession ? m : m.default!;
  } catch {
    const web = await import('onnxruntime-web');
    web.env.wasm.numThreads = 1;
    return web;
  }
}

/** Runs the python side into `dir` and compares; throws when torch is missing (the caller prints the skip). */
export async function circularCheck(dir: string): Promise<CircularCase[]> {
  execFileSync(PYTHON, ['-m', 'models.bench_torch', '--circular', dir], {
    env: { ...process.env, PYTHONPATH: process.cwd(), OMP_WAIT_POLICY: 'PASSIVE' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    tensors: Record<string, { dtype: 'float32' | 'int64'; dims: number[] }>;
    cases: Record<string, { model: string; inputs: Record<string, string>; output: string; expected: string; comparable?: boolean; note?: string }>;
  };
  const ort = await ortModule();
  const tensor = (name: string): Ort.Tensor => {
    const { dtype, dims } = index.tensors[name]!;
    const buf = readFileSync(join(dir, `${name}.bin`));
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    return dtype === 'int64' ? new ort.Tensor('int64', new BigInt64Array(ab), dims) : new ort.Tensor('float32', new Float32Array(ab), dims);
  };
  const out: CircularCase[] = [];
  for (const [name, c] of Object.entries(index.cases)) {
    const session = await ort.InferenceSession.create(readFileSync(isAbsolute(c.model) ? c.model : join(dir, c.model)), { logSeverityLevel: 3 });
    const feeds = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, tensor(v)]));
    const got = (await session.run(feeds))[c.output]!.data as Float32Array;
    const want = tensor(c.expected).data as Float32Array;
    let diff = 0;
    for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
    await session.release();
    const skip = c.comparable === false ? { not_comparable: c.note ?? 'different weights' } : {};
    out.push({ case: name, max_abs_diff: Number(diff.toPrecision(3)), ok: diff <= TOLERANCE || c.comparable === false, ...skip });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const keep = process.argv.indexOf('--keep');
  const dir = keep > 0 ? process.argv[keep + 1]! : mkdtempSync(join(tmpdir(), 'circular-'));
  try {
    const cases = await circularCheck(dir);
    if (process.argv.includes('--json')) console.log(JSON.stringify(cases));
    else for (const c of cases) console.log(`${c.case.padEnd(14)} max |eager - onnxruntime| = ${c.max_abs_diff}  ${c.not_comparable ? `not comparable (${c.not_comparable})` : c.ok ? 'ok' : 'WRONG'}`);
    // The torch export of padding_mode="circular" is the known-bad reference case, not a failure of ours.
    process.exitCode = cases.filter((c) => c.case !== 'conv').every((c) => c.ok) ? 0 : 1;
  } finally {
    if (keep < 0) rmSync(dir, { recursive: true, force: true });
  }
}
