/**
 * The models manifest (docs/MODEL-CONTRACT.md), validated with a zod schema at load. A bad
 * manifest is a ManifestError whose message starts with the path of the bad field, e.g.
 * `manifest.json: models[0].sha256: ...`. Unknown fields are errors too: a typo must not be
 * silently ignored.
 */
import { z } from 'zod';
import { ManifestError } from '../errors.ts';

// zod probes once whether it may compile functions from strings (for a faster object parser); under the strict CSP games
// should deploy with (`script-src 'self' 'wasm-unsafe-eval'`, docs/RELIABILITY.md) the probe is a
// reported violation. The manifest is parsed once, so the slow path costs nothing here.
z.config({ jitless: true });

export const KINDS = ['tile', 'sprite', 'level'] as const;
/** Size caps: a manifest cannot make the runtime download (or allocate) more than this per model. */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/**
 * Bounds on what a manifest may declare, so a hostile or mistaken one cannot make the runtime
 * allocate without limit or sample with absurd settings: one item's tensor (channels x height x
 * width, float32) at most MAX_ITEM_ELEMENTS (16 MiB); each side at most MAX_SIDE; a guidance
 * scale at most MAX_GUIDANCE; legends fit the Uint8 cells of a level grid.
 */
export const MAX_ITEM_ELEMENTS = 1 << 22;
export const MAX_SIDE = 1024;
export const MAX_GUIDANCE = 100;
export const MAX_CLASSES = 1024;
export const MAX_TILES = 256;
export const MAX_MODELS = 256;
export type Kind = (typeof KINDS)[number];
/** Level genres: side-view platformer levels (outpainted window by window) or top-down dungeons of rooms. */
export const GENRES = ['platformer', 'dungeon'] as const;
export type Genre = (typeof GENRES)[number];

const range = (min: number, max: number) =>
  z
    .strictObject({ default: z.number(), min: z.number().min(min), max: z.number().max(max) })
    .refine((r) => r.min <= r.default && r.default <= r.max, { message: 'needs min <= default <= max' });

const byte = z.number().int().min(0).max(255);

/** Level models conditioned on attributes: each name and its quantiles over the training windows (p = 0 .. 1, evenly spaced). */
const attributeSpec = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits or "_"').max(32),
    quantiles: z.array(z.number().finite()).min(2).max(101),
  })
  .refine((a) => a.quantiles.every((q, i) => i === 0 || q >= a.quantiles[i - 1]!), { path: ['quantiles'], message: 'must not decrease' });
export const MAX_ATTRIBUTES = 32;
/** Fingerprints a dungeon model may list (the Zelda data has 417 rooms, 251 distinct). */
export const MAX_KNOWN_ROOMS = 4096;

const tileInfo = z.strictObject({
  char: z.string().length(1),
  name: z.string().min(1).max(64),
  solid: z.boolean(),
  tags: z.array(z.string().max(64)).max(16),
});
export type TileInfo = z.infer<typeof tileInfo>;

