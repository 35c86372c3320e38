/**
 * The pack config (docs/PACK-FORMAT.md): a zod schema for its shape (unknown fields, arrays) and
 * the pack's own fields (name, count, tileSize, pack seed, checked by the shared validators of
 * src/validate.ts); every sampling and request field of an item is checked against the models
 * manifest by the runtime's own validators (normalizeRequest / normalizeLevelRequest), so a pack
 * and a request word the same mistake the same way. Every error names the JSON path of the bad
 * field, e.g. `sprites[1].count: must be an integer from 1 to 256 (got 0)`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InvalidRequestError } from '../../errors.ts';
import type { Manifest, ModelEntry } from '../../models/manifest.ts';
import { describe, integer } from '../../validate.ts';
import { normalizeRequest, MAX_COUNT } from '../../runtime/request.ts';
import { normalizeLevelRequest, type LevelConstraint } from '../../runtime/level-request.ts';
import { normalizeDungeonRequest } from '../../runtime/dungeon-request.ts';
import { planDungeon } from '../../levels/dungeon/layout.ts';
import { ROOM_COLS } from '../../levels/dungeon/legend.ts';
import type { SamplerName } from '../../core/samplers.ts';

/** A bad pack config, shard spec or pack folder: exit 2, the message printed as is. */
export class PackInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackInputError';
  }
}

export const MAX_SET_COUNT = 256;
export const MAX_ITEMS = 256;
/** Bumped when the files rendered for the same params change, so resume never reuses stale files. */
export const RENDER_VERSION = 1;
const NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * A zod field checked by one of the shared validators (src/validate.ts), so a pack says
 * `must be an integer from 1 to 256 (got 0)` in the same words as a request.
 */
const checked = <T>(check: (value: unknown) => T) =>
  z.unknown().superRefine((v, ctx) => {
    try {
      check(v);
    } catch (e) {
      if (!(e instanceof InvalidRequestError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message.slice(e.field.length + 2) });
    }
  }) as unknown as z.ZodType<T>;
const name = checked((v) => {
  if (typeof v !== 'string' || !NAME_RE.test(v) || v.length > 64)
    throw new InvalidRequestError('name', `must be 1..64 characters of a-z, 0-9, "_" or "-", starting with a letter or digit (got ${describe(v)})`);
  return v;
});
const passed = z.unknown().optional();

// Only the pack's own fields are checked here (name, count, tileSize, the pack seed); every
// sampling and request field is left to the runtime's validators (normalizeRequest,
// normalizeLevelRequest), which name it and give its range for the model.
const sampling = { name, model: passed, class: passed, seed: passed, steps: passed, guidance: passed, sampler: passed, eta: passed };
const setCount = checked((v) => integer('count', v, 1, MAX_SET_COUNT)).optional();
const spriteSet = z.strictObject({ ...sampling, count: setCount, palette: passed, alphaThreshold: passed });
const tileSet = z.strictObject({ ...sampling, count: setCount });
const levelItem = z.strictObject({
  ...sampling,
  width: passed,
  constraints: passed,
  ensurePlayable: passed,
  flatStart: passed,
  /** Dungeon models only: rooms per dungeon. */
  rooms: passed,
  tileSize: checked((v) => integer('tileSize', v, 4, 128)).optional(),
});
const packSchema = z.strictObject({
  name: name.optional(),
  seed: checked((v) => integer('seed', v, 0, 0xffffffff)).optional(),
  sprites: z.array(spriteSet).max(MAX_ITEMS).optional(),
  tiles: z.array(tileSet).max(MAX_ITEMS).optional(),
  levels: z.array(levelItem).max(MAX_ITEMS).optional(),
});
export type PackConfig = z.infer<typeof packSchema>;

/** A level entry naming a dungeon model goes to runtime.dungeon (rooms), not runtime.level (width). */
const isDungeonModel = (manifest: Manifest, id: unknown): boolean => manifest.models.some((m) => m.id === id && m.genre === 'dungeon');

