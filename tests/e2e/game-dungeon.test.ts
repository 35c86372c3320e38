/**
 * The sample game's roguelike mode in real Chromium (wasm): from the title screen, D starts a
 * dungeon made by the dungeon model in the worker; the test walks the checker's start -> goal path
 * with the arrow keys (bumping a monster in the way takes a turn, so a step is pressed until the
 * hero gets there), picks up what lies on it, and reaches the stair: the scene reports the escape.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_BROWSER, gameManifest, launch, startServer, state, waitForState } from './game-setup.ts';

/** The game's manifest, plus the fixture dungeon model where models/ has no trained one yet. */
function dungeonManifest(): string {
  const path = gameManifest();
  const file = path.slice(1);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { models: Array<{ genre?: string; file: string }> };
  if (!manifest.models.some((m) => m.genre === 'dungeon') && existsSync('tests/fixtures/dungeon/manifest.json')) {
    const fixture = JSON.parse(readFileSync('tests/fixtures/dungeon/manifest.json', 'utf8')) as typeof manifest;
    manifest.models.push(...fixture.models.map((m) => ({ ...m, file: `/tests/fixtures/dungeon/${m.file}` })));
    writeFileSync(file, JSON.stringify(manifest, null, 1));
  }
  return path;
}

const KEYS: Record<string, string> = { '-1,0': 'ArrowUp', '1,0': 'ArrowDown', '0,-1': 'ArrowLeft', '0,1': 'ArrowRight' };

describe.skipIf(!HAVE_BROWSER)('sample game: dungeon mode', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    const started = await startServer();
    server = started.server;
    const q = new URLSearchParams({ seed: '77', steps: '2', device: 'wasm', cache: `game-dungeon-${Date.now()}`, manifest: dungeonManifest() });
    browser = await launch(false);
    page = await (await browser.newContext({ viewport: { width: 900, height: 560 } })).newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(`console: ${m.text()}`)));
    await page.goto(`${started.origin}/sample-game/?${q}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('D on the title screen starts a generated dungeon; walking its path with the arrow keys reaches the exit', async () => {
    await waitForState(page, (s) => s.scene === 'title', 60_000, 'the title screen');
    await page.keyboard.press('d');
    const first = await waitForState(page, (s) => s.dungeon?.ready === true, 180_000, 'the dungeon');
    const d = first.dungeon!;
    expect(d.path.length).toBeGreaterThan(1);
    expect(d.hero).toEqual(d.path[0]);
    expect(d.path.at(-1)).toEqual(d.goal);
    await page.screenshot({ path: 'test-results/game-dungeon.png' });
    for (const next of d.path.slice(1)) {
      for (let tries = 0; ; tries++) {
        const s = (await state(page)).dungeon!;
        if (s.hero!.row === next.row && s.hero!.col === next.col) break;
        expect(tries, `stuck at ${JSON.stringify(s.hero)} on the way to ${JSON.stringify(next)}`).toBeLessThan(4);
        await page.keyboard.press(KEYS[`${next.row - s.hero!.row},${next.col - s.hero!.col}`]!);
      }
    }
    const end = (await state(page)).dungeon!;
    expect(end.won).toBe(true);
    expect(end.message).toMatch(/way out/);
    expect(errors).toEqual([]);
  });
});
