/**
 * Real Chromium (Debian's /usr/bin/chromium via playwright-core; never a downloaded browser):
 * the worker generates on wasm and on WebGPU (SwiftShader, on the CPU) from the same seed and the
 * outputs are compared; IndexedDB still holds the result after a reload.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBGPU, browserForTests, launchChromium, startServer } from '../helpers/chromium.ts';
import type { WorkerRun } from './harness.ts';
import fc from 'fast-check';
import { malformedMessage } from '../helpers/fuzz.ts';

type Harness = {
  viaWorker(device: string, request: object, cacheName: string | false): Promise<WorkerRun>;
  rawSample(device: string, seed: number, steps: number): Promise<{ device: string; x: number[] }>;
  autoDevice(sabotage: string): Promise<{ device: string; warnings: string[] }>;
  hasWebGpu(): Promise<boolean>;
  malformedToWorker(messages: unknown[]): Promise<{ died: string | null; errorName?: string; field?: string; models: number }>;
  isolated(): boolean;
};
declare const harness: Harness;

describe.skipIf(!browserForTests())('in Chromium', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  let url: string;
  const pageErrors: string[] = [];

  async function open(): Promise<void> {
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 120_000 });
  }

  beforeAll(async () => {
    const started = await startServer();
    server = started.server;
    url = `${started.origin}/tests/e2e/harness.html`;
    browser = await launchChromium(WEBGPU);
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await open();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the page is cross-origin isolated (wasm threads) and has a WebGPU adapter', async () => {
    expect(await page.evaluate(() => harness.isolated())).toBe(true);
    expect(await page.evaluate(() => harness.hasWebGpu())).toBe(true);
  });

  it('the worker generates on wasm and on WebGPU from the same seed; outputs agree', async () => {
    const request = { kind: 'sprite', seed: 3, count: 2, steps: 4 };
    const wasm = await page.evaluate((r) => harness.viaWorker('wasm', r, false), request);
    const webgpu = await page.evaluate((r) => harness.viaWorker('webgpu', r, false), request);
    expect(wasm.errorMessage).toBeUndefined();
    expect(webgpu.errorMessage).toBeUndefined();
    expect(wasm.device).toBe('wasm');
    expect(webgpu.device).toBe('webgpu');
    expect(webgpu.bytes.length).toBe(wasm.bytes.length);
    let maxByteDiff = 0;
    let differing = 0;
    wasm.bytes.forEach((v, i) => {
      const d = Math.abs(v - webgpu.bytes[i]!);
      maxByteDiff = Math.max(maxByteDiff, d);
      if (d) differing++;
    });

    // The same comparison before decoding (floats), with guidance and the second-order sampler.
    const a = await page.evaluate(() => harness.rawSample('wasm', 5, 6));
    const b = await page.evaluate(() => harness.rawSample('webgpu', 5, 6));
    expect([a.device, b.device]).toEqual(['wasm', 'webgpu']);
    let maxFloatDiff = 0;
    a.x.forEach((v, i) => (maxFloatDiff = Math.max(maxFloatDiff, Math.abs(v - b.x[i]!))));

    const report = { date: new Date().toISOString(), maxByteDiff, differingBytes: differing, totalBytes: wasm.bytes.length, maxFloatDiff, floats: a.x.length };
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/wasm-vs-webgpu.json', JSON.stringify(report, null, 1) + '\n');
    console.log(`wasm vs WebGPU: ${JSON.stringify(report)}`);
    expect(maxByteDiff).toBeLessThanOrEqual(2);
    expect(differing / wasm.bytes.length).toBeLessThan(0.01);
    expect(maxFloatDiff).toBeLessThan(1e-3);
  });

  it('IndexedDB holds the result after a reload', async () => {
    const request = { kind: 'sprite', seed: 11, count: 3 };
    const first = await page.evaluate((r) => harness.viaWorker('wasm', r, 'e2e-cache'), request);
    expect(first.errorMessage).toBeUndefined();
    expect(first.cached).toBe(false);
    await page.reload();
    await open();
    const second = await page.evaluate((r) => harness.viaWorker('wasm', r, 'e2e-cache'), request);
    expect(second.cached).toBe(true);
    expect(second.bytes).toEqual(first.bytes);
    const stored = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('e2e-cache');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const req = open.result.transaction('results').objectStore('results').count();
            req.onsuccess = () => resolve(req.result);
          };
        }),
    );
    expect(stored).toBe(2); // the result and the LRU index
  });

  it.each([
    ['none', 'webgpu', 0],
    ['no-adapter', 'wasm', 0],
    ['device-fails', 'wasm', 1],
  ] as const)("device 'auto' with WebGPU sabotaged as %s runs on %s", async (sabotage, expected, warnings) => {
    await open(); // a fresh page: onnxruntime's WebGPU state is per page
    const got = await page.evaluate((s) => harness.autoDevice(s), sabotage);
    expect(got.device).toBe(expected);
    expect(got.warnings).toHaveLength(warnings);
    if (warnings) expect(got.warnings[0]).toMatch(/^fell back to wasm: webgpu: /);
  });

  it('a bad request surfaces in the page as a named error', async () => {
    const run = await page.evaluate(() => harness.viaWorker('wasm', { kind: 'sprite', count: 0 }, false));
    expect(run.errorName).toBe('InvalidRequestError');
    expect(run.errorMessage).toBe('count: must be an integer from 1 to 64 (got 0)');
    expect(pageErrors).toEqual([]);
  });

  it('200 malformed messages posted to the real worker: it does not die and still answers (errors keep their field)', async () => {
    const messages = fc.sample(malformedMessage, { numRuns: 200, seed: 20 });
    const got = await page.evaluate((m) => harness.malformedToWorker(m), messages);
    expect(got).toEqual({ died: null, errorName: 'InvalidRequestError', field: 'count', models: 1 });
    expect(pageErrors).toEqual([]);
  });
});
