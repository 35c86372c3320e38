/** Shared set-up for the bake tests: a manifest with one tiny model of each kind, and the CLI in a child process. */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE_DIR, fixtureManifestJson, levelManifest } from '../helpers/fixture.ts';

const TILE_DIR = fileURLToPath(new URL('../fixtures/tile-tiny/', import.meta.url));

/**
 * A temp folder with a manifest of three stand-in models: `tiny` (sprite, the parity fixture),
 * `tile-tiny` (tile, tests/fixtures/tile-tiny) and `tiny-level` (the sprite fixture read as a
 * 4-tile level model, as the CLI tests do).
 */
export function allKindsManifest(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-bake-models-'));
  copyFileSync(join(FIXTURE_DIR, 'tiny.onnx'), join(dir, 'tiny.onnx'));
  copyFileSync(join(TILE_DIR, 'tile.onnx'), join(dir, 'tile.onnx'));
  const sprite = fixtureManifestJson().models[0]!;
  const level = fixtureManifestJson();
  levelManifest(level);
  const tile = JSON.parse(readFileSync(join(TILE_DIR, 'manifest.json'), 'utf8')).models[0];
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ schemaVersion: 1, models: [sprite, tile, level.models[0]] }, null, 1));
  return join(dir, 'manifest.json');
}

/** A small pack over the stand-in models: 2 sprite sets, 2 tile sets, 1 level (5 items). */
export const SMALL_PACK = {
  name: 'small',
  seed: 3,
  sprites: [
    { name: 'hero', class: 'hero', count: 3, steps: 2 },
    { name: 'potions', class: 'potion', count: 5, steps: 2, palette: 8 },
  ],
  tiles: [
    { name: 'floor', class: 'floor', count: 4, steps: 2 },
    { name: 'wall', class: 'wall', count: 2, steps: 2 },
  ],
  levels: [{ name: 'level-1', width: 40, steps: 2, seed: 5 }],
};

export function tempDir(prefix = 'asset-diffusion-bake-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writePack(dir: string, pack: unknown, name = 'pack.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof pack === 'string' ? pack : JSON.stringify(pack, null, 1));
  return path;
}

export { spawnCli as cli, type CliResult } from '../helpers/cli.ts';

/** Every file under `dir` (relative path -> sha256), sorted. */
export function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
