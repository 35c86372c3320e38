/**
 * Property tests (fast-check) of the promises in docs/RELIABILITY.md, over generated inputs:
 * - the CLI (in-process main, so thousands of runs fit): exit 0 or 2; on 2 exactly one line and
 *   no stack; nothing outside --out touched, no temporary or staging file left behind;
 * - the request validators (generate, level, regenerate, pack config, manifest): a result or a
 *   named error whose message starts with its field and fits on one short line, never a TypeError;
 * - the worker protocol: malformed messages from a page never crash the worker (MessageChannel
 *   and a real worker_threads worker), and it still answers afterwards.
 * Seeds are fixed (reproducible in CI); FUZZ_RUNS scales the run counts, FUZZ_SEED changes the seed.
 */
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Comlink from 'comlink';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AssetDiffusionError, InvalidRequestError, ManifestError } from '../../src/errors.ts';
import { parseManifest, type Manifest } from '../../src/models/manifest.ts';
import { normalizeLevelRequest, normalizeRegenerate } from '../../src/runtime/level-request.ts';
import { normalizeRequest } from '../../src/runtime/request.ts';
import { PackInputError, validatePack } from '../../src/cli/pack/config.ts';
import { createWorkerApi, exposeWorkerApi } from '../../src/worker/api.ts';
import { guardEndpoint } from '../../src/worker/wire.ts';
import { createWorkerClient } from '../../src/worker/client.ts';
import { isOneLineRefusal, runCli } from '../helpers/cli.ts';
import { FIXTURE_DIR, fixtureManifestJson, levelManifest } from '../helpers/fixture.ts';
import { allKindsManifest } from '../bake/helpers.ts';
import { nodeWorker } from './workers.ts';
import { malformedMessage as message, nasty } from '../helpers/fuzz.ts';

const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const SEED = Number(process.env.FUZZ_SEED ?? 20);
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)), seed: SEED, endOnFailure: true });

// ---------------------------------------------------------------- the CLI

/** A sandbox: models, configs and odd files the generated arguments point at; outputs go to outs/. */
function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'asset-diffusion-fuzz-'));
  const models = allKindsManifest();
  copyFileSync(models, join(root, 'manifest.json'));
  for (const f of readdirSync(join(models, '..'))) if (f.endsWith('.onnx')) copyFileSync(join(models, '..', f), join(root, f));
  writeFileSync(join(root, 'pack.json'), JSON.stringify({ name: 'p', sprites: [{ name: 'a', count: 1, steps: 1 }] }));
  writeFileSync(join(root, 'constraints.json'), '[{"row":0,"col":0,"tile":"X"}]');
  writeFileSync(join(root, 'notjson.json'), '{');
  writeFileSync(join(root, 'user-file.png'), 'keep me');
  mkdirSync(join(root, 'folder'));
  writeFileSync(join(root, 'folder', 'inside.txt'), 'keep me too');
  symlinkSync('user-file.png', join(root, 'link.png'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
  mkdirSync(join(root, 'outs'));
  return root;
}

/** Every entry under `dir` but outs/: name -> type, size and mtime (what a write would change). */
function snapshot(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    if (path === 'outs') continue;
    const s = lstatSync(join(dir, path));
    out[path] = `${s.mode}:${s.size}:${s.mtimeMs}`;
    if (s.isDirectory()) Object.assign(out, snapshot(dir, path));
  }
  return out;
}

