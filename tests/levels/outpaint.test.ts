/**
 * The long-level pipeline without a model: window plans, what each window sees as known, pins,
 * regenerate's byte-identical outside, and ensurePlayable's bounded retries, driven by fake
 * window samplers (seeded noise or scripted grids) so every case is exact and fast.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.ts';
import { UnplayableLevelError } from '../../src/errors.ts';
import { MAX_ATTEMPTS_PER_FAILURE, buildLevel, deriveSeed, regenerateRegion, type PipelineOptions } from '../../src/levels/generate.ts';
import { SMB_LEGEND, TILE, createGrid, tileAt } from '../../src/levels/legend.ts';
import { fillRegion, planWindows, type WindowRequest, type WindowSampler } from '../../src/levels/outpaint.ts';
import { checkPlayability } from '../../src/levels/playability.ts';
import { findBrokenStructures } from '../../src/levels/structure.ts';
import { flatStartPins, pinGrid } from '../../src/levels/pins.ts';
import { flat } from './helpers.ts';

const ROWS = 14;
const WINDOW = 32;

/** Unknown cells get a tile from the window's seed and index; known cells come back unchanged. */
const noiseSampler = (tiles = SMB_LEGEND.length, log?: WindowRequest[]): WindowSampler => async (w) => {
  log?.push({ ...w, cells: w.cells.slice(), mask: w.mask.slice() });
  const rng = createRng(w.seed, w.index);
  return Uint8Array.from(w.cells, (v, i) => (w.mask[i] ? v : rng.int(tiles)));
};

/** Flat ground (bottom two rows), sky above; a gap of `gap` columns after column 20 while `gappy()` says so. */
const groundSampler = (gappy: (w: WindowRequest) => boolean, gap = 12): WindowSampler => async (w) => {
  const out = w.cells.slice();
  for (let r = 0; r < w.rows; r++) {
    for (let j = 0; j < w.cols; j++) {
      const i = r * w.cols + j;
      if (w.mask[i]) continue;
      const c = w.start + j;
      const hole = gappy(w) && c >= 20 && c < 20 + gap;
      out[i] = r >= w.rows - 2 && !hole ? TILE.ground : TILE.empty;
    }
  }
  return out;
};

const options = (sample: WindowSampler, extra: Partial<PipelineOptions> = {}): PipelineOptions => ({
  sample, window: WINDOW, context: 16, ensurePlayable: false, label: 0, class: null, ...extra,
});
const noPins = (cols: number) => new Int16Array(ROWS * cols).fill(-1);

describe('window plan', () => {
  it.each([[0, 300, 300], [0, 16, 16], [0, 33, 33], [100, 120, 300], [0, 10, 300], [280, 300, 300]])(
    'fill %i..%i of %i columns: windows cover it exactly once, each with its context',
    (from, to, cols) => {
      const plan = planWindows(from, to, cols, { window: WINDOW, context: 16 });
      expect(plan[0]!.keepFrom).toBe(from);
      expect(plan.at(-1)!.keepTo).toBe(to);
      plan.forEach((w, i) => {
        if (i > 0) expect(w.keepFrom).toBe(plan[i - 1]!.keepTo);
        expect(w.keepTo).toBeGreaterThan(w.keepFrom);
        expect(w.keepTo).toBeLessThanOrEqual(w.start + WINDOW);
        // Full context wherever the level has it on the left.
        expect(w.keepFrom - w.start).toBeGreaterThanOrEqual(Math.min(16, w.keepFrom));
      });
    },
  );

  it('a 300-column level takes 1 + ceil(268 / 16) = 18 windows of 32', () => {
    expect(planWindows(0, 300, 300, { window: 32 })).toHaveLength(18);
  });
});

describe('fillRegion', () => {
  it('each window sees finished columns, pins and what lies right of the region as known', async () => {
    const cols = 80;
    const grid = createGrid(ROWS, cols);
    grid.cells.fill(TILE.coin);
    const pins = noPins(cols);
    pins[5 * cols + 50] = TILE.question;
    const log: WindowRequest[] = [];
    const windows = await fillRegion(grid, pins, 30, 60, 9, noiseSampler(undefined, log), { window: WINDOW, context: 16 });
    expect(windows).toBe(log.length);
    for (const w of log) {
      for (let r = 0; r < ROWS; r++) {
        for (let j = 0; j < WINDOW; j++) {
          const c = w.start + j;
          const known = w.mask[r * WINDOW + j] === 1;
          const plan = planWindows(30, 60, cols, { window: WINDOW, context: 16 })[w.index]!;
          expect(known).toBe(c < plan.keepFrom || c >= 60 || (r === 5 && c === 50));
          if (c >= 60 || c < 30) expect(w.cells[r * WINDOW + j]).toBe(TILE.coin);
        }
      }
    }
    expect(tileAt(grid, 5, 50)).toBe(TILE.question);
  });

  it('a level narrower than the window samples the window and keeps only its columns', async () => {
    const grid = createGrid(ROWS, 20);
    const log: WindowRequest[] = [];
    await fillRegion(grid, null, 0, 20, 1, noiseSampler(undefined, log), { window: WINDOW });
    expect(log).toHaveLength(1);
    expect(log[0]!.mask.every((m) => m === 0)).toBe(true);
    expect(grid.cols).toBe(20);
  });
});

