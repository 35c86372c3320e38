/**
 * The worker protocol end to end over a real MessageChannel (what a Worker uses underneath):
 * structured cloning, transfer, progress proxies, cancel messages and error names.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, InvalidRequestError, ModelLoadError } from '../../src/errors.ts';
import { createWorkerApi } from '../../src/worker/api.ts';
import { createWorkerClient, type WorkerClient } from '../../src/worker/client.ts';
import { FIXTURE_MANIFEST } from '../helpers/fixture.ts';

const open: WorkerClient[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.terminate();
});

function connect(manifest: string = FIXTURE_MANIFEST): WorkerClient {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(createWorkerApi(), port1 as unknown as Comlink.Endpoint);
  const client = createWorkerClient({ endpoint: port2 as unknown as Comlink.Endpoint, manifest, cache: false });
  open.push(client);
  return client;
}

describe('worker client', () => {
  it('generates with progress callbacks and the same bytes as a second call', async () => {
    const client = connect();
    const progress: string[] = [];
    const a = await client.generate({ kind: 'sprite', seed: 3, count: 2 }, { onProgress: (p) => progress.push(p.phase === 'sample' ? `sample ${p.step}/${p.steps}` : p.phase) });
    const b = await client.generate({ kind: 'sprite', seed: 3, count: 2 });
    if (a.kind === 'level' || b.kind === 'level') throw new Error('expected images');
    expect(a.images[0]!.data).toBeInstanceOf(Uint8ClampedArray);
    expect(a.images.map((i) => Array.from(i.data))).toEqual(b.images.map((i) => Array.from(i.data)));
    // Progress is fire-and-forget from the worker; give the last messages a moment to land.
    await new Promise((r) => setTimeout(r, 50));
    expect(progress).toContain('sample 4/4');
    expect(progress).toContain('download');
  });

  it('bad requests arrive as InvalidRequestError with field and message intact', async () => {
    const client = connect();
    const error = await client.generate({ kind: 'sprite', count: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('count');
    expect((error as Error).message).toBe('count: must be an integer from 1 to 64 (got -1)');
    await expect(client.validate({ kind: 'sprite', class: 'hero' })).resolves.toMatchObject({ class: 'hero', steps: 4 });
  });

  it('an AbortSignal cancels the request in the worker; the queue moves on', async () => {
    const client = connect();
    const controller = new AbortController();
    const aborted = client.generate(
      { kind: 'sprite', seed: 1, steps: 200 },
      { signal: controller.signal, onProgress: (p) => p.phase === 'sample' && p.step === 2 && controller.abort() },
    );
    const next = client.generate({ kind: 'sprite', seed: 2, steps: 2 });
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    await expect(next).resolves.toMatchObject({ kind: 'sprite' });
  });

  it('load failures keep their name across the boundary', async () => {
    const client = connect('/nonexistent/manifest.json');
    await expect(client.models()).rejects.toBeInstanceOf(ModelLoadError);
  });

  it('terminate rejects what is still waiting', async () => {
    const client = connect();
    const pending = client.generate({ kind: 'sprite', seed: 1, steps: 300 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await client.terminate();
    open.length = 0;
    expect(await pending).toBeInstanceOf(AbortError);
  });
});
