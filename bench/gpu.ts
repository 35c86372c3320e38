/**
 * `npx tsx bench/gpu.ts --out DIR` (run by bench/gpu.sh): the WebGPU path on a real GPU, in headless
 * Chromium, and onnxruntime-node's CUDA EP as a stand-in when Chromium gets no GPU adapter. Writes
 * DIR/gpu-bench.json. Same workloads as `npm run bench` (sprites16, tiles16, level200, chunk24),
 * on WebGPU and on wasm in the same browser, so the ratio holds whatever the machine.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type * as Ort from 'onnxruntime-web';
import { HAVE_BROWSER, QUIET, startServer } from '../tests/helpers/chromium.ts';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../tests/helpers/chromium.ts';
import { openBench, type Measured } from './browser.ts';
import { parseManifestText } from '../src/models/manifest.ts';
import { denoiserFeeds } from './measure.ts';

const opts = new Command('bench-gpu')
  .requiredOption('--out <dir>', 'folder for gpu-bench.json')
  .option('--runs <n>', 'generations per figure', '5')
  .option('--seconds <s>', 'stop starting new workloads after this long', '420')
  .parse()
  .opts<{ out: string; runs: string; seconds: string }>();
const runs = Math.max(1, Number(opts.runs) || 5);
const deadline = Date.now() + Number(opts.seconds) * 1000;
const log = (s: string): void => console.error(`[gpu] ${s}`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (v: number): number => Math.round(v * 10) / 10;
mkdirSync(opts.out, { recursive: true });

// Headless Chromium on the real GPU: Vulkan through ANGLE, the GPU blocklist ignored (headless
// machines are often on it). SwiftShader is what it falls back to: that is reported, not measured.
const GPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan,VulkanFromANGLE', '--use-angle=vulkan', '--ignore-gpu-blocklist', '--enable-gpu', '--use-vulkan'];
const report: Record<string, unknown> = {
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', loadavg_1m: loadavg()[0], date: new Date().toISOString() },
  chromium_flags: GPU_FLAGS,
};
const save = (): void => writeFileSync(join(opts.out, 'gpu-bench.json'), JSON.stringify(report, null, 1));

async function browserFigures(): Promise<void> {
  if (!HAVE_BROWSER) {
    report.webgpu = { skipped: `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)` };
    return;
  }
  const { server, origin } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...QUIET, ...GPU_FLAGS] });
  try {
    const gpu = await openBench(await browser.newPage(), origin, '?device=webgpu', log);
    const adapter = await gpu.adapter();
    report.adapter = adapter;
    log(`adapter: ${JSON.stringify(adapter)}`);
    if (!adapter || /swiftshader/i.test(Object.values(adapter).join(' '))) {
      report.webgpu = { skipped: `Chromium got no GPU adapter (${adapter ? 'SwiftShader only' : 'none'}): check the Vulkan driver (VK_DRIVER_FILES) and flags` };
      return;
    }
    const wasm = await openBench(await browser.newPage(), origin, '', log);
    const figures: Record<string, Record<string, number | string>> = {};
    for (const [key, run] of [
      ['sprites16', (b: typeof gpu, i: number) => b.image('sprite', 100 + i, 16)],
      ['tiles16', (b: typeof gpu, i: number) => b.image('tile', 100 + i, 16)],
      ['level200', (b: typeof gpu, i: number) => b.level(200, 100 + i)],
      ['chunk24', (b: typeof gpu, i: number) => b.chunk(100 + i)],
    ] as const) {
      if (Date.now() > deadline) {
        figures[key] = { skipped: 'time budget' };
        continue;
      }
      const row: Record<string, number | string> = {};
      for (const [name, page] of [['webgpu', gpu], ['wasm', wasm]] as const) {
        await run(page, 0); // warm-up: session, shader compiles
        const ms: Measured[] = [];
        for (let i = 1; i <= runs; i++) ms.push(await run(page, i));
        row[`${name}_ms`] = round(median(ms.map((m) => m.wall_ms)));
        row[`${name}_run_ms`] = round(median(ms.map((m) => m.runs.run_ms)));
        row[`${name}_device`] = ms[0]!.device;
      }
      row.wasm_over_webgpu = round((row.wasm_ms as number) / (row.webgpu_ms as number));
      figures[key] = row;
      log(`${key}: ${JSON.stringify(row)}`);
      report.webgpu = figures;
      save();
    }
    // Correctness: the same small request on both devices.
    const a = await gpu.pixels('sprite', 5, 2, 4);
    const b = await wasm.pixels('sprite', 5, 2, 4);
    let diff = 0;
    a.data.forEach((img, i) => img.forEach((v, j) => (diff = Math.max(diff, Math.abs(v - b.data[i]![j]!)))));
    report.webgpu = { ...figures, sprite_rgba_max_diff_vs_wasm: diff };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** onnxruntime-node on CUDA: one denoiser call per model at the batch the workloads use. */
async function cudaStandIn(): Promise<void> {
  let ort: typeof Ort;
  try {
    const m = (await import(/* @vite-ignore */ 'onnxruntime-node' as string)) as typeof Ort & { default?: typeof Ort };
    ort = m.InferenceSession ? m : m.default!;
  } catch (e) {
    report.cuda = { skipped: `no onnxruntime-node: ${(e as Error).message}` };
    return;
  }
  const manifest = parseManifestText(readFileSync('models/manifest.json', 'utf8'), 'manifest.json');
  const out: Record<string, unknown> = {};
  for (const m of manifest.models) {
    const batch = m.kind === 'level' ? 2 : 32;
    const feeds = denoiserFeeds(ort as never, m, batch);
    const row: Record<string, number | string> = { batch };
    for (const ep of ['cuda', 'cpu']) {
      try {
        const s = await ort.InferenceSession.create(readFileSync(`models/${m.file}`), { executionProviders: [ep], logSeverityLevel: 3 });
        await s.run(feeds);
        const times: number[] = [];
        for (let i = 0; i < 10; i++) {
          const t = performance.now();
          await s.run(feeds);
          times.push(performance.now() - t);
        }
        row[`${ep}_call_ms`] = round(median(times));
        await s.release();
      } catch (e) {
        row[`${ep}_error`] = (e as Error).message.split('\n')[0]!;
      }
    }
    out[m.id] = row;
  }
  report.cuda = { label: 'onnxruntime-node CUDA EP vs its CPU EP, one denoiser call (a stand-in for the browser GPU path)', ...out };
}

try {
  await browserFigures();
} catch (e) {
  report.webgpu = { failed: (e as Error).message.split('\n')[0] };
}
save();
if (Date.now() < deadline + 120_000) await cudaStandIn();
save();
log(`wrote ${join(opts.out, 'gpu-bench.json')}`);
console.log(JSON.stringify(report));