describe('buildLevel', () => {
  it('makes exactly `width` columns, the same for the same seed, keeping every pin', async () => {
    const cols = 137;
    const pins = pinGrid(ROWS, cols, [...flatStartPins(ROWS, 4, SMB_LEGEND), { row: 3, col: 60, rows: 2, cols: 5, tile: TILE.brick }], SMB_LEGEND);
    const a = await buildLevel(ROWS, cols, SMB_LEGEND, pins, 42, options(noiseSampler()));
    const b = await buildLevel(ROWS, cols, SMB_LEGEND, pins, 42, options(noiseSampler()));
    const c = await buildLevel(ROWS, cols, SMB_LEGEND, pins, 43, options(noiseSampler()));
    expect([a.grid.rows, a.grid.cols, a.grid.cells.length]).toEqual([ROWS, cols, ROWS * cols]);
    expect(Buffer.from(a.grid.cells).equals(Buffer.from(b.grid.cells))).toBe(true);
    expect(Buffer.from(a.grid.cells).equals(Buffer.from(c.grid.cells))).toBe(false);
    pins.forEach((p, k) => p >= 0 && expect(a.grid.cells[k]).toBe(p));
    expect(a.metadata).toMatchObject({ seed: 42, windows: planWindows(0, cols, cols, { window: 32 }).length, attempts: 0 });
    expect(a.metadata.repairs).toBeGreaterThanOrEqual(0);
  });

  it('structure repair runs on the sample (random tiles break pipes) and keeps pins', async () => {
    const cols = 64;
    const pins = noPins(cols);
    pins[0] = TILE.pipeTopLeft; // a lone pipe half, pinned: pins win over repair
    const out = await buildLevel(ROWS, cols, SMB_LEGEND, pins, 3, options(noiseSampler()));
    expect(out.metadata.repairs).toBeGreaterThan(0);
    expect(out.grid.cells[0]).toBe(TILE.pipeTopLeft);
  });

  it('ensurePlayable regenerates the failing region with new noise until the checker passes', async () => {
    const cols = 96;
    const pins = pinGrid(ROWS, cols, flatStartPins(ROWS, 4, SMB_LEGEND), SMB_LEGEND);
    // The first fill (the request seed) digs a 12-column gap; retries use derived seeds.
    const sample = groundSampler((w) => w.seed === 7);
    const raw = await buildLevel(ROWS, cols, SMB_LEGEND, pins, 7, options(sample));
    expect(raw.metadata.playable).toBe(false);
    const fixed = await buildLevel(ROWS, cols, SMB_LEGEND, pins, 7, options(sample, { ensurePlayable: true }));
    expect(fixed.metadata).toMatchObject({ playableRaw: false, playable: true, attempts: 1 });
    expect(checkPlayability(fixed.grid).playable).toBe(true);
    expect(fixed.metadata.path.at(-1)!.col).toBe(cols - 1);
    const [from, to] = fixed.metadata.retries[0]!;
    expect(from).toBeLessThanOrEqual(20);
    expect(to).toBeGreaterThan(from);
  });

  it('a retry that cuts a pipe in two leaves no broken structure (repair spans the whole level)', async () => {
    const cols = 64;
    const pins = pinGrid(ROWS, cols, flatStartPins(ROWS, 4, SMB_LEGEND), SMB_LEGEND);
    // First fill: a 10-column gap (too wide) at 20..29, then a pipe in columns 30-31. Retries
    // (other seeds) put a two-block step in column 30: the pipe's right half at 31, outside the
    // retried stretch [15, 31), loses its partner.
    const base = groundSampler((w) => w.seed === 7, 10);
    const sample: WindowSampler = async (w) => {
      const out = await base(w);
      for (const row of [10, 11]) {
        for (const [c, first, retry] of [[30, row === 10 ? TILE.pipeTopLeft : TILE.pipeLeft, TILE.ground], [31, row === 10 ? TILE.pipeTopRight : TILE.pipeRight, -1]] as const) {
          const j = c - w.start;
          if (j < 0 || j >= w.cols || w.mask[row * w.cols + j]) continue;
          const tile = w.seed === 7 ? first : retry;
          if (tile >= 0) out[row * w.cols + j] = tile;
        }
      }
      return out;
    };
    const out = await buildLevel(ROWS, cols, SMB_LEGEND, pins, 7, options(sample, { ensurePlayable: true }));
    expect(out.metadata.retries[0]).toEqual([15, 31]);
    expect(out.metadata.playable).toBe(true);
    expect(findBrokenStructures(out.grid)).toEqual([]);
  });

  it('ensurePlayable gives up after a bounded number of attempts with a named error', async () => {
    const cols = 64;
    const pins = pinGrid(ROWS, cols, flatStartPins(ROWS, 4, SMB_LEGEND), SMB_LEGEND);
    let windows = 0;
    const gap = groundSampler(() => true, 30);
    const always: WindowSampler = (w) => (windows++, gap(w));
    const error = await buildLevel(ROWS, cols, SMB_LEGEND, pins, 1, options(always, { ensurePlayable: true })).catch((e) => e);
    expect(error).toBeInstanceOf(UnplayableLevelError);
    expect(error.name).toBe('UnplayableLevelError');
    expect(error.message).toMatch(new RegExp(`no playable level after ${MAX_ATTEMPTS_PER_FAILURE} attempts at column 19 \\(stuck at column 19: `));
    // First fill plus at most 32 retries, each a few windows.
    expect(windows).toBeLessThan(40 * 3);
  });

  it('an unplayable pin names the pinned columns in the error', async () => {
    const cols = 48;
    // A 9-tall wall standing on the ground: too high to jump, yet not the whole height.
    const pins = pinGrid(ROWS, cols, [...flatStartPins(ROWS, 4, SMB_LEGEND), { row: 3, col: 20, rows: 9, cols: 1, tile: TILE.ground }], SMB_LEGEND);
    const error = await buildLevel(ROWS, cols, SMB_LEGEND, pins, 1, options(groundSampler(() => false), { ensurePlayable: true, maxAttemptsPerFailure: 2 })).catch((e) => e);
    expect(error).toBeInstanceOf(UnplayableLevelError);
    expect(error.message).toMatch(/after 2 attempts at column 19 .*pinned cells in columns .*20/);
  });
});

