/**
 * Debian's Chromium (never a downloaded browser) with the flags it needs headless, and a Vite dev server
 * for it to open: shared by the browser tests, the bench and the screenshot script.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_BROWSER = existsSync(CHROMIUM);

/** Quiet, and no sandbox (root in containers). */
export const QUIET = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
/** WebGPU on the CPU through SwiftShader; without these flags headless Chromium has no adapter. */
export const WEBGPU = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];
export const NO_WEBGPU = ['--disable-features=WebGPU'];

/** Headless Chromium with the quiet flags plus `extra` (default: no WebGPU, so 'auto' goes straight to wasm). */
export function launchChromium(extra: readonly string[] = NO_WEBGPU): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...QUIET, ...extra] });
}

/** For browser suites: whether to run; under CI a missing browser is a failure, not a skip. */
export function browserForTests(): boolean {
  if (!HAVE_BROWSER && process.env.CI === 'true') throw new Error(`CI=true but no browser at ${CHROMIUM}: install Debian's chromium (see .ci/run)`);
  return HAVE_BROWSER;
}

/** The repository over HTTP (cross-origin isolated, see vite.config.ts); no file watching or HMR, so an edit elsewhere mid-run cannot reload the page. */
export async function startServer(): Promise<{ server: ViteDevServer; origin: string }> {
  const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null }, logLevel: 'error' });
  await server.listen();
  return { server, origin: server.resolvedUrls!.local[0]!.replace(/\/$/, '') };
}
