import { defineConfig } from 'vite';

// Threads in onnxruntime-web need SharedArrayBuffer, which browsers only grant to
// cross-origin-isolated pages; without these headers ORT silently runs on one thread.
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  // The dependency optimizer rewrites ORT's `new URL('*.wasm', import.meta.url)` lookups and the
  // browser then fetches an HTML page instead of the wasm binary ("expected magic word 00 61 73 6d").
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: { target: 'es2022' },
});
