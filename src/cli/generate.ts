/**
 * `asset-diffusion generate <tile|sprite|level>`: flags -> a request, checked (with --out and the
 * manifest) before any model is loaded or file touched; then the runtime, one progress bar, and
 * every output file committed together. Levels go through runtime.level: any width, pins,
 * structure repair, optional playability retries; --count N makes seeds seed .. seed + N - 1.
 */
import { InvalidRequestError } from '../errors.ts';
import type { Device } from '../backend/onnx.ts';
import type { Kind } from '../models/manifest.ts';
import type { GenerateRequest } from '../runtime/request.ts';
import type { LevelRequest } from '../runtime/level-request.ts';
import { normalizeDungeonRequest, type DungeonRequest } from '../runtime/dungeon-request.ts';
import type { GeneratedDungeon } from '../runtime/types.ts';
import { createRuntime } from '../runtime/runtime.ts';
import type { GeneratedLevel, Runtime } from '../runtime/types.ts';
import { readCapped, readCappedText } from '../node/read.ts';
import { decodePngRgba } from '../png.ts';
import { variationSteps } from '../core/variation.ts';
import { integer } from '../validate.ts';
import { commitFiles, outputFile } from './files.ts';
import { loadCliManifest } from './manifest.ts';
import { chooseFormat, outputPaths, renderImages, renderLevels, type Format } from './output.ts';
import { progressReporter } from './progress.ts';

/** Largest `--constraints @file` read: 1,024 pins of a few dozen bytes each fit many times over. */
export const MAX_CONSTRAINTS_FILE_BYTES = 1024 * 1024;

/** Largest `--from` PNG read; a model-sized image is a few kilobytes. */
export const MAX_FROM_FILE_BYTES = 16 * 1024 * 1024;

/** Numbers stay strings unless they look like numbers, so validation can say `got "abc"`. */
export function numeric(value: string): number | string {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim()) ? Number(value) : value;
}

/** `generate`'s flags (the level ones are refused for sprites and tiles, and the other way round). */
export interface GenerateFlags {
  model?: string;
  class?: string;
  count?: string;
  seed?: string;
  steps?: string;
  guidance?: string;
  sampler?: string;
  eta?: string;
  width?: string;
  constraints?: string;
  ensurePlayable?: boolean;
  flatStart?: string;
  attributes?: string;
  /** Dungeon models: rooms per dungeon. */
  rooms?: string;
  /** Dungeon models: keep rooms equal to a training room (no novelty guard). */
  allowCopies?: boolean;
  /** Sprites: keep fragments (no fragment guard). */
  allowFragments?: boolean;
  palette?: string;
  alphaThreshold?: string;
  from?: string;
  strength?: string;
  format?: string;
  out: string;
  manifest?: string;
  device: Device;
  progress: boolean;
}

const SAMPLING_FLAGS = ['model', 'class', 'sampler'] as const;
const LEVEL_ONLY = ['constraints', 'flatStart', 'ensurePlayable', 'attributes', 'rooms', 'allowCopies'] as const;

function imageRequest(kind: string, f: GenerateFlags): GenerateRequest {
  for (const flag of LEVEL_ONLY) if (f[flag] !== undefined) throw new InvalidRequestError(flag, 'only applies to levels');
  const request: Record<string, unknown> = { kind };
  for (const key of SAMPLING_FLAGS) if (f[key] !== undefined) request[key] = f[key];
  for (const key of ['count', 'seed', 'steps', 'guidance', 'eta', 'width', 'palette', 'alphaThreshold', 'strength'] as const) if (f[key] !== undefined) request[key] = numeric(f[key]);
  // The runtime checks its size against the model and snaps it to the palette.
  if (f.from !== undefined) request.from = decodePngRgba(readCapped('from', f.from, MAX_FROM_FILE_BYTES), 'from');
  if (f.allowFragments) request.allowFragments = true;
  return request as GenerateRequest;
}

/** `--constraints '<json>'` or `--constraints @file.json` (a regular file, at most MAX_CONSTRAINTS_FILE_BYTES). */
function parseConstraints(value: string): unknown {
  const text = value.startsWith('@') ? readCappedText('constraints', value.slice(1), MAX_CONSTRAINTS_FILE_BYTES) : value;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidRequestError('constraints', `not valid JSON (${(e as Error).message.slice(0, 80)}); expected e.g. [{"row":12,"col":0,"tile":"X"},{"rect":{"row":13,"col":0,"rows":1,"cols":8},"tile":"X"}]`);
  }
}

