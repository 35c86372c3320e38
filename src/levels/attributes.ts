/**
 * Level attributes a designer understands (enemies, gaps, pipes, elevation and a combined
 * difficulty), measured on a tile grid. The definition is models/attributes.py's, which labels
 * the training windows of the attribute-conditioned level model; tests/levels/attributes.test.ts
 * replays its fixture, so the two stay equal. Raw values are per 32 columns; `normaliseAttribute`
 * maps them to [0, 1] by the training windows' quantiles (the manifest's `attributes` list).
 */
import type { LevelGrid, Legend } from './legend.ts';

export const ATTRIBUTE_NAMES = ['difficulty', 'enemies', 'gaps', 'pipes', 'elevation'] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];
/** Named levels a request may use instead of a number (`enemies: 'many'`). */
export const ATTRIBUTE_LEVELS = ['none', 'few', 'some', 'many'] as const;
export type AttributeLevel = (typeof ATTRIBUTE_LEVELS)[number];
const PER_COLUMNS = 32;

export type AttributeValues = Record<AttributeName, number>;

const ids = (legend: Legend, test: (tags: readonly string[]) => boolean): Set<number> =>
  new Set(legend.flatMap((t, i) => (test(t.tags) ? [i] : [])));

/** Raw attributes of a grid (see models/attributes.py for each definition and why). */
export function rawAttributes(grid: LevelGrid): AttributeValues {
  const { rows, cols, cells, legend } = grid;
  const solid = ids(legend, (tags) => tags.includes('solid'));
  const enemy = ids(legend, (tags) => tags.includes('enemy'));
  const pipeTop = ids(legend, (tags) => tags.includes('top-left pipe') || tags.includes('top-right pipe'));
  const cannon = ids(legend, (tags) => tags.includes('cannon') && tags.includes('Cannon top'));
  const count = (set: Set<number>): number => cells.reduce((n, id) => n + (set.has(id) ? 1 : 0), 0);
  const isSolid = (r: number, c: number): boolean => solid.has(cells[r * cols + c]!);
  let pits = 0;
  let heights = 0;
  let surfaced = 0;
  for (let c = 0; c < cols; c++) {
    const floorless = !isSolid(rows - 1, c);
    if (floorless && (c === 0 || isSolid(rows - 1, c - 1))) pits++;
    for (let r = 1; r < rows; r++) {
      if (isSolid(r, c) && !isSolid(r - 1, c)) {
        heights += rows - r;
        surfaced++;
        break;
      }
    }
  }
  const scale = PER_COLUMNS / cols;
  const enemies = count(enemy);
  return {
    difficulty: (enemies + count(cannon) + 2 * pits) * scale,
    enemies: enemies * scale,
    gaps: pits * scale,
    pipes: (count(pipeTop) / 2) * scale,
    elevation: surfaced ? heights / surfaced : 0,
  };
}

/**
 * A raw value's position among quantiles `q` (at p_k = k / K): linear between distinct
 * quantiles, the middle of a run of equal ones, 0 below the first and 1 above the last.
 */
export function normaliseAttribute(v: number, q: readonly number[]): number {
  const k = q.length - 1;
  if (v < q[0]!) return 0;
  if (v > q[k]!) return 1;
  const a = q.findIndex((x) => x >= v);
  let b = k;
  while (q[b]! > v) b--;
  if (a <= b) return (a + b) / 2 / k;
  return (b + (v - q[b]!) / (q[a]! - q[b]!)) / k;
}

/** none = where a raw 0 sits; few / some / many = the middles of the thirds above the windows with none. */
export function namedLevel(level: AttributeLevel, q: readonly number[]): number {
  if (level === 'none') return normaliseAttribute(0, q);
  const k = q.length - 1;
  let top = -1;
  while (top < k && q[top + 1]! <= 0) top++;
  const above = Math.max(top, 0) / k;
  const third = ATTRIBUTE_LEVELS.indexOf(level) - 1;
  return above + ((1 - above) * (2 * third + 1)) / 6;
}

/** A model's attributes as the manifest lists them: name and the training windows' quantiles. */
export interface AttributeSpec {
  name: string;
  quantiles: number[];
}

/** The normalised attributes of a grid, in the order of `specs`. */
export function measureAttributes(grid: LevelGrid, specs: readonly AttributeSpec[]): Record<string, number> {
  const raw = rawAttributes(grid) as Record<string, number>;
  return Object.fromEntries(specs.map((s) => [s.name, normaliseAttribute(raw[s.name]!, s.quantiles)]));
}
