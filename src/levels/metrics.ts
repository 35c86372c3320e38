/**
 * Level-quality metrics for `asset-diffusion eval levels`: novelty, 2x2 tile-pattern KL divergence
 * (Lucas & Volz 2019, "Tile pattern KL-divergence for analysing and evolving game levels"), the
 * same KL between two halves of the training set as a baseline, and the broken-structure rate.
 */
import type { LevelGrid } from './legend.ts';
import { findBrokenStructures } from './structure.ts';

export interface NoveltyOptions {
  /** Window width in columns (default 16); windows span the full height (14 rows). */
  windowWidth?: number;
}

/** Each column of a grid as a string of tile-id characters, top to bottom. */
function columnKeys(grid: LevelGrid): string[] {
  const keys: string[] = [];
  for (let c = 0; c < grid.cols; c++) {
    let key = '';
    for (let r = 0; r < grid.rows; r++) key += String.fromCharCode(grid.cells[r * grid.cols + c]!);
    keys.push(key);
  }
  return keys;
}

/** Every full-height window of `windowWidth` columns (stride 1) as a string key. */
function windowKeys(grid: LevelGrid, windowWidth: number): string[] {
  const columns = columnKeys(grid);
  const keys: string[] = [];
  // Height is part of the key, so windows of maps with different heights never match.
  for (let c = 0; c + windowWidth <= grid.cols; c++) keys.push(`${grid.rows}:${columns.slice(c, c + windowWidth).join('')}`);
  return keys;
}

/**
 * Share of the generated levels' 14x16 windows (every column offset) that appear nowhere,
 * verbatim, among the training levels' windows. 1 = nothing copied. NaN when no window fits.
 */
export function novelty(generated: readonly LevelGrid[], training: readonly LevelGrid[], options: NoveltyOptions = {}): number {
  const windowWidth = options.windowWidth ?? 16;
  const seen = new Set<string>();
  for (const grid of training) for (const key of windowKeys(grid, windowWidth)) seen.add(key);
  let total = 0;
  let novel = 0;
  for (const grid of generated) {
    for (const key of windowKeys(grid, windowWidth)) {
      total++;
      if (!seen.has(key)) novel++;
    }
  }
  return total === 0 ? Number.NaN : novel / total;
}

/** Counts of every 2x2 tile pattern (stride 1) over a set of levels, keyed by the four ids. */
export function patternCounts(levels: readonly LevelGrid[], size = 2): Map<string, number> {
  const counts = new Map<string, number>();
  for (const grid of levels) {
    for (let r = 0; r + size <= grid.rows; r++) {
      for (let c = 0; c + size <= grid.cols; c++) {
        let key = '';
        for (let dr = 0; dr < size; dr++) for (let dc = 0; dc < size; dc++) key += String.fromCharCode(grid.cells[(r + dr) * grid.cols + c + dc]!);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  return counts;
}

export interface KlOptions {
  /** Pseudo-count added to every pattern seen in either set (default 1e-5; keeps KL finite). */
  epsilon?: number;
  /** Pattern size (default 2: 2x2). */
  size?: number;
}

/**
 * KL(P || Q) in nats over the union of patterns seen in either count table, each count smoothed
 * by `epsilon` before normalising.
 */
export function klDivergence(p: Map<string, number>, q: Map<string, number>, epsilon = 1e-5): number {
  const keys = new Set([...p.keys(), ...q.keys()]);
  let pTotal = 0;
  let qTotal = 0;
  for (const key of keys) {
    pTotal += (p.get(key) ?? 0) + epsilon;
    qTotal += (q.get(key) ?? 0) + epsilon;
  }
  let kl = 0;
  for (const key of keys) {
    const pi = ((p.get(key) ?? 0) + epsilon) / pTotal;
    const qi = ((q.get(key) ?? 0) + epsilon) / qTotal;
    kl += pi * Math.log(pi / qi);
  }
  return kl;
}

/**
 * Tile-pattern KL divergence KL(P_generated || P_training) of 2x2 patterns. This direction
 * punishes patterns the generator makes that the training levels (nearly) never have — broken
 * or alien structures — which is what "looks like the training levels" means; missing variety
 * is novelty's and the eye's job. 0 = identical pattern distributions.
 */
export function kl(generated: readonly LevelGrid[], training: readonly LevelGrid[], options: KlOptions = {}): number {
  const size = options.size ?? 2;
  return klDivergence(patternCounts(generated, size), patternCounts(training, size), options.epsilon);
}

/**
 * The same KL between two halves of the training set, split by level (odd-indexed levels play
 * "generated", even-indexed "training"; order as given, so both games land in both halves).
 * A generator whose `kl` is near this is as close to the data as the data is to itself.
 */
export function klBaseline(training: readonly LevelGrid[], options: KlOptions = {}): number {
  const even = training.filter((_, i) => i % 2 === 0);
  const odd = training.filter((_, i) => i % 2 === 1);
  return kl(odd, even, options);
}

/** Share of levels with at least one broken pipe or cannon (structure.ts rules). */
export function brokenStructureRate(levels: readonly LevelGrid[]): number {
  if (levels.length === 0) return Number.NaN;
  return levels.filter((grid) => findBrokenStructures(grid).length > 0).length / levels.length;
}

/** Ranks 1..n, ties sharing their mean rank. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let a = 0; a < order.length; ) {
    let b = a;
    while (b + 1 < order.length && order[b + 1]![0] === order[a]![0]) b++;
    for (let k = a; k <= b; k++) out[order[k]![1]] = (a + b) / 2 + 1;
    a = b + 1;
  }
  return out;
}

/**
 * Spearman's rank correlation: Pearson's r of the ranks (ties get their mean rank, so a
 * request repeated for several levels is handled). NaN when either side is constant or n < 2.
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`spearman: ${x.length} vs ${y.length} values`);
  const rx = ranks(x);
  const ry = ranks(y);
  const n = x.length;
  const mx = rx.reduce((s, v) => s + v, 0) / n;
  const my = ry.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return n < 2 || sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}
