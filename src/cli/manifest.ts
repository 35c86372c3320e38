/**
 * Which manifest the CLI uses, and reading it: `--manifest`, else $ASSET_DIFFUSION_MANIFEST, else
 * the package's models/manifest.json, else (in a clone without trained models) the tiny test
 * fixture, with a note. The file is read here, capped at MAX_MANIFEST_BYTES, so `generate`,
 * `bake`, `eval` and `models` refuse the same files the same way: a user's manifest that is
 * missing, unreadable, too large, not a file or fails its schema is bad input (exit 2).
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ModelLoadError } from '../errors.ts';
import { MAX_MANIFEST_BYTES, parseManifestText, type Manifest } from '../models/manifest.ts';
import { readCappedText } from '../node/read.ts';
import { defaultManifestUrl } from '../runtime/runtime.ts';

export interface CliManifest {
  manifest: Manifest;
  baseUrl: URL;
}

/**
 * The manifest path: the option as given (an empty `--manifest ""` is an error, never a quiet
 * fallback), else the environment variable (empty counts as unset, as shells do), else the
 * package's models/manifest.json. Without any of them (a clone whose models are not trained or
 * fetched yet) it stops with a ModelLoadError (exit 1) that says how to get one; it never falls
 * back to the test fixtures.
 */
export function resolveCliManifest(option: string | undefined, _note?: (message: string) => void): { path: string; user: boolean } {
  if (option !== undefined) return { path: option, user: true };
  const env = process.env.ASSET_DIFFUSION_MANIFEST;
  if (env) return { path: env, user: true };
  const packaged = fileURLToPath(defaultManifestUrl());
  if (existsSync(packaged)) return { path: packaged, user: false };
  throw new ModelLoadError(
    `no models manifest: ${packaged} does not exist. Train or export the models (models/README.md), or point --manifest or $ASSET_DIFFUSION_MANIFEST at a manifest.json`,
  );
}

/** Reads and validates the CLI's manifest (InvalidRequestError on `manifest`, or ManifestError: both exit 2). */
export function loadCliManifest(option: string | undefined, note: (message: string) => void): CliManifest {
  const { path, user } = resolveCliManifest(option, note);
  const abs = path === '' ? '' : resolve(path);
  let text: string;
  try {
    text = readCappedText('manifest', abs, MAX_MANIFEST_BYTES);
  } catch (e) {
    // The package's own manifest missing is a broken install (exit 1), not the user's input.
    if (!user) throw new ModelLoadError(`${basename(abs)}: ${(e as Error).message.replace(/^manifest: /, '')}`);
    throw e;
  }
  return { manifest: parseManifestText(text, basename(abs)), baseUrl: pathToFileURL(abs) };
}
