/**
 * The `attributes` field of level requests (`{ difficulty: 0.8, enemies: 'many', pipes: 'none' }`):
 * validated against the model's manifest `attributes` list, named levels turned into numbers by
 * that model's quantiles (levels/attributes.ts), and the denoiser's `attributes` input built from
 * it. An attribute left out is unknown (-1 in the graph), which is also what a request without the
 * field gets, so requests written before attributes existed sample as they did.
 */
import { InvalidRequestError } from '../errors.ts';
import { ATTRIBUTE_LEVELS, namedLevel, type AttributeLevel } from '../levels/attributes.ts';
import type { ModelEntry } from '../models/manifest.ts';
import { describe, list, object } from '../validate.ts';

/** Per attribute: a number in [0, 1] (0.5 = like the median training window) or a named level. */
export type LevelAttributes = Record<string, number | AttributeLevel>;
/** After validation: numbers only, the attributes given. */
export type NormalizedAttributes = Record<string, number>;

/** The graph's value for an attribute left out. */
export const UNKNOWN_ATTRIBUTE = -1;

/** Validated attributes of a request for `model`; undefined when the request has none. */
export function normalizeAttributes(model: ModelEntry, raw: unknown): NormalizedAttributes | undefined {
  if (raw === undefined) return undefined;
  const given = object('attributes', raw);
  const specs = model.attributes ?? [];
  const names = specs.map((s) => s.name);
  const out: NormalizedAttributes = {};
  for (const [name, value] of Object.entries(given)) {
    const spec = specs.find((s) => s.name === name);
    if (!spec) {
      throw new InvalidRequestError(
        `attributes.${name}`,
        specs.length ? `unknown attribute for model ${model.id}; valid attributes: ${list(names)}` : `model ${model.id} takes no attributes (its manifest entry lists none)`,
      );
    }
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) out[name] = value;
    else if (typeof value === 'string' && (ATTRIBUTE_LEVELS as readonly string[]).includes(value)) out[name] = round(namedLevel(value as AttributeLevel, spec.quantiles));
    else throw new InvalidRequestError(`attributes.${name}`, `must be a number from 0 to 1 or one of ${list(ATTRIBUTE_LEVELS)} (got ${describe(value)})`);
  }
  return out;
}

/** Six digits: a named level gives the same number (and cache key) on every platform. */
const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/** The denoiser's `attributes` input for `count` items, in the manifest's order; undefined for a model without attributes. */
export function attributeInput(model: ModelEntry, attributes: NormalizedAttributes | undefined, count = 1): Float32Array | undefined {
  const specs = model.attributes;
  if (!specs?.length) return undefined;
  const one = specs.map((s) => attributes?.[s.name] ?? UNKNOWN_ATTRIBUTE);
  const out = new Float32Array(count * one.length);
  for (let i = 0; i < count; i++) out.set(one, i * one.length);
  return out;
}
