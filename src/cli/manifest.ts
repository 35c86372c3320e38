import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultManifestUrl } from '../runtime/runtime.ts';

/** The fixture model ships with the repository so the CLI and tests work before real models exist. */
const FIXTURE_MANIFEST = new URL('../../tests/fixtures/tiny/manifest.json', import.meta.url);

/**
 * Which manifest the CLI uses: --manifest, else $ASSET_DIFFUSION_MANIFEST, else the package's
 * models/manifest.json, else (in a clone without trained models) the tiny test fixture, with a note.
 */
export function resolveCliManifest(option: string | undefined, note: (message: string) => void): string {
  if (option) return option;
  if (process.env.ASSET_DIFFUSION_MANIFEST) return process.env.ASSET_DIFFUSION_MANIFEST;
  const packaged = fileURLToPath(defaultManifestUrl());
  if (existsSync(packaged)) return packaged;
  const fixture = fileURLToPath(FIXTURE_MANIFEST);
  if (existsSync(fixture)) {
    note(`note: ${packaged} not found; using the tiny test fixture model (${fixture})`);
    return fixture;
  }
  return packaged; // loading it reports the missing file as a ModelLoadError
}
