/**
 * Shared set-up of the sample-game browser tests: a Vite dev server, Debian's Chromium (never a
 * downloaded browser), and the manifest the game is pointed at.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import type { GameState } from '../../sample-game/src/test-hooks.ts';

export type { GameState };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_BROWSER = existsSync(CHROMIUM);
if (!HAVE_BROWSER && process.env.CI === 'true') throw new Error(`CI=true but no browser at ${CHROMIUM}: install Debian's chromium (see .ci/run)`);

const QUIET = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
/** WebGPU on the CPU through SwiftShader (DESIGN.md); without these flags headless Chromium has no adapter. */
export const WEBGPU = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];
export const NO_WEBGPU = ['--disable-features=WebGPU'];

type Entry = { id: string; kind: string; file: string };

/**
 * The trained models in models/ where they exist, and for each kind they lack the plugin test's
 * tiny fixture model, so every kind of generation runs whatever has been trained so far. Files
 * become root-relative URLs because the merged manifest lives elsewhere.
 */
export function gameManifest(): string {
  const read = (path: string): Entry[] => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { models: Entry[] }).models : []);
  const real = read('models/manifest.json').map((m) => ({ ...m, file: `/models/${m.file}` }));
  const fixture = read('tests/fixtures/plugin/manifest.json').map((m) => ({ ...m, file: `/tests/fixtures/plugin/${m.file}` }));
  const models = [...real, ...fixture.filter((f) => !real.some((r) => r.kind === f.kind))];
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/game-manifest.json', JSON.stringify({ schemaVersion: 1, models }, null, 1));
  return '/test-results/game-manifest.json';
}

export async function startServer(): Promise<{ server: ViteDevServer; origin: string }> {
  // No file watching or HMR: an edit elsewhere in the repository mid-test would reload the page.
  const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null }, logLevel: 'error' });
  await server.listen();
  return { server, origin: server.resolvedUrls!.local[0]!.replace(/\/$/, '') };
}

export async function launch(webgpu: boolean): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...QUIET, ...(webgpu ? WEBGPU : NO_WEBGPU)] });
}

export function state(page: Page): Promise<GameState> {
  return page.evaluate(() => (window as unknown as { diffusionRun: { state(): Promise<GameState> } }).diffusionRun.state());
}

/** Polls the game's state until `ok` holds (or throws with the last state after `ms`). */
export async function waitForState(page: Page, ok: (s: GameState) => boolean, ms: number, what: string): Promise<GameState> {
  const until = Date.now() + ms;
  let last: GameState | undefined;
  while (Date.now() < until) {
    last = await state(page).catch(() => undefined);
    if (last && ok(last)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}; last state: ${JSON.stringify(last)}`);
}