describe('regenerateRegion', () => {
  it('redoes only [fromCol, toCol): every other cell is byte-identical, and the same seed redoes it the same way', async () => {
    const base = await buildLevel(ROWS, 120, SMB_LEGEND, noPins(120), 5, options(noiseSampler()));
    const a = await regenerateRegion(base.grid, 40, 67, 99, options(noiseSampler()));
    const b = await regenerateRegion(base.grid, 40, 67, 99, options(noiseSampler()));
    for (let r = 0; r < ROWS; r++) {
      for (let c = 0; c < 120; c++) {
        const k = r * 120 + c;
        if (c < 40 || c >= 67) expect(a.grid.cells[k]).toBe(base.grid.cells[k]);
      }
    }
    expect(Buffer.from(a.grid.cells).equals(Buffer.from(b.grid.cells))).toBe(true);
    expect(Buffer.from(a.grid.cells).equals(Buffer.from(base.grid.cells))).toBe(false);
    expect(a.grid.cells).not.toBe(base.grid.cells); // the input is not touched
  });

  it('with ensurePlayable, retries inside the region; a failure outside it is a named error', async () => {
    const level = flat(80);
    const gappy = await regenerateRegion(level, 10, 40, 7, options(groundSampler((w) => w.seed === 7)));
    expect(gappy.metadata.playable).toBe(false);
    const fixed = await regenerateRegion(level, 10, 40, 7, options(groundSampler((w) => w.seed === 7), { ensurePlayable: true }));
    expect(fixed.metadata.playable).toBe(true);
    const broken = flat(80, (rows) => { for (let c = 60; c < 72; c++) rows[12]![c] = rows[13]![c] = '-'; });
    await expect(regenerateRegion(broken, 10, 30, 1, options(groundSampler(() => false), { ensurePlayable: true }))).rejects.toThrow(/unplayable outside the region 10\.\.30/);
  });
});

describe('deriveSeed', () => {
  it('spreads attempts over unrelated uint32 seeds', () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, i) => deriveSeed(5, i)));
    expect(seeds.size).toBe(100);
    for (const s of seeds) expect(s >>> 0).toBe(s);
    expect(deriveSeed(5, 1)).toBe(deriveSeed(5, 1));
    expect(deriveSeed(6, 1)).not.toBe(deriveSeed(5, 1));
  });
});
