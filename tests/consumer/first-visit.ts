/**
 * First-visit bytes of a built game: what the browser fetched from dist/ (raw, and gzip as a host
 * would compress it), split into the runtime (page, game, worker, onnxruntime) and the models. The
 * WebGPU row swaps the plain wasm build's file for the WebGPU (JSEP) build's, which a device with a
 * WebGPU adapter fetches instead (the Vite build inlines both builds' JavaScript in the worker).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Row {
  label: string;
  files: number;
  raw: number;
  gzip: number;
}

const gz = (file: string): number => gzipSync(readFileSync(file), { level: 6 }).length;

function row(label: string, files: string[]): Row {
  return { label, files: files.length, raw: files.reduce((n, f) => n + statSync(f).size, 0), gzip: files.reduce((n, f) => n + gz(f), 0) };
}

export function firstVisit(root: string, fetched: Iterable<string>): Row[] {
  const paths = [...new Set(fetched)].map((p) => join(root, p.endsWith('/') ? `${p}index.html` : p));
  const models = paths.filter((p) => /\/models\//.test(p));
  const runtime = paths.filter((p) => !models.includes(p));
  const plainWasm = runtime.find((p) => /ort-wasm-simd-threaded-[^/]*\.wasm$/.test(p) && !p.includes('.jsep'));
  const assets = join(root, 'assets');
  const jsep = readdirSync(assets).find((f) => /ort-wasm-simd-threaded\.jsep.*\.wasm$/.test(f));
  if (!plainWasm || !jsep) throw new Error(`first visit: expected the plain wasm build among ${runtime.join(', ')} and a JSEP wasm in ${assets}`);
  const webgpu = runtime.map((p) => (p === plainWasm ? join(assets, jsep) : p));
  const rows = [row('runtime, no WebGPU (plain wasm build)', runtime), row('runtime, WebGPU (JSEP build)', webgpu), row(`models (${models.filter((p) => p.endsWith('.onnx')).map((p) => basename(p, '.onnx')).join(' + ')})`, models)];
  const total = (label: string, a: Row, b: Row): Row => ({ label, files: a.files + b.files, raw: a.raw + b.raw, gzip: a.gzip + b.gzip });
  return [...rows, total('first visit, no WebGPU', rows[0]!, rows[2]!), total('first visit, WebGPU', rows[1]!, rows[2]!)];
}

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

export function table(rows: Row[]): string {
  return ['| what | files | raw | gzip |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${r.label} | ${r.files} | ${mb(r.raw)} | ${mb(r.gzip)} |`)].join('\n');
}
