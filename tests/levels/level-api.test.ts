/**
 * runtime.level / runtime.regenerate end to end on the real level-smb model (skipped where
 * models/level-smb.onnx is absent), plus request validation and the worker path on the fixture
 * family's tiny level model (tests/fixtures/plugin: 16-column window, 14 rows, SMB legend). Few steps and small widths: these
 * check the pipeline, not the model's quality.
 */
import * as Comlink from 'comlink';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/cache/stores.ts';
import { createCache } from '../../src/cache/cache.ts';
import { AbortError, InvalidRequestError } from '../../src/errors.ts';
import { toVglc } from '../../src/levels/export.ts';
import type { LevelMetadata } from '../../src/levels/generate.ts';
import { defaultContext, planWindows } from '../../src/levels/outpaint.ts';
import { TILE, tileAt } from '../../src/levels/legend.ts';
import { checkPlayability } from '../../src/levels/playability.ts';
import { findBrokenStructures } from '../../src/levels/structure.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { createWorkerApi } from '../../src/worker/api.ts';
import { createWorkerClient } from '../../src/worker/client.ts';
import { familyModelDir } from '../helpers/fixture.ts';

const MANIFEST = fileURLToPath(new URL('../../models/manifest.json', import.meta.url));
const HAVE_MODEL = existsSync(fileURLToPath(new URL('../../models/level-smb.onnx', import.meta.url))) && existsSync(MANIFEST);
const STEPS = 2;

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe.skipIf(!HAVE_MODEL)('level-smb through runtime.level', () => {
  const runtime = createRuntime({ manifest: MANIFEST, cache: false });
  // The shipped model's known columns per window: the manifest's, else the outpainter's default.
  const shipped = HAVE_MODEL ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models: Array<{ id: string; context?: number }> }).models.find((m) => m.id === 'level-smb') : undefined;
  const runtimeContext = shipped?.context ?? defaultContext(32);
  afterAll(() => runtime.dispose());

  it.each([16, 75])('a %i-column level has exactly that many columns in the training legend', async (width) => {
    const r = await runtime.level({ width, seed: 3, steps: STEPS });
    expect([r.grid.rows, r.grid.cols, r.grid.cells.length]).toEqual([14, width, 14 * width]);
    const lines = toVglc(r.grid).trimEnd().split('\n');
    expect(lines).toHaveLength(14);
    expect(lines.every((l) => l.length === width && /^[-XS?QE<>[\]oBb]+$/.test(l))).toBe(true);
    expect(r.metadata).toMatchObject({ seed: 3, window: { width: 32, context: runtimeContext } });
    expect(r.metadata.timings.totalMs).toBeGreaterThan(0);
  });

  it('the same seed gives the same grid; another seed another', async () => {
    const a = await runtime.level({ width: 60, seed: 11, steps: STEPS });
    const b = await runtime.level({ width: 60, seed: 11, steps: STEPS });
    const c = await runtime.level({ width: 60, seed: 12, steps: STEPS });
    expect(same(a.grid.cells, b.grid.cells)).toBe(true);
    expect(same(a.grid.cells, c.grid.cells)).toBe(false);
    expect(a.metadata.label).toBe(b.metadata.label);
  });

  it('starts flat by default (4 columns of two-high ground), and pins are kept exactly', async () => {
    const r = await runtime.level({
      width: 64, seed: 2, steps: STEPS,
      constraints: [{ row: 5, col: 40, tile: '?' }, { rect: { row: 9, col: 50, rows: 1, cols: 6 }, tile: 'S' }, { row: 13, col: 63, tile: 1 }],
    });
    const g = r.grid;
    for (let c = 0; c < 4; c++) {
      for (let row = 0; row < 14; row++) expect(tileAt(g, row, c)).toBe(row >= 12 ? TILE.ground : TILE.empty);
    }
    expect(tileAt(g, 5, 40)).toBe(TILE.question);
    for (let c = 50; c < 56; c++) expect(tileAt(g, 9, c)).toBe(TILE.brick);
    expect(tileAt(g, 13, 63)).toBe(TILE.ground);
    const off = await runtime.level({ width: 64, seed: 2, steps: STEPS, flatStart: 0 });
    expect(off.request.flatStart).toBe(0);
  });

  it('regenerate redoes only the region: outside byte-identical, reproducible per seed', async () => {
    const base = await runtime.level({ width: 90, seed: 4, steps: STEPS });
    const a = await runtime.regenerate(base, { fromCol: 30, toCol: 52, seed: 77 });
    const b = await runtime.regenerate(base.grid, { fromCol: 30, toCol: 52, seed: 77, steps: STEPS, class: base.metadata.class ?? undefined });
    const cols = base.grid.cols;
    for (let k = 0; k < base.grid.cells.length; k++) {
      const c = k % cols;
      if (c < 30 || c >= 52) expect(a.grid.cells[k]).toBe(base.grid.cells[k]);
    }
    expect(same(a.grid.cells, base.grid.cells)).toBe(false);
    expect(a.request).toMatchObject({ fromCol: 30, toCol: 52, seed: 77, steps: STEPS });
    expect(a.metadata.label).toBe(base.metadata.label);
    const again = await runtime.regenerate(base, { fromCol: 30, toCol: 52, seed: 77 });
    expect(same(a.grid.cells, again.grid.cells)).toBe(true);
    expect(b.grid.cols).toBe(cols);
  });

  it('ensurePlayable returns a level the checker passes, with the path to the last column', async () => {
    const r = await runtime.level({ width: 120, seed: 8, steps: STEPS, ensurePlayable: true });
    const check = checkPlayability(r.grid);
    expect(check.playable).toBe(true);
    expect(r.metadata.playable).toBe(true);
    expect(r.metadata.path.at(-1)!.col).toBe(119);
    expect(r.metadata.attempts).toBeLessThanOrEqual(32);
    // A raw sample the checker failed was made playable by repair or a retry, never by nothing.
    expect(r.metadata.playableRaw || r.metadata.attempts > 0 || r.metadata.repairs! > 0).toBe(true);
    expect(r.metadata.repairs).not.toBeNull(); // the SMB legend has structure rules, so repair ran
    expect(findBrokenStructures(r.grid)).toEqual([]);
    const regen = await runtime.regenerate(r, { fromCol: 40, toCol: 70, seed: 5, ensurePlayable: true });
    expect(checkPlayability(regen.grid).playable).toBe(true);
  });
});

