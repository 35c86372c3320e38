/**
 * `asset-diffusion eval levels --model <dungeon model>`: the dungeon quality harness, beside the
 * platformer's (eval.ts): playability before and after repair, room novelty, tile-pattern KL and
 * its baseline, time per dungeon. Same flags, plus `--rooms`.
 */
import { UnplayableLevelError, InvalidRequestError } from '../errors.ts';
import { extractRoom } from '../levels/dungeon/assemble.ts';
import { dungeonTiles } from '../levels/dungeon/legend.ts';
import { roomKl, roomKlBaseline, roomNovelty, roomNoveltyBaseline } from '../levels/dungeon/metrics.ts';
import { loadTrainingRooms } from '../levels/dungeon/training-data.ts';
import { defaultDataDir } from '../levels/training-data.ts';
import { normalizeDungeonRequest, type DungeonRequest } from '../runtime/dungeon-request.ts';
import type { GeneratedDungeon } from '../runtime/types.ts';
import type { Runtime } from '../runtime/types.ts';
import { integer } from '../validate.ts';
import type { EvalFlags } from './eval-flags.ts';
import { numeric } from './generate.ts';

export interface DungeonEvalReport {
  model: string;
  version: string;
  sha256: string;
  device: string;
  count: number;
  rooms: number;
  seed: number;
  steps: number;
  guidance: number;
  sampler: string;
  eta: number;
  class: string | null;
  playable_raw: number;
  playable: number;
  /** Rooms equal to no training room or flip, as delivered (after the novelty guard, where the model lists knownRooms). */
  novelty: number;
  /** The same for the rooms as first sampled, before the guard: the model's own copying. */
  novelty_raw: number;
  interior_novelty: number;
  /** The same two figures between the training maps split in two (odd against even maps). */
  novelty_baseline: number;
  interior_novelty_baseline: number;
  kl: number;
  kl_baseline: number;
  ms_per_dungeon: number;
  retries_per_dungeon: number;
  carved_per_dungeon: number;
  /** Room samples the novelty guard threw away, per dungeon. */
  copy_resamples_per_dungeon: number;
  failures: Array<{ seed: number; error: string }>;
  training_rooms: number;
}

const mean = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
const round = (v: number, digits = 4): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