/** `--attributes difficulty=0.8,enemies=many`: name=value pairs, numbers as numbers (the request validates the rest). */
export function parseAttributes(value: string): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const part of value.split(',')) {
    const m = /^\s*([A-Za-z0-9_]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!m) throw new InvalidRequestError('attributes', `expected name=value pairs separated by commas, e.g. difficulty=0.8,enemies=many (got ${JSON.stringify(part.slice(0, 40))})`);
    out[m[1]!] = numeric(m[2]!);
  }
  return out;
}

/** The level request the flags describe, and how many levels. */
export function levelRequest(f: GenerateFlags): { request: LevelRequest; count: number } {
  for (const key of ['palette', 'alphaThreshold', 'allowFragments'] as const) if (f[key] !== undefined) throw new InvalidRequestError(key, 'only applies to sprites');
  for (const key of ['from', 'strength'] as const) if (f[key] !== undefined) throw new InvalidRequestError(key, 'only applies to sprites and tiles');
  const request: Record<string, unknown> = { kind: 'level' };
  for (const key of SAMPLING_FLAGS) if (f[key] !== undefined) request[key] = f[key];
  for (const key of ['seed', 'steps', 'guidance', 'eta', 'width', 'flatStart'] as const) if (f[key] !== undefined) request[key] = numeric(f[key]);
  if (f.constraints !== undefined) request.constraints = parseConstraints(f.constraints);
  if (f.ensurePlayable) request.ensurePlayable = true;
  if (f.attributes !== undefined) request.attributes = parseAttributes(f.attributes);
  const count = f.count === undefined ? 1 : integer('count', numeric(f.count), 1, 64);
  return { request: request as LevelRequest, count };
}

export function levelSummary(levels: Array<GeneratedLevel | GeneratedDungeon>): string {
  const first = levels[0]!;
  const playable = levels.filter((l) => l.metadata.playable).length;
  if (first.kind === 'dungeon') {
    const d = levels as GeneratedDungeon[];
    return `${d.length} dungeon(s) of ${first.request.rooms} rooms (${first.grid.rows}x${first.grid.cols} cells) from ${first.model} ${first.version} on ${first.device}, seed ${first.metadata.seed}, ${first.request.steps} steps, ${playable}/${d.length} playable, ${d.reduce((n, l) => n + l.metadata.retries.length, 0)} rooms re-sampled, ${d.reduce((n, l) => n + l.metadata.carved, 0)} cells carved, ${d.reduce((n, l) => n + l.metadata.copyResamples, 0)} samples redone for copying a training room`;
  }
  const lv = levels as GeneratedLevel[];
  const attempts = lv.reduce((n, l) => n + l.metadata.attempts, 0);
  const repairs = lv.reduce((n, l) => n + (l.metadata.repairs ?? 0), 0);
  return `${levels.length} level(s) of ${first.grid.cols} columns from ${first.model} ${first.version} on ${first.device}, seed ${first.metadata.seed}, ${first.request.steps} steps, ${playable}/${levels.length} playable, ${attempts} playability retries, ${repairs} structure repairs`;
}

/** The checked plan: where each file goes, in which format, with which runtime. */
interface Plan {
  runtime: Runtime;
  format: Format;
  paths: string[];
}

async function plan(kind: string, flags: GenerateFlags, check: (runtime: Runtime) => Promise<void>): Promise<Plan> {
  const out = outputFile('out', flags.out);
  const source = loadCliManifest(flags.manifest, (m) => console.error(m));
  // No IndexedDB in Node, and the file written is the CLI's cache.
  const runtime = createRuntime({ manifest: source, device: flags.device, cache: false });
  try {
    await check(runtime);
    const format = chooseFormat(kind as Kind, flags.format, out);
    // A TMJ map's tileset is checked like --out itself: never a folder, written through a link.
    const paths = outputPaths(format, out).map((p, i) => (i === 0 ? p : outputFile('out', p)));
    return { runtime, format, paths };
  } catch (e) {
    await runtime.dispose();
    throw e;
  }
}

