/**
 * The long-level request (`runtime.level`, `runtime.regenerate`, the worker, the CLI) and its one
 * validation: defaults from the manifest, constraints compiled to a grid of pins, and an
 * InvalidRequestError naming the field (`constraints[2].tile`, `width`, ...) and its valid values.
 * What comes out is canonical (pins as rectangles of tile ids), so it can key the cache.
 */
import { InvalidRequestError } from '../errors.ts';
import type { Manifest, ModelEntry, TileInfo } from '../models/manifest.ts';
import type { SamplerName } from '../core/samplers.ts';
import { normalizeSampling, resolveModel, type NormalizedSampling, type Resolved, type SamplingFields } from './request.ts';
import { boolean, describe, integer, object, onlyFields } from '../validate.ts';
import { flatStartPins, pinGrid, tileRef, type PinRect } from '../levels/pins.ts';
import { normalizeAttributes, type LevelAttributes, type NormalizedAttributes } from './level-attributes.ts';

export const MIN_LEVEL_WIDTH = 16;
export const MAX_LEVEL_WIDTH = 10_000;
/** Size cap: pins are checked cell by cell, so their number bounds the work a request can ask for. */
export const MAX_CONSTRAINTS = 1024;
/** Size cap on a level grid (rows x columns): the pin grids and the playability checker allocate a few arrays of this size. */
export const MAX_LEVEL_CELLS = 1 << 20;
/** Columns of ground pinned at the left edge by default, so Mario starts on solid ground. */
export const DEFAULT_FLAT_START = 4;

/** A tile by legend character (`'X'`) or id (index into the model's legend). */
export type TileRef = string | number;

export type LevelConstraint =
  | { row: number; col: number; tile: TileRef }
  | { rect: { row: number; col: number; rows: number; cols: number }; tile: TileRef };

export interface LevelRequest extends SamplingFields {
  kind?: 'level';
  /** Level model id; default: the manifest's first level model. */
  model?: string;
  /** Columns, 16..10,000; default: one model window. Wider levels are outpainted window by window. */
  width?: number;
  /** Class (for level-smb: the source game, `smb` or `smb2-japan`); default drawn from the seed. */
  class?: string;
  /** Pinned cells and rectangles; every other cell is sampled. */
  constraints?: LevelConstraint[];
  /** Check with the SMB-physics checker and regenerate failing regions until playable (or throw). Default false. */
  ensurePlayable?: boolean;
  /**
   * Columns at the left edge pinned to a flat start: ground in the bottom two rows, empty above.
   * Default 4; 0 turns it off. Explicit constraints win over it where they overlap.
   */
  flatStart?: number;
  /**
   * What the level should be like, for models that take attributes (the manifest entry lists them;
   * level-smb: difficulty, enemies, gaps, pipes, elevation): a number in [0, 1] (where the level
   * ranks among the training windows, 0.5 = the median) or none / few / some / many. Attributes
   * left out are free.
   */
  attributes?: LevelAttributes;
}

/** What a normalized level request and a normalized regenerate share: how the windows are sampled. */
interface LevelSampling extends NormalizedSampling {
  model: string;
  ensurePlayable: boolean;
  /** The attributes given, as numbers (named levels resolved); absent when none were. */
  attributes?: NormalizedAttributes;
}

export interface NormalizedLevelRequest extends LevelSampling {
  kind: 'level';
  width: number;
  constraints: PinRect[];
  flatStart: number;
}

export interface RegenerateOptions extends SamplingFields {
  /** First column to redo (inclusive). */
  fromCol: number;
  /** End column (exclusive). */
  toCol: number;
  /** Level model; default: the model of a result passed in, else the first level model. */
  model?: string;
  /** Retry the region with new noise until the whole level is playable (or throw). Default false. */
  ensurePlayable?: boolean;
  /** As LevelRequest.attributes; default: those of a result passed in (same model), else none. */
  attributes?: LevelAttributes;
}

export interface NormalizedRegenerate extends LevelSampling {
  fromCol: number;
  toCol: number;
}

