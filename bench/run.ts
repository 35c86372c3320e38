/**
 * `npm run bench`: how long the shipped models take on this machine, per backend. Speed targets
 * live here, not in timed tests (issue 4: one 200-column playable level in <= 1 s on wasm).
 *
 * Backends: onnxruntime-node (native CPU) and onnxruntime-web on wasm in Node (one thread: ORT
 * turns wasm threads off in Node), then the real worker in headless Chromium on wasm, where a
 * cross-origin-isolated page gets one wasm thread per core (up to 4) -- what a game gets.
 * Each figure is the median of --runs generations after a warm-up (session creation excluded).
 */
import { Command } from 'commander';
import { cpus, loadavg } from 'node:os';
import { createRuntime } from '../src/runtime/runtime.ts';
import { HAVE_BROWSER, launchChromium, startServer } from '../tests/helpers/chromium.ts';
import type { Timing } from './timing.ts';

interface Row {
  backend: string;
  where: string;
  level_ms: number;
  level_windows: number;
  sprite_ms: number;
  tile_ms: number;
}

interface Generator {
  level(width: number, seed: number): Promise<Timing>;
  image(kind: 'sprite' | 'tile', seed: number): Promise<Timing>;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (v: number): number => Math.round(v * 10) / 10;

async function measure(backend: string, where: string, g: Generator, runs: number, width: number, log: (s: string) => void): Promise<Row> {
  // Warm-up: create every session, and let the wasm engine tier up on a full-size level, before
  // the clock matters (the first level on a fresh page was up to 30% slower than the rest).
  await g.level(width, 0);
  await g.image('sprite', 0);
  await g.image('tile', 0);
  const levels: Timing[] = [];
  const sprites: number[] = [];
  const tiles: number[] = [];
  for (let i = 1; i <= runs; i++) {
    levels.push(await g.level(width, i));
    sprites.push((await g.image('sprite', i)).ms);
    tiles.push((await g.image('tile', i)).ms);
    log(`${backend}: ${i}/${runs}, level ${levels.at(-1)!.ms.toFixed(0)} ms`);
  }
  const device = levels[0]!.device;
  return {
    backend: `${backend} (${device})`,
    where,
    level_ms: round(median(levels.map((l) => l.ms))),
    level_windows: median(levels.map((l) => l.windows ?? 0)),
    sprite_ms: round(median(sprites)),
    tile_ms: round(median(tiles)),
  };
}

function nodeGenerator(device: 'auto' | 'wasm'): Generator & { dispose(): Promise<void> } {
  const runtime = createRuntime({ manifest: 'models/manifest.json', device, cache: false });
  return {
    async level(width, seed) {
      const r = await runtime.level({ width, seed, ensurePlayable: true });
      return { ms: r.ms, device: r.device, windows: r.metadata.windows };
    },
    async image(kind, seed) {
      const r = await runtime.generate({ kind, seed, count: 1 });
      return { ms: r.ms, device: r.device };
    },
    dispose: () => runtime.dispose(),
  };
}

async function inChromium(runs: number, width: number, threads: number | undefined, log: (s: string) => void): Promise<Row> {
  const { server, origin } = await startServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
    await page.goto(`${origin}/bench/${threads ? `?threads=${threads}` : ''}`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 120_000 });
    type Page = { bench: Generator & { where(): string } };
    const g: Generator = {
      level: (w, seed) => page.evaluate(([w, seed]) => (window as unknown as Page).bench.level(w, seed), [w, seed] as const),
      image: (kind, seed) => page.evaluate(([kind, seed]) => (window as unknown as Page).bench.image(kind, seed), [kind, seed] as const),
    };
    const where = await page.evaluate(() => (window as unknown as Page).bench.where());
    return await measure('onnxruntime-web', where, g, runs, width, log);
  } finally {
    await browser.close();
    await server.close();
  }
}

const program = new Command('bench')
  .description('time the shipped models per backend (median of --runs after a warm-up)')
  .option('--runs <n>', 'generations per figure', '5')
  .option('--width <w>', 'level width in columns', '200')
  .option('--no-browser', 'skip headless Chromium')
  .option('--threads <n>', 'wasm threads in Chromium (default: one per core, up to 4)')
  .option('--json', 'print one JSON object')
  .parse();
const opts = program.opts<{ runs: string; width: string; browser: boolean; threads?: string; json?: boolean }>();
const runs = Math.max(1, Number.parseInt(opts.runs, 10) || 5);
const width = Number.parseInt(opts.width, 10) || 200;
const log = (s: string): void => console.error(s);

const rows: Row[] = [];
for (const [backend, device, where] of [
  ['onnxruntime-node', 'auto', 'Node, native CPU'],
  ['onnxruntime-web', 'wasm', 'Node, one wasm thread'],
] as const) {
  const g = nodeGenerator(device);
  try {
    rows.push(await measure(backend, where, g, runs, width, log));
  } finally {
    await g.dispose();
  }
}
if (opts.browser && HAVE_BROWSER) rows.push(await inChromium(runs, width, opts.threads ? Number.parseInt(opts.threads, 10) : undefined, log));
else log(opts.browser ? 'no Chromium at /usr/bin/chromium (set CHROMIUM_PATH): browser row skipped' : 'browser row skipped (--no-browser)');

const target = 1000;
const report = {
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', loadavg_1m: round(loadavg()[0]!) },
  runs,
  level_width: width,
  level_target_ms: target,
  rows,
};
if (opts.json) console.log(JSON.stringify(report));
else {
  console.log(`bench: ${runs} runs each, median ms after a warm-up; ${report.machine.cores} cores (${report.machine.cpu}), load ${report.machine.loadavg_1m}`);
  console.log(`level: ${width} columns, defaults from the manifest, ensurePlayable; target <= ${target} ms on wasm\n`);
  console.log(`${'backend'.padEnd(30)}${'where'.padEnd(52)}${'level'.padStart(8)}${'windows'.padStart(9)}${'sprite'.padStart(8)}${'tile'.padStart(8)}`);
  for (const r of rows) {
    const met = r.backend.includes('wasm') && width === 200 ? (r.level_ms <= target ? '  ok' : '  MISSED') : '';
    console.log(`${r.backend.padEnd(30)}${r.where.padEnd(52)}${r.level_ms.toFixed(0).padStart(8)}${String(r.level_windows).padStart(9)}${r.sprite_ms.toFixed(0).padStart(8)}${r.tile_ms.toFixed(0).padStart(8)}${met}`);
  }
}
