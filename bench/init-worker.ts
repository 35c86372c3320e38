/**
 * Times onnxruntime-web's own start in a fresh worker: import, fetch + compile its .wasm, start its
 * threads (one tiny session). `?build=wasm` is the wasm-only build (ort-wasm-simd-threaded.wasm,
 * 14 MB); the default entry also carries JSEP WebGPU (ort-wasm-simd-threaded.jsep.wasm, 28 MB).
 */
import { matmulModel } from './onnx-graph.ts';

const params = new URLSearchParams(location.search);
const threads = Number(params.get('threads')) || Math.max(1, Math.min(4, navigator.hardwareConcurrency));
const t0 = performance.now();
const ort = params.get('build') === 'wasm' ? await import('onnxruntime-web/wasm') : await import('onnxruntime-web');
ort.env.wasm.numThreads = crossOriginIsolated ? threads : 1;
ort.env.logLevel = 'error';
const t1 = performance.now();
const s = await ort.InferenceSession.create(matmulModel(8));
await s.release();
postMessage({ import_ms: t1 - t0, init_ms: performance.now() - t1, threads: ort.env.wasm.numThreads });