describe('CLI: exit 0 or 2, one line, no stack, nothing outside --out touched', () => {
  const root = sandbox();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const here = (p: string) => join(root, p);
  const odd = ['', ' ', '.', '..', '-1', '0', '1', '2', '1.5', '1e308', '-0', 'NaN', 'Infinity', '0x10', '64', '65', '4294967296', 'abc', '"', '{}', '[]', 'x'.repeat(300)];
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...odd) },
    { weight: 2, arbitrary: fc.integer({ min: -5, max: 300 }).map(String) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  // Paths are absolute (or one of the odd values) so a generated run can never write into the repository.
  const inputPath = fc.constantFrom('', '.', '/dev/zero', '/dev/null', '/nonexistent/x', here('fifo'), here('folder'), here('notjson.json'), here('pack.json'), here('manifest.json'), here('link.png'), here('x'.repeat(300)));
  const outPath = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('a.png', 'a.json', 'a.txt', 'a.tmj', 'pack', 'a', 'x'.repeat(260) + '.png').map((n) => join(root, 'outs', n)) },
    // Never a real device as a write target: a regression running as root would replace it (a FIFO is refused the same way).
    { weight: 1, arbitrary: fc.constantFrom('', '.', here('folder'), here('user-file.png'), here('link.png'), here('fifo'), '/nonexistent/a.png') },
  );
  const option = (name: string, v: fc.Arbitrary<string>) => v.map((x) => [name, x]);
  const options = fc.array(
    fc.oneof(
      ...['--count', '--seed', '--steps', '--guidance', '--eta', '--width', '--palette', '--alpha-threshold', '--flat-start', '--model', '--class', '--shard'].map((n) => option(n, value)),
      option('--sampler', fc.constantFrom('ddim', 'dpmpp2m', 'euler', '')),
      option('--format', fc.constantFrom('png', 'json', 'vglc', 'tmj', 'gif')),
      option('--device', fc.constantFrom('auto', 'wasm', 'native', 'tpu')),
      option('--manifest', fc.oneof(inputPath, fc.constant(here('manifest.json')))),
      option('--constraints', fc.oneof(value, inputPath.map((p) => `@${p}`), fc.constant(`@${here('constraints.json')}`))),
      fc.constantFrom(['--ensure-playable'], ['--json'], ['--no-progress'], ['--bogus'], ['--help']),
    ),
    { minLength: 1, maxLength: 4 },
  );
  const command = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('sprite', 'tile', 'level', 'music', '').map((k) => ['generate', k]) },
    { weight: 2, arbitrary: inputPath.map((p) => ['bake', p]) },
    { weight: 1, arbitrary: inputPath.map((p) => ['merge', p]) },
    { weight: 1, arbitrary: fc.constantFrom(['models'], ['eval', 'levels'], ['nope'], []) },
  );
  const argv = fc.tuple(command, options, fc.option(outPath, { nil: undefined })).map(([c, o, out]) => [...c, ...o.flat(), ...(out === undefined ? [] : ['--out', out])]);

  it('holds for generated argument lists', async () => {
    const env = { ASSET_DIFFUSION_MANIFEST: here('manifest.json') };
    const before = snapshot(root);
    const counts = { 0: 0, 2: 0 } as Record<number, number>;
    const t0 = performance.now();
    let slow = 0;
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        const t = performance.now();
        const r = await runCli(args, env);
        if (performance.now() - t > 2000 && slow++ < 5) console.info(`CLI fuzz: slow case, ${Math.round(performance.now() - t)} ms: ${JSON.stringify(args).slice(0, 200)}`);
        counts[r.code] = (counts[r.code] ?? 0) + 1;
        expect([0, 2], `exit ${r.code} for ${JSON.stringify(args)}: ${r.stderr}`).toContain(r.code);
        expect(r.stderr + r.stdout, `stack for ${JSON.stringify(args)}`).not.toMatch(/\n\s+at .*:\d+/);
        if (r.code === 2) expect(isOneLineRefusal(r), `${JSON.stringify(args)}: ${r.stderr}`).toBe(true);
        // --out may be the user's file or a link to it: that one file is the output, rewritten on success.
        const out = args[args.indexOf('--out') + 1];
        const isUserFile = args.includes('--out') && (out === here('user-file.png') || out === here('link.png'));
        const after = snapshot(root);
        if (isUserFile) {
          writeFileSync(here('user-file.png'), 'keep me');
          delete after['user-file.png'];
        }
        const expected = { ...before };
        if (isUserFile) delete expected['user-file.png'];
        expect(after, `touched outside --out: ${JSON.stringify(args)}`).toEqual(expected);
        if (isUserFile) before['user-file.png'] = snapshot(root)['user-file.png']!;
        // In outs/: at most the output (and a TMJ's tileset), never a temporary or staging name.
        const left = readdirSync(join(root, 'outs'));
        expect(left.filter((n) => n.startsWith('.')), JSON.stringify(args)).toEqual([]);
        if (r.code === 2) expect(left, `exit 2 wrote ${left} for ${JSON.stringify(args)}`).toEqual([]);
        rmSync(join(root, 'outs'), { recursive: true, force: true });
        mkdirSync(join(root, 'outs'));
      }),
      runs(1000),
    );
    console.info(`CLI fuzz: ${JSON.stringify(counts)} (exit code: runs), ${Math.round(performance.now() - t0)} ms`);
    // The generator reaches both outcomes (a property that only ever sees refusals proves little).
    expect(counts[2]).toBeGreaterThan(100);
    expect(counts[0]).toBeGreaterThan(5);
  }, 120_000);
});

