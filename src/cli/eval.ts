/**
 * `asset-diffusion eval levels`: the level quality harness (playability before and after
 * ensurePlayable, novelty, tile-pattern KL against the training levels and its baseline, broken
 * structures, time per level).
 */
import { InvalidRequestError, UnplayableLevelError } from '../errors.ts';
import type { GeneratedLevel, Runtime } from '../runtime/types.ts';
import { SMB_LEGEND } from '../levels/legend.ts';
import { brokenStructureRate, kl, klBaseline, novelty } from '../levels/metrics.ts';
import { normalizeLevelRequest, type LevelRequest } from '../runtime/level-request.ts';
import { createRuntime } from '../runtime/runtime.ts';
import { defaultDataDir, loadTrainingLevels } from '../levels/training-data.ts';
import { integer } from '../validate.ts';
import { numeric } from './generate.ts';
import { loadCliManifest } from './manifest.ts';
import type { EvalFlags } from './eval-flags.ts';
import { dungeonEvalTable, evalDungeons } from './eval-dungeon.ts';
import { attributeTable, scoreAttribute, sweepPlan, type AttributeScore } from './eval-attributes.ts';


export interface EvalReport {
  model: string;
  version: string;
  sha256: string;
  device: string;
  count: number;
  width: number;
  seed: number;
  steps: number;
  guidance: number;
  sampler: string;
  eta: number;
  /** Known columns per outpainting window (the rest of each window is new). */
  context: number;
  /** The class every level was asked for; null = each level draws one from its seed. */
  class: string | null;
  playable_raw: number;
  playable: number;
  novelty: number;
  kl: number;
  kl_baseline: number;
  broken_structures: number;
  ms_per_level: number;
  /** Means per level: sampling / repair / checking ms, ensurePlayable attempts, repair edits, windows. */
  sample_ms_per_level: number;
  attempts_per_level: number;
  repairs_per_level: number;
  windows_per_level: number;
  /** Levels ensurePlayable gave up on (UnplayableLevelError), by seed. */
  failures: Array<{ seed: number; error: string }>;
  training_levels: number;
  /** With --attributes: per attribute, requested against measured (the other figures pool every level of the sweep). */
  attributes?: Record<string, AttributeScore>;
}

const mean = (values: number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);
const round = (v: number, digits = 4): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

/**
 * Generates `count` levels (seeds seed, seed + 1, ...) with ensurePlayable through the runtime and
 * scores them. `playable_raw` is the checker on each raw sample (before structure repair and
 * retries); the other metrics are on the returned levels. The session is loaded (a one-column
 * warm-up level) before the clock starts.
 */
export async function evalLevels(runtime: Runtime, f: EvalFlags, report: (line: string) => void): Promise<EvalReport> {
  const count = integer('count', numeric(f.count), 1, 10_000);
  const base: LevelRequest = { kind: 'level', width: numeric(f.width) as number, seed: numeric(f.seed) as number, ensurePlayable: true };
  if (f.model !== undefined) base.model = f.model;
  if (f.class !== undefined) base.class = f.class;
  if (f.steps !== undefined) base.steps = numeric(f.steps) as number;
  if (f.guidance !== undefined) base.guidance = numeric(f.guidance) as number;
  if (f.sampler !== undefined) base.sampler = f.sampler as LevelRequest['sampler'];
  if (f.eta !== undefined) base.eta = numeric(f.eta) as number;
  const { request, model } = normalizeLevelRequest(await runtime.manifest(), base);
  const legend = model.tiles!;
  if (legend.map((t) => t.char).join('') !== SMB_LEGEND.map((t) => t.char).join('')) {
    throw new InvalidRequestError('model', `${request.model} does not use the SMB legend (${legend.map((t) => t.char).join('')}); eval levels compares with the VGLC Mario levels`);
  }
  const training = loadTrainingLevels(f.data ?? defaultDataDir()).map((l) => l.grid);
  if (count > 0x100000000 - request.seed) throw new InvalidRequestError('count', `seed + count must stay below 2^32`);

  // Without --attributes: `count` levels as they come. With it: `count` levels per attribute, each asking for one of five values.
  const sweep = f.attributes === undefined ? undefined : sweepPlan(model, f.attributes, count);
  await runtime.level({ ...base, width: 16, steps: 1, seed: 0, ensurePlayable: false });
  const requests: LevelRequest[] = sweep
    ? sweep.flatMap((a) => a.requested.map((v, i) => ({ ...base, seed: request.seed + i, attributes: { [a.name]: v } })))
    : Array.from({ length: count }, (_, i) => ({ ...base, seed: request.seed + i }));
  const results: Array<GeneratedLevel | undefined> = [];
  const failures: EvalReport['failures'] = [];
  let device = '';
  const started = performance.now();
  const every = Math.max(1, Math.floor(requests.length / 10));
  for (const [i, req] of requests.entries()) {
    try {
      const r = await runtime.level(req);
      results.push(r);
      device = r.device;
    } catch (e) {
      if (!(e instanceof UnplayableLevelError)) throw e;
      failures.push({ seed: req.seed!, error: e.message });
      results.push(undefined);
    }
    if (f.progress && (process.stderr.isTTY || (i + 1) % every === 0 || i + 1 === requests.length)) {
      const line = `eval levels: ${i + 1}/${requests.length} levels, ${((performance.now() - started) / (i + 1)).toFixed(0)} ms/level, ${failures.length} failed`;
      if (process.stderr.isTTY) process.stderr.write(`\r${line}${i + 1 === requests.length ? '\n' : ''}`);
      else report(line);
    }
  }
  const attributes = sweep && Object.fromEntries(sweep.map((a, k) => [a.name, scoreAttribute(model, a, results.slice(k * count, (k + 1) * count))]));
  const done = results.filter((r): r is GeneratedLevel => r !== undefined);
  const total = requests.length;
  const grids = done.map((r) => r.grid);
  const meta = done.map((r) => r.metadata);
  return {
    model: model.id,
    version: model.version,
    sha256: model.sha256,
    device,
    count,
    width: request.width,
    seed: request.seed,
    steps: request.steps,
    guidance: request.guidance,
    sampler: request.sampler,
    eta: request.eta,
    context: meta[0]?.window.context ?? Number.NaN,
    class: request.class,
    // A level ensurePlayable gave up on counts as unplayable in both figures.
    playable_raw: round(meta.filter((m) => m.playableRaw).length / total),
    playable: round(meta.filter((m) => m.playable).length / total),
    novelty: round(novelty(grids, training)),
    kl: round(kl(grids, training)),
    kl_baseline: round(klBaseline(training)),
    broken_structures: round(brokenStructureRate(grids)),
    ms_per_level: round(mean(done.map((r) => r.ms)), 1),
    sample_ms_per_level: round(mean(meta.map((m) => m.timings.sampleMs)), 1),
    attempts_per_level: round(mean(meta.map((m) => m.attempts)), 3),
    repairs_per_level: round(mean(meta.map((m) => m.repairs ?? 0)), 2),
    windows_per_level: round(mean(meta.map((m) => m.windows)), 2),
    failures,
    training_levels: training.length,
    ...(attributes && { attributes }),
  };
}

