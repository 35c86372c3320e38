/**
 * `runtime.dungeon` and `runtime.regenerateRoom`: the dungeon pipeline (levels/dungeon/) wired to
 * the runtime's job runner and cache. A room is one model window (the model's 11 x 16 layout), so
 * the platformer's window sampler (levels.ts) samples it, with the room's wall ring and doors as
 * the known region.
 */
import type { ResultCache } from '../cache/cache.ts';
import { InvalidRequestError, throwIfAborted } from '../errors.ts';
import { now } from '../clock.ts';
import type { LevelGrid } from '../models/codecs.ts';
import type { Manifest, ModelEntry } from '../models/manifest.ts';
import type { SamplerName } from '../core/samplers.ts';
import { boolean, integer, object, onlyFields } from '../validate.ts';
import { buildDungeon, regenerateRoom, type DungeonMetadata, type DungeonOptions, type DungeonOutput } from '../levels/dungeon/generate.ts';
import { ROOM_COLS, ROOM_ROWS, dungeonTiles } from '../levels/dungeon/legend.ts';
import { planDungeon } from '../levels/dungeon/layout.ts';
import { cachedResult, labelsFor, runJob, type JobContext } from './jobs.ts';
import { windowSampler } from './levels.ts';
import { normalizeSampling, resolveModel, type NormalizedSampling } from './request.ts';
import type { GenerateOptions, GeneratedLevel } from './types.ts';

export const MIN_ROOMS = 2;
export const MAX_ROOMS = 64;
export const DEFAULT_ROOMS = 6;

export interface DungeonRequest {
  kind?: 'dungeon';
  /** A level model whose manifest genre is `dungeon`; default the manifest's first one. */
  model?: string;
  /** Rooms, 2..64 (default 6), joined by doors on a grid; the goal is the room farthest from the start. */
  rooms?: number;
  seed?: number;
  steps?: number;
  guidance?: number;
  class?: string;
  sampler?: SamplerName;
  eta?: number;
  /** Re-sample, then carve, the room that blocks the way until start, goal, every door and room connect. Default true. */
  ensurePlayable?: boolean;
}

export interface NormalizedDungeonRequest extends NormalizedSampling {
  kind: 'dungeon';
  model: string;
  rooms: number;
  ensurePlayable: boolean;
}

export interface RoomOptions {
  /** Index of the room in `metadata.plan.rooms`. */
  room: number;
  seed?: number;
  /** Default true. Only this room may change; a dungeon broken elsewhere is an UnplayableLevelError. */
  ensurePlayable?: boolean;
}

/** A generated dungeon: the whole map (rooms placed on their grid, void between) and how it was made. */
export interface GeneratedDungeon extends Omit<GeneratedLevel, 'kind' | 'request' | 'metadata'> {
  kind: 'dungeon';
  request: NormalizedDungeonRequest;
  metadata: DungeonMetadata;
}

const FIELDS = ['kind', 'model', 'rooms', 'seed', 'steps', 'guidance', 'class', 'sampler', 'eta', 'ensurePlayable'] as const;

function dungeonModel(manifest: Manifest, r: Record<string, unknown>): ModelEntry {
  if (r.kind !== undefined && r.kind !== 'dungeon') throw new InvalidRequestError('kind', `must be "dungeon" here (got ${JSON.stringify(r.kind)})`);
  const model = resolveModel(manifest, { kind: 'level', model: r.model }, 'dungeon');
  if (model.genre !== 'dungeon') throw new InvalidRequestError('model', `${model.id} is not a dungeon model (its manifest entry has no genre "dungeon")`);
  if (model.layout.height !== ROOM_ROWS || model.layout.width !== ROOM_COLS)
    throw new InvalidRequestError('model', `${model.id} makes ${model.layout.height}x${model.layout.width} windows; dungeon rooms are ${ROOM_ROWS}x${ROOM_COLS}`);
  dungeonTiles(model.tiles!); // the tiles a dungeon needs, or a named error
  return model;
}