// ---------------------------------------------------------------- the validators

const spriteManifest: Manifest = parseManifest(fixtureManifestJson());
const levelJson = fixtureManifestJson();
levelManifest(levelJson);
const levelModelManifest: Manifest = parseManifest(levelJson);
const bothManifest: Manifest = parseManifest({ schemaVersion: 1, models: [...fixtureManifestJson().models, ...levelJson.models] });

const fields = (names: readonly string[]) => fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })), nasty, { maxKeys: 6 });

/** The validator either returns or throws one of `classes`, with a short one-line message that starts with its field. */
function named(run: () => unknown, classes: Array<new (...args: never[]) => Error> = [InvalidRequestError]): void {
  try {
    run();
  } catch (e) {
    expect(classes.some((c) => e instanceof c), `${(e as Error)?.name}: ${(e as Error)?.message}`).toBe(true);
    const message = (e as Error).message;
    expect(message.length).toBeLessThan(600);
    expect(message).not.toMatch(/\n/);
    if (e instanceof InvalidRequestError) expect(message.startsWith(`${e.field}: `)).toBe(true);
  }
}

describe('validators: a normalized request or a named error, never a crash', () => {
  const requestFields = ['kind', 'model', 'class', 'count', 'seed', 'steps', 'guidance', 'sampler', 'eta', 'width', 'alphaThreshold', 'palette', 'from', 'strength'];
  const levelFields = ['kind', 'model', 'width', 'seed', 'steps', 'guidance', 'class', 'sampler', 'eta', 'constraints', 'ensurePlayable', 'flatStart'];
  const pin = fc.oneof(nasty, fc.record({ row: nasty, col: nasty, tile: nasty }), fc.record({ rect: fc.record({ row: nasty, col: nasty, rows: nasty, cols: nasty }), tile: nasty }));

  it('normalizeRequest', () => {
    fc.assert(fc.property(fc.oneof(nasty, fields(requestFields)), (raw) => named(() => normalizeRequest(bothManifest, raw))), runs(3000));
  });

  it('normalizeLevelRequest (pins included)', () => {
    const raw = fc.oneof(nasty, fields(levelFields), fc.record({ width: fc.integer({ min: 10, max: 200 }), constraints: fc.array(pin, { maxLength: 6 }), ensurePlayable: fc.boolean() }, { requiredKeys: [] }));
    fc.assert(fc.property(raw, (r) => named(() => normalizeLevelRequest(levelModelManifest, r))), runs(3000));
  });

  it('normalizeRegenerate', () => {
    const level = { rows: 16, cols: 40, legend: levelModelManifest.models[0]!.tiles! };
    fc.assert(fc.property(fc.oneof(nasty, fields(['fromCol', 'toCol', 'seed', 'model', 'steps', 'guidance', 'class', 'sampler', 'eta', 'ensurePlayable'])), (r) => named(() => normalizeRegenerate(levelModelManifest, r, level))), runs(2000));
  });

  it('validatePack', () => {
    const item = fc.oneof(nasty, fields(['name', 'model', 'class', 'count', 'seed', 'steps', 'guidance', 'sampler', 'eta', 'palette', 'alphaThreshold', 'width', 'constraints', 'tileSize']));
    const withName = item.map((i) => (i && typeof i === 'object' && !Array.isArray(i) ? { name: 'a', ...i } : i));
    const pack = fc.oneof(nasty, fc.record({ name: nasty, seed: nasty, sprites: fc.array(withName, { maxLength: 3 }), tiles: fc.oneof(nasty, fc.array(withName, { maxLength: 2 })), levels: fc.array(withName, { maxLength: 2 }) }, { requiredKeys: [] }));
    fc.assert(fc.property(pack, (p) => named(() => validatePack(p, bothManifest), [PackInputError])), runs(2000));
  });

  it('parseManifest', () => {
    const base = fixtureManifestJson().models[0]!;
    const entry = fc.dictionary(fc.constantFrom(...Object.keys(base)), nasty, { maxKeys: 3 }).map((patch) => ({ ...base, ...patch }));
    const manifest = fc.oneof(nasty, fc.record({ schemaVersion: fc.oneof(fc.constant(1), nasty), models: fc.oneof(nasty, fc.array(entry, { maxLength: 2 })) }));
    fc.assert(fc.property(manifest, (m) => named(() => parseManifest(m), [ManifestError])), runs(1500));
  });
});

