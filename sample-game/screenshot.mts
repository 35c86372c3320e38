/**
 * Writes the README's pictures of real play: the game with the models in models/ (whatever has
 * been trained; missing kinds show placeholder art).
 *   npx tsx sample-game/screenshot.mts [seed]                 docs/game.png: the platformer, run right for a moment
 *   MODE=dungeon npx tsx sample-game/screenshot.mts [seed]    docs/dungeon.png: the dungeon mode once it is drawn
 */
import { launchChromium, startServer } from '../tests/helpers/chromium.ts';

type State = { scene: string; heroX: number | null; dungeon: { ready: boolean } | null };
const seed = process.argv[2] ?? '3';
const dungeon = process.env.MODE === 'dungeon';
const out = dungeon ? 'docs/dungeon.png' : 'docs/game.png';
const { server, origin } = await startServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 640 } });
  page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
  await page.goto(`${origin}/sample-game/?seed=${seed}&autostart${dungeon ? '&mode=dungeon' : ''}&cache=screenshot-${Date.now()}`);
  const state = () => page.evaluate(() => (window as unknown as { diffusionRun: { state(): Promise<State> } }).diffusionRun.state());
  if (dungeon) {
    while (!(await state()).dungeon?.ready) await page.waitForTimeout(500);
    await page.locator('#game canvas').screenshot({ path: out });
  } else {
    while ((await state()).scene !== 'play') await page.waitForTimeout(500);
    // A short walk off the flat start: far enough to scroll, short of the first pit.
    await page.keyboard.down('ArrowRight');
    await page.waitForTimeout(Number(process.env.WALK_MS ?? 600));
    await page.locator('#game canvas').screenshot({ path: out });
    await page.keyboard.up('ArrowRight');
  }
  console.log(`wrote ${out} (${JSON.stringify(await state())})`);
} finally {
  await browser.close();
  await server.close();
}
