/** Fault 1 in real Chromium: the generation Worker dies mid-request (see crash/page.ts). */
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_BROWSER, launch, startServer } from './game-setup.ts';

describe.skipIf(!HAVE_BROWSER)('a browser Worker that dies mid-request', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const started = await startServer();
    server = started.server;
    browser = await launch(false);
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${started.origin}/tests/e2e/crash/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 120_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('rejects every pending request with a BackendError, starts a new worker, and the next request succeeds', async () => {
    type Report = { outcomes: string[]; same: boolean; workers: number; warnings: string[]; windowErrors: number };
    const r = (await page.evaluate('window.crashMidRequest()')) as Report;
    expect(r.outcomes).toHaveLength(3);
    for (const o of r.outcomes) expect(o).toMatch(/^BackendError: the generation worker stopped \(.*simulated crash in the worker\); requests in flight were lost with it and a new worker is starting/);
    expect(r.workers).toBe(2);
    expect(r.same).toBe(true);
    expect(r.warnings).toHaveLength(1);
    // The worker's error was handled by the client: it never reached the page's own handlers.
    expect(r.windowErrors).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
