/**
 * The shipped few-step students (models/distill.py) as a game uses them: one network call per step
 * (guidance folded in), and the request paths that condition the sampler — level pins, outpainting
 * a level to the right, attributes, sprite palettes and variations — work on them as on their teachers.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { observeRuns } from '../../src/backend/onnx.ts';
import { parseManifestText } from '../../src/models/manifest.ts';
import { extendLevelRequest } from '../../src/runtime/extend.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import type { ImageResult } from '../../src/runtime/types.ts';

const manifest = parseManifestText(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8'));
const students = manifest.models.filter((m) => m.teacher);
const cellAt = (g: { cols: number; cells: Uint8Array }, r: number, c: number): number => g.cells[r * g.cols + c]!;

describe('shipped students', () => {
  const runtime = createRuntime({ cache: false });
  afterAll(() => runtime.dispose());

  it('exist for the sprite and platformer models, sampling with guidance 1 in at most 4 steps', () => {
    expect(students.map((m) => m.teacher)).toEqual(expect.arrayContaining(['sprite', 'level-smb']));
    for (const m of students) {
      expect(m.guidance.default).toBe(1);
      expect(m.steps.default).toBeLessThanOrEqual(4);
      expect(manifest.models.find((t) => t.id === m.teacher)?.kind).toBe(m.kind);
    }
  });

  it.each(students.filter((m) => m.kind !== 'level').map((m) => m.id))('%s: one network call per step; palette and variations work', async (id) => {
    const m = manifest.models.find((x) => x.id === id)!;
    const calls: number[] = [];
    observeRuns((_ms, _device, batch) => calls.push(batch));
    try {
      const image = async (request: Record<string, unknown>) => (await runtime.generate({ kind: m.kind as 'sprite', model: id, ...request })) as ImageResult;
      // Fragments kept: the fragment guard's resamples would be more calls (one of these three is one).
      const r = await image({ count: 3, seed: 4, ...(m.kind === 'sprite' && { allowFragments: true }) });
      expect(calls).toEqual(new Array(m.steps.default).fill(3)); // no null pass: batch 3, not 6
      const few = await image({ count: 2, seed: 4, ...(m.kind === 'sprite' && { palette: 6 }) });
      if (m.kind === 'sprite') for (const img of few.images) {
        const colours = new Set<number>();
        for (let j = 0; j < img.data.length; j += 4) if (img.data[j + 3]) colours.add((img.data[j]! << 16) | (img.data[j + 1]! << 8) | img.data[j + 2]!);
        expect(colours.size).toBeLessThanOrEqual(6);
      }
      const source = r.images[0]!;
      const near = await image({ from: source, strength: 0.2, count: 1, seed: 5 });
      const far = await image({ from: source, strength: 1, count: 1, seed: 5 });
      const l1 = (a: Uint8ClampedArray) => a.reduce((s, v, j) => s + Math.abs(v - source.data[j]!), 0);
      expect(l1(near.images[0]!.data)).toBeLessThan(l1(far.images[0]!.data));
    } finally {
      observeRuns(undefined);
    }
  });

  it('the platformer default is its student, and pins, attributes and outpainting hold on it', async () => {
    const student = students.find((m) => m.teacher === 'level-smb')!;
    const level = await runtime.level({ width: 64, seed: 11, ensurePlayable: true, attributes: { enemies: 'many' }, constraints: [{ row: 5, col: 40, tile: '?' }] });
    expect(level.model).toBe(student.id);
    const q = level.grid.legend.findIndex((t) => t.char === '?');
    expect(cellAt(level.grid, 5, 40)).toBe(q);
    const longer = await runtime.level(extendLevelRequest(level.grid, { columns: 24, context: 8, seed: 12 }));
    expect(longer.grid.cols).toBe(32);
    for (let r = 0; r < level.grid.rows; r++) for (let c = 0; c < 8; c++) expect(cellAt(longer.grid, r, c)).toBe(cellAt(level.grid, r, 56 + c));
  });
});
