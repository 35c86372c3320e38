/**
 * Load: 200 requests of mixed kinds sent at once through the worker protocol (comlink over a
 * MessageChannel, as to a Worker) all resolve, each with the result a sequential run gives for it:
 * none lost, duplicated or mixed up. The soak (1,000 sequential generations, heap measured with
 * --expose-gc) runs as its own process: soak.ts.
 */
import * as Comlink from 'comlink';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { createWorkerApi } from '../../src/worker/api.ts';
import { createWorkerClient } from '../../src/worker/client.ts';
import { MIXED_MANIFEST, digest, job } from './mixed.ts';

const N = 200;

describe('200 concurrent requests', () => {
  it('all resolve with the same results as one at a time; none lost or duplicated', async () => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(createWorkerApi(), port1 as unknown as Comlink.Endpoint);
    const client = createWorkerClient({ endpoint: port2 as unknown as Comlink.Endpoint, manifest: MIXED_MANIFEST, cache: false });
    const jobs = Array.from({ length: N }, (_, i) => job(i));
    let resolved = 0;
    const started = performance.now();
    const concurrent = await Promise.all(
      jobs.map(async (j) => {
        const r = j.api === 'level' ? await client.level(j.request) : await client.generate(j.request);
        resolved++;
        return digest(r as never);
      }),
    );
    const concurrentMs = performance.now() - started;
    await client.terminate();

    const local = createRuntime({ manifest: MIXED_MANIFEST, cache: false });
    const sequential: string[] = [];
    for (const j of jobs) sequential.push(digest((j.api === 'level' ? await local.level(j.request) : await local.generate(j.request)) as never));
    await local.dispose();

    console.log(`200 concurrent requests through the worker protocol: ${(concurrentMs / 1000).toFixed(1)} s`);
    expect(resolved).toBe(N);
    expect(concurrent).toEqual(sequential);
    expect(concurrent.map((d) => Number(d.split(':')[0]))).toEqual(jobs.map((j) => j.request.seed));
    // The content part of each digest (after the seed): no two requests came back with the same pixels or cells.
    expect(new Set(concurrent.map((d) => d.split(':')[1])).size).toBe(N);
  }, 120_000);
});

describe('soak', () => {
  it('1,000 sequential generations grow the heap by at most 20 MB (node --expose-gc, heapUsed after gc)', async () => {
    const script = fileURLToPath(new URL('./soak.ts', import.meta.url));
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--expose-gc', '--import', 'tsx', script], { maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    const report = JSON.parse(out.trim().split('\n').pop()!);
    console.log(`soak: ${JSON.stringify(report)}`);
    expect(report.generations).toBe(1000);
    expect(report.heapGrowthMB).toBeLessThanOrEqual(20);
    expect(report.externalGrowthMB).toBeLessThanOrEqual(20);
    expect(report.burst.heapGrowthMB).toBeLessThanOrEqual(20);
    expect(report.burst).toMatchObject({ resolved: 200, seeds: 200 });
    // Each aborted request stopped at its first sampler step: none finished, none failed otherwise.
    expect(report.aborted).toEqual({ AbortError: 100 });
  }, 180_000);
});