export function normalizeDungeonRequest(manifest: Manifest, raw: unknown): { request: NormalizedDungeonRequest; model: ModelEntry } {
  const r = object('request', raw);
  onlyFields(r, FIELDS);
  const model = dungeonModel(manifest, r);
  const rooms = r.rooms === undefined ? DEFAULT_ROOMS : integer('rooms', r.rooms, MIN_ROOMS, MAX_ROOMS);
  const ensurePlayable = r.ensurePlayable === undefined ? true : boolean('ensurePlayable', r.ensurePlayable);
  return { request: { kind: 'dungeon', model: model.id, rooms, ensurePlayable, ...normalizeSampling(model, r) }, model };
}

export interface DungeonApi {
  dungeon(request: DungeonRequest, options?: GenerateOptions): Promise<GeneratedDungeon>;
  regenerateRoom(dungeon: GeneratedDungeon, options: RoomOptions, opts?: GenerateOptions): Promise<GeneratedDungeon>;
}

export interface DungeonApiDeps extends JobContext {
  loadManifest(): Promise<{ manifest: Manifest; baseUrl: URL }>;
  cache?: ResultCache;
}

export function createDungeonApi(deps: DungeonApiDeps): DungeonApi {
  async function run(model: ModelEntry, request: NormalizedDungeonRequest, label: number, rooms: number, baseUrl: URL, opts: GenerateOptions, body: (o: DungeonOptions) => Promise<DungeonOutput>) {
    const out = await runJob(deps, model, baseUrl, rooms * request.steps, opts, (denoise, onStep) =>
      body({ sample: windowSampler(denoise, model, request, label, undefined, onStep), ensurePlayable: request.ensurePlayable, label, class: request.class }),
    );
    const { grid, metadata } = out.value;
    return { kind: 'dungeon' as const, model: model.id, version: model.version, sha256: model.sha256, request, grid, metadata, device: out.device, cached: false, ms: 0 };
  }

  return {
    async dungeon(raw, opts = {}) {
      const started = now();
      const { manifest, baseUrl } = await deps.loadManifest();
      const { request, model } = normalizeDungeonRequest(manifest, raw);
      return cachedResult(deps.cache, model, request, started, opts.signal, async () => {
        const label = labelsFor(model, request.class, request.seed, 1)[0]!;
        const plan = planDungeon(request.rooms, request.seed);
        return run(model, request, label, plan.rooms.length, baseUrl, opts, (o) => buildDungeon(plan, model.tiles!, request.seed, o));
      });
    },

    async regenerateRoom(dungeon, raw, opts = {}) {
      const started = now();
      const { manifest, baseUrl } = await deps.loadManifest();
      const { model } = normalizeDungeonRequest(manifest, { model: dungeon.model });
      const o = object('options', raw);
      onlyFields(o, ['room', 'seed', 'ensurePlayable']);
      const { plan } = dungeon.metadata;
      const room = integer('room', o.room, 0, plan.rooms.length - 1);
      const grid: LevelGrid = dungeon.grid;
      if (grid.rows !== plan.gridRows * ROOM_ROWS || grid.cols !== plan.gridCols * ROOM_COLS || grid.cells.length !== grid.rows * grid.cols)
        throw new InvalidRequestError('dungeon', `grid ${grid.rows}x${grid.cols} does not match its plan (${plan.gridRows}x${plan.gridCols} rooms of ${ROOM_ROWS}x${ROOM_COLS})`);
      const bad = grid.cells.findIndex((id) => id >= model.tiles!.length);
      if (bad >= 0) throw new InvalidRequestError('dungeon', `tile id ${grid.cells[bad]} at row ${Math.floor(bad / grid.cols)}, column ${bad % grid.cols} is not in the legend (0..${model.tiles!.length - 1})`);
      throwIfAborted(opts.signal);
      const seed = o.seed === undefined ? normalizeSampling(model, {}).seed : integer('seed', o.seed, 0, 0xffffffff);
      const request = { ...dungeon.request, seed, ensurePlayable: o.ensurePlayable === undefined ? true : boolean('ensurePlayable', o.ensurePlayable) };
      const result = await run(model, request, dungeon.metadata.label, 1, baseUrl, opts, (opt) => regenerateRoom(grid, plan, room, seed, opt));
      result.ms = now() - started;
      return result;
    },
  };
}
