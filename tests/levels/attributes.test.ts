/** The TS level attributes against models/attributes.py (its fixture), and what they mean on small levels. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_LEVELS, ATTRIBUTE_NAMES, namedLevel, normaliseAttribute, rawAttributes, type AttributeLevel, type AttributeName } from '../../src/levels/attributes.ts';
import { SMB_LEGEND } from '../../src/levels/legend.ts';
import { flat } from './helpers.ts';

interface Fixture {
  names: string[];
  levels: string[];
  quantiles: Record<AttributeName, number[]>;
  grids: Array<{ rows: number; cols: number; cells: number[]; raw: Record<AttributeName, number> }>;
  normalise: Array<{ name: AttributeName; value: number; expected: number }>;
  named: Array<{ name: AttributeName; level: AttributeLevel; expected: number }>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/level-attributes.json', import.meta.url), 'utf8')) as Fixture;

describe('level attributes: parity with models/attributes.py', () => {
  it('has the same names and named levels', () => {
    expect(fixture.names).toEqual([...ATTRIBUTE_NAMES]);
    expect(fixture.levels).toEqual([...ATTRIBUTE_LEVELS]);
  });

  it.each(fixture.grids.map((g, i) => [i, g] as const))('grid %i: the same raw values', (_i, g) => {
    const raw = rawAttributes({ rows: g.rows, cols: g.cols, cells: Uint8Array.from(g.cells), legend: SMB_LEGEND });
    for (const name of ATTRIBUTE_NAMES) expect(raw[name], name).toBeCloseTo(g.raw[name], 6);
  });

  it('normalises and names levels as Python does', () => {
    for (const c of fixture.normalise) expect(normaliseAttribute(c.value, fixture.quantiles[c.name]), `${c.name} ${c.value}`).toBeCloseTo(c.expected, 9);
    for (const c of fixture.named) expect(namedLevel(c.level, fixture.quantiles[c.name]), `${c.name} ${c.level}`).toBeCloseTo(c.expected, 9);
  });
});

describe('level attributes: meaning', () => {
  it('counts enemies, pits, pipes and cannons per 32 columns', () => {
    const level = flat(64, (rows) => {
      rows[12]![3] = 'E';
      rows[13]![10] = rows[13]![11] = '-'; // one pit, two columns wide
      rows[13]![40] = '-';
      rows[11]![20] = '<';
      rows[11]![21] = '>';
      rows[12]![20] = '[';
      rows[12]![21] = ']';
      rows[12]![30] = 'B';
    });
    const raw = rawAttributes(level);
    expect(raw.enemies).toBe(0.5);
    expect(raw.gaps).toBe(1);
    expect(raw.pipes).toBe(0.5);
    expect(raw.difficulty).toBe((1 + 1 + 2 * 2) / 2);
  });

  it('elevation is the mean height of the highest surface', () => {
    expect(rawAttributes(flat(32)).elevation).toBe(1);
    const stairs = flat(32, (rows) => {
      for (let c = 0; c < 16; c++) rows[12]![c] = 'X';
    });
    expect(rawAttributes(stairs).elevation).toBe(1.5);
  });

  it('maps a run of equal quantiles to its middle, and none/few/some/many above it', () => {
    const q = [0, 0, 0, 1, 2];
    expect(normaliseAttribute(0, q)).toBe(0.25);
    expect(normaliseAttribute(1.5, q)).toBe(0.875);
    expect(normaliseAttribute(-1, q)).toBe(0);
    expect(normaliseAttribute(9, q)).toBe(1);
    expect(namedLevel('none', q)).toBe(0.25);
    const levels = ATTRIBUTE_LEVELS.map((l) => namedLevel(l, q));
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    expect(namedLevel('few', q)).toBeGreaterThan(0.5);
  });
});
