/**
 * "Extend this level": the level request that continues a level to the right (outpainting). The
 * level's last `context` columns are pinned as the first columns of the new request and the model
 * samples the rest, so the continuation joins on. Streaming worlds (the sample game) call it once
 * per chunk through the plugin's `extendLevel`.
 */
import { InvalidRequestError } from '../errors.ts';
import type { LevelGrid } from '../models/codecs.ts';
import { columnRuns } from '../levels/pins.ts';
import { startCells } from '../levels/playability.ts';
import { integer } from '../validate.ts';
import { MAX_LEVEL_WIDTH, type LevelRequest } from './level-request.ts';

/** Known columns of a continuation by default: a quarter of a 32-column model window. */
export const DEFAULT_EXTEND_CONTEXT = 8;

export interface ExtendLevelRequest extends Omit<LevelRequest, 'width' | 'constraints' | 'flatStart'> {
  /** New columns after the context. */
  columns: number;
  /** The level's last columns pinned at the start of the continuation; default 8 (at most the level's width). */
  context?: number;
}

/**
 * The level request for `columns` new columns after `level`; its result's first `context`
 * columns are the level's last. ensurePlayable is kept only when the checker can find a start
 * in the pinned columns (checkPlayability starts on ground there, so without any every attempt
 * would fail).
 */
export function extendLevelRequest(level: LevelGrid, request: ExtendLevelRequest): LevelRequest {
  const { columns: rawColumns, context: rawContext, ...rest } = request;
  const context = rawContext === undefined ? Math.min(DEFAULT_EXTEND_CONTEXT, level.cols) : integer('context', rawContext, 1, level.cols);
  const columns = integer('columns', rawColumns, 1, MAX_LEVEL_WIDTH - context);
  if (level.cells.length !== level.rows * level.cols) throw new InvalidRequestError('level', `has ${level.cells.length} cells, expected rows x cols = ${level.rows * level.cols}`);
  const tail: LevelGrid = { rows: level.rows, cols: context, legend: level.legend, cells: new Uint8Array(level.rows * context) };
  for (let r = 0; r < level.rows; r++) tail.cells.set(level.cells.subarray(r * level.cols + level.cols - context, (r + 1) * level.cols), r * context);
  return {
    ...rest,
    kind: 'level',
    width: context + columns,
    flatStart: 0,
    constraints: columnRuns(tail).map(({ tile, ...rect }) => ({ rect, tile })),
    ensurePlayable: (rest.ensurePlayable ?? false) && startCells(tail).length > 0,
  };
}
