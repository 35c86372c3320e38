/**
 * Security: model bytes are hashed before onnxruntime sees them; manifest and model URLs stay on
 * the configured origin unless the user allows another; no string is ever evaluated as code.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OrtWeb from 'onnxruntime-web';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelIntegrityError, ModelLoadError } from '../../src/errors.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { FIXTURE_MANIFEST, FIXTURE_MODEL, fixtureManifestJson, tempModelDir } from '../helpers/fixture.ts';
import { serve } from '../helpers/server.ts';
import { failure } from '../helpers/failure.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('sha256 before any session', () => {
  it('tampered bytes, or a manifest hash that does not match, never reach InferenceSession.create', async () => {
    const create = vi.spyOn(OrtWeb.InferenceSession, 'create');
    const tampered = tempModelDir();
    const bytes = readFileSync(FIXTURE_MODEL);
    bytes[bytes.length - 100]! ^= 0x10;
    writeFileSync(join(tampered.dir, 'tiny.onnx'), bytes);
    const wrongHash = tempModelDir((m) => (m.models[0]!.sha256 = 'a'.repeat(64)));
    for (const manifest of [tampered.manifest, wrongHash.manifest]) {
      const e = await failure(createRuntime({ manifest, cache: false, device: 'wasm' }).generate({ kind: 'sprite', seed: 1 }));
      expect(e).toBeInstanceOf(ModelIntegrityError);
      expect(e.message).toMatch(/^tiny\.onnx: sha256 mismatch \(manifest says [0-9a-f]{64}, bytes hash to [0-9a-f]{64}\)$/);
    }
    expect(create).not.toHaveBeenCalled();
    // The good file does create one session, from exactly the bytes that were hashed.
    const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache: false, device: 'wasm' });
    await runtime.generate({ kind: 'sprite', seed: 1, steps: 1 });
    expect(create).toHaveBeenCalledTimes(1);
    expect(Buffer.from(create.mock.calls[0]![0] as Uint8Array).equals(readFileSync(FIXTURE_MODEL))).toBe(true);
    await runtime.dispose();
  });
});

describe('URLs stay on the configured origin', () => {
  /** Server A: the manifest (its model entry edited); server B: the model, counting requests. */
  async function twoSites(file: (b: string) => string) {
    const model = readFileSync(FIXTURE_MODEL);
    const b = { hits: 0, url: '' };
    const siteB = await serve((_req, res) => {
      b.hits++;
      res.end(model);
    });
    b.url = siteB.url;
    const manifest = fixtureManifestJson();
    manifest.models[0]!.file = file(siteB.url);
    const siteA = await serve((req, res) => {
      if (req.url === '/m/manifest.json') res.end(JSON.stringify(manifest));
      else if (req.url === '/m/tiny.onnx') res.end(model);
      else res.writeHead(404).end();
    });
    closers.push(siteA.close, siteB.close);
    return { a: siteA.url, b };
  }

  it('a model on another origin is refused (never fetched) unless that origin is allowed', async () => {
    const { a, b } = await twoSites((bUrl) => `${bUrl}/tiny.onnx`);
    const e = await failure(createRuntime({ manifest: `${a}/m/manifest.json`, cache: false }).generate({ kind: 'sprite', seed: 1, steps: 1 }));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toBe(
      `${b.url}/tiny.onnx: ${b.url}/tiny.onnx is not on ${a} and cross-origin loading is off; valid: a URL on ${a}, or allowCrossOrigin: true or ["${b.url}"]`,
    );
    expect(b.hits).toBe(0);
    const allowed = createRuntime({ manifest: `${a}/m/manifest.json`, cache: false, allowCrossOrigin: [b.url] });
    await expect(allowed.generate({ kind: 'sprite', seed: 1, steps: 1 })).resolves.toMatchObject({ kind: 'sprite' });
    expect(b.hits).toBe(1);
    await allowed.dispose();
    const other = createRuntime({ manifest: `${a}/m/manifest.json`, cache: false, allowCrossOrigin: ['https://cdn.example'] });
    await expect(other.generate({ kind: 'sprite', seed: 1 })).rejects.toBeInstanceOf(ModelLoadError);
  });

  it('a same-origin URL that redirects to another origin is refused unless allowed', async () => {
    const { a, b } = await twoSites(() => 'tiny.onnx');
    // Site A's model URL now redirects to site B.
    const redirecting = await serve((req, res) => {
      if (req.url === '/m/manifest.json') {
        const m = fixtureManifestJson();
        res.end(JSON.stringify(m));
      } else res.writeHead(302, { location: `${b.url}/tiny.onnx` }).end();
    });
    closers.push(redirecting.close);
    expect(a).not.toBe(redirecting.url);
    const e = await failure(createRuntime({ manifest: `${redirecting.url}/m/manifest.json`, cache: false }).generate({ kind: 'sprite', seed: 1, steps: 1 }));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toMatch(new RegExp(`^tiny\\.onnx: ${b.url}/tiny\\.onnx is not on ${redirecting.url} and cross-origin loading is off`));
    const allowed = createRuntime({ manifest: `${redirecting.url}/m/manifest.json`, cache: false, allowCrossOrigin: [b.url] });
    await expect(allowed.generate({ kind: 'sprite', seed: 1, steps: 1 })).resolves.toMatchObject({ kind: 'sprite' });
    await allowed.dispose();
  });

  it('relative files resolve against the manifest, including ../ on the same origin', async () => {
    const { a } = await twoSites(() => '../m/tiny.onnx');
    const runtime = createRuntime({ manifest: `${a}/m/manifest.json`, cache: false });
    await expect(runtime.generate({ kind: 'sprite', seed: 1, steps: 1 })).resolves.toMatchObject({ kind: 'sprite' });
    await runtime.dispose();
  });

  it.each([
    ['an https URL in a file manifest', 'https://models.example/tiny.onnx'],
    ['a data: URL', 'data:application/octet-stream;base64,CAE='],
    ['a protocol-relative URL', '//models.example/tiny.onnx'],
  ])('%s is refused', async (_name, file) => {
    const { manifest } = tempModelDir((m) => (m.models[0]!.file = file));
    const e = await failure(createRuntime({ manifest, cache: false }).generate({ kind: 'sprite', seed: 1 }));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toMatch(/is not on file: URLs and cross-origin loading is off; valid: a URL on file: URLs, or allowCrossOrigin/);
  });

  it("in a page, a manifest on another origin than the page's is refused unless allowed", async () => {
    const { a } = await twoSites(() => 'tiny.onnx');
    vi.stubGlobal('location', { href: 'http://127.0.0.1:1/game/index.html' });
    const e = await failure(createRuntime({ manifest: `${a}/m/manifest.json`, cache: false }).models());
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toMatch(/^manifest\.json: http:\/\/127\.0\.0\.1:\d+\/m\/manifest\.json is not on http:\/\/127\.0\.0\.1:1 and cross-origin loading is off/);
    const allowed = await createRuntime({ manifest: `${a}/m/manifest.json`, cache: false, allowCrossOrigin: true }).models();
    expect(allowed[0]!.id).toBe('tiny');
  });
});

describe('no code from strings', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  function files(dir: string): string[] {
    return readdirSync(join(root, dir)).flatMap((name) => {
      const rel = join(dir, name);
      if (name === 'node_modules' || name === 'dist') return [];
      return statSync(join(root, rel)).isDirectory() ? files(rel) : /\.(ts|js|mjs|html)$/.test(name) ? [rel] : [];
    });
  }

  it('src/, plugin/, sample-game/ and demo/ use no eval, new Function or string timers', () => {
    const all = ['src', 'plugin', 'sample-game', 'demo'].flatMap(files);
    expect(all.length).toBeGreaterThan(50);
    const forbidden = /\beval\s*\(|\bnew\s+Function\b|(?<![\w.])Function\s*\(|set(?:Timeout|Interval)\s*\(\s*['"`]|javascript:/;
    const hits = all.flatMap((f) =>
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .map((line, i) => [line, i] as const)
        .filter(([line]) => forbidden.test(line))
        .map(([line, i]) => `${f}:${i + 1}: ${line.trim()}`),
    );
    expect(hits).toEqual([]);
  });
});
