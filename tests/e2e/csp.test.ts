/**
 * The sample game under the strict Content-Security-Policy docs/RELIABILITY.md recommends:
 * `script-src 'self' 'wasm-unsafe-eval'` (no inline script, no eval; wasm compilation allowed),
 * with the cross-origin-isolation headers. It must boot, reach play with a generated level chunk
 * (so onnxruntime-web's wasm ran in the worker) and report no CSP violation, in the page or in
 * its workers.
 */
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossOriginIsolation } from '../../vite.config.ts';
import { HAVE_BROWSER, gameManifest, launch, waitForState } from './game-setup.ts';

export const CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'";

describe.skipIf(!HAVE_BROWSER)('sample game under a strict CSP', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await createServer({
      configFile: 'vite.config.ts',
      server: { port: 0, host: '127.0.0.1', headers: { ...crossOriginIsolation, 'Content-Security-Policy': CSP } },
      logLevel: 'error',
    });
    await server.listen();
    browser = await launch(false);
    page = await (await browser.newContext({ viewport: { width: 900, height: 560 } })).newPage();
    // Violations in the page fire this event; those in workers only reach the console (below).
    await page.addInitScript(() => {
      const seen: string[] = ((window as unknown as { __csp: string[] }).__csp = []);
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`));
    });
    const record = (text: string) => void (/Content Security Policy|Refused to/i.test(text) && errors.push(text));
    page.on('console', (m) => record(m.text()));
    page.on('worker', (w) => w.on('console', (m) => record(m.text())));
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("boots, plays and generates with script-src 'self' 'wasm-unsafe-eval', without violations", async () => {
    const origin = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
    const q = new URLSearchParams({ seed: '77', steps: '1', cache: `csp-${Date.now()}`, manifest: gameManifest() });
    const response = await page.goto(`${origin}/sample-game/?${q}`);
    expect(response!.headers()['content-security-policy']).toBe(CSP);
    await waitForState(page, (s) => s.scene === 'title', 60_000, 'the title screen');
    await page.keyboard.press('Enter');
    const playing = await waitForState(page, (s) => s.scene === 'play' && s.heroX !== null && s.chunks.length > 0, 150_000, 'play with a level chunk');
    expect(playing.chunks[0]!.source).not.toBe('procedural'); // made by the model in the worker
    expect(playing.backend).toBe('wasm');
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('the policy is really enforced: eval, new Function and inline scripts are refused on the same page', async () => {
    const probe = '/tests/e2e/csp-probe.ts';
    // A string, so vitest's transform leaves the page's own import() alone.
    const refused = (await page.evaluate(`import(${JSON.stringify(probe)}).then((m) => m.probe())`)) as string[];
    expect(refused).toEqual(['eval refused: EvalError', 'new Function refused: EvalError']);
    const inline = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.head.appendChild(s);
      return (window as unknown as { __inline?: boolean }).__inline === true;
    });
    expect(inline).toBe(false);
    const violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
    expect(violations.some((v) => v.startsWith('script-src-elem inline'))).toBe(true);
    expect(violations.filter((v) => v.startsWith('script-src eval'))).toHaveLength(2);
  });
});