const LEVEL_FIELDS = ['kind', 'model', 'width', 'seed', 'steps', 'guidance', 'class', 'sampler', 'eta', 'constraints', 'ensurePlayable', 'flatStart', 'attributes'] as const;
const REGENERATE_FIELDS = ['fromCol', 'toCol', 'seed', 'model', 'steps', 'guidance', 'class', 'sampler', 'eta', 'ensurePlayable', 'attributes'] as const;

function levelModel(manifest: Manifest, r: Record<string, unknown>): ModelEntry {
  if (r.kind !== undefined && r.kind !== 'level') throw new InvalidRequestError('kind', `must be "level" here (got ${describe(r.kind)})`);
  const model = resolveModel(manifest, { kind: 'level', model: r.model });
  if (model.genre === 'dungeon') throw new InvalidRequestError('model', `${model.id} makes dungeons of rooms, not platformer levels: use runtime.dungeon`);
  return model;
}

function pin(field: string, raw: unknown, rows: number, cols: number, legend: readonly TileInfo[]): PinRect {
  const c = object(field, raw);
  const tile = tileRef(`${field}.tile`, c.tile, legend);
  if (c.rect !== undefined) {
    onlyFields(c, ['rect', 'tile'], `${field}.`);
    const r = object(`${field}.rect`, c.rect);
    onlyFields(r, ['row', 'col', 'rows', 'cols'], `${field}.rect.`);
    const row = integer(`${field}.rect.row`, r.row, 0, rows - 1);
    const col = integer(`${field}.rect.col`, r.col, 0, cols - 1);
    const h = integer(`${field}.rect.rows`, r.rows, 1, rows - row);
    const w = integer(`${field}.rect.cols`, r.cols, 1, cols - col);
    return { row, col, rows: h, cols: w, tile };
  }
  onlyFields(c, ['row', 'col', 'tile'], `${field}.`);
  return { row: integer(`${field}.row`, c.row, 0, rows - 1), col: integer(`${field}.col`, c.col, 0, cols - 1), rows: 1, cols: 1, tile };
}

/**
 * Every pin of a normalized request, as a grid: the flat start first, then the constraints, which
 * override it where they overlap (they were checked against each other when normalized).
 */
export function requestPins(request: NormalizedLevelRequest, rows: number, legend: readonly TileInfo[]): Int16Array {
  const pins = pinGrid(rows, request.width, request.constraints, legend);
  const start = pinGrid(rows, request.width, flatStartPins(rows, Math.min(request.flatStart, request.width), legend), legend);
  for (let k = 0; k < pins.length; k++) if (pins[k]! < 0) pins[k] = start[k]!;
  return pins;
}

export function normalizeLevelRequest(manifest: Manifest, raw: unknown): Resolved<NormalizedLevelRequest> {
  const r = object('request', raw);
  onlyFields(r, LEVEL_FIELDS);
  const model = levelModel(manifest, r);
  const present = (k: string): boolean => r[k] !== undefined;
  const legend = model.tiles!;
  const rows = model.layout.height;
  const width = present('width') ? integer('width', r.width, MIN_LEVEL_WIDTH, MAX_LEVEL_WIDTH) : Math.max(MIN_LEVEL_WIDTH, model.layout.width);
  if (rows * width > MAX_LEVEL_CELLS)
    throw new InvalidRequestError('width', `${width} columns of ${rows} rows exceed the ${MAX_LEVEL_CELLS}-cell level limit; valid: at most ${Math.floor(MAX_LEVEL_CELLS / rows)} columns for model ${model.id}`);
  let constraints: PinRect[] = [];
  if (present('constraints')) {
    if (!Array.isArray(r.constraints)) throw new InvalidRequestError('constraints', `must be an array of { row, col, tile } or { rect: { row, col, rows, cols }, tile } (got ${describe(r.constraints)})`);
    if (r.constraints.length > MAX_CONSTRAINTS) throw new InvalidRequestError('constraints', `has ${r.constraints.length} entries; valid: at most ${MAX_CONSTRAINTS} (use rects for large areas)`);
    constraints = r.constraints.map((c, i) => pin(`constraints[${i}]`, c, rows, width, legend));
    pinGrid(rows, width, constraints, legend); // contradictions
  }
  const ensurePlayable = present('ensurePlayable') ? boolean('ensurePlayable', r.ensurePlayable) : false;
  const flatStart = present('flatStart') ? integer('flatStart', r.flatStart, 0, width) : DEFAULT_FLAT_START;
  const { seed, steps, guidance, class: cls, sampler, eta } = normalizeSampling(model, r);
  const attributes = normalizeAttributes(model, r.attributes);
  const request: NormalizedLevelRequest = { kind: 'level', model: model.id, width, seed, steps, guidance, class: cls, sampler, eta, constraints, ensurePlayable, flatStart, ...(attributes && { attributes }) };
  if (ensurePlayable) refuseImpossiblePins(requestPins(request, rows, legend), rows, width, legend);
  return { request, model };
}

