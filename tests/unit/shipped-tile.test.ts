/** The shipped tile model's contract as a game sees it: material classes, and a named error for
 *  the v1 class names a game written against 1.x still asks for. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, normalizeRequest, parseManifestText } from '../../src/index.ts';

const manifest = parseManifestText(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8'));
const tile = manifest.models.find((m) => m.kind === 'tile')!;
const MATERIALS = ['stone_floor', 'dirt_sand', 'grass_moss', 'lava', 'ice_crystal', 'water', 'brick_wall', 'stone_wall', 'rock_wall', 'metal_wall'];

describe('shipped tile model', () => {
  it('offers the material classes, seamless, with a palette', () => {
    expect(tile.classes).toEqual(MATERIALS);
    expect(tile.seamless).toBe(true);
    expect(tile.palette?.length).toBeGreaterThanOrEqual(16);
  });

  it.each(['floor', 'wall', 'tree', 'door'])('v1 class "%s" gets a named error listing the new classes', (old) => {
    const call = () => normalizeRequest(manifest, { kind: 'tile', class: old });
    expect(call).toThrow(InvalidRequestError);
    expect(call).toThrow(new RegExp(`class.*"${old}".*${MATERIALS.join('.*')}`));
  });
});
