/**
 * The package as a user gets it: `npm pack`, fresh projects made from the README's "Use it in your
 * game" blocks (tests/consumer/readme.ts), dependencies installed from the npm registry, each built
 * (or served by its dev server), served with the cross-origin-isolation headers and played in
 * Chromium: the sprite texture has its 4 frames with pixels, the level is a tilemap layer with
 * colliding tiles, generation ran (on wasm: no WebGPU flags), and no console error in the page or
 * its workers. Four combinations cover each bundler with each Phaser version (Vite's Phaser 3 one
 * on its dev server), and a fifth the no-bundler page (lib/browser/, an import map) in the webpack project's folder,
 * within a few minutes on two cores (webpack runs in development mode: its production minifier
 * alone takes ~2 minutes there). First-visit bytes of the Vite build go to test-results/.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForTests, launchChromium } from '../helpers/chromium.ts';
import { firstVisit, table } from './first-visit.ts';
import { readmeFiles, readmeSection } from './readme.ts';
import { serveStatic, type Served } from './static-server.ts';

const REPO = resolve(import.meta.dirname, '../..');
/** Pinned so a registry release cannot change what this test means; the versions the README's setup was checked with. */
const DEPS = {
  vite: ['vite@8.3.8'],
  webpack: ['webpack@5.113.0', 'webpack-cli@6.0.1', 'html-webpack-plugin@5.6.8', 'copy-webpack-plugin@14.0.0'],
};
const FILES = { vite: ['src/main.js', 'index.html', 'vite.config.js'], webpack: ['src/main.js', 'src/index.html', 'webpack.config.js'] };

