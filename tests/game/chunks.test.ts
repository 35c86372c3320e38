/**
 * The sample game's endless level, in Node: how chunks are asked for (context pins), stitched
 * (Columns), and that a continuation request really keeps the world's last columns (outpainting),
 * is deterministic per world seed, and that the no-model fallback is too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rampWorld } from '../../bench/ramp.ts';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { pinGrid } from '../../src/levels/pins.ts';
import { SMB_LEGEND } from '../../src/levels/legend.ts';
import { FAMILY_MANIFEST } from '../helpers/fixture.ts';
import { Columns } from '../../sample-game/src/world/columns.ts';
import { startCells } from '../../src/levels/playability.ts';
import { extendLevelRequest } from '../../src/runtime/extend.ts';
import type { LevelGrid } from '../../src/models/codecs.ts';
import { CHUNK_WIDTH, CONTEXT, DIFFICULTY_END, DIFFICULTY_START, FIRST_WIDTH, RAMP_CHUNKS, difficultyAt, firstChunkRequest, nextChunkRequest } from '../../sample-game/src/world/chunk-requests.ts';
import { proceduralChunk } from '../../sample-game/src/world/procedural.ts';

const REAL = fileURLToPath(new URL('../../models/manifest.json', import.meta.url));
const REAL_LEVEL = existsSync(REAL) && existsSync(fileURLToPath(new URL('../../models/level-smb.onnx', import.meta.url)));
const MANIFEST = REAL_LEVEL ? REAL : FAMILY_MANIFEST;

function grid(rows: string[]): LevelGrid {
  const ids = rows.map((r) => [...r].map((ch) => SMB_LEGEND.findIndex((t) => t.char === ch)));
  return { rows: rows.length, cols: rows[0]!.length, cells: Uint8Array.from(ids.flat()), legend: SMB_LEGEND };
}

describe('chunk requests', () => {
  it("a continuation's pins are column runs that rebuild the world's last columns exactly", () => {
    const world = grid(['XX--o-', 'XX-E--', 'XXXXS-', 'XXXX--']);
    const request = extendLevelRequest(world, { columns: 20, context: 4 });
    expect(request.width).toBe(24);
    const pins = request.constraints!.map((c) => ('rect' in c ? { ...c.rect, tile: c.tile as number } : { row: c.row, col: c.col, rows: 1, cols: 1, tile: c.tile as number }));
    expect(pins.length).toBeLessThan(world.rows * 4);
    const tail = Array.from(world.cells).filter((_, k) => k % world.cols >= 2);
    expect(Array.from(pinGrid(world.rows, 4, pins, SMB_LEGEND))).toEqual(tail);
  });

  it('ensurePlayable only where the checker can find a start in the pinned columns', () => {
    expect(startCells(grid(['---', '---', 'XXX'])).length).toBeGreaterThan(0);
    expect(startCells(grid(['---', '---', '---']))).toEqual([]);
    expect(extendLevelRequest(grid(['--------', '--------', 'XXXXXXXX']), nextChunkRequest(1, 1)).ensurePlayable).toBe(true);
    expect(extendLevelRequest(grid(['--------', '--------', '--------']), nextChunkRequest(1, 1)).ensurePlayable).toBe(false);
  });

  it('Columns appends new columns after the context and hands back its tail', () => {
    const cols = new Columns(2);
    cols.append({ rows: 2, cols: 3, cells: Uint8Array.of(0, 1, 2, 3, 4, 5) });
    cols.append({ rows: 2, cols: 3, cells: Uint8Array.of(9, 6, 7, 9, 8, 9) }, 1);
    expect(cols.length).toBe(5);
    expect(Array.from(cols.tail(2).cells)).toEqual([6, 7, 8, 9]); // row-major: row 0 then row 1
    expect(cols.at(1, 4)).toBe(9);
    expect(cols.at(0, 99)).toBe(0);
  });

  it('difficulty ramps up with distance, for models that take it; others get no attributes', () => {
    const asked = Array.from({ length: RAMP_CHUNKS + 5 }, (_, i) => nextChunkRequest(1, i, true).attributes!.difficulty as number);
    expect(asked[0]).toBe(DIFFICULTY_START);
    expect(asked.at(-1)).toBe(DIFFICULTY_END);
    for (let i = 1; i < asked.length; i++) expect(asked[i]!).toBeGreaterThanOrEqual(asked[i - 1]!);
    expect(difficultyAt(RAMP_CHUNKS / 2)).toBeCloseTo((DIFFICULTY_START + DIFFICULTY_END) / 2, 3);
    expect(firstChunkRequest(1, true).attributes).toEqual({ difficulty: DIFFICULTY_START });
    expect('attributes' in firstChunkRequest(1)).toBe(false);
    expect('attributes' in nextChunkRequest(1, 9)).toBe(false);
  });

  it('the procedural fallback is deterministic and starts flat', () => {
    const a = proceduralChunk(7, FIRST_WIDTH, 6);
    expect(Array.from(a.cells)).toEqual(Array.from(proceduralChunk(7, FIRST_WIDTH, 6).cells));
    expect(startCells({ ...a, legend: SMB_LEGEND }, 1).length).toBeGreaterThan(0);
  });
});

describe(`outpainting chunks with ${REAL_LEVEL ? 'level-smb' : 'the tiny fixture level model'}`, () => {
  const runtime = createRuntime({ manifest: MANIFEST, cache: false });
  afterAll(() => runtime.dispose());

  async function world(seed: number): Promise<Columns> {
    const columns = new Columns(14);
    columns.append((await runtime.level({ ...firstChunkRequest(seed), steps: 2 })).grid);
    const tail = { ...columns.tail(CONTEXT), legend: SMB_LEGEND };
    const next = await runtime.level({ ...extendLevelRequest(tail, nextChunkRequest(seed, 1)), steps: 2 }).catch((e: Error) => {
      if (e.name !== 'UnplayableLevelError') throw e;
      return runtime.level({ ...extendLevelRequest(tail, { ...nextChunkRequest(seed, 1), ensurePlayable: false }), steps: 2 });
    });
    // The continuation keeps the pinned context: its first CONTEXT columns are the world's last.
    expect(next.grid.cols).toBe(CHUNK_WIDTH);
    const context = columns.tail(CONTEXT);
    for (let r = 0; r < 14; r++) for (let c = 0; c < CONTEXT; c++) expect(next.grid.cells[r * CHUNK_WIDTH + c]).toBe(context.cells[r * CONTEXT + c]);
    columns.append(next.grid, CONTEXT);
    return columns;
  }

  it('continues the world from its last columns; the same seed gives the same world', async () => {
    const a = await world(11);
    const b = await world(11);
    expect(a.length).toBe(FIRST_WIDTH + CHUNK_WIDTH - CONTEXT);
    expect(Array.from(a.tail(a.length).cells)).toEqual(Array.from(b.tail(b.length).cells));
  }, 120_000);
});

const REAL_TAKES_DIFFICULTY = REAL_LEVEL && JSON.parse(readFileSync(REAL, 'utf8')).models.some((m: { kind: string; attributes?: Array<{ name: string }> }) => m.kind === 'level' && m.attributes?.some((a) => a.name === 'difficulty'));

describe.skipIf(!REAL_TAKES_DIFFICULTY)('the difficulty ramp with level-smb', () => {
  it('the later chunks of a world are harder than the first ones (bench/ramp.ts, 4 worlds)', async () => {
    const runtime = createRuntime({ manifest: REAL, cache: false });
    try {
      const chunks = (await Promise.all([1, 2, 3, 4].map((s) => rampWorld(runtime, s, 25)))).flat();
      const mean = (from: number, to: number) => {
        const part = chunks.filter((c) => c.index >= from && c.index < to);
        return part.reduce((t, c) => t + c.raw, 0) / part.length;
      };
      expect(mean(20, 25)).toBeGreaterThan(mean(1, 6) * 1.2);
    } finally {
      await runtime.dispose();
    }
  }, 120_000);
});
