/**
 * The baked pack's `pack.json` (docs/PACK-FORMAT.md, section 2): its identifiers, its types and
 * the checks a reader makes. One module for the writer (`bake`, `merge`) and the reader
 * (`plugin/pack.ts`), browser-safe (no Node imports).
 */
import type { TileInfo } from './models/manifest.ts';

export const PACK_FORMAT = 'asset-diffusion-pack';
export const PACK_FORMAT_VERSION = 1;
/** The manifest file of a baked pack folder. */
export const PACK_FILE = 'pack.json';
/** Largest pack.json a reader accepts (256 items of a few KB each fit many times over). */
export const MAX_PACK_JSON_BYTES = 16 * 1024 * 1024;

export type PackKind = 'sprite' | 'tile' | 'level';

export interface FileRecord {
  /** Relative to the pack folder: `sprites/<name>.png` etc. (see isPackPath). */
  path: string;
  sha256: string;
  bytes: number;
}

/** One item's entry in `pack.json`; `params` is the normalized config entry. */
export interface ItemRecord {
  index: number;
  kind: PackKind;
  name: string;
  model: string;
  params: object;
  paramsHash: string;
  files: Record<string, FileRecord>;
  /** Sprites and tiles. */
  tileWidth?: number;
  tileHeight?: number;
  count?: number;
  /** Levels. */
  tileSize?: number;
  [extra: string]: unknown;
}

export interface PackJson {
  format: typeof PACK_FORMAT;
  formatVersion: number;
  name: string;
  generator: { name: string; version: string };
  configSha256: string;
  config: { name: string; seed: number; sprites: unknown[]; tiles: unknown[]; levels: unknown[] };
  models: Record<string, unknown>;
  shard: { index: number; count: number } | null;
  items: ItemRecord[];
}

/** A level's grid JSON (`levels/<name>.json`). */
export interface PackGridJson {
  width: number;
  height: number;
  legend: TileInfo[];
  data: number[][];
  /** Dungeons only: the room plan (grid positions, doors), start and goal cells, the checker's path. */
  dungeon?: PackDungeon;
}

export interface PackDungeon {
  plan: { gridRows: number; gridCols: number; rooms: Array<{ row: number; col: number; doors: string[] }>; start: number; goal: number };
  start: { row: number; col: number };
  goal: { row: number; col: number };
  path: Array<{ row: number; col: number }>;
}

const PATH_RE = /^(sprites|tiles|levels)\/[a-z0-9][a-z0-9_.-]{0,100}$/;

/** A path a pack may name: one file in one of its three folders, so no record can point outside the pack. */
export function isPackPath(path: unknown): path is string {
  return typeof path === 'string' && PATH_RE.test(path) && !path.includes('..');
}

/**
 * Why `value` is not a pack.json this version reads, or null when it is: the format tag and
 * version, and for every item a kind, a name and files whose paths stay inside the pack.
 */
export function packJsonProblem(value: unknown): string | null {
  const pack = value as Partial<PackJson> | null;
  if (typeof pack !== 'object' || pack === null || pack.format !== PACK_FORMAT || pack.formatVersion !== PACK_FORMAT_VERSION || !Array.isArray(pack.items))
    return `not an asset-diffusion pack (expected format "${PACK_FORMAT}", formatVersion ${PACK_FORMAT_VERSION}, items[])`;
  for (const [i, item] of pack.items.entries()) {
    if (typeof item !== 'object' || item === null || !['sprite', 'tile', 'level'].includes(item.kind) || typeof item.name !== 'string')
      return `items[${i}]: needs a kind (sprite, tile or level) and a name`;
    if (typeof item.files !== 'object' || item.files === null) return `items[${i}].files: must be an object`;
    for (const [role, f] of Object.entries(item.files))
      if (!isPackPath(f?.path) || typeof f.sha256 !== 'string' || !Number.isInteger(f.bytes) || f.bytes < 0)
        return `items[${i}].files.${role}: needs a path inside the pack (sprites/, tiles/ or levels/), a sha256 and a byte count`;
  }
  return null;
}
