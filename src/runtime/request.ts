/**
 * The request and its one validation, at the edge: every entry point (API, worker, CLI, plugin)
 * calls `normalizeRequest`, which fills defaults from the manifest and throws an
 * InvalidRequestError naming the field and its valid values. What comes out is canonical: it is
 * what the cache key hashes, so two requests that mean the same thing share a cache entry.
 */
import { InvalidRequestError } from '../errors.ts';
import { KINDS, genreOf, type Genre, type Kind, type Manifest, type ModelEntry } from '../models/manifest.ts';
import type { SamplerName } from '../core/samplers.ts';
import { boolean, describe, integer, list, oneOf, real } from '../validate.ts';
import type { RgbaImage } from '../models/codecs.ts';
import { normalizeSource, normalizeStrength, type SourceImage } from './variation.ts';

export const SAMPLERS: readonly SamplerName[] = ['ddim', 'dpmpp2m'];
export const MAX_COUNT = 64;
/**
 * Size cap checked before any tensor is allocated: count x channels x height x width of one
 * request, at most this many float32 elements (64 MiB). The manifest caps one item
 * (MAX_ITEM_ELEMENTS); this caps the batch a request may ask for on top of it.
 */
export const MAX_REQUEST_ELEMENTS = 1 << 24;

export interface GenerateRequest {
  /** 'tile' | 'sprite' | 'level'; may be left out when `model` is given. */
  kind?: Kind;
  /** Model id from the manifest; default: the first model of `kind`. */
  model?: string;
  /** Class name; default: the model's `defaultClass`, else each item draws a class from its seed. */
  class?: string;
  /** Number of images or levels, 1..64; default 1. */
  count?: number;
  /** Integer 0..2^32-1; default: a random seed (reported in the result). */
  seed?: number;
  /** Sampler steps; default and range from the manifest. */
  steps?: number;
  /** Classifier-free guidance scale; default and range from the manifest. */
  guidance?: number;
  /** 'ddim' (default) or 'dpmpp2m'. */
  sampler?: SamplerName;
  /** DDIM stochasticity 0..1; default 0 (deterministic). */
  eta?: number;
  /** Levels only: columns, exactly the model window (raw window samples); `runtime.level({ width })` makes levels of any width. */
  width?: number;
  /** Sprites only: alpha threshold 0..1; default 0.5. */
  alphaThreshold?: number;
  /** Sprites only: quantise each sprite to N colours, 2..256. */
  palette?: number;
  /**
   * Sprites and tiles: make variations of this image (SDEdit): it is snapped to the model's palette,
   * noised to `strength` and denoised. Straight-alpha RGBA8 of the model's exact size (an ImageData works).
   */
  from?: SourceImage;
  /** With `from`: 0 returns the (snapped) source, 1 is ordinary generation; default 0.5. */
  strength?: number;
  /** Sprites: keep fragments (samples with fewer opaque pixels than the model's `minOpaque` for their class) instead of sampling them again. Default false. */
  allowFragments?: boolean;
}

/** A request with every default filled in; the cache key is a hash of this and the model sha256. */
export interface NormalizedRequest {
  kind: Kind;
  model: string;
  class: string | null;
  count: number;
  seed: number;
  steps: number;
  guidance: number;
  sampler: SamplerName;
  eta: number;
  width: number;
  alphaThreshold: number | null;
  palette: number | null;
  /** Variations only (absent otherwise, so other requests keep their cache keys): sha256 of the snapped source's RGBA bytes. */
  from?: string;
  /** Variations only: the noise level the source is taken to, 0..1. */
  strength?: number;
  /** Only when true (absent otherwise, so other requests keep their cache keys): no fragment guard. */
  allowFragments?: true;
}

const FIELDS = ['kind', 'model', 'class', 'count', 'seed', 'steps', 'guidance', 'sampler', 'eta', 'width', 'alphaThreshold', 'palette', 'from', 'strength', 'allowFragments'] as const;

export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/** Pick the model: by id, or the first of the requested kind. */
export function resolveModel(manifest: Manifest, request: { kind?: unknown; model?: unknown }, genre?: Genre): ModelEntry {
  const kind = request.kind === undefined ? undefined : oneOf('kind', request.kind, KINDS);
  if (request.model !== undefined) {
    const ids = manifest.models.filter((m) => kind === undefined || m.kind === kind).map((m) => m.id);
    const id = oneOf('model', request.model, ids, kind ? ` for kind ${kind}` : '');
    return manifest.models.find((m) => m.id === id)!;
  }
  if (kind === undefined) throw new InvalidRequestError('kind', `required when no model is given; valid values: ${KINDS.join(', ')}`);
  // The default level model is a platformer one unless a genre is asked for: adding a dungeon model must not change what `{ kind: 'level' }` means.
  const wanted = genre ?? (kind === 'level' ? 'platformer' : null);
  const model = manifest.models.find((m) => m.kind === kind && genreOf(m) === wanted);
  if (!model && wanted && manifest.models.some((m) => m.kind === kind))
    throw new InvalidRequestError('model', `no ${wanted} level model in the manifest; name one of: ${list(manifest.models.filter((m) => m.kind === kind).map((m) => m.id))}`);
  if (!model) throw new InvalidRequestError('kind', `no model of kind ${kind} in the manifest; kinds available: ${list([...new Set(manifest.models.map((m) => m.kind))])}`);
  return model;
}