const modelEntry = z
  .strictObject({
    id: z.string().max(64).regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" or "-"'),
    kind: z.enum(KINDS),
    /** A distilled student (models/distill.py): the id of the model it was distilled from, of the same kind. Informational; it samples like any model. */
    teacher: z.string().min(1).max(64).optional(),
    /** Level models: what the windows are (absent = platformer, so older manifests keep their meaning). */
    genre: z.enum(GENRES).optional(),
    version: z.string().min(1).max(64),
    file: z.string().min(1).max(1024),
    bytes: z.number().int().positive().max(MAX_MODEL_BYTES),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
    layout: z
      .strictObject({
        channels: z.number().int().positive().max(MAX_TILES),
        height: z.number().int().positive().max(MAX_SIDE),
        width: z.number().int().positive().max(MAX_SIDE),
      })
      .refine((l) => l.channels * l.height * l.width <= MAX_ITEM_ELEMENTS, { message: `channels x height x width must be at most ${MAX_ITEM_ELEMENTS}` }),
    classes: z.array(z.string().min(1).max(64)).max(MAX_CLASSES),
    nullClass: z.number().int().nonnegative(),
    /** The class a request that names none gets; absent or null: each item draws one from its seed. */
    defaultClass: z.string().nullable().optional(),
    tiles: z.array(tileInfo).max(MAX_TILES).nullable(),
    denoiser: z.strictObject({
      output: z.literal('x0'),
      schedule: z.literal('rectified-flow'),
      // The contract's five inputs; a model conditioned on attributes takes a sixth.
      inputs: z.union([
        z.tuple([z.literal('x'), z.literal('t'), z.literal('label'), z.literal('mask'), z.literal('known')]),
        z.tuple([z.literal('x'), z.literal('t'), z.literal('label'), z.literal('mask'), z.literal('known'), z.literal('attributes')]),
      ]),
    }),
    steps: range(1, 1000).refine((r) => Number.isInteger(r.default) && r.max <= 1000, { message: 'needs integer default and max <= 1000' }),
    guidance: range(0, MAX_GUIDANCE),
    seamless: z.boolean(),
    /** Level models: known columns at the left of each outpainting window; fewer means fewer windows per level. Default: half the window, at most 16. */
    context: z.number().int().positive().optional(),
    /** Sprite and tile models trained on a palette: its RGBA8 colours (entry alpha 0 = transparent). Decoded images are snapped to the nearest opaque one. */
    palette: z.array(z.tuple([byte, byte, byte, byte])).min(2).max(256).optional(),
    /**
     * Palette models: the last step draws each pixel's palette entry from softmax(logits / temperature)
     * (the graph's `logits` output) instead of returning the posterior mean, which is flat where the
     * art has texture (docs/MODEL-CONTRACT.md, "Palette draw").
     */
    draw: z.strictObject({ temperature: z.number().positive().max(10) }).optional(),
    /** Sprite models: per class, the fewest opaque pixels a sample may have (the real art's 5th percentile); fewer is a fragment, sampled again (runtime/fragments.ts). */
    minOpaque: z.array(z.number().int().nonnegative()).optional(),
    /** Level models only: the attributes the graph's `attributes` input takes, in its order (docs/MODEL-CONTRACT.md). */
    attributes: z.array(attributeSpec).min(1).max(MAX_ATTRIBUTES).optional(),
    /** Dungeon models: fingerprints of the training rooms (src/levels/dungeon/known-rooms.ts); a sampled room that matches one is sampled again. */
    knownRooms: z.array(z.string().regex(/^[0-9a-f]{16}$/, '16 lower-case hex digits')).max(MAX_KNOWN_ROOMS).optional(),
    card: z.string().nullable().optional(),
    sheet: z.string().nullable().optional(),
    /** Written by models/export.py for information (training steps, minutes, machines); unused at runtime. */
    training: z.looseObject({ steps: z.number().int().nonnegative(), minutes: z.number().nonnegative(), machines: z.array(z.unknown()) }).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.nullClass !== m.classes.length)
      ctx.addIssue({ code: 'custom', path: ['nullClass'], message: `must equal the number of classes (${m.classes.length})` });
    if (new Set(m.classes).size !== m.classes.length) ctx.addIssue({ code: 'custom', path: ['classes'], message: 'has duplicates' });
    if (m.defaultClass != null && !m.classes.includes(m.defaultClass))
      ctx.addIssue({ code: 'custom', path: ['defaultClass'], message: `must be one of the classes (${m.classes.join(', ')})` });
    const channels = m.kind === 'sprite' ? 4 : m.kind === 'tile' ? 3 : m.tiles?.length;
    if (m.kind === 'level') {
      if (!m.tiles || m.tiles.length < 2) ctx.addIssue({ code: 'custom', path: ['tiles'], message: 'a level model needs a legend of at least 2 tiles' });
      else if (new Set(m.tiles.map((t) => t.char)).size !== m.tiles.length) ctx.addIssue({ code: 'custom', path: ['tiles'], message: 'tile chars must be unique' });
    } else if (m.tiles !== null) ctx.addIssue({ code: 'custom', path: ['tiles'], message: `must be null for kind ${m.kind}` });
    if (m.context !== undefined && (m.kind !== 'level' || m.context >= m.layout.width))
      ctx.addIssue({ code: 'custom', path: ['context'], message: m.kind === 'level' ? `must be smaller than the window width (${m.layout.width})` : `only applies to level models` });
    if (m.genre !== undefined && m.kind !== 'level') ctx.addIssue({ code: 'custom', path: ['genre'], message: 'only applies to level models' });
    if (m.knownRooms !== undefined && m.genre !== 'dungeon') ctx.addIssue({ code: 'custom', path: ['knownRooms'], message: 'only applies to dungeon models' });
    if (m.palette !== undefined && m.kind === 'level') ctx.addIssue({ code: 'custom', path: ['palette'], message: 'only applies to sprite and tile models' });
    else if (m.palette !== undefined && !m.palette.some((c) => c[3] === 255))
      ctx.addIssue({ code: 'custom', path: ['palette'], message: 'needs at least one opaque colour (alpha 255)' });
    if (m.minOpaque !== undefined && (m.kind !== 'sprite' || m.minOpaque.length !== m.classes.length))
      ctx.addIssue({ code: 'custom', path: ['minOpaque'], message: m.kind === 'sprite' ? `needs one count per class (${m.classes.length})` : 'only applies to sprite models' });
    if (m.draw !== undefined && m.palette === undefined) ctx.addIssue({ code: 'custom', path: ['draw'], message: 'needs a palette (only palette models draw from logits)' });
    if (m.attributes !== undefined && m.kind !== 'level') ctx.addIssue({ code: 'custom', path: ['attributes'], message: 'only applies to level models' });
    if ((m.attributes !== undefined) !== (m.denoiser.inputs.length === 6))
      ctx.addIssue({ code: 'custom', path: ['denoiser', 'inputs'], message: m.attributes ? 'must end with "attributes" when the model lists attributes' : 'may have an "attributes" input only when the model lists attributes' });
    if (m.attributes && new Set(m.attributes.map((a) => a.name)).size !== m.attributes.length) ctx.addIssue({ code: 'custom', path: ['attributes'], message: 'has duplicate names' });
    if (channels !== undefined && m.layout.channels !== channels)
      ctx.addIssue({ code: 'custom', path: ['layout', 'channels'], message: `must be ${channels} for kind ${m.kind}` });
  });
