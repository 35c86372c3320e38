import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/tiny/', import.meta.url));
export const FIXTURE_MANIFEST = `${FIXTURE_DIR}manifest.json`;
export const FIXTURE_MODEL = `${FIXTURE_DIR}tiny.onnx`;
/** The plugin family's tiny level model (with attributes) as a parity fixture, written by tests/fixtures/plugin/make.py. */
export const LEVEL_PARITY_DIR = fileURLToPath(new URL('../fixtures/plugin/level-parity/', import.meta.url));

export interface ParityCase {
  name: string;
  sampler: 'ddim' | 'dpmpp2m';
  steps: number;
  eta: number;
  guidance: number;
  label: number[];
  mask: number[] | null;
  known: number[] | null;
  noise: number[];
  stepNoise: number[][] | null;
  /** [B * A] for a model that takes attributes (-1 = unknown); absent or null: the runtime's default, all unknown. */
  attributes?: number[] | null;
  /** Palette models: the last step draws at this temperature with these uniforms ([B * H * W]). */
  draw?: { temperature: number; uniforms: number[] } | null;
  expected: number[];
}

export interface Parity {
  /** [B, C, H, W]; B is null here (each case's batch is its label count). */
  shape: [number | null, number, number, number];
  nullClass: number;
  cases: ParityCase[];
}

export function readParity(dir = FIXTURE_DIR): Parity {
  return JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8')) as Parity;
}

export function fixtureBytes(dir = FIXTURE_DIR): Uint8Array {
  return new Uint8Array(readFileSync(join(dir, 'tiny.onnx')));
}

/**
 * Fixture folders the parity test replays: the committed tiny model, plus the one
 * `python3 -m models.smoke --out DIR` wrote when SMOKE_FIXTURE=DIR (CI sets it, so the whole
 * train -> export -> TS pipeline runs on every CI run).
 */
export function parityFixtureDirs(): string[] {
  const smoke = process.env.SMOKE_FIXTURE;
  // The plugin family's level model takes attributes; the smoke run's level model (attributes too), and its tiny seamless tile (circular padding through ONNX).
  const committed = [FIXTURE_DIR, LEVEL_PARITY_DIR];
  return smoke ? [...committed, smoke, join(smoke, 'tile', 'parity')] : committed;
}

import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function fixtureManifestJson(): { schemaVersion: 1; models: Array<Record<string, unknown>> } {
  return JSON.parse(readFileSync(FIXTURE_MANIFEST, 'utf8'));
}

/** A temp folder holding the fixture model and a manifest changed by `edit`; returns the manifest path. */
export function tempModelDir(edit: (manifest: ReturnType<typeof fixtureManifestJson>, dir: string) => void = () => {}): { dir: string; manifest: string } {
  const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-'));
  copyFileSync(FIXTURE_MODEL, join(dir, 'tiny.onnx'));
  const manifest = fixtureManifestJson();
  edit(manifest, dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  return { dir, manifest: join(dir, 'manifest.json') };
}

/** The fixture model reinterpreted as a 4-tile level model, to exercise level decode and exporters. */
export function levelManifest(m: ReturnType<typeof fixtureManifestJson>): void {
  const model = m.models[0]!;
  delete model.palette; // a sprite's colours mean nothing to a level
  Object.assign(model, {
    id: 'tiny-level',
    kind: 'level',
    classes: [],
    nullClass: 0,
    tiles: [
      { char: '-', name: 'empty', solid: false, tags: ['empty'] },
      { char: 'X', name: 'ground', solid: true, tags: ['solid', 'ground'] },
      { char: 'E', name: 'enemy', solid: false, tags: ['enemy', 'hazard'] },
      { char: '?', name: 'question', solid: true, tags: ['solid', 'question'] },
    ],
  });
}

/**
 * The fixture family: one tiny untrained model per kind (sprite, seamless tile, SMB-legend level),
 * written through models/export.py by tests/fixtures/plugin/make.py.
 */
export const FAMILY_DIR = fileURLToPath(new URL('../fixtures/plugin/', import.meta.url));
export const FAMILY_MANIFEST = `${FAMILY_DIR}manifest.json`;

/** A temp folder holding the family's model of `kind` alone, its manifest entry changed by `edit`; returns the manifest path. */
export function familyModelDir(kind: 'sprite' | 'tile' | 'level', edit: (model: Record<string, unknown>) => void = () => {}): { dir: string; manifest: string } {
  const family = JSON.parse(readFileSync(FAMILY_MANIFEST, 'utf8')) as ReturnType<typeof fixtureManifestJson>;
  const model = family.models.find((m) => m.kind === kind)!;
  const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-'));
  copyFileSync(join(FAMILY_DIR, model.file as string), join(dir, model.file as string));
  edit(model);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...family, models: [model] }, null, 1));
  return { dir, manifest: join(dir, 'manifest.json') };
}