export interface NormalizedSprite {
  name: string; model: string; class?: string; count: number; seed: number; steps: number; guidance: number;
  sampler: SamplerName; eta: number; palette?: number; alphaThreshold: number;
}
export interface NormalizedTile {
  name: string; model: string; class?: string; count: number; seed: number; steps: number; guidance: number; sampler: SamplerName; eta: number;
}
export interface NormalizedLevel {
  name: string; model: string; class?: string; width: number; seed: number; steps: number; guidance: number; sampler: SamplerName;
  eta: number; constraints: unknown[]; ensurePlayable: boolean; flatStart: number; tileSize: number;
  /** Dungeon models: rooms joined by doors (`width` is then the map's, from the seed's room plan). */
  rooms?: number;
}
export interface NormalizedPack {
  name: string;
  seed: number;
  sprites: NormalizedSprite[];
  tiles: NormalizedTile[];
  levels: NormalizedLevel[];
}

export type PackItem =
  | { index: number; kind: 'sprite'; path: string; params: NormalizedSprite; model: ModelEntry; paramsHash: string }
  | { index: number; kind: 'tile'; path: string; params: NormalizedTile; model: ModelEntry; paramsHash: string }
  | { index: number; kind: 'level'; path: string; params: NormalizedLevel; model: ModelEntry; paramsHash: string };

export interface ValidatedPack {
  config: NormalizedPack;
  configSha256: string;
  items: PackItem[];
  /** Every model the config uses, by id (sorted). */
  models: ModelEntry[];
}