/** The report as a readable table with the issue's targets. */
export function evalTable(r: EvalReport): string {
  const rows: Array<[string, string, string, boolean | null]> = [
    ['playable_raw', r.playable_raw.toFixed(3), '>= 0.95', r.playable_raw >= 0.95],
    ['playable', r.playable.toFixed(3), '= 1.0', r.playable === 1],
    ['novelty', r.novelty.toFixed(3), '>= 0.99', r.novelty >= 0.99],
    ['kl', r.kl.toFixed(3), `<= 1.5 x kl_baseline = ${(1.5 * r.kl_baseline).toFixed(3)}`, r.kl <= 1.5 * r.kl_baseline],
    ['kl_baseline', r.kl_baseline.toFixed(3), '', null],
    ['broken_structures', r.broken_structures.toFixed(3), '<= 0.01', r.broken_structures <= 0.01],
    ['ms_per_level', r.ms_per_level.toFixed(0), r.width === 200 ? '<= 1000 (wasm)' : '', r.width === 200 && r.device === 'wasm' ? r.ms_per_level <= 1000 : null],
    ['attempts_per_level', String(r.attempts_per_level), '', null],
    ['repairs_per_level', String(r.repairs_per_level), '', null],
  ];
  const lines = [
    `eval levels: ${r.attributes ? `${r.count} levels per attribute (${Object.keys(r.attributes).join(', ')})` : `${r.count} levels`} of ${r.width} columns, seeds ${r.seed}..${r.seed + r.count - 1}, ${r.model} ${r.version} on ${r.device}, ${r.steps} steps, guidance ${r.guidance}, ${r.sampler} (eta ${r.eta}), context ${r.context} columns, class ${r.class ?? 'from each seed'}`,
    '',
    `${'metric'.padEnd(20)}${'value'.padStart(10)}  target`,
    ...rows.map(([name, value, target, met]) => `${name.padEnd(20)}${value.padStart(10)}  ${target}${met === null ? '' : met ? '  ok' : '  MISSED'}`),
  ];
  if (r.attributes) lines.push('', ...attributeTable(r.attributes));
  if (r.failures.length) lines.push('', `ensurePlayable gave up on ${r.failures.length} level(s):`, ...r.failures.map((f) => `  seed ${f.seed}: ${f.error}`));
  return lines.join('\n');
}


export async function evalLevelsCommand(flags: EvalFlags & { manifest?: string; rooms?: string; allowCopies?: boolean }): Promise<void> {
  const runtime = createRuntime({ manifest: loadCliManifest(flags.manifest, (m) => console.error(m)), device: flags.device, cache: false });
  try {
    // A dungeon model (manifest genre "dungeon") has its own harness (eval-dungeon.ts).
    const named = flags.model === undefined ? undefined : (await runtime.manifest()).models.find((m) => m.id === flags.model);
    if (named?.genre === 'dungeon') {
      const report = await evalDungeons(runtime, flags, (line) => console.error(line));
      console.log(flags.json ? JSON.stringify(report) : dungeonEvalTable(report));
      return;
    }
    if (flags.allowCopies) throw new InvalidRequestError('allowCopies', `only applies to dungeon models (${flags.model ?? 'the default level model'} is a platformer one)`);
    const report = await evalLevels(runtime, flags, (line) => console.error(line));
    console.log(flags.json ? JSON.stringify(report) : evalTable(report));
  } finally {
    await runtime.dispose();
  }
}