export async function evalDungeons(runtime: Runtime, f: EvalFlags & { rooms?: string; allowCopies?: boolean }, report: (line: string) => void): Promise<DungeonEvalReport> {
  const count = integer('count', numeric(f.count), 1, 10_000);
  const base: DungeonRequest = { seed: numeric(f.seed) as number, ensurePlayable: true, ...(f.allowCopies && { allowCopies: true }) };
  if (f.rooms !== undefined) base.rooms = numeric(f.rooms) as number;
  for (const k of ['steps', 'guidance', 'eta'] as const) if (f[k] !== undefined) base[k] = numeric(f[k]!) as number;
  if (f.model !== undefined) base.model = f.model;
  if (f.class !== undefined) base.class = f.class;
  if (f.sampler !== undefined) base.sampler = f.sampler as DungeonRequest['sampler'];
  const { request, model } = normalizeDungeonRequest(await runtime.manifest(), base);
  if (count > 0x100000000 - request.seed) throw new InvalidRequestError('count', 'seed + count must stay below 2^32');
  const training = loadTrainingRooms(f.data ?? defaultDataDir());
  await runtime.dungeon({ ...base, rooms: 2, steps: 1, seed: 0, ensurePlayable: false }); // load the session off the clock
  const results: GeneratedDungeon[] = [];
  const failures: DungeonEvalReport['failures'] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const seed = request.seed + i;
    try {
      results.push(await runtime.dungeon({ ...base, seed }));
    } catch (e) {
      if (!(e instanceof UnplayableLevelError)) throw e;
      failures.push({ seed, error: e.message });
    }
    if (f.progress && ((i + 1) % Math.max(1, Math.floor(count / 10)) === 0 || i + 1 === count))
      report(`eval levels (dungeon): ${i + 1}/${count}, ${((performance.now() - started) / (i + 1)).toFixed(0)} ms/dungeon, ${failures.length} failed`);
  }
  const tiles = dungeonTiles(model.tiles!);
  const rooms = results.flatMap((r) => r.metadata.plan.rooms.map((room) => extractRoom(r.grid, room, tiles)));
  const grids = training.map((r) => r.grid);
  const meta = results.map((r) => r.metadata);
  const guarded = !f.allowCopies && (model.knownRooms?.length ?? 0) > 0;
  return {
    model: model.id,
    version: model.version,
    sha256: model.sha256,
    device: results[0]?.device ?? '',
    count,
    rooms: request.rooms,
    seed: request.seed,
    steps: request.steps,
    guidance: request.guidance,
    sampler: request.sampler,
    eta: request.eta,
    class: request.class,
    playable_raw: round(meta.filter((m) => m.playableRaw).length / count),
    playable: round(meta.filter((m) => m.playable).length / count),
    novelty: round(roomNovelty(rooms, grids)),
    // Rooms the pipeline asked for are `samples - copyResamples` (the guard's extra tries apart);
    // without the guard (allowCopies, or a model without knownRooms) nothing was caught.
    novelty_raw: guarded
      ? round(1 - meta.reduce((n, m) => n + m.copiedRooms, 0) / Math.max(1, meta.reduce((n, m) => n + m.samples - m.copyResamples, 0)))
      : round(roomNovelty(rooms, grids)),
    interior_novelty: round(roomNovelty(rooms, grids, true)),
    novelty_baseline: round(roomNoveltyBaseline(training)),
    interior_novelty_baseline: round(roomNoveltyBaseline(training, true)),
    kl: round(roomKl(rooms, grids)),
    kl_baseline: round(roomKlBaseline(training)),
    ms_per_dungeon: round(mean(results.map((r) => r.ms)), 1),
    retries_per_dungeon: round(mean(meta.map((m) => m.retries.length)), 3),
    carved_per_dungeon: round(mean(meta.map((m) => m.carved)), 2),
    copy_resamples_per_dungeon: round(mean(meta.map((m) => m.copyResamples)), 2),
    failures,
    training_rooms: training.length,
  };
}

export function dungeonEvalTable(r: DungeonEvalReport): string {
  const rows: Array<[string, number, string, boolean | null]> = [
    ['playable_raw', r.playable_raw, '', null],
    ['playable', r.playable, '= 1.0', r.playable === 1],
    ['novelty', r.novelty, '>= 0.99', r.novelty >= 0.99],
    ['novelty_raw', r.novelty_raw, 'before the novelty guard', null],
    ['interior_novelty', r.interior_novelty, '', null],
    ['novelty_baseline', r.novelty_baseline, 'the data: odd maps vs even maps', null],
    ['interior_novelty_baseline', r.interior_novelty_baseline, '', null],
    ['kl', r.kl, `<= 1.5 x kl_baseline = ${(1.5 * r.kl_baseline).toFixed(3)}`, r.kl <= 1.5 * r.kl_baseline],
    ['kl_baseline', r.kl_baseline, '', null],
    ['ms_per_dungeon', r.ms_per_dungeon, '', null],
    ['retries_per_dungeon', r.retries_per_dungeon, '', null],
    ['carved_per_dungeon', r.carved_per_dungeon, '', null],
    ['copy_resamples_per_dungeon', r.copy_resamples_per_dungeon, '', null],
  ];
  return [
    `eval levels (dungeon): ${r.count} dungeons of ${r.rooms} rooms, seeds ${r.seed}..${r.seed + r.count - 1}, ${r.model} ${r.version} on ${r.device}, ${r.steps} steps, guidance ${r.guidance}, ${r.sampler}, class ${r.class ?? 'from each seed'}`,
    '',
    ...rows.map(([n, v, t, ok]) => `${n.padEnd(20)}${v.toFixed(3).padStart(10)}  ${t}${ok === null ? '' : ok ? '  ok' : '  MISSED'}`),
    ...(r.failures.length ? ['', `repair gave up on ${r.failures.length} dungeon(s):`, ...r.failures.map((x) => `  seed ${x.seed}: ${x.error}`)] : []),
  ].join('\n');
}
