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

/** The fixture model ships with the repository so the CLI and tests work before real models exist. */
const FIXTURE_MANIFEST = new URL('../../tests/fixtures/tiny/manifest.json', import.meta.url);

export interface CliManifest {
  manifest: Manifest;
  baseUrl: URL;
}

/**
 * The manifest path: the option as given (an empty `--manifest ""` is an error, never a quiet
 * fallback), else the environment variable (empty counts as unset, as shells do), else the default.
 */
export function resolveCliManifest(option: string | undefined, note: (message: string) => void): { path: string; user: boolean } {
  if (option !== undefined) return { path: option, user: true };
  const env = process.env.ASSET_DIFFUSION_MANIFEST;
  if (env) return { path: env, user: true };
  const packaged = fileURLToPath(defaultManifestUrl());
  if (existsSync(packaged)) return { path: packaged, user: false };
  const fixture = fileURLToPath(FIXTURE_MANIFEST);
  if (existsSync(fixture)) {
    note(`note: ${packaged} not found; using the tiny test fixture model (${fixture})`);
    return { path: fixture, user: false };
  }
  return { path: packaged, user: false };
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