/** A normalized request with the manifest entry it resolved to, so no caller looks the model up again. */
export interface Resolved<R> {
  request: R;
  model: ModelEntry;
}

/** The sampling fields of a request as a user writes them (each optional; normalizeSampling checks them and fills defaults). */
export interface SamplingFields {
  /** Integer 0..2^32-1; default random (reported in the result). */
  seed?: number;
  steps?: number;
  guidance?: number;
  class?: string;
  sampler?: SamplerName;
  eta?: number;
}

/** The sampling fields every request shares (generate, level, regenerate, pack items): one normaliser for all. */
export interface NormalizedSampling {
  seed: number;
  steps: number;
  guidance: number;
  class: string | null;
  sampler: SamplerName;
  eta: number;
}

/**
 * Seed, steps, guidance, class, sampler and eta of `r` for `model`: each checked against the
 * model's ranges (or the sampler list), defaults from the manifest, or from `inherit` (the
 * previous request of the same model, for regenerate) for a field `r` leaves out.
 */
export function normalizeSampling(model: ModelEntry, r: Record<string, unknown>, inherit?: Omit<NormalizedSampling, 'seed'>): NormalizedSampling {
  const given = (k: string): boolean => r[k] !== undefined;
  let cls: string | null = inherit ? inherit.class : (model.defaultClass ?? null);
  if (given('class')) {
    if (model.classes.length === 0) throw new InvalidRequestError('class', `model ${model.id} has no classes; leave class out`);
    cls = oneOf('class', r.class, model.classes, ` for model ${model.id}`);
  }
  return {
    seed: given('seed') ? integer('seed', r.seed, 0, 0xffffffff) : randomSeed(),
    steps: given('steps') ? integer('steps', r.steps, model.steps.min, model.steps.max) : (inherit?.steps ?? model.steps.default),
    guidance: given('guidance') ? real('guidance', r.guidance, model.guidance.min, model.guidance.max) : (inherit?.guidance ?? model.guidance.default),
    class: cls,
    sampler: given('sampler') ? oneOf('sampler', r.sampler, SAMPLERS) : (inherit?.sampler ?? 'ddim'),
    eta: given('eta') ? real('eta', r.eta, 0, 1) : (inherit?.eta ?? 0),
  };
}

/** A normalized generate request, and for a variation the snapped source image it starts from. */
export interface ResolvedGenerate extends Resolved<NormalizedRequest> {
  source: RgbaImage | null;
}

export function normalizeRequest(manifest: Manifest, raw: unknown): ResolvedGenerate {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidRequestError('request', `must be an object (got ${describe(raw)})`);
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new InvalidRequestError(key, `unknown field; valid fields: ${FIELDS.join(', ')}`);
  }
  const present = (k: string): boolean => r[k] !== undefined;
  const model = resolveModel(manifest, r);
  const sprite = model.kind === 'sprite';
  for (const k of ['alphaThreshold', 'palette', 'allowFragments'] as const) if (present(k) && !sprite) throw new InvalidRequestError(k, `only applies to sprites (model ${model.id} makes ${model.kind}s)`);
  if (present('width') && model.kind !== 'level') throw new InvalidRequestError('width', `only applies to levels (model ${model.id} makes ${model.kind}s)`);

  const window = model.layout.width;
  const count = present('count') ? integer('count', r.count, 1, MAX_COUNT) : 1;
  const item = model.layout.channels * model.layout.height * window;
  if (count * item > MAX_REQUEST_ELEMENTS)
    throw new InvalidRequestError('count', `${count} items of model ${model.id} (${model.layout.channels}x${model.layout.height}x${window} each) exceed the ${MAX_REQUEST_ELEMENTS}-element tensor limit; valid: at most ${Math.max(1, Math.floor(MAX_REQUEST_ELEMENTS / item))}`);
  const sampling = normalizeSampling(model, r);
  const source = present('from') ? normalizeSource(model, r.from) : null;
  const strength = normalizeStrength(r.strength, source !== null);
  const request: NormalizedRequest = {
    kind: model.kind,
    model: model.id,
    class: sampling.class,
    count,
    seed: sampling.seed,
    steps: sampling.steps,
    guidance: sampling.guidance,
    sampler: sampling.sampler,
    eta: sampling.eta,
    // generate() returns raw model windows; levels of other widths are outpainted by runtime.level (runtime/levels.ts).
    width: present('width') ? integer('width', r.width, window, window) : window,
    alphaThreshold: sprite ? (present('alphaThreshold') ? real('alphaThreshold', r.alphaThreshold, 0, 1) : 0.5) : null,
    palette: sprite && present('palette') ? integer('palette', r.palette, 2, 256) : null,
    ...(source ? { from: source.sha256, strength } : {}),
    ...(present('allowFragments') && boolean('allowFragments', r.allowFragments) && { allowFragments: true as const }),
  };
  return { request, model, source: source?.image ?? null };
}

/** Stable JSON of a normalized request (keys in a fixed order). */
export function canonicalRequest(request: NormalizedRequest): string {
  return JSON.stringify(request, [...FIELDS].sort());
}
