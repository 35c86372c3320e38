/**
 * Bad input the other suites do not already cover (they cover ~120 cases: see docs/RELIABILITY.md):
 * empty and oversized strings, null / array / boolean where numbers go, NaN and infinities, size
 * caps, manifests with missing or wrong fields, model bytes that are HTML, empty or too long, and
 * URLs that leave the manifest's origin. Every case is a named error whose message names the field
 * and what is valid; nothing is cached; the CLI exits 2 and writes nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache/cache.ts';
import { memoryStore } from '../../src/cache/stores.ts';
import { BackendError, InvalidRequestError, ManifestError, ModelLoadError } from '../../src/errors.ts';
import { MAX_MODEL_BYTES, parseManifest } from '../../src/models/manifest.ts';
import { loadBytes } from '../../src/models/source.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { FIXTURE_MANIFEST, FIXTURE_MODEL, fixtureManifestJson, levelManifest, tempModelDir } from '../helpers/fixture.ts';
import { serve } from '../helpers/server.ts';
import { failure } from '../helpers/failure.ts';
import { spawnCli } from '../helpers/cli.ts';

const huge = 'x'.repeat(1_000_000);

describe('API: bad requests are InvalidRequestErrors naming the field; nothing is cached', () => {
  const cache = createCache({ store: memoryStore() });
  const runtime = createRuntime({ manifest: FIXTURE_MANIFEST, cache });
  afterAll(() => runtime.dispose());

  it.each([
    ['empty class', { kind: 'sprite', class: '' }, 'class', /^class: unknown value ""; for model tiny|^class: unknown value "" for model tiny; valid values: hero, /],
    ['1 MB class string (message stays short)', { kind: 'sprite', class: huge }, 'class', /^class: unknown value "x{32}"\.\.\. \(1000000 characters\) for model tiny; valid values: hero/],
    ['1 MB model string', { model: huge }, 'model', /^model: unknown value "x{32}"\.\.\. \(1000000 characters\); valid values: tiny$/],
    ['empty model id', { model: '' }, 'model', /^model: unknown value ""; valid values: tiny$/],
    ['null count', { kind: 'sprite', count: null }, 'count', /^count: must be an integer from 1 to 64 \(got null\)$/],
    ['Infinity count', { kind: 'sprite', count: Infinity }, 'count', /^count: must be an integer from 1 to 64 \(got Infinity\)$/],
    ['array as steps', { kind: 'sprite', steps: [4] }, 'steps', /^steps: must be an integer from 1 to 1000 \(got an array\)$/],
    ['boolean steps', { kind: 'sprite', steps: true }, 'steps', /^steps: must be an integer from 1 to 1000 \(got boolean\)$/],
    ['NaN guidance', { kind: 'sprite', guidance: Number.NaN }, 'guidance', /^guidance: must be a number from 0 to 20 \(got NaN\)$/],
    ['huge guidance', { kind: 'sprite', guidance: 1e308 }, 'guidance', /^guidance: must be a number from 0 to 20 \(got 1e\+308\)$/],
    ['-Infinity eta', { kind: 'sprite', eta: -Infinity }, 'eta', /^eta: must be a number from 0 to 1 \(got -Infinity\)$/],
    ['seed of 2^32', { kind: 'sprite', seed: 2 ** 32 }, 'seed', /^seed: must be an integer from 0 to 4294967295 \(got 4294967296\)$/],
    ['palette above 256', { kind: 'sprite', palette: 257 }, 'palette', /^palette: must be an integer from 2 to 256 \(got 257\)$/],
    ['array as the request', [{ kind: 'sprite' }], 'request', /^request: must be an object \(got an array\)$/],
    ['null request', null, 'request', /^request: must be an object \(got null\)$/],
    ['kind of the wrong type', { kind: 3 }, 'kind', /^kind: unknown value 3; valid values: tile, sprite, level$/],
  ])('%s', async (_name, request, field, pattern) => {
    const e = await failure(runtime.generate(request as never));
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect((e as InvalidRequestError).field).toBe(field);
    expect(e.message).toMatch(pattern);
    expect(e.message.length).toBeLessThan(400);
    expect((await cache.stats()).entries).toBe(0);
  });

  it('an unknown device is a named error listing the devices', () => {
    expect(() => createRuntime({ manifest: FIXTURE_MANIFEST, device: 'tpu' as never })).toThrow(BackendError);
    expect(() => createRuntime({ manifest: FIXTURE_MANIFEST, device: 'tpu' as never })).toThrow(/^device: unknown device "tpu"; valid values: auto, webgpu, wasm$/);
  });
});

describe('level API: size caps and numbers', () => {
  const { manifest } = tempModelDir(levelManifest);
  const cache = createCache({ store: memoryStore() });
  const runtime = createRuntime({ manifest, cache });
  afterAll(() => runtime.dispose());

  it.each([
    ['more pins than the cap', { constraints: Array.from({ length: 1025 }, () => ({ row: 0, col: 0, tile: 'X' })) }, 'constraints', /^constraints: has 1025 entries; valid: at most 1024/],
    ['Infinity width', { width: Infinity }, 'width', /^width: must be an integer from 16 to 10000 \(got Infinity\)$/],
    ['width of 1e9 (no allocation happens)', { width: 1e9 }, 'width', /^width: must be an integer from 16 to 10000 \(got 1000000000\)$/],
    ['negative rect size', { constraints: [{ rect: { row: 0, col: 0, rows: -2, cols: 1 }, tile: 'X' }] }, 'constraints[0].rect.rows', /must be an integer from 1 to/],
    ['1 MB model string', { model: huge }, 'model', /^model: unknown value "x{32}"\.\.\. \(1000000 characters\)/],
  ])('%s', async (_name, request, field, pattern) => {
    const e = await failure(runtime.level({ seed: 1, steps: 1, ...request } as never));
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect((e as InvalidRequestError).field).toBe(field);
    expect(e.message).toMatch(pattern);
    expect((await cache.stats()).entries).toBe(0);
  });
});

describe('manifest: missing, extra and wrong fields, size caps', () => {
  type M = ReturnType<typeof fixtureManifestJson>;
  const model = (m: M) => m.models[0]!;
  it.each([
    ['model bytes above the cap', (m: M) => (model(m).bytes = MAX_MODEL_BYTES + 1), /^manifest\.json: models\[0\]\.bytes: /],
    ['missing file', (m: M) => delete model(m).file, /^manifest\.json: models\[0\]\.file: /],
    ['empty file', (m: M) => (model(m).file = ''), /^manifest\.json: models\[0\]\.file: /],
    ['layout width as a string', (m: M) => ((model(m).layout as Record<string, unknown>).width = '16'), /^manifest\.json: models\[0\]\.layout\.width: /],
    ['guidance min above max', (m: M) => (model(m).guidance = { default: 2, min: 5, max: 1 }), /^manifest\.json: models\[0\]\.guidance: needs min <= default <= max/],
    ['extra top-level field', (m: M) => ((m as Record<string, unknown>).baseUrl = 'https://evil.example/'), /^manifest\.json: \(root\): .*baseUrl/],
  ])('%s', (_name, edit, pattern) => {
    const m = fixtureManifestJson();
    edit(m);
    const e = (() => {
      try {
        parseManifest(m, 'manifest.json');
      } catch (error) {
        return error as Error;
      }
      throw new Error('expected a ManifestError');
    })();
    expect(e).toBeInstanceOf(ManifestError);
    expect(e.message).toMatch(pattern);
  });

  it('a manifest that is an HTML page (a dev-server fallback) is a ManifestError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-bad-'));
    writeFileSync(join(dir, 'manifest.json'), '<!DOCTYPE html><html><body>index</body></html>');
    const e = await failure(createRuntime({ manifest: join(dir, 'manifest.json'), cache: false }).models());
    expect(e).toBeInstanceOf(ManifestError);
    expect(e.message).toMatch(/^manifest\.json: \(root\): not valid JSON/);
  });

  it('a manifest over the 1 MiB cap is refused before it is read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-bad-'));
    writeFileSync(join(dir, 'manifest.json'), ' '.repeat(1024 * 1024 + 1));
    const e = await failure(createRuntime({ manifest: join(dir, 'manifest.json'), cache: false }).models());
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toBe('manifest.json: larger than expected: 1048577 bytes, the limit is 1048576 bytes');
  });
});

describe('model bytes and URLs', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });
  const model = readFileSync(FIXTURE_MODEL);
  const manifestText = readFileSync(FIXTURE_MANIFEST, 'utf8');

  /** A server for the fixture manifest whose model answers with `modelReply`. */
  async function site(modelReply: (res: import('node:http').ServerResponse) => void, editManifest: (m: ReturnType<typeof fixtureManifestJson>) => void = () => {}) {
    const m = JSON.parse(manifestText);
    editManifest(m);
    const server = await serve((req, res) => {
      if (req.url!.endsWith('manifest.json')) res.end(JSON.stringify(m));
      else modelReply(res);
    });
    closers.push(server.close);
    return server;
  }

  it('a model URL that answers 200 with an HTML page: ModelLoadError, nothing cached', async () => {
    const server = await site((res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!DOCTYPE html>${' '.repeat(model.length - 15)}`);
    });
    const cache = createCache({ store: memoryStore() });
    const e = await failure(createRuntime({ manifest: `${server.url}/manifest.json`, cache, device: 'wasm' }).generate({ kind: 'sprite', seed: 1 }));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toMatch(/^tiny\.onnx: not an ONNX model: the bytes look like an HTML or XML page/);
    expect((await cache.stats()).entries).toBe(0);
  });

  it('a download longer than the manifest says is cut off at the limit (no Content-Length)', async () => {
    let sent = 0;
    const server = await site((res) => {
      res.writeHead(200); // chunked: no length up front
      const chunk = Buffer.alloc(64 * 1024, 8);
      const pump = (): void => {
        while (sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 64 * 1024 * 1024) res.once('drain', pump);
        else res.end();
      };
      res.on('close', () => (sent = Infinity));
      pump();
    });
    const e = await failure(createRuntime({ manifest: `${server.url}/manifest.json`, cache: false }).generate({ kind: 'sprite', seed: 1 }));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toBe(`tiny.onnx: larger than expected: over ${model.length} bytes received, the limit is ${model.length} bytes`);
  });

  it('a Content-Length above the limit is refused before the body is read', async () => {
    const e = await failure(
      (async () => {
        const server = await site((res) => {
          res.writeHead(200, { 'content-length': String(10 * model.length) });
          res.end(Buffer.alloc(10 * model.length));
        });
        return loadBytes(`${server.url}/tiny.onnx`, { maxBytes: model.length });
      })(),
    );
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toBe(`tiny.onnx: larger than expected: Content-Length ${10 * model.length}, the limit is ${model.length} bytes`);
  });

  it('an empty model file is truncated: ModelLoadError', async () => {
    const { dir, manifest } = tempModelDir();
    writeFileSync(join(dir, 'tiny.onnx'), new Uint8Array(0));
    const e = await failure(createRuntime({ manifest, cache: false }).generate({ kind: 'sprite', seed: 1 }));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toBe(`tiny.onnx: truncated: got 0 bytes, the manifest says ${model.length}`);
  });

  it('a server that is gone: ModelLoadError naming the URL', async () => {
    const server = await serve((_req, res) => res.end());
    await server.close();
    const e = await failure(createRuntime({ manifest: `${server.url}/manifest.json`, cache: false }).models());
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toMatch(/^manifest\.json: fetch failed for http:\/\/127\.0\.0\.1:\d+\/manifest\.json/);
  });
});

describe('CLI: bad input exits 2 with one line naming the option, and writes nothing', () => {
  const cli = (args: string[]) => spawnCli(args, { ASSET_DIFFUSION_MANIFEST: FIXTURE_MANIFEST });
  const badManifest = (() => {
    const { manifest } = tempModelDir((m) => (m.models[0]!.kind = 'music'));
    return manifest;
  })();
  const jsonBroken = (() => {
    const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-bad-'));
    writeFileSync(join(dir, 'manifest.json'), '{"schemaVersion": 1, "models": [');
    return join(dir, 'manifest.json');
  })();

  it.each([
    [['generate', 'sprite', '--count', '1e9'], /^asset-diffusion: --count: must be an integer from 1 to 64 \(got 1000000000\)$/],
    [['generate', 'sprite', '--guidance', 'Infinity'], /^asset-diffusion: --guidance: must be a number from 0 to 20 \(got "Infinity"\)$/],
    [['generate', 'sprite', '--seed', '-1'], /^asset-diffusion: --seed: must be an integer from 0 to 4294967295 \(got -1\)$/],
    [['generate', 'sprite', '--steps', '99999'], /^asset-diffusion: --steps: must be an integer from 1 to 1000 \(got 99999\)$/],
    [['generate', 'sprite', '--class', ''], /^asset-diffusion: --class: unknown value "" for model tiny; valid values: hero, /],
    [['generate', 'sprite', '--class', 'y'.repeat(100_000)], /^asset-diffusion: --class: unknown value "y{32}"\.\.\. \(100000 characters\) for model tiny; valid values: /],
    [['generate', 'sprite', '--manifest', 'BAD'], /^asset-diffusion: --manifest: manifest\.json: models\[0\]\.kind: /],
    [['generate', 'sprite', '--manifest', 'BROKEN'], /^asset-diffusion: --manifest: manifest\.json: \(root\): not valid JSON/],
  ])('%j', async (args, pattern) => {
    const dir = mkdtempSync(join(tmpdir(), 'asset-diffusion-cli-'));
    const argv = args.map((a) => (a === 'BAD' ? badManifest : a === 'BROKEN' ? jsonBroken : a));
    const result = await cli([...argv, '--out', join(dir, 'a.png')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(pattern);
    expect(result.stderr.length).toBeLessThan(600);
    expect(readdirSync(dir)).toEqual([]);
  });
});
