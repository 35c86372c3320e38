/** The bench page (bench/page.ts) seen from Node: its methods, called through page.evaluate. */
import type { Page } from 'playwright-core';
import type { Timing } from './timing.ts';

export interface RunLog {
  calls: number;
  run_ms: number;
  items: number;
}
export interface Measured extends Timing {
  wall_ms: number;
  runs: RunLog;
}
export type BenchPage = {
  bench: {
    where(): string;
    coldStart(): Promise<{ wasm_init_ms: number; threads: number; models: Record<string, { download_ms: number; sha256_ms: number; session_ms: number; bytes: number }> }>;
    level(w: number, seed: number, model?: string): Promise<Measured>;
    chunk(seed: number, model?: string): Promise<Measured>;
    image(kind: 'sprite' | 'tile', seed: number, count?: number, steps?: number, model?: string): Promise<Measured>;
    pixels(kind: 'sprite' | 'tile', seed: number, count: number, steps: number): Promise<{ device: string; ms: number; data: number[][] }>;
    levelCells(seed: number, steps: number): Promise<{ device: string; ms: number; cells: number[] }>;
    cacheHits(): Promise<Record<string, number>>;
    clientCacheHit(): Promise<number>;
    matmulGflops(n?: number): Promise<number>;
    wasmInit(build: 'default' | 'wasm'): Promise<{ import_ms: number; init_ms: number; threads: number }>;
    adapter(): Promise<Record<string, string> | null>;
  };
};

export async function openBench(page: Page, origin: string, query: string, log: (s: string) => void = console.error): Promise<BenchPage['bench']> {
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  await page.goto(`${origin}/bench/${query}`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 120_000 });
  // Each method runs in the page; arguments and results cross as JSON.
  return new Proxy({} as BenchPage['bench'], {
    // Not a thenable: `await openBench(...)` must not call the page.
    get: (_, name: string) => name === 'then' ? undefined : (...args: unknown[]) =>
      page.evaluate(([name, args]) => ((window as unknown as BenchPage).bench as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args), [name, args] as const),
  });
}

