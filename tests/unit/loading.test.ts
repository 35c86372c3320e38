import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { ModelIntegrityError, ModelLoadError } from '../../src/errors.ts';
import { loadBytes, verifyModelBytes } from '../../src/models/source.ts';
import { FIXTURE_MODEL, fixtureBytes, fixtureManifestJson, tempModelDir } from '../helpers/fixture.ts';
import { serve } from '../helpers/server.ts';
import { failure } from '../helpers/failure.ts';

const entry = fixtureManifestJson().models[0] as { bytes: number; sha256: string };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('model bytes are checked before any session exists', () => {
  it('accepts the fixture', async () => {
    await expect(verifyModelBytes(fixtureBytes(), entry, 'tiny.onnx')).resolves.toBeUndefined();
  });

  it('refuses bytes with one bit flipped: ModelIntegrityError', async () => {
    const bytes = fixtureBytes();
    bytes[bytes.length - 10]! ^= 1;
    const e = await failure(verifyModelBytes(bytes, entry, 'tiny.onnx'));
    expect(e).toBeInstanceOf(ModelIntegrityError);
    expect(e.message).toMatch(new RegExp(`^tiny\\.onnx: sha256 mismatch \\(manifest says ${entry.sha256.slice(0, 8)}.*, bytes hash to [0-9a-f]{64}\\)$`));
  });

  it('refuses truncated bytes: ModelLoadError', async () => {
    const e = await failure(verifyModelBytes(fixtureBytes().subarray(0, 1000), entry, 'tiny.onnx'));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toContain(`tiny.onnx: truncated: got 1000 bytes, the manifest says ${entry.bytes}`);
  });

  it('refuses an HTML page: ModelLoadError', async () => {
    const e = await failure(verifyModelBytes(new TextEncoder().encode('<!DOCTYPE html><html>'), entry, 'tiny.onnx'));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toMatch(/not an ONNX model: the bytes look like an HTML/);
  });

  it('refuses bytes of the right length that are not ONNX: ModelLoadError', async () => {
    const e = await failure(verifyModelBytes(new Uint8Array(entry.bytes).fill(0x41), entry, 'tiny.onnx'));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toMatch(/not an ONNX model \(first bytes 41 41 41 41/);
  });

  it('a runtime with a tampered model file fails the request with ModelIntegrityError', async () => {
    const { dir, manifest } = tempModelDir();
    const bytes = readFileSync(FIXTURE_MODEL);
    bytes[bytes.length - 10]! ^= 1;
    writeFileSync(join(dir, 'tiny.onnx'), bytes);
    const runtime = createRuntime({ manifest, cache: false, device: 'wasm' });
    await expect(runtime.generate({ kind: 'sprite', seed: 1 })).rejects.toBeInstanceOf(ModelIntegrityError);
  });

  it('a missing model file is a ModelLoadError naming the file', async () => {
    const { manifest } = tempModelDir((m) => (m.models[0]!.file = 'absent.onnx'));
    const runtime = createRuntime({ manifest, cache: false });
    const e = await failure(runtime.generate({ kind: 'sprite', seed: 1 }));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toMatch(/^absent\.onnx: cannot read .*absent\.onnx \(no such file\)/);
  });

  it('a missing manifest is a ModelLoadError', async () => {
    const e = await failure(createRuntime({ manifest: '/nonexistent/manifest.json', cache: false }).models());
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toMatch(/manifest\.json: cannot read/);
  });
});

describe('loading over HTTP', () => {
  it('reports byte progress and returns the bytes', async () => {
    const bytes = readFileSync(FIXTURE_MODEL);
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': bytes.length });
      // Several writes so the client sees several chunks.
      for (let i = 0; i < bytes.length; i += 65536) res.write(bytes.subarray(i, i + 65536));
      res.end();
    });
    closers.push(server.close);
    const progress: Array<{ loaded: number; total: number }> = [];
    const got = await loadBytes(`${server.url}/tiny.onnx`, { onProgress: (p) => progress.push(p) });
    expect(Buffer.from(got).equals(bytes)).toBe(true);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ loaded: bytes.length, total: bytes.length });
    expect(progress.every((p, i) => i === 0 || p.loaded >= progress[i - 1]!.loaded)).toBe(true);
  });

  it('a 404 is a ModelLoadError naming the file and status', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>not found</html>');
    });
    closers.push(server.close);
    const e = await failure(loadBytes(`${server.url}/models/tiny.onnx`));
    expect(e).toBeInstanceOf(ModelLoadError);
    expect(e.message).toMatch(/^tiny\.onnx: HTTP 404 Not Found for http:\/\/127\.0\.0\.1:\d+\/models\/tiny\.onnx$/);
  });

  it('a whole runtime works from an HTTP manifest and model', async () => {
    const { dir } = tempModelDir();
    const server = await serve((req, res) => {
      try {
        const body = readFileSync(join(dir, req.url!.split('/').pop()!));
        res.writeHead(200);
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end();
      }
    });
    closers.push(server.close);
    const runtime = createRuntime({ manifest: `${server.url}/m/manifest.json`, cache: false, device: 'wasm' });
    const downloads: number[] = [];
    const result = await runtime.generate({ kind: 'sprite', seed: 3 }, { onProgress: (p) => p.phase === 'download' && downloads.push(p.loaded) });
    expect(result.kind).toBe('sprite');
    expect(downloads.at(-1)).toBe(entry.bytes);
  });
});
