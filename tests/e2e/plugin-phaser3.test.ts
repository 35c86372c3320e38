/**
 * The Phaser plugin on Phaser 3.90 (the `phaser3` npm alias stands in for `phaser`): the plugin
 * test's page (tests/e2e/plugin/game.ts) and the README example, in Chromium on wasm with the tiny
 * fixture models: Loader-made sprites, tiles and a level tilemap with collision, a named error
 * event for a bad request, scene shutdown and game destroy cancelling, a baked pack with no worker.
 * plugin.test.ts runs the same page on Phaser 4 in more depth.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForTests } from '../helpers/chromium.ts';
import { openGame as openPluginGame, readmeExample, startPluginHarness, type PluginHarness } from './plugin/harness.ts';

const PACK_OUT = 'test-results/plugin-pack-phaser3';

type Win = { plugin: Record<'inspect' | 'cancelOnShutdown' | 'destroyGame' | 'packCheck', () => any> & { record: { ready: boolean } }; game: any };
declare const window: Win;

describe.skipIf(!browserForTests())('Phaser plugin on Phaser 3.90 in Chromium', () => {
  let h: PluginHarness;
  let page: Page;
  let pageErrors: string[];
  const openGame = (query: string): Promise<void> => openPluginGame(h, query);

  beforeAll(async () => {
    h = await startPluginHarness(PACK_OUT, {
      // Its own optimizer cache: the Phaser 4 suites' pre-bundled `phaser` must not be reused.
      cacheDir: 'node_modules/.vite-phaser3',
      resolve: {
        alias: {
          phaser: new URL('../../node_modules/phaser3', import.meta.url).pathname,
          'asset-diffusion/phaser': new URL('../../plugin/index.ts', import.meta.url).pathname,
        },
      },
    }, { consoleErrors: true });
    ({ page, pageErrors } = h);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('preloads sprites, tiles and a level through the Loader; a bad request is a named error event', async () => {
    await openGame('cache=plugin-e2e-phaser3&device=wasm');
    const first = await page.evaluate(() => window.plugin.inspect());
    console.log(`Phaser ${first.phaser}, ${first.renderer} renderer, generation on ${first.backend}`);
    expect(first.phaser).toBe('3.90.0');
    expect(first.backend).toBe('wasm');
    for (const [key, count] of [['heroes', 4], ['floor', 4]] as const) {
      expect(first[key].frames).toEqual(Array.from({ length: count }, (_, i) => String(i)));
      for (const n of first[key].opaque) expect(n).toBeGreaterThan(0);
    }
    const l = first.level;
    expect([l.rows, l.cols, l.layerHeight, l.layerWidth]).toEqual([14, 40, 14, 40]);
    expect(l.sameIndex).toBe(l.cells);
    expect(l.solid).toBeGreaterThan(0);
    expect(l.solidColliding).toBe(l.solid);
    expect(l.otherColliding).toBe(0);
    const events = first.record.events as Array<{ name: string; payload: any }>;
    expect(events.filter((e) => e.name === 'cache').map((e) => [e.payload.key, e.payload.hit]).sort()).toEqual([['floor', false], ['heroes', false], ['level', false]]);
    expect(events.find((e) => e.name === 'error')!.payload).toMatchObject({ errorName: 'InvalidRequestError', key: 'bad', kind: 'sprite' });
    expect(first.record.fileErrors).toEqual(['bad']);
    expect(first.record.loaderProgress.at(-1)).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('scene shutdown aborts its request, remove() frees; game destroy terminates the worker', async () => {
    const r = await page.evaluate(() => window.plugin.cancelOnShutdown());
    expect(r.outcome).toBe('AbortError');
    expect(r.sideTexture).toBe(false);
    expect(r.level2.solid).toBeGreaterThan(0);
    expect(r.removed).toEqual([true, true, false]);
    const d = await page.evaluate(() => window.plugin.destroyGame());
    expect(d.outcome).toMatch(/^AbortError: /);
    expect(d.workerRunning).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('load.diffusionPack loads a baked pack with no worker', async () => {
    await openGame(`only=pack&pack=/${PACK_OUT}/pack.json`);
    const p = await page.evaluate(() => window.plugin.packCheck());
    expect(p.workerRunning).toBe(false);
    expect(p.heroes.frames).toEqual(['0', '1', '2', '3']);
    expect(p.level).toMatchObject({ cols: 24, rows: 14, layer: 24, tileWidth: 8 });
    expect(p.level.colliding).toBeGreaterThan(0);
    expect(p.tiled).toBe(true);
  });

  it("the README's example runs on Phaser 3", async () => {
    const shown = await readmeExample(h);
    expect(shown).toMatchObject({ heroes: 4, layerWidth: 64, backend: 'wasm' });
    expect(shown.colliding).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });
});
