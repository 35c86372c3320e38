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
import { boolean, integer, object, onlyFields } from '../validate.ts';
import { buildDungeon, regenerateRoom, type DungeonMetadata, type DungeonOptions, type DungeonOutput } from '../levels/dungeon/generate.ts';
import { ROOM_COLS, ROOM_ROWS } from '../levels/dungeon/legend.ts';
import { planDungeon } from '../levels/dungeon/layout.ts';
import { cachedResult, labelsFor, runJob, type JobContext } from './jobs.ts';
import { windowSampler } from './levels.ts';
import { normalizeDungeonRequest, type DungeonRequest, type NormalizedDungeonRequest, type RoomOptions } from './dungeon-request.ts';
import { normalizeSampling } from './request.ts';
import type { GenerateOptions, GeneratedDungeon } from './types.ts';

export interface DungeonApi {
  dungeon(request: DungeonRequest, options?: GenerateOptions): Promise<GeneratedDungeon>;
  regenerateRoom(dungeon: GeneratedDungeon, options: RoomOptions, opts?: GenerateOptions): Promise<GeneratedDungeon>;
}

export interface DungeonApiDeps extends JobContext {
  loadManifest(): Promise<{ manifest: Manifest; baseUrl: URL }>;
  cache?: ResultCache;
}

const knownSets = new WeakMap<ModelEntry, ReadonlySet<string>>();
/** The model's training-room fingerprints as a set, built once per manifest entry. */
function knownRoomsOf(model: ModelEntry): ReadonlySet<string> | undefined {
  if (!model.knownRooms) return undefined;
  let set = knownSets.get(model);
  if (!set) knownSets.set(model, (set = new Set(model.knownRooms)));
  return set;
}

export function createDungeonApi(deps: DungeonApiDeps): DungeonApi {
  async function run(model: ModelEntry, request: NormalizedDungeonRequest, label: number, rooms: number, baseUrl: URL, opts: GenerateOptions, body: (o: DungeonOptions) => Promise<DungeonOutput>) {
    const out = await runJob(deps, model, baseUrl, rooms * request.steps, opts, (denoise, onStep) =>
      body({ sample: windowSampler(denoise, model, request, label, undefined, onStep), ensurePlayable: request.ensurePlayable, label, class: request.class, knownRooms: request.allowCopies ? undefined : knownRoomsOf(model) }),
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
