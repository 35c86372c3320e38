/**
 * The sample game in real Chromium, end to end: title -> loading -> play within a time bound,
 * the hero and camera move right, the level is outpainted ahead as the hero advances, no console
 * errors, a screenshot, and a second visit to the same world served from IndexedDB (no sampling).
 * Run once with WebGPU (SwiftShader) and once with WebGPU disabled (the wasm fallback).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_BROWSER, gameManifest, launch, startServer, state, waitForState } from './game-setup.ts';

/** Title to play, including model download and the first chunk, on a 2-core machine (SwiftShader's WebGPU runs on the CPU, slowly). */
const TO_PLAY_MS = { wasm: 120_000, webgpu: 240_000 };

export function describeGame(backend: 'webgpu' | 'wasm'): void {
  describe.skipIf(!HAVE_BROWSER)(`sample game on ${backend}`, () => {
    let server: ViteDevServer;
    let browser: Browser;
    let page: Page;
    let url: string;
    const errors: string[] = [];

    beforeAll(async () => {
      const started = await startServer();
      server = started.server;
      // Few sampler steps: WebGPU on SwiftShader runs on the CPU. A per-run cache database so the
      // first visit really generates; the seed is fixed so the second visit asks for the same world.
      const q = new URLSearchParams({ seed: '4242', steps: '2', cache: `game-e2e-${backend}-${Date.now()}`, manifest: gameManifest() });
      url = `${started.origin}/sample-game/?${q}`;
      browser = await launch(backend === 'webgpu');
      page = await (await browser.newContext({ viewport: { width: 900, height: 560 } })).newPage();
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => void (m.type() === 'error' && errors.push(`console: ${m.text()}`)));
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function startFromTitle(): Promise<number> {
      await page.goto(url);
      await waitForState(page, (s) => s.scene === 'title', 60_000, 'the title screen');
      const started = Date.now();
      await page.keyboard.press('Enter');
      await waitForState(page, (s) => s.scene === 'loading' || s.scene === 'play', 10_000, 'the loading screen');
      await waitForState(page, (s) => s.scene === 'play' && s.heroX !== null, TO_PLAY_MS[backend], 'play');
      return Date.now() - started;
    }

    /** Holds right, hopping now and then so steps and small walls do not stop the run. */
    async function runRight(ms: number): Promise<void> {
      await page.keyboard.down('ArrowRight');
      for (let t = 0; t < ms; t += 700) {
        await page.keyboard.down('Space');
        await page.waitForTimeout(350);
        await page.keyboard.up('Space');
        await page.waitForTimeout(350);
      }
      await page.keyboard.up('ArrowRight');
    }

    it('title -> loading -> play; right moves hero and camera; the level grows ahead; no console errors', async () => {
      const ms = await startFromTitle();
      console.log(`${backend}: title to play in ${(ms / 1000).toFixed(1)} s`);
      const before = await state(page);
      expect(before.backend).toBe(backend);
      expect(before.columns).toBeGreaterThan(0);

      await runRight(2_500);
      const moved = await state(page);
      expect(moved.heroX!).toBeGreaterThan(before.heroX! + 64);
      expect(moved.cameraX!).toBeGreaterThan(before.cameraX!);

      // Chunks keep arriving from the worker while the hero runs; the world gets wider than it began.
      const grown = await (async () => {
        const until = Date.now() + 120_000;
        for (;;) {
          const s = await state(page);
          if (s.chunks.length >= 3 && s.columns > before.columns) return s;
          if (Date.now() > until || s.scene !== 'play') return s;
          await runRight(1_400);
        }
      })();
      expect(grown.chunks.length).toBeGreaterThanOrEqual(3);
      expect(grown.columns).toBeGreaterThan(before.columns);
      expect(grown.chunks.every((c, i) => c.index === i && (i === 0 || c.start === grown.chunks[i - 1]!.start + grown.chunks[i - 1]!.count))).toBe(true);

      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: `test-results/game-${backend}.png` });
      if (backend === 'wasm' && process.env.GAME_SCREENSHOT_TO_DOCS) copyFileSync(`test-results/game-${backend}.png`, 'docs/game.png');
      expect(errors).toEqual([]);
    }, 600_000);

    it('a second visit to the same world is served from the IndexedDB cache (no sampling)', async () => {
      const first = await state(page);
      expect(first.misses).toBeGreaterThan(0);
      await startFromTitle();
      // Chunk 0, sprites and tiles all come from the cache; wait for chunk 1 too (generated on the first visit).
      const second = await waitForState(page, (s) => s.chunks.length >= 2, 60_000, 'chunk 1');
      expect(second.misses).toBe(0);
      expect(second.hits).toBeGreaterThan(0);
      expect(second.chunks.slice(0, 2).every((c) => c.cached || c.source === 'procedural')).toBe(true);
      expect(errors).toEqual([]);
    });

    it('pause stops the hero; lost lives end the run; Enter restarts the same world', async () => {
      await page.keyboard.press('p');
      const paused = await waitForState(page, (s) => s.paused, 5_000, 'pause');
      await page.keyboard.down('ArrowRight');
      await page.waitForTimeout(600);
      await page.keyboard.up('ArrowRight');
      expect((await state(page)).heroX).toBe(paused.heroX);
      await page.keyboard.press('Escape');
      await waitForState(page, (s) => !s.paused, 5_000, 'resume');

      // Hits while the hero is already down are ignored, and game time may run slow on a busy
      // machine, so keep hitting until the run ends.
      const until = Date.now() + 60_000;
      while ((await state(page)).scene === 'play' && Date.now() < until) {
        await page.evaluate(() => (window as unknown as { diffusionRun: { hurt(): void } }).diffusionRun.hurt());
        await page.waitForTimeout(400);
      }
      await waitForState(page, (s) => s.scene === 'game-over', 5_000, 'game over');
      await page.keyboard.press('Enter');
      const again = await waitForState(page, (s) => s.scene === 'play' && s.heroX !== null, 60_000, 'play again');
      expect(again.lives).toBe(3);
      expect(again.seed).toBe(4242);
      expect(errors).toEqual([]);
    });
  });
}