// ---------------------------------------------------------------- the worker protocol

describe('worker protocol: malformed messages never crash the worker', () => {
  it('over a MessageChannel: the API behind the guard keeps answering, errors keep their class and field', async () => {
    const { port1, port2 } = new MessageChannel();
    exposeWorkerApi(port1 as unknown as Comlink.Endpoint);
    const client = createWorkerClient({ endpoint: port2 as unknown as Comlink.Endpoint, manifest: join(FIXTURE_DIR, 'manifest.json'), cache: false });
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 5 }), async (messages) => {
          for (const m of messages) {
            try {
              port2.postMessage(m);
            } catch {
              // not cloneable: the page could not send it either
            }
          }
          await new Promise((r) => setImmediate(r));
        }),
        runs(400),
      );
      expect(uncaught).toEqual([]);
      const error = await client.validate({ kind: 'sprite', count: 0 }).catch((e) => e);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.field).toBe('count');
      expect(await client.validate({ kind: 'sprite', count: 2, seed: 1 })).toMatchObject({ count: 2, seed: 1 });
    } finally {
      process.off('uncaughtException', onUncaught);
      await client.terminate();
    }
  }, 60_000);

  it('a call that is not a WorkerApi method is answered with a named error (the caller does not wait forever)', async () => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(createWorkerApi(), guardEndpoint(port1 as unknown as Comlink.Endpoint, ['validate']));
    const remote = Comlink.wrap<Record<string, () => Promise<unknown>>>(port2 as unknown as Comlink.Endpoint);
    const error = await remote.constructor!().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(AssetDiffusionError);
    expect(error.message).toMatch(/^message: unknown method; valid: validate$/);
    port1.close();
  });

  it('a worker_threads worker survives the same messages and answers afterwards', async () => {
    const worker = nodeWorker();
    let died = false;
    worker.thread.on('error', () => (died = true));
    const client = createWorkerClient({ createWorker: () => worker, manifest: join(FIXTURE_DIR, 'manifest.json'), cache: false });
    try {
      await client.models();
      const sample = fc.sample(message, { numRuns: Math.round(300 * SCALE), seed: SEED });
      for (const m of sample) {
        try {
          worker.thread.postMessage(m);
        } catch {
          // not cloneable
        }
      }
      const error = await client.validate({ kind: 'sprite', steps: 0 }).catch((e) => e);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.field).toBe('steps');
      expect((await client.models())[0]!.id).toBe('tiny');
      expect(died).toBe(false);
    } finally {
      await client.terminate();
    }
  }, 60_000);
});