interface Combo {
  name: string;
  bundler: 'vite' | 'webpack';
  mode: 'build' | 'dev';
  phaser: string;
}
const COMBOS: Combo[] = [
  { name: 'Vite build + Phaser 4', bundler: 'vite', mode: 'build', phaser: '4.2.1' },
  { name: 'Vite dev server + Phaser 3.90', bundler: 'vite', mode: 'dev', phaser: '3.90.0' },
  { name: 'webpack 5 + Phaser 3.90', bundler: 'webpack', mode: 'build', phaser: '3.90.0' },
  { name: 'webpack 5 + Phaser 4', bundler: 'webpack', mode: 'build', phaser: '4.2.1' },
];
/** The no-bundler page shares the webpack project's folder (its node_modules; webpack's page is src/index.html). */
const STATIC = { name: 'no bundler (static folder) + Phaser 3.90', in: 'webpack 5 + Phaser 3.90', phaser: '3.90.0' };

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function run(cmd: string, args: string[], cwd: string, timeout = 300_000): Promise<string> {
  return new Promise((done, fail) => {
    const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
    execFile(cmd, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n${stdout}\n${stderr}`.slice(0, 8000)));
      else done(stdout + stderr);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

/** `npx vite` in the project; resolves with its URL once it listens. */
async function viteDev(cwd: string): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  // NO_COLOR: under CI=true picocolors colours the banner and wraps the port in bold codes.
  const env = { ...process.env, NO_COLOR: '1' };
  const proc = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd, env, stdio: 'pipe' });
  let out = '';
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      proc.kill();
      fail(new Error(`vite dev did not start: ${out}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (stripVTControlCharacters(out).includes(`:${port}/`)) {
        clearTimeout(timer);
        done();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => fail(new Error(`vite dev exited (${code}): ${out}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, proc };
}

describe.skipIf(!browserForTests())('the packed package in fresh user projects', () => {
  let work: string;
  let tarball: string;
  let browser: Browser;
  const timings: Record<string, Record<string, string>> = {};
  const projects = new Map<string, string>();
  const files = readmeFiles();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'asset-diffusion-consumer-'));
    let t = performance.now();
    // prepack builds lib/ first, as it does for a publish.
    await run('npm', ['pack', '--pack-destination', work], REPO);
    tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    timings.pack = { pack: seconds(t) };
    t = performance.now();
    // Installs in parallel: mostly waiting on the registry and the disk.
    await Promise.all(
      COMBOS.map(async (combo) => {
        const dir = join(work, combo.name.replace(/\W+/g, '-').toLowerCase());
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-game', private: true, type: 'module' }, null, 1));
        for (const file of FILES[combo.bundler]) {
          mkdirSync(dirname(join(dir, file)), { recursive: true });
          writeFileSync(join(dir, file), files.get(file)!);
        }
        await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `phaser@${combo.phaser}`, ...DEPS[combo.bundler]], dir);
        // The README's `cp -r node_modules/asset-diffusion/models public/` (webpack's config copies them itself).
        if (combo.bundler === 'vite') cpSync(join(dir, 'node_modules/asset-diffusion/models'), join(dir, 'public/models'), { recursive: true });
        projects.set(combo.name, dir);
      }),
    );
    timings.install = { 'all three, in parallel': seconds(t) };
    t = performance.now();
    browser = await launchChromium();
    timings.browser = { launch: seconds(t) };
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    const t = performance.now();
    if (work && !process.env.KEEP_CONSUMER) rmSync(work, { recursive: true, force: true });
    else if (work) console.log(`consumer projects kept in ${work}`);
    timings.cleanup = { 'rm projects': seconds(t) };
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/consumer-timings.json', JSON.stringify(timings, null, 1) + '\n');
  });

  it('the README section has every file the test writes, and the package holds what a user needs and nothing from tests', async () => {
    for (const f of [...FILES.vite, ...FILES.webpack, 'no bundler:index.html']) expect(files.has(f), `README block for ${f}`).toBe(true);
    const section = readmeSection();
    expect(section).toContain('npm install asset-diffusion phaser');
    expect(section).toContain('cp -r node_modules/asset-diffusion/models public/');
    expect(section).toContain(`npm install -D webpack webpack-cli html-webpack-plugin copy-webpack-plugin`);
    expect(section).toContain('cp -r node_modules/asset-diffusion/models .');
    const listing = (await run('tar', ['-tzf', tarball], work)).split('\n').filter(Boolean).map((p) => p.replace(/^package\//, ''));
    for (const needed of ['package.json', 'README.md', 'bin/asset-diffusion.js', 'lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/worker/client.js', 'lib/src/worker/worker.js', 'lib/plugin/index.js', 'lib/plugin/index.d.ts', 'lib/src/cli/index.js', 'models/manifest.json', 'models/sprite.onnx']) {
      expect(listing, needed).toContain(needed);
    }
    expect(listing.filter((p) => /^(tests|src|plugin|sample-game|demo|bench|scripts)\//.test(p) || p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  });

  /** Open `url`, wait for the README scene, check what it made; returns the files fetched (static servers only). */
  async function play(url: string, phaser: string, times: Record<string, string>): Promise<void> {
    const errors: string[] = [];
    const banners: string[] = [];
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
        if (m.text().includes('Phaser v')) banners.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && errors.push(`worker console: ${m.text()}`)));
      const started = performance.now();
      await page.goto(url);
      type Win = { game?: any };
      await page.waitForFunction(() => ((window as Win).game?.scene.scenes[0]?.children?.list.length ?? 0) >= 2, null, { timeout: 180_000 });
      times.play = seconds(started);
      const shown = await page.evaluate(() => {
        const scene = (window as Win).game.scene.scenes[0];
        const texture = scene.textures.get('heroes');
        const source = texture.getSourceImage() as HTMLCanvasElement;
        const ctx = Object.assign(document.createElement('canvas'), { width: source.width, height: source.height }).getContext('2d')!;
        ctx.drawImage(source, 0, 0);
        const frames = texture.getFrameNames();
        const opaque = frames.map((name: string) => {
          const f = texture.get(name);
          const data = ctx.getImageData(f.cutX, f.cutY, f.cutWidth, f.cutHeight).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
          return n;
        });
        const layer = scene.children.list.find((o: any) => o.type === 'TilemapLayer');
        const hero = scene.children.list.find((o: any) => o.type === 'Sprite');
        return {
          frames: frames.length,
          opaque,
          layerWidth: layer?.layer.width,
          colliding: layer?.filterTiles((tile: any) => tile.collides).length ?? 0,
          heroTexture: hero?.texture.key,
          body: !!hero?.body,
          backend: scene.diffusion.backend,
        };
      });
      expect(shown.frames).toBe(4);
      for (const n of shown.opaque) expect(n).toBeGreaterThan(0);
      expect(shown.layerWidth).toBe(64);
      expect(shown.colliding).toBeGreaterThan(0);
      expect(shown).toMatchObject({ heroTexture: 'heroes', body: true, backend: 'wasm' });
      // Phaser's start-up banner names the version that was bundled.
      expect(banners.join(' ')).toContain(`Phaser v${phaser}`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }

  for (const combo of COMBOS) {
    it(`${combo.name}: builds, and the README example plays (textures, a colliding tilemap, no console errors)`, async () => {
      const dir = projects.get(combo.name)!;
      const t = performance.now();
      const times: Record<string, string> = (timings[combo.name] = {});
      let served: Served | undefined;
      let dev: ChildProcess | undefined;
      try {
        let url: string;
        if (combo.mode === 'dev') {
          ({ url, proc: dev } = await viteDev(dir));
        } else {
          if (combo.bundler === 'vite') await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], dir);
          else await run(process.execPath, ['node_modules/webpack-cli/bin/cli.js', '--mode', 'development'], dir);
          times.build = seconds(t);
          served = await serveStatic(join(dir, 'dist'));
          url = served.url;
        }
        await play(url, combo.phaser, times);
        if (served && combo.bundler === 'vite') {
          const rows = firstVisit(join(dir, 'dist'), served.fetched.keys());
          mkdirSync('test-results', { recursive: true });
          writeFileSync('test-results/first-visit.md', `${table(rows)}\n`);
          console.log(table(rows));
        }
      } finally {
        await served?.close();
        dev?.kill();
      }
      console.log(`${combo.name}: ${JSON.stringify(times)}`);
    }, 420_000);
  }

  it(`${STATIC.name}: the README's import-map page plays from the project folder`, async () => {
    const dir = projects.get(STATIC.in)!;
    const times: Record<string, string> = (timings[STATIC.name] = {});
    writeFileSync(join(dir, 'index.html'), files.get('no bundler:index.html')!);
    // The README's `cp -r node_modules/asset-diffusion/models .`
    cpSync(join(dir, 'node_modules/asset-diffusion/models'), join(dir, 'models'), { recursive: true });
    const served = await serveStatic(dir);
    try {
      await play(served.url, STATIC.phaser, times);
      // Only the onnxruntime build in use: the plain wasm one.
      const ort = [...served.fetched.keys()].filter((p) => p.includes('onnxruntime-web'));
      expect(ort.some((p) => p.endsWith('/ort-wasm-simd-threaded.wasm'))).toBe(true);
      expect(ort.filter((p) => p.includes('jsep'))).toEqual([]);
    } finally {
      await served.close();
    }
    console.log(`${STATIC.name}: ${JSON.stringify(times)}`);
  }, 420_000);
});