export async function generateCommand(kind: string, flags: GenerateFlags): Promise<void> {
  if (kind === 'level') return generateLevels(flags);
  const request = imageRequest(kind, flags);
  let seed = 0;
  let steps = 0;
  const { runtime, format, paths } = await plan(kind, flags, async (rt) => void ({ seed, steps } = await rt.validate(request)));
  const progress = progressReporter(flags.progress, 'generate');
  try {
    progress.start(1);
    const result = await runtime.generate({ ...request, seed }, { onProgress: progress.progress });
    progress.stop();
    if (result.kind === 'level') throw new Error('expected images'); // kind was checked against the model
    const files = renderImages(result, format, paths[0]!);
    await commitFiles(files);
    const variation = result.request.strength === undefined ? '' : `, variations of ${flags.from} at strength ${result.request.strength} (${variationSteps(result.request.strength, steps)} of the ${steps} steps run)`;
    const fragments = result.resampled ? `, ${result.resampled} fragment(s) sampled again` : '';
    console.log(`wrote ${files.map(([p]) => p).join(', ')}: ${result.images.length} ${result.kind}(s) from ${result.model} ${result.version} on ${result.device}, seed ${seed}, ${steps} steps${variation}${fragments}, ${(result.ms / 1000).toFixed(2)} s`);
  } finally {
    progress.stop();
    await runtime.dispose();
  }
}

/** The dungeon request the flags describe (a level of a dungeon model: rooms, no width or pins). */
function dungeonRequest(f: GenerateFlags): DungeonRequest {
  for (const key of ['width', 'constraints', 'flatStart', 'attributes'] as const) if (f[key] !== undefined) throw new InvalidRequestError(key, `does not apply to dungeon model ${f.model}; give --rooms`);
  const request: Record<string, unknown> = {};
  for (const key of SAMPLING_FLAGS) if (f[key] !== undefined) request[key] = f[key];
  for (const key of ['seed', 'steps', 'guidance', 'eta', 'rooms'] as const) if (f[key] !== undefined) request[key] = numeric(f[key]);
  if (f.allowCopies) request.allowCopies = true;
  return request as DungeonRequest;
}

async function generateLevels(flags: GenerateFlags): Promise<void> {
  let dungeon = false;
  const { request, count } = levelRequest({ ...flags, rooms: undefined });
  let seed = 0;
  const { runtime, format, paths } = await plan('level', flags, async (rt) => {
    dungeon = (await rt.manifest()).models.some((m) => m.id === flags.model && m.genre === 'dungeon');
    if (dungeon && count > 1 && !['vglc', 'json'].includes(chooseFormat('level', flags.format, flags.out))) throw new InvalidRequestError('count', 'dungeons differ in size: one per TMJ or PNG file (use --format vglc or json for several)');
    for (const key of ['rooms', 'allowCopies'] as const)
      if (!dungeon && flags[key] !== undefined) throw new InvalidRequestError(key, `only applies to dungeon models (${request.model ?? 'the default level model'} is a platformer one)`);
    seed = dungeon ? normalizeDungeonRequest(await rt.manifest(), dungeonRequest(flags)).request.seed : (await rt.validateLevel(request)).seed;
    if (count > 1 && seed + count > 0x100000000) throw new InvalidRequestError('count', 'seed + count must stay below 2^32');
  });
  const progress = progressReporter(flags.progress, 'generate');
  try {
    progress.start(count);
    const levels: Array<GeneratedLevel | GeneratedDungeon> = [];
    for (let i = 0; i < count; i++) {
      progress.item(`level ${i + 1}/${count}`);
      const opts = { onProgress: progress.progress };
      levels.push(dungeon ? await runtime.dungeon({ ...dungeonRequest(flags), seed: seed + i }, opts) : await runtime.level({ ...request, seed: seed + i }, opts));
      progress.done();
    }
    progress.stop();
    const files = renderLevels(levels, format, paths[0]!);
    await commitFiles(files.map(([, bytes], i) => [paths[i]!, bytes]));
    const ms = levels.reduce((t, l) => t + l.ms, 0);
    console.log(`wrote ${files.map(([p]) => p).join(', ')}: ${levelSummary(levels)}, ${(ms / 1000).toFixed(2)} s`);
  } finally {
    progress.stop();
    await runtime.dispose();
  }
}
