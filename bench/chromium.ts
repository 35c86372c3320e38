/** Section 4 of `npm run bench` (bench/run.ts): the real worker in headless Chromium, and WebGPU on SwiftShader. */
import { launchChromium, startServer, WEBGPU } from '../tests/helpers/chromium.ts';
import { openBench, type BenchPage, type Measured } from './browser.ts';
import { measure, round, type BenchSettings, type Row } from './measure.ts';
import { genreOf, type ModelEntry } from '../src/models/manifest.ts';

export interface ChromiumFigures {
  where: string;
  cold_start: Awaited<ReturnType<BenchPage['bench']['coldStart']>>;
  wasm_init_by_build: { default_jsep: number; wasm_only: number };
  workloads: Record<string, { model: string; wall_ms: number; in_worker_ms: number; run_ms: number; calls: number; overhead_fraction: number; gflops: number; windows?: number }>;
  cache_hit_ms: Record<string, number>;
  wasm_matmul_gflops: number;
}

/** The real worker in headless Chromium: cold start, the README row, the issue-18 workloads, cache hits. */
export async function inChromium(settings: BenchSettings, flopsPerItem: Record<string, number>): Promise<{ row: Row; figures: ChromiumFigures } | undefined> {
  const { runs, width, threads, models, log } = settings;
  const { server, origin } = await startServer();
  const browser = await launchChromium();
  try {
    const bench = await openBench(await browser.newPage(), origin, threads ? `?threads=${threads}` : '');
    const where = await bench.where();
    const cold_start = await bench.coldStart();
    log(`chromium cold start: ${JSON.stringify(cold_start)}`);
    const row = await measure('onnxruntime-web', where, {
      level: (w, seed) => bench.level(w, seed),
      image: (kind, seed) => bench.image(kind, seed),
    }, settings);
    // Each workload on the kind's default model (the runtime's pick: a student where it is the
    // default) and on every other model of that family (teacher or student), for the speed-up.
    const jobs: Record<string, { kind: 'sprite' | 'tile' | 'level'; run: (i: number, model: string) => Promise<Measured> }> = {
      sprites16: { kind: 'sprite', run: (i, model) => bench.image('sprite', 100 + i, 16, undefined, model) },
      tiles16: { kind: 'tile', run: (i, model) => bench.image('tile', 100 + i, 16, undefined, model) },
      level200: { kind: 'level', run: (i, model) => bench.level(width, 100 + i, model) },
      chunk24: { kind: 'level', run: (i, model) => bench.chunk(100 + i, model) },
    };
    const workloads: ChromiumFigures['workloads'] = {};
    for (const [key, job] of Object.entries(jobs)) {
      const family = familyOf(models, job.kind);
      for (const id of family) {
        await job.run(0, id);
        const ms: Measured[] = [];
        for (let i = 1; i <= runs; i++) ms.push(await job.run(i, id));
        const mid = [...ms].sort((a, b) => a.wall_ms - b.wall_ms)[Math.floor(ms.length / 2)]!;
        const name = id === family[0] ? key : `${key}:${id}`;
        workloads[name] = {
          model: id,
          wall_ms: round(mid.wall_ms),
          in_worker_ms: round(mid.ms),
          run_ms: round(mid.runs.run_ms),
          calls: mid.runs.calls,
          overhead_fraction: round(1 - mid.runs.run_ms / mid.wall_ms, 3),
          gflops: round((flopsPerItem[id]! * mid.runs.items) / (mid.runs.run_ms / 1000) / 1e9),
          ...(mid.windows ? { windows: mid.windows } : {}),
        };
        log(`chromium ${name}: ${JSON.stringify(workloads[name])}`);
      }
    }
    const cache_hit_ms = Object.fromEntries(Object.entries(await bench.cacheHits()).filter(([k]) => !k.endsWith('_store')).map(([k, v]) => [k, round(v, 2)]));
    cache_hit_ms.indexeddb_via_client = round(await bench.clientCacheHit(), 2);
    const wasm_matmul_gflops = round(await bench.matmulGflops(512));
    // onnxruntime-web's start per build, fresh workers, alternating (files cached by now): min of 2.
    // Last, because it slows what follows: measured 2026-12-04, a sprite-fast call went from ~125
    // to ~310 ms after these four workers and stayed there, with the load average up by ~1: their
    // wasm threads seem to outlive terminate(). (The product client's terminate() leaves no such drag.)
    const init: Record<string, number[]> = { default: [], wasm: [] };
    for (let i = 0; i < 2; i++) for (const build of ['default', 'wasm'] as const) {
      const r = await bench.wasmInit(build);
      init[build]!.push(r.import_ms + r.init_ms);
    }
    const wasm_init_by_build = { default_jsep: round(Math.min(...init.default!)), wasm_only: round(Math.min(...init.wasm!)) };
    log(`chromium onnxruntime-web start by build: ${JSON.stringify(wasm_init_by_build)}`);
    return { row, figures: { where, cold_start, wasm_init_by_build, workloads, cache_hit_ms, wasm_matmul_gflops } };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The kind's default model (first in the manifest; platformer levels) and then the rest of its family: its teacher or students. */
export function familyOf(models: readonly ModelEntry[], kind: 'sprite' | 'tile' | 'level'): string[] {
  const first = models.find((m) => m.kind === kind && (kind !== 'level' || genreOf(m) === 'platformer'));
  if (!first) return [];
  const root = first.teacher ?? first.id;
  const rest = models.filter((m) => m.id !== first.id && (m.id === root || m.teacher === root)).map((m) => m.id);
  return [first.id, ...rest];
}

/** WebGPU on SwiftShader (a CPU rasteriser): the same requests as on wasm, outputs compared. */
export async function webgpuCorrectness({ models }: BenchSettings): Promise<Record<string, unknown>> {
  const { server, origin } = await startServer();
  const browser = await launchChromium(WEBGPU);
  try {
    const gpu = await openBench(await browser.newPage(), origin, '?device=webgpu');
    const wasm = await openBench(await browser.newPage(), origin, '?device=wasm');
    const out: Record<string, unknown> = { label: 'correctness path, not a speed figure: WebGPU on SwiftShader (CPU)' };
    for (const kind of ['sprite', 'tile'] as const) {
      if (!models.some((m) => m.kind === kind)) continue;
      const a = await gpu.pixels(kind, 5, 1, 2);
      const b = await wasm.pixels(kind, 5, 1, 2);
      let diff = 0;
      let differing = 0;
      let total = 0;
      a.data.forEach((img, i) => img.forEach((v, j) => {
        const d = Math.abs(v - b.data[i]![j]!);
        diff = Math.max(diff, d);
        if (d) differing++;
        total++;
      }));
      out[kind] = { device: a.device, request: '1 item, 2 steps', rgba_max_diff: diff, bytes_differing: round(differing / total, 4), webgpu_ms: round(a.ms), wasm_ms: round(b.ms) };
    }
    if (models.some((m) => m.kind === 'level')) {
      const a = await gpu.levelCells(5, 2);
      const b = await wasm.levelCells(5, 2);
      const same = a.cells.filter((v, i) => v === b.cells[i]).length / a.cells.length;
      out.level = { device: a.device, request: '32 columns, 2 steps', cells_equal: round(same, 4), webgpu_ms: round(a.ms), wasm_ms: round(b.ms) };
    }
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}
