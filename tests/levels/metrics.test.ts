import { describe, expect, it } from 'vitest';
import { brokenStructureRate, kl, klBaseline, klDivergence, novelty, patternCounts } from '../../src/levels/metrics.ts';
import { sliceColumns } from '../../src/levels/legend.ts';
import { level, trainingLevels } from './helpers.ts';

describe('novelty', () => {
  const a = level('--------', 'XXXXXXXX');
  const b = level('-o-o-o-o', 'XXXXXXXX');

  it('is 0 for copies, 1 for levels sharing no window, the share in between', () => {
    expect(novelty([a], [a, b], { windowWidth: 4 })).toBe(0);
    expect(novelty([b], [a], { windowWidth: 4 })).toBe(1);
    // Nine empty columns, then b's pattern: 13 windows of 4; the first 6 are a's, the last 5 b's.
    const ab = level('---------o-o-o-o', 'XXXXXXXXXXXXXXXX');
    expect(novelty([ab], [a], { windowWidth: 4 })).toBeCloseTo(7 / 13, 12);
    expect(novelty([ab], [a, b], { windowWidth: 4 })).toBeCloseTo(2 / 13, 12);
    expect(novelty([level('--', 'XX')], [a])).toBeNaN(); // narrower than a window
  });

  it('finds every 16-column window of a training level in the training set', () => {
    const levels = trainingLevels().map((l) => l.grid);
    expect(novelty([sliceColumns(levels[0]!, 40, 90)], levels)).toBe(0);
  });
});

describe('kl', () => {
  it('counts 2x2 patterns with stride 1', () => {
    const counts = patternCounts([level('-o-', 'XXX')]);
    expect([...counts.values()].reduce((s, n) => s + n, 0)).toBe(2);
    expect(counts.size).toBe(2);
  });

  it('is 0 for equal distributions and matches a hand computation otherwise', () => {
    const p = new Map([['a', 1], ['b', 1]]);
    expect(klDivergence(p, new Map([['a', 5], ['b', 5]]))).toBeCloseTo(0, 12);
    // P = (1/2, 1/2), Q = (1/4, 3/4): KL = 1/2 ln 2 + 1/2 ln(2/3)
    expect(klDivergence(p, new Map([['a', 1], ['b', 3]]), 0)).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 12);
    // A pattern Q never has costs about ln(1/epsilon) per unit of probability: finite, large.
    const missing = klDivergence(new Map([['a', 1]]), new Map([['b', 1]]), 1e-5);
    expect(missing).toBeGreaterThan(10);
    expect(Number.isFinite(missing)).toBe(true);
  });

  it('is KL(generated || training): what the generator invents costs, what it omits costs little', () => {
    const training = [level('-o-o', 'XXXX'), level('----', 'XXXX')];
    const dull = [level('----', 'XXXX')];
    const alien = [level('<><>', 'XXXX')];
    expect(kl(dull, training)).toBeLessThan(1);
    expect(kl(alien, training)).toBeGreaterThan(10);
  });

  it('measures the training halves against each other (the baseline the eval reports)', () => {
    const levels = trainingLevels().map((l) => l.grid);
    const baseline = klBaseline(levels);
    console.log(`klBaseline (2x2, epsilon 1e-5, odd vs even training levels): ${baseline.toFixed(4)}`);
    expect(baseline).toBeGreaterThan(0);
    expect(baseline).toBeLessThan(2);
    expect(kl(levels, levels)).toBeCloseTo(0, 12);
  });
});

describe('brokenStructureRate', () => {
  it('is the share of levels with a broken pipe or cannon', () => {
    const whole = level('-<>-', '-[]-', 'XXXX');
    const broken = level('-<--', '-[]-', 'XXXX');
    expect(brokenStructureRate([whole, broken, whole, whole])).toBe(0.25);
    expect(brokenStructureRate([])).toBeNaN();
    expect(brokenStructureRate(trainingLevels().map((l) => l.grid))).toBeCloseTo(4 / 37, 12);
  });
});
