/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// Threads in onnxruntime-web need SharedArrayBuffer, which browsers only grant to
// cross-origin-isolated pages; without these headers ORT silently runs on one thread.
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The Node tests that take minutes (200 concurrent requests, the 1,000-generation soak, workers killed mid-request). */
const SLOW_TESTS = ['tests/reliability/load.test.ts', 'tests/reliability/worker-crash.test.ts', 'tests/levels/agent.test.ts'];

export default defineConfig({
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  // The dependency optimizer rewrites ORT's `new URL('*.wasm', import.meta.url)` lookups and the
  // browser then fetches an HTML page instead of the wasm binary ("expected magic word 00 61 73 6d").
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The start page (a redirect), the sample game and the model demo; models are copied in after
    // the build by sample-game/copy-models.mjs (the pages fetch them at run time).
    rollupOptions: { input: { index: 'index.html', game: 'sample-game/index.html', demo: 'demo/index.html' } },
  },
  test: {
    // Two cores on the dev/CI machine, shared with model training: one worker, generous timeouts.
    maxWorkers: 1,
    projects: [
      {
        // Every Node test folder (tests/unit, tests/levels, ...); the browser suite, the slow tests and the consumer test are their own projects.
        test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: ['tests/e2e/**', 'tests/consumer/**', ...SLOW_TESTS, '**/node_modules/**'], environment: 'node', testTimeout: 60_000 },
      },
      {
        // Load, soak and kill tests: minutes, not seconds. `npm test` runs them; `npm run test:unit` does not.
        test: { name: 'slow', include: SLOW_TESTS, environment: 'node', testTimeout: 180_000 },
      },
      {
        // npm pack -> fresh Vite and webpack projects from the README, installed from the registry, played in Chromium.
        test: { name: 'consumer', include: ['tests/consumer/**/*.test.ts'], environment: 'node', testTimeout: 420_000, hookTimeout: 600_000 },
      },
      {
        // Real Chromium through playwright-core; the tests start their own Vite server.
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], environment: 'node', testTimeout: 300_000, hookTimeout: 120_000 },
      },
    ],
  },
});