/** `sprites[1].count` from zod's path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') || '(root)';
}

/** JSON with keys sorted at every level: the form hashed for configSha256 and paramsHash. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
}

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** FNV-1a, 32 bit: default item seeds that do not move when other items are added or reordered. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h >>> 0;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const valid = validFields(issue.path);
    return `${jsonPath([...issue.path, issue.keys[0]!])}: unknown field${valid ? `; valid fields: ${valid}` : ''}`;
  }
  if (issue.code === 'invalid_type') {
    const got = describe((issue as { input?: unknown }).input);
    return `${jsonPath(issue.path)}: must be ${issue.expected === 'array' ? 'an array' : issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}${'input' in issue ? ` (got ${Array.isArray(issue.input) ? 'an array' : got})` : ''}`;
  }
  if (issue.code === 'too_big' && issue.origin === 'array') return `${jsonPath(issue.path)}: at most ${issue.maximum} entries`;
  return `${jsonPath(issue.path)}: ${issue.message}`;
}

function validFields(path: readonly PropertyKey[]): string {
  const section = path[0];
  const shape = path.length === 0 ? packSchema.shape : section === 'sprites' ? spriteSet.shape : section === 'tiles' ? tileSet.shape : section === 'levels' ? levelItem.shape : undefined;
  return shape ? Object.keys(shape).join(', ') : '';
}

const SECTIONS = [
  ['sprites', 'sprite'],
  ['tiles', 'tile'],
  ['levels', 'level'],
] as const;

/** Validates a parsed pack config against the manifest; throws PackInputError naming the JSON path. */
export function validatePack(raw: unknown, manifest: Manifest): ValidatedPack {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PackInputError(`(root): must be an object (got ${Array.isArray(raw) ? 'an array' : describe(raw)})`);
  const parsed = packSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new PackInputError(firstIssue(parsed.error));
  const p = parsed.data;
  const packSeed = p.seed ?? 1;
  const total = (p.sprites?.length ?? 0) + (p.tiles?.length ?? 0) + (p.levels?.length ?? 0);
  if (total === 0) throw new PackInputError('(root): the pack has no items; add entries to sprites, tiles or levels');
  if (total > MAX_ITEMS) throw new PackInputError(`(root): at most ${MAX_ITEMS} items in all (got ${total})`);

  const seen = new Map<string, string>();
  const config: NormalizedPack = { name: p.name ?? 'pack', seed: packSeed, sprites: [], tiles: [], levels: [] };
  const items: PackItem[] = [];
  for (const [section, kind] of SECTIONS) {
    (p[section] ?? []).forEach((entry, i) => {
      const at = `${section}[${i}]`;
      const other = seen.get(entry.name);
      if (other) throw new PackInputError(`${at}.name: duplicate name ${JSON.stringify(entry.name)} (also ${other}.name); names are unique over the whole pack`);
      seen.set(entry.name, at);
      const seed = entry.seed !== undefined ? entry.seed : (packSeed ^ fnv1a32(entry.name)) >>> 0;
      let item: PackItem;
      try {
        if (kind === 'level' && isDungeonModel(manifest, (entry as z.infer<typeof levelItem>).model)) {
          const e = entry as z.infer<typeof levelItem>;
          const given = Object.fromEntries(Object.entries({ model: e.model, class: e.class, rooms: e.rooms, steps: e.steps, guidance: e.guidance, sampler: e.sampler, eta: e.eta, ensurePlayable: e.ensurePlayable, width: e.width, constraints: e.constraints, flatStart: e.flatStart }).filter(([, v]) => v !== undefined));
          const { request: n, model } = normalizeDungeonRequest(manifest, { ...given, seed });
          const plan = planDungeon(n.rooms, n.seed);
          const params: NormalizedLevel = {
            name: e.name, model: n.model, ...(n.class !== null ? { class: n.class } : {}), width: plan.gridCols * ROOM_COLS, seed: n.seed, steps: n.steps,
            guidance: n.guidance, sampler: n.sampler, eta: n.eta, constraints: [], ensurePlayable: n.ensurePlayable, flatStart: 0, tileSize: e.tileSize ?? 16, rooms: n.rooms,
          };
          config.levels.push(params);
          item = { index: items.length, kind: 'level', path: at, params, model, paramsHash: '' };
        } else if (kind === 'level') {
          const e = entry as z.infer<typeof levelItem>;
          const { request: n, model } = normalizeLevelRequest(manifest, {
            kind: 'level', model: e.model, class: e.class, width: e.width, seed, steps: e.steps, guidance: e.guidance,
            sampler: e.sampler, eta: e.eta, constraints: e.constraints, ensurePlayable: e.ensurePlayable, flatStart: e.flatStart,
          });
          const params: NormalizedLevel = {
            name: e.name, model: n.model, ...(n.class !== null ? { class: n.class } : {}), width: n.width, seed: n.seed, steps: n.steps,
            guidance: n.guidance, sampler: n.sampler, eta: n.eta, constraints: (e.constraints as LevelConstraint[] | undefined) ?? [], ensurePlayable: n.ensurePlayable,
            flatStart: n.flatStart, tileSize: e.tileSize ?? 16,
          };
          config.levels.push(params);
          item = { index: items.length, kind, path: at, params, model, paramsHash: '' };
        } else {
          const e = entry as z.infer<typeof spriteSet>;
          const count = e.count ?? 1;
          const { request: n, model } = normalizeRequest(manifest, {
            kind, model: e.model, class: e.class, count: Math.min(count, MAX_COUNT), seed, steps: e.steps, guidance: e.guidance,
            sampler: e.sampler, eta: e.eta, ...(kind === 'sprite' ? { palette: e.palette, alphaThreshold: e.alphaThreshold } : {}),
          });
          const common = {
            name: e.name, model: n.model, ...(n.class !== null ? { class: n.class } : {}), count, seed: n.seed, steps: n.steps,
            guidance: n.guidance, sampler: n.sampler, eta: n.eta,
          };
          if (kind === 'sprite') {
            const params: NormalizedSprite = { ...common, ...(n.palette !== null ? { palette: n.palette } : {}), alphaThreshold: n.alphaThreshold ?? 0.5 };
            config.sprites.push(params);
            item = { index: items.length, kind, path: at, params, model, paramsHash: '' };
          } else {
            config.tiles.push(common);
            item = { index: items.length, kind, path: at, params: common, model, paramsHash: '' };
          }
        }
      } catch (e) {
        if (!(e instanceof InvalidRequestError)) throw e;
        // The runtime names its request fields; `kind` failures are about which model serves this section.
        const field = e.field === 'kind' || e.field === 'request' ? 'model' : e.field;
        throw new PackInputError(`${at}.${field}: ${e.message.slice(e.field.length + 2)}`);
      }
      item.paramsHash = sha256(`asset-diffusion-pack-item/${RENDER_VERSION}\n${item.model.sha256}\n${item.kind}\n${canonicalJson(item.params)}`);
      items.push(item);
    });
  }
  const ids = [...new Set(items.map((i) => i.model.id))].sort();
  return { config, configSha256: sha256(canonicalJson(config)), items, models: ids.map((id) => modelById(manifest, id)) };
}

function modelById(manifest: Manifest, id: string): ModelEntry {
  return manifest.models.find((m) => m.id === id)!;
}

/** `--shard i/n` -> { index, count }; 0 <= i < n <= 256. */
export function parseShard(spec: string | undefined): { index: number; count: number } | null {
  if (spec === undefined) return null;
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_ITEMS || index >= count) throw new PackInputError(`--shard: must be i/n with 0 <= i < n <= ${MAX_ITEMS}, e.g. 0/2 (got ${JSON.stringify(spec)})`);
  return { index, count };
}
