/**
 * Writes docs/game.png, the README's picture of real play: the game with the models in models/
 * (whatever has been trained; missing kinds show placeholder art), run right for a few seconds.
 *   npx tsx sample-game/screenshot.mts [seed]
 */
import { launchChromium, startServer } from '../tests/helpers/chromium.ts';

const seed = process.argv[2] ?? '3';
const { server, origin } = await startServer();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 640 } });
  page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
  await page.goto(`${origin}/sample-game/?seed=${seed}&autostart&cache=screenshot-${Date.now()}`);
  const state = () => page.evaluate(() => (window as unknown as { diffusionRun: { state(): Promise<{ scene: string; heroX: number | null }> } }).diffusionRun.state());
  while ((await state()).scene !== 'play') await page.waitForTimeout(500);
  // A short walk off the flat start: far enough to scroll, short of the first pit.
  await page.keyboard.down('ArrowRight');
  await page.waitForTimeout(Number(process.env.WALK_MS ?? 600));
  await page.locator('#game canvas').screenshot({ path: 'docs/game.png' });
  await page.keyboard.up('ArrowRight');
  console.log(`wrote docs/game.png (${JSON.stringify(await state())})`);
} finally {
  await browser.close();
  await server.close();
}