describe('level requests: bad input is a named error naming the field; nothing is cached', () => {
  const { manifest } = familyModelDir('level'); // 14 x 16 window, SMB legend
  const cache = createCache({ store: memoryStore() });
  const runtime = createRuntime({ manifest, cache });
  afterAll(() => runtime.dispose());

  it.each([
    ['width too small', { width: 15 }, 'width', /^width: must be an integer from 16 to 10000 \(got 15\)$/],
    ['width too large', { width: 10_001 }, 'width', /^width: must be an integer from 16 to 10000/],
    ['unknown model', { model: 'nope' }, 'model', /^model: unknown value "nope" for kind level; valid values: tiny-level$/],
    ['unknown field', { count: 2 }, 'count', /^count: unknown field; valid fields: kind, model, width/],
    ['constraints not a list', { constraints: 'X' }, 'constraints', /^constraints: must be an array/],
    ['unknown tile', { constraints: [{ row: 1, col: 1, tile: 'Z' }] }, 'constraints[0].tile', /unknown tile "Z"; valid values: - X S \? Q E < > \[ \] o B b/],
    ['tile id out of range', { constraints: [{ row: 1, col: 1, tile: 13 }] }, 'constraints[0].tile', /unknown tile 13; .*ids 0\.\.12/],
    ['row outside the grid', { width: 20, constraints: [{ row: 14, col: 1, tile: 'X' }] }, 'constraints[0].row', /must be an integer from 0 to 13 \(got 14\)/],
    ['column outside the grid', { width: 20, constraints: [{ row: 1, col: 20, tile: 'X' }] }, 'constraints[0].col', /from 0 to 19 \(got 20\)/],
    ['rect past the edge', { width: 20, constraints: [{ rect: { row: 0, col: 15, rows: 2, cols: 6 }, tile: 'X' }] }, 'constraints[0].rect.cols', /from 1 to 5 \(got 6\)/],
    ['contradicting pins', { constraints: [{ rect: { row: 0, col: 0, rows: 3, cols: 3 }, tile: 'X' }, { row: 2, col: 2, tile: '-' }] }, 'constraints[1]', /contradicts constraints\[0\] at row 2, column 2/],
    ['wall across the whole height with ensurePlayable', { ensurePlayable: true, constraints: [{ rect: { row: 0, col: 8, rows: 14, cols: 1 }, tile: 'X' }] }, 'constraints', /column 8 is pinned solid or deadly across the whole height/],
    ['ensurePlayable not a boolean', { ensurePlayable: 'yes' }, 'ensurePlayable', /must be true or false/],
    ['flatStart negative', { flatStart: -1 }, 'flatStart', /from 0 to 16/],
    ['unknown class', { class: 'zelda' }, 'class', /unknown value "zelda" for model tiny-level; valid values: smb, smb2-japan/],
  ])('%s', async (_, request, field, message) => {
    const error = await runtime.level({ seed: 1, steps: 1, ...request } as never).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect((await cache.stats()).entries).toBe(0);
  });

  it('the same wall without ensurePlayable is allowed (a level may be unplayable when asked for nothing more)', async () => {
    const r = await runtime.level({ seed: 1, steps: 1, constraints: [{ rect: { row: 0, col: 8, rows: 14, cols: 1 }, tile: 'X' }] });
    expect(r.metadata.playable).toBe(false);
    expect(r.metadata.playableRaw).toBe(false); // the raw sample had the wall too
    expect(r.metadata.reason).toMatch(/column/);
  });

  it('an abort between sampler steps stops the level with an AbortError', async () => {
    const controller = new AbortController();
    let steps = 0;
    const error = await runtime
      .level({ width: 200, seed: 2, steps: 3 }, { signal: controller.signal, onProgress: (p) => p.phase === 'sample' && ++steps === 4 && controller.abort() })
      .catch((e) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(steps).toBe(4);
  });

  it('a good request is cached and served again', async () => {
    await runtime.clearCache();
    const a = await runtime.level({ width: 40, seed: 9, steps: 1 });
    const b = await runtime.level({ width: 40, seed: 9, steps: 1 });
    expect([a.cached, b.cached]).toEqual([false, true]);
    expect(same(a.grid.cells, b.grid.cells)).toBe(true);
  });

  it.each([
    [{ fromCol: -1, toCol: 5 }, 'fromCol', /from 0 to 39/],
    [{ fromCol: 10, toCol: 10 }, 'toCol', /from 11 to 40 \(got 10\)/],
    [{ fromCol: 10, toCol: 41 }, 'toCol', /from 11 to 40 \(got 41\)/],
    [{ fromCol: 1, toCol: 5, width: 3 }, 'width', /unknown field/],
  ])('regenerate %j -> %s', async (options, field, message) => {
    const base = await runtime.level({ width: 40, seed: 9, steps: 1 });
    const error = await runtime.regenerate(base, { seed: 1, ...options } as never).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect([error.field, error.message]).toEqual([field, expect.stringMatching(message)]);
  });

  it('regenerate refuses a grid that does not fit the model', async () => {
    const base = await runtime.level({ width: 40, seed: 9, steps: 1 });
    const short = { ...base.grid, rows: 12, cells: base.grid.cells.slice(0, 12 * 40) };
    await expect(runtime.regenerate(short, { fromCol: 0, toCol: 4 })).rejects.toThrow(/^level: has 12 rows; model tiny-level makes 14$/);
    const bad = { ...base.grid, cells: base.grid.cells.slice().fill(20) };
    await expect(runtime.regenerate(bad, { fromCol: 0, toCol: 4 })).rejects.toThrow(/^level: tile id 20 at row 0, column 0 is not in the legend \(0\.\.12\)$/);
  });
});

describe('known columns per outpainting window', () => {
  it('the manifest\'s context sets them: fewer known columns, fewer windows for the same width', async () => {
    const width = 100;
    const meta = [];
    for (const context of [undefined, 2]) {
      const { manifest } = familyModelDir('level', (m) => {
        if (context !== undefined) m.context = context;
      });
      const runtime = createRuntime({ manifest, cache: false });
      try {
        meta.push((await runtime.level({ width, seed: 4, steps: 1 })).metadata);
      } finally {
        await runtime.dispose();
      }
    }
    const [byDefault, narrow] = meta as [LevelMetadata, LevelMetadata];
    expect(byDefault.window.context).toBe(defaultContext(byDefault.window.width));
    expect(narrow.window.context).toBe(2);
    expect(narrow.windows).toBe(planWindows(0, width, width, { window: narrow.window.width, context: 2 }).length);
    expect(narrow.windows).toBeLessThan(byDefault.windows);
  });
});

describe('levels through the worker protocol', () => {
  it('level and regenerate cross a MessageChannel; errors keep their name and field', async () => {
    const { manifest } = familyModelDir('level');
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(createWorkerApi(), port1 as unknown as Comlink.Endpoint);
    const client = createWorkerClient({ endpoint: port2 as unknown as Comlink.Endpoint, manifest, cache: false });
    try {
      const steps: number[] = [];
      const a = await client.level({ width: 50, seed: 3, steps: 1 }, { onProgress: (p) => p.phase === 'sample' && steps.push(p.step) });
      expect([a.grid.rows, a.grid.cols, a.grid.cells.length]).toEqual([14, 50, 700]);
      expect(a.grid.cells).toBeInstanceOf(Uint8Array);
      const local = createRuntime({ manifest, cache: false });
      const b = await local.level({ width: 50, seed: 3, steps: 1 });
      await local.dispose();
      expect(same(a.grid.cells, b.grid.cells)).toBe(true);
      await new Promise((r) => setTimeout(r, 20)); // progress calls are fire-and-forget
      expect(steps.length).toBeGreaterThan(0);
      const r = await client.regenerate(a, { fromCol: 10, toCol: 20, seed: 1 });
      expect(r.grid.cols).toBe(50);
      const error = await client.level({ width: 5 }).catch((e) => e);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.field).toBe('width');
    } finally {
      await client.terminate();
    }
  });
});
