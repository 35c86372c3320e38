import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModelLoadError } from '../errors.ts';
import { defaultManifestUrl } from '../runtime/runtime.ts';

/**
 * Which manifest the CLI uses: --manifest, else $ASSET_DIFFUSION_MANIFEST, else the package's
 * models/manifest.json. Without any of them (a clone whose models are not trained or fetched yet)
 * it stops with a ModelLoadError (exit 1) that says how to get one; it never falls back to the
 * test fixtures. (`note`, for lines on stderr, has nothing to say since that fallback went; the
 * CLI commands still pass one.)
 */
export function resolveCliManifest(option: string | undefined, _note?: (message: string) => void): string {
  if (option) return option;
  if (process.env.ASSET_DIFFUSION_MANIFEST) return process.env.ASSET_DIFFUSION_MANIFEST;
  const packaged = fileURLToPath(defaultManifestUrl());
  if (existsSync(packaged)) return packaged;
  throw new ModelLoadError(
    `no models manifest: ${packaged} does not exist. Train or export the models (models/README.md), or point --manifest or $ASSET_DIFFUSION_MANIFEST at a manifest.json`,
  );
}