export type ModelEntry = z.infer<typeof modelEntry>;

/** A model's level genre (platformer unless the manifest says otherwise); null for images. */
export const genreOf = (m: ModelEntry): Genre | null => (m.kind === 'level' ? (m.genre ?? 'platformer') : null);

const manifestSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    models: z.array(modelEntry).min(1).max(MAX_MODELS),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.models.forEach((entry, i) => {
      if (seen.has(entry.id)) ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate id "${entry.id}"` });
      seen.add(entry.id);
    });
    m.models.forEach((entry, i) => {
      if (entry.teacher === undefined) return;
      const teacher = m.models.find((t) => t.id === entry.teacher);
      if (!teacher || teacher.kind !== entry.kind || teacher.id === entry.id)
        ctx.addIssue({ code: 'custom', path: ['models', i, 'teacher'], message: `must name another ${entry.kind} model in the manifest (got "${entry.teacher}")` });
    });
  });
export type Manifest = z.infer<typeof manifestSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '') || '(root)';
}

/** Validate parsed JSON; `source` names the file in error messages. */
export function parseManifest(json: unknown, source = 'manifest.json'): Manifest {
  const result = manifestSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? ` (${(issue as { keys: string[] }).keys.join(', ')})` : '';
  throw new ManifestError(`${source}: ${formatPath(issue.path)}: ${issue.message}${keys}`);
}

/** Parse manifest text (JSON syntax errors are ManifestErrors too). */
export function parseManifestText(text: string, source = 'manifest.json'): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${source}: (root): not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseManifest(json, source);
}
