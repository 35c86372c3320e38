/**
 * `eval levels --attributes difficulty,enemies,...` (or `all`): does the model give what is asked?
 * Per attribute, `count` levels; level i asks for that attribute alone at REQUESTED[i % 5] (five
 * evenly spaced values, the middles of the fifths of [0, 1], so 30 levels ask for each 6 times)
 * with the others free. Each returned level is measured with the same definition and quantiles
 * the training labels came from (levels/attributes.ts), and the report gives Spearman's rank
 * correlation between requested and measured, the mean |requested - measured| and, per requested
 * value, the mean measured one.
 */
import { InvalidRequestError } from '../errors.ts';
import { measureAttributes } from '../levels/attributes.ts';
import { spearman } from '../levels/metrics.ts';
import type { ModelEntry } from '../models/manifest.ts';
import type { GeneratedLevel } from '../runtime/types.ts';
import { list } from '../validate.ts';

export const REQUESTED = [0.1, 0.3, 0.5, 0.7, 0.9] as const;
/** The target for every attribute. */
export const SPEARMAN_TARGET = 0.8;

export interface AttributeSweep {
  name: string;
  /** The value level i asks for. */
  requested: number[];
}

export interface AttributeScore {
  spearman: number;
  mean_error: number;
  /** Per value of REQUESTED, the mean measured value of its levels. */
  by_request: Array<{ requested: number; measured: number; levels: number }>;
  /** Levels measured (ensurePlayable failures are left out). */
  levels: number;
}

export function sweepPlan(model: ModelEntry, names: string, count: number): AttributeSweep[] {
  const valid = (model.attributes ?? []).map((a) => a.name);
  if (!valid.length) throw new InvalidRequestError('attributes', `model ${model.id} takes no attributes (its manifest entry lists none)`);
  if (count < REQUESTED.length) throw new InvalidRequestError('count', `must be at least ${REQUESTED.length} with --attributes (one level per requested value)`);
  const asked = names.trim() === 'all' ? valid : names.split(',').map((n) => n.trim());
  for (const n of asked) if (!valid.includes(n)) throw new InvalidRequestError('attributes', `unknown attribute "${n}" for model ${model.id}; valid attributes: ${list(valid)} (or all)`);
  return [...new Set(asked)].map((name) => ({ name, requested: Array.from({ length: count }, (_, i) => REQUESTED[i % REQUESTED.length]!) }));
}

const mean = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
const round = (v: number): number => (Number.isFinite(v) ? Number(v.toFixed(4)) : v);

/** `results[i]` answered `sweep.requested[i]` (undefined: ensurePlayable gave up on it). */
export function scoreAttribute(model: ModelEntry, sweep: AttributeSweep, results: ReadonlyArray<GeneratedLevel | undefined>): AttributeScore {
  const pairs: Array<[number, number]> = [];
  results.forEach((r, i) => {
    if (r) pairs.push([sweep.requested[i]!, measureAttributes(r.grid, model.attributes!)[sweep.name]!]);
  });
  return {
    spearman: round(spearman(pairs.map((p) => p[0]), pairs.map((p) => p[1]))),
    mean_error: round(mean(pairs.map(([a, b]) => Math.abs(a - b)))),
    by_request: REQUESTED.map((v) => {
      const got = pairs.filter((p) => p[0] === v).map((p) => p[1]);
      return { requested: v, measured: round(mean(got)), levels: got.length };
    }),
    levels: pairs.length,
  };
}

export function attributeTable(scores: Record<string, AttributeScore>): string[] {
  return [
    `${'attribute'.padEnd(12)}${'spearman'.padStart(9)}${'mean err'.padStart(10)}  measured at ${REQUESTED.join(' / ')}   target spearman >= ${SPEARMAN_TARGET}`,
    ...Object.entries(scores).map(
      ([name, s]) =>
        `${name.padEnd(12)}${s.spearman.toFixed(3).padStart(9)}${s.mean_error.toFixed(3).padStart(10)}  ${s.by_request.map((b) => b.measured.toFixed(2)).join(' / ')}${s.spearman >= SPEARMAN_TARGET ? '  ok' : '  MISSED'}`,
    ),
  ];
}
