/**
 * The Phaser plugin in real Chromium (Debian's /usr/bin/chromium via playwright-core): a game
 * preloads generated sprites, tiles and a level through the Loader; the second page load is served
 * from IndexedDB; bad requests are named error events and the game keeps ticking; scene shutdown
 * and game destroy cancel what is pending; a baked pack loads with no worker; the README's example
 * runs as written. Generation runs on wasm with the tiny fixture models (tests/fixtures/plugin).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForTests } from '../helpers/chromium.ts';
import { openGame as openPluginGame, readmeExample, startPluginHarness, type PluginHarness } from './plugin/harness.ts';

const PACK_OUT = 'test-results/plugin-pack';
const README_SNIPPET = 'tests/e2e/plugin/readme-game.ts';

type PageApi = Record<'inspect' | 'runtimeInvalid' | 'variationFromTexture' | 'cancelOnShutdown' | 'destroyGame' | 'packCheck', () => any> & { record: { ready: boolean } };
type Win = { plugin: PageApi };
declare const window: Win & { game: any };

describe.skipIf(!browserForTests())('Phaser plugin in Chromium', () => {
  let h: PluginHarness;
  let page: Page;
  let pageErrors: string[];
  let first: any;
  const openGame = (query: string): Promise<void> => openPluginGame(h, query);

  beforeAll(async () => {
    h = await startPluginHarness(PACK_OUT, { resolve: { alias: { 'asset-diffusion/phaser': new URL('../../plugin/index.ts', import.meta.url).pathname } } });
    ({ page, pageErrors } = h);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('preloads sprites, tiles and a level through the Loader: frames with pixels, a tilemap with the level and its collision', async () => {
    await openGame('cache=plugin-e2e&device=wasm');
    first = await page.evaluate(() => window.plugin.inspect());
    console.log(`Phaser ${first.phaser}, ${first.renderer} renderer, generation on ${first.backend}`);
    expect(first.phaser).toMatch(/^4\./);
    expect(first.backend).toBe('wasm');
    for (const [key, count] of [['heroes', 4], ['floor', 4]] as const) {
      const t = first[key];
      expect(t.frames).toEqual(Array.from({ length: count }, (_, i) => String(i)));
      expect([t.width, t.height]).toEqual([16, 16]);
      for (const n of t.opaque) expect(n).toBeGreaterThan(0);
    }
    expect(first.floor.opaque).toEqual([256, 256, 256, 256]); // tiles are opaque
    const l = first.level;
    expect([l.rows, l.cols, l.layerHeight, l.layerWidth]).toEqual([14, 40, 14, 40]);
    expect(l.sameIndex).toBe(l.cells);
    expect(l.solid).toBeGreaterThan(0);
    expect(l.solidColliding).toBe(l.solid);
    expect(l.otherColliding).toBe(0);
    expect(l.model).toBe('tiny-level');
    const events = first.record.events as Array<{ name: string; payload: any }>;
    expect(events.filter((e) => e.name === 'cache').map((e) => [e.payload.key, e.payload.hit]).sort()).toEqual([['floor', false], ['heroes', false], ['level', false]]);
    expect(events.filter((e) => e.name === 'backend').map((e) => e.payload.device)).toEqual(['wasm']);
    const steps = events.filter((e) => e.name === 'progress' && e.payload.phase === 'sample');
    expect(new Set(steps.map((e) => e.payload.key))).toEqual(new Set(['heroes', 'floor', 'level']));
    expect(events.some((e) => e.name === 'progress' && e.payload.phase === 'download')).toBe(true);
    // The Loader's own progress moves between file completions and ends at 1.
    const progress = first.record.loaderProgress as number[];
    expect(progress.at(-1)).toBe(1);
    expect(progress.filter((v) => v > 0 && v < 1).length).toBeGreaterThan(4);
    // The game-wide emitter heard the same requests.
    expect(first.record.globalEvents.filter((e: any) => e.name === 'cache')).toHaveLength(3);
  });

  it('a second page load is served from IndexedDB: cache hits, no sampler steps, the same pixels', async () => {
    await openGame('cache=plugin-e2e&device=wasm');
    const again = await page.evaluate(() => window.plugin.inspect());
    const events = again.record.events as Array<{ name: string; payload: any }>;
    expect(events.filter((e) => e.name === 'cache').map((e) => [e.payload.key, e.payload.hit]).sort()).toEqual([['floor', true], ['heroes', true], ['level', true]]);
    expect(events.filter((e) => e.name === 'progress' && e.payload.phase === 'sample')).toEqual([]);
    expect(events.filter((e) => e.name === 'backend')).toEqual([]); // no generation ran, so no backend was chosen
    expect(again.heroes).toEqual(first.heroes);
    expect(again.floor).toEqual(first.floor);
    expect(again.level).toEqual(first.level);
  });

  it('an invalid request is a named error event (Loader and runtime) and the game keeps running', async () => {
    const { record, bad } = await page.evaluate(() => window.plugin.inspect());
    const loaderError = record.events.find((e: any) => e.name === 'error');
    expect(loaderError.payload).toMatchObject({ errorName: 'InvalidRequestError', key: 'bad', kind: 'sprite' });
    expect(loaderError.payload.message).toMatch(/^class: unknown value "dragonfly" for model tiny-sprite; valid values: hero, /);
    expect(record.fileErrors).toEqual(['bad']);
    expect(bad).toBe(false);
    const run = await page.evaluate(() => window.plugin.runtimeInvalid());
    expect(run.rejected).toEqual({ name: 'InvalidRequestError', message: 'count: must be an integer from 1 to 64 (got 0)' });
    expect(run.newErrors.map((e: any) => e.payload)).toEqual([{ errorName: 'InvalidRequestError', message: 'count: must be an integer from 1 to 64 (got 0)', key: 'bad-runtime', kind: 'sprite' }]);
    expect(run.ticked).toBeGreaterThan(5); // the loop kept running through and after the error
    expect(pageErrors).toEqual([]);
  });

  it('sprites({ from: texture frame, strength }) varies a texture: strength 0 returns the frame, an unknown key is a named error', async () => {
    const r = await page.evaluate(() => window.plugin.variationFromTexture());
    expect(r.same).toEqual([r.source, r.source]);
    expect(r.varied.frames).toEqual(['0', '1']);
    for (const n of r.varied.opaque) expect(n).toBeGreaterThan(0);
    expect(r.missing).toEqual({ name: 'InvalidRequestError', message: 'from: no texture "no-such-texture" (load or generate it first)' });
    expect(pageErrors).toEqual([]);
  });

  it('scene shutdown aborts that scene\'s pending request; the queue moves on; remove() frees textures and levels', async () => {
    const r = await page.evaluate(() => window.plugin.cancelOnShutdown());
    console.log(`aborted ${Math.round(r.abortMs)} ms after the scene stopped`);
    expect(r.outcome).toBe('AbortError');
    expect(r.abortMs).toBeLessThan(1_000);
    expect(r.sideTexture).toBe(false);
    expect(r.afterFrames).toBe(2);
    expect(r.level2).toMatchObject({ cols: 20, layer: 20 });
    expect(r.level2.solid).toBeGreaterThan(0);
    expect(r.removed).toEqual([true, true, false]);
    expect(r.gone).toEqual([false, false, false]);
  });

  it('game destroy terminates the worker and rejects what was pending', async () => {
    const r = await page.evaluate(() => window.plugin.destroyGame());
    expect(r.outcome).toMatch(/^AbortError: /);
    expect(r.workerRunning).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('load.diffusionPack loads a baked pack (atlas, tileset, level) with no worker', async () => {
    await openGame(`only=pack&pack=/${PACK_OUT}/pack.json`);
    const p = await page.evaluate(() => window.plugin.packCheck());
    expect(p.manifest).toBe('asset-diffusion-pack');
    expect(p.workerRunning).toBe(false);
    expect(p.heroes.frames).toEqual(['0', '1', '2', '3']);
    for (const n of p.heroes.opaque) expect(n).toBeGreaterThan(0);
    expect(p.floor.frames).toEqual(['0', '1', '2']);
    expect(p.floor.opaque).toEqual([256, 256, 256]);
    expect(p.level).toMatchObject({ cols: 24, rows: 14, layer: 24, tileWidth: 8 });
    expect(p.level.colliding).toBeGreaterThan(0);
    expect(p.tiled).toBe(true);
  });

  it("the README's example runs as written, and the README shows the same lines", async () => {
    const shown = await readmeExample(h);
    expect(shown).toMatchObject({ heroes: 4, layerWidth: 64, backend: 'wasm' });
    expect(shown.colliding).toBeGreaterThan(0);
    const snippet = readFileSync(README_SNIPPET, 'utf8').trimEnd();
    expect(snippet.split('\n').filter((l) => l.trim()).length).toBeLessThan(15);
    expect(readFileSync('README.md', 'utf8')).toContain(snippet);
    expect(pageErrors).toEqual([]);
  });
});