/**
 * With ensurePlayable, pins that no sample can get past are refused up front rather than after
 * every attempt has failed: a column pinned solid or deadly from the top row to the bottom (a wall
 * across the whole height). Subtler impossibilities (a pinned wall too high to jump) surface as
 * an UnplayableLevelError naming the column once the bounded attempts are spent.
 */
function refuseImpossiblePins(pins: Int16Array, rows: number, cols: number, legend: readonly TileInfo[]): void {
  const blocks = (id: number) => id >= 0 && (legend[id]!.solid || legend[id]!.tags.some((t) => t === 'enemy' || t === 'damaging'));
  for (let c = 0; c < cols; c++) {
    let r = 0;
    while (r < rows && blocks(pins[r * cols + c]!)) r++;
    if (r === rows) {
      throw new InvalidRequestError('constraints', `column ${c} is pinned solid or deadly across the whole height (rows 0..${rows - 1}), so no level with these pins can be played; with ensurePlayable leave a gap in it or drop ensurePlayable`);
    }
  }
}

/** Regenerate options, with the defaults of `base` (a previous result's request) where given. */
export function normalizeRegenerate(
  manifest: Manifest,
  raw: unknown,
  level: { rows: number; cols: number; legend: readonly TileInfo[] },
  base?: { model: string; steps: number; guidance: number; class: string | null; sampler: SamplerName; eta: number; attributes?: NormalizedAttributes },
): Resolved<NormalizedRegenerate> {
  const r = object('options', raw);
  onlyFields(r, REGENERATE_FIELDS);
  const present = (k: string): boolean => r[k] !== undefined;
  const model = levelModel(manifest, { model: r.model ?? base?.model });
  const legend = model.tiles!;
  if (level.rows !== model.layout.height) throw new InvalidRequestError('level', `has ${level.rows} rows; model ${model.id} makes ${model.layout.height}`);
  if (level.cols < MIN_LEVEL_WIDTH || level.cols > MAX_LEVEL_WIDTH) throw new InvalidRequestError('level', `has ${level.cols} columns; valid: ${MIN_LEVEL_WIDTH}..${MAX_LEVEL_WIDTH}`);
  const chars = (l: readonly TileInfo[]) => l.map((t) => t.char).join('');
  if (chars(level.legend) !== chars(legend)) throw new InvalidRequestError('level', `legend ${chars(level.legend)} is not model ${model.id}'s (${chars(legend)})`);
  const fromCol = integer('fromCol', r.fromCol, 0, level.cols - 1);
  const toCol = integer('toCol', r.toCol, fromCol + 1, level.cols);
  // A previous result's settings carry over for the fields left out, when it used the same model.
  const inherit = base && base.model === model.id ? base : undefined;
  const { seed, steps, guidance, class: cls, sampler, eta } = normalizeSampling(model, r, inherit);
  const attributes = present('attributes') ? normalizeAttributes(model, r.attributes) : inherit?.attributes;
  const request: NormalizedRegenerate = {
    model: model.id,
    fromCol,
    toCol,
    seed,
    steps,
    guidance,
    class: cls,
    sampler,
    eta,
    ensurePlayable: present('ensurePlayable') ? boolean('ensurePlayable', r.ensurePlayable) : false,
    ...(attributes && { attributes }),
  };
  return { request, model };
}

/** Stable JSON of a normalized level request (cache key input). */
export function canonicalLevelRequest(request: NormalizedLevelRequest): string {
  // Attribute names are keys too; a request without attributes keys as it did before they existed.
  return JSON.stringify(request, [...LEVEL_FIELDS, 'row', 'col', 'rows', 'cols', 'tile', ...Object.keys(request.attributes ?? {})].sort());
}

