/**
 * Outpainting and inpainting over a level wider than the model's window, with no model code: the
 * caller passes a `WindowSampler` (the runtime's wraps one onnxruntime session).
 *
 * A region [from, to) is filled left to right. Each window is `window` columns wide and starts
 * `context` columns before the first column still to make, so those columns (already final, or
 * outside the region) go to the model as known context (mask = 1) and the new columns continue
 * them: no seam, because the model sees both sides of every boundary it draws across. Known
 * columns right of the region (regenerating the middle of a level) sit in the same window and are
 * known too, so the last window joins up with them. Pinned cells are known wherever they fall.
 * Only the window's new columns that lie in the region are kept; the rest of the window is
 * re-made by the next one with this one's output as its context.
 *
 * Windows past the level's right edge (a level narrower than one window) are free columns that
 * are sampled and dropped.
 */
import type { LevelGrid } from './legend.ts';

export interface WindowRequest {
  /** Window number within this fill (the noise stream: window i of a fill always gets the same noise for the same seed). */
  index: number;
  /** Seed of this fill. */
  seed: number;
  /** First level column of the window. */
  start: number;
  rows: number;
  /** Window width (the model's). */
  cols: number;
  /** rows x cols tile ids, row-major; meaningful where `mask` is 1. */
  cells: Uint8Array;
  /** rows x cols, 1 = known (context or pin), 0 = to sample. */
  mask: Uint8Array;
}

/** Samples one window: returns rows x cols tile ids (known cells should come back unchanged). */
export type WindowSampler = (window: WindowRequest) => Promise<Uint8Array>;

export interface FillOptions {
  /** The model's window width. */
  window: number;
  /** Known columns kept on the left of each window (default: half the window, at most 16). */
  context?: number;
}

export const defaultContext = (window: number): number => Math.min(16, Math.floor(window / 2));

/** The windows a fill of [from, to) takes: [start, first new column, end of kept columns). */
export function planWindows(from: number, to: number, cols: number, opts: FillOptions): Array<{ start: number; keepFrom: number; keepTo: number }> {
  const w = opts.window;
  const k = opts.context ?? defaultContext(w);
  if (k >= w) throw new RangeError(`context ${k} must be smaller than the window ${w}`);
  const plan: Array<{ start: number; keepFrom: number; keepTo: number }> = [];
  for (let cur = from; cur < to; ) {
    const start = Math.max(0, Math.min(cur - k, cols - w));
    const keepTo = Math.min(to, start + w);
    plan.push({ start, keepFrom: cur, keepTo });
    cur = keepTo;
  }
  return plan;
}

/**
 * Fills columns [from, to) of `grid` in place (pinned cells excepted, which take their pin) by
 * sampling windows left to right; every cell outside the region is left as it is and serves as
 * known context. `pins` holds a tile id per cell, -1 where free. Returns the number of windows.
 */
export async function fillRegion(
  grid: LevelGrid,
  pins: Int16Array | null,
  from: number,
  to: number,
  seed: number,
  sample: WindowSampler,
  opts: FillOptions,
): Promise<number> {
  const { rows, cols } = grid;
  const w = opts.window;
  if (pins) for (let k = 0; k < pins.length; k++) if (pins[k]! >= 0) grid.cells[k] = pins[k]!;
  const plan = planWindows(from, to, cols, opts);
  for (const [index, { start, keepFrom, keepTo }] of plan.entries()) {
    const cells = new Uint8Array(rows * w);
    const mask = new Uint8Array(rows * w);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < w; j++) {
        const c = start + j;
        if (c >= cols) continue; // past the right edge: free, sampled and dropped
        const k = r * cols + c;
        const pinned = pins !== null && pins[k]! >= 0;
        // Known: pins, finished columns (left of the cursor) and what lies right of the region.
        if (pinned || c < keepFrom || c >= to) {
          mask[r * w + j] = 1;
          cells[r * w + j] = grid.cells[k]!;
        }
      }
    }
    const out = await sample({ index, seed, start, rows, cols: w, cells, mask });
    for (let r = 0; r < rows; r++) {
      for (let c = keepFrom; c < keepTo; c++) {
        const k = r * cols + c;
        if (pins === null || pins[k]! < 0) grid.cells[k] = out[r * w + (c - start)]!;
      }
    }
  }
  return plan.length;
}
