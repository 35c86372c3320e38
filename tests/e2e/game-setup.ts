/**
 * Shared set-up of the sample-game browser tests: a Vite dev server, Debian's Chromium (never a
 * downloaded browser), and the manifest the game is pointed at.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { NO_WEBGPU, WEBGPU, browserForTests, launchChromium, startServer } from '../helpers/chromium.ts';
import type { GameState } from '../../sample-game/src/test-hooks.ts';

export type { GameState };

export const HAVE_BROWSER = browserForTests();
export { startServer };

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

export function launch(webgpu: boolean): Promise<Browser> {
  return launchChromium(webgpu ? WEBGPU : NO_WEBGPU);
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
