/**
 * What the plugin suites share (plugin.test.ts on Phaser 4, plugin-phaser3.test.ts on Phaser 3.90):
 * a baked pack from the fixture models, a Vite dev server laid out like a user's site, Chromium on
 * one page that records page errors, and the README example's scene as the page shows it.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createServer, mergeConfig, type InlineConfig, type Plugin, type ViteDevServer } from 'vite';
import { launchChromium } from '../../helpers/chromium.ts';

/** What a user's site has: the models folder next to the page (here the fixture models), and the package by name. */
const userLayout: Plugin = {
  name: 'plugin-test-layout',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url?.startsWith('/tests/e2e/plugin/models/')) req.url = req.url.replace('/tests/e2e/plugin/models/', '/tests/fixtures/plugin/');
      next();
    });
  },
};

/**
 * No WebGPU flags: without an adapter, device 'auto' (the README example) falls back to wasm at
 * once instead of running on SwiftShader's slow WebGPU.
 */
const CHROMIUM_ARGS = ['--enable-unsafe-swiftshader'];

export interface PluginHarness {
  server: ViteDevServer;
  browser: Browser;
  page: Page;
  base: string;
  /** Uncaught page errors (and console errors where asked for), in order. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Bakes the fixture pack into `packOut` (the CLI on native CPU, about two seconds), then starts the server and the page. */
export async function startPluginHarness(packOut: string, vite: InlineConfig, opts: { consoleErrors?: boolean } = {}): Promise<PluginHarness> {
  rmSync(packOut, { recursive: true, force: true });
  execFileSync(process.execPath, ['bin/asset-diffusion.js', 'bake', 'tests/e2e/plugin/pack.json', '--out', packOut, '--manifest', 'tests/fixtures/plugin/manifest.json', '--json'], { stdio: 'pipe' });
  const server = await createServer(mergeConfig<InlineConfig, InlineConfig>({
    configFile: 'vite.config.ts',
    // No HMR or watcher: other people editing files must not reload the page mid-test.
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
    logLevel: 'error',
    plugins: [userLayout],
  }, vite));
  await server.listen();
  const browser = await launchChromium(CHROMIUM_ARGS);
  const page = await (await browser.newContext()).newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  if (opts.consoleErrors) page.on('console', (m) => m.type() === 'error' && pageErrors.push(`console: ${m.text()}`));
  return {
    server, browser, page, base: server.resolvedUrls!.local[0]!, pageErrors,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Opens the plugin test page (tests/e2e/plugin/game.ts) with `query` and waits until it says it is ready. */
export async function openGame(h: PluginHarness, query: string): Promise<void> {
  await h.page.goto(`${h.base}tests/e2e/plugin/game.html?${query}`);
  await h.page.waitForFunction(() => (window as any).plugin?.record.ready === true, null, { timeout: 240_000 });
}

/** Plays the README example page and reports what its scene shows. */
export async function readmeExample(h: PluginHarness): Promise<{ heroes: number; layerWidth?: number; colliding?: number; backend: string }> {
  await h.page.goto(`${h.base}tests/e2e/plugin/readme.html`);
  await h.page.waitForFunction(() => (window as any).game?.scene.scenes[0]?.children?.list.length >= 2, null, { timeout: 240_000 });
  return h.page.evaluate(() => {
    const scene = (window as any).game.scene.scenes[0];
    const layer = scene.children.list.find((o: any) => o.type === 'TilemapLayer');
    return { heroes: scene.textures.get('heroes').frameTotal - 1, layerWidth: layer?.layer.width, colliding: layer?.filterTiles((t: any) => t.collides).length, backend: scene.diffusion.backend };
  });
}
