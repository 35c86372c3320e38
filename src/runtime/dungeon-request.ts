/**
 * The dungeon request (`runtime.dungeon`, the CLI's `--rooms`, pack entries): its fields, the
 * room-regeneration options, and their normalisation against a dungeon model (manifest genre
 * "dungeon", 11 x 16 rooms), with named errors. The pipeline is runtime/dungeon.ts.
 */
import { InvalidRequestError } from '../errors.ts';
import type { Manifest, ModelEntry } from '../models/manifest.ts';
import { boolean, integer, object, onlyFields } from '../validate.ts';
import { ROOM_COLS, ROOM_ROWS, dungeonTiles } from '../levels/dungeon/legend.ts';
import { normalizeSampling, resolveModel, type NormalizedSampling, type SamplingFields } from './request.ts';

export const MIN_ROOMS = 2;
export const MAX_ROOMS = 64;
export const DEFAULT_ROOMS = 6;

export interface DungeonRequest extends SamplingFields {
  kind?: 'dungeon';
  /** A level model whose manifest genre is `dungeon`; default the manifest's first one. */
  model?: string;
  /** Rooms, 2..64 (default 6), joined by doors on a grid; the goal is the room farthest from the start. */
  rooms?: number;
  /** Re-sample, then carve, the room that blocks the way until start, goal, every door and room connect. Default true. */
  ensurePlayable?: boolean;
  /** Keep rooms equal to a training room instead of sampling them again (the novelty guard; models that list knownRooms). Default false. */
  allowCopies?: boolean;
}

export interface NormalizedDungeonRequest extends NormalizedSampling {
  kind: 'dungeon';
  model: string;
  rooms: number;
  ensurePlayable: boolean;
  allowCopies: boolean;
}

export interface RoomOptions {
  /** Index of the room in `metadata.plan.rooms`. */
  room: number;
  seed?: number;
  /** Default true. Only this room may change; a dungeon broken elsewhere is an UnplayableLevelError. */
  ensurePlayable?: boolean;
}

const FIELDS = ['kind', 'model', 'rooms', 'seed', 'steps', 'guidance', 'class', 'sampler', 'eta', 'ensurePlayable', 'allowCopies'] as const;

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
  const allowCopies = r.allowCopies === undefined ? false : boolean('allowCopies', r.allowCopies);
  return { request: { kind: 'dungeon', model: model.id, rooms, ensurePlayable, allowCopies, ...normalizeSampling(model, r) }, model };
}
