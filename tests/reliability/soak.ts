/**
 * Soak, run by load.test.ts as `node --expose-gc --import tsx soak.ts`: 1,000 sequential
 * generations of mixed kinds (with a small LRU cache so eviction runs too), then a burst of 200
 * concurrent ones and 100 aborted mid-sampling. Memory is process.memoryUsage() after two
 * global.gc() calls, compared with the same measure after a 50-generation warm-up (which loads
 * the three sessions). Prints one JSON line.
 */
import { createCache } from '../../src/cache/cache.ts';
import { memoryStore } from '../../src/cache/stores.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { MIXED_MANIFEST, job } from './mixed.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

async function settled(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc!();
  }
  return process.memoryUsage();
}
const mb = (n: number): number => Math.round((n / 2 ** 20) * 100) / 100;

const runtime = createRuntime({ manifest: MIXED_MANIFEST, cache: createCache({ store: memoryStore(), maxBytes: 2 * 2 ** 20 }) });
const run = (i: number, signal?: AbortSignal) => {
  const j = job(i, true);
  return j.api === 'level' ? runtime.level(j.request, { signal }) : runtime.generate(j.request, { signal });
};

for (let i = 0; i < 50; i++) await run(i);
const base = await settled();
const started = performance.now();
let generations = 0;
for (let i = 0; i < 1000; i++) {
  const result = await run(1000 + i);
  if (result.request.seed === job(1000 + i, true).request.seed) generations++; // the result of its own request
}
const ms = performance.now() - started;
const after = await settled();

// Burst: 200 at once (fresh seeds), plus 100 aborted after their first sampler step.
const burstResults = await Promise.all(Array.from({ length: 200 }, (_, i) => run(5000 + i)));
const outcomes = await Promise.all(
  Array.from({ length: 100 }, (_, i) => {
    const c = new AbortController();
    const j = job(9000 + i, true);
    const opts = { signal: c.signal, onProgress: (p: { phase: string }) => p.phase === 'sample' && c.abort() };
    return (j.api === 'level' ? runtime.level({ ...j.request, steps: 50 }, opts) : runtime.generate({ ...j.request, steps: 50 }, opts)).then(
      () => 'finished',
      (e: Error) => e.name,
    );
  }),
);
const aborted: Record<string, number> = {};
for (const o of outcomes) aborted[o] = (aborted[o] ?? 0) + 1;
const burst = await settled();
await runtime.dispose();

console.log(
  JSON.stringify({
    generations,
    seconds: Math.round(ms / 100) / 10,
    heapBaseMB: mb(base.heapUsed),
    heapGrowthMB: mb(after.heapUsed - base.heapUsed),
    externalGrowthMB: mb(after.external - base.external),
    rssGrowthMB: mb(after.rss - base.rss),
    burst: { resolved: burstResults.length, seeds: new Set(burstResults.map((r) => r.request.seed)).size, heapGrowthMB: mb(burst.heapUsed - base.heapUsed), externalGrowthMB: mb(burst.external - base.external) },
    /** Outcome of each of the 100 aborted requests: 'finished' or the error's name. */
    aborted,
  }),
);
