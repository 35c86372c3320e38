/**
 * The one generation path shared by the API, the worker, the CLI and the Phaser plugin:
 * validate at the edge -> cache -> queue -> load model (sha256 checked) -> sample -> decode -> cache.
 */
import { createBackend, type Backend, type DenoiserSession, type Device, type ExecutedDevice } from '../backend/onnx.ts';
import { cacheKey } from './cache-key.ts';
import { createCache, type CacheOptions, type ResultCache } from '../cache/cache.ts';
import { createRng } from '../core/rng.ts';
import { concatBatch } from '../core/tensor.ts';
import { throwIfAborted } from '../errors.ts';
import { decodeImages, decodeLevels, type LevelGrid, type RgbaImage } from '../models/codecs.ts';
import { MAX_MANIFEST_BYTES, parseManifestText, type Manifest, type ModelEntry } from '../models/manifest.ts';
import { checkOrigin, fileName, loadBytes, loadText, toUrl, verifyModelBytes, type CrossOriginPolicy } from '../models/source.ts';
import { createQueue } from './queue.ts';
import { normalizeRequest, type GenerateRequest, type NormalizedRequest } from './request.ts';
import { sampleBatch } from './sample.ts';
import { createLevelApi } from './levels.ts';
import type { GeneratedLevel, GenerateOptions, GenerateResult, ModelSummary, Progress, Runtime, RuntimeOptions } from './types.ts';
import type { LevelRequest, NormalizedLevelRequest, NormalizedRegenerate, RegenerateOptions } from './level-request.ts';

/** Relative to this file, so it works from the package in Node and from the dev server in a browser. */
const DEFAULT_MANIFEST = '../../models/manifest.json';

export function defaultManifestUrl(): URL {
  // A non-literal first argument keeps bundlers from inlining the manifest as a hashed asset,
  // which would separate it from the model files it points to.
  return new URL(/* webpackIgnore: true */ DEFAULT_MANIFEST, import.meta.url);
}

const now = (): number => globalThis.performance?.now() ?? Date.now();
const LABEL_STREAM_SALT = 0x6c616265; // "labe": labels draw from their own stream, not the noise's

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const backend: Backend = createBackend({ device: options.device, numThreads: options.numThreads, wasmPaths: options.wasmPaths });
  const cache: ResultCache | undefined =
    options.cache === false ? undefined : options.cache && 'get' in options.cache ? options.cache : createCache(options.cache || {});
  const queue = createQueue();
  const maxBatch = options.maxBatch ?? 16;
  let manifestPromise: Promise<{ manifest: Manifest; baseUrl: URL }> | undefined;

  function loadManifest(): Promise<{ manifest: Manifest; baseUrl: URL }> {
    manifestPromise ??= (async () => {
      const m = options.manifest ?? defaultManifestUrl();
      if (typeof m === 'object' && !(m instanceof URL)) return { manifest: m.manifest, baseUrl: await toUrl(m.baseUrl) };
      const url = await toUrl(m);
      // In a page (or its worker) the manifest comes from the page's origin unless allowed otherwise.
      const page = (globalThis as { location?: { href: string } }).location?.href;
      const pageUrl = page && /^https?:$/.test(new URL(page).protocol) ? new URL(page) : undefined;
      if (pageUrl) checkOrigin(url, pageUrl, options.allowCrossOrigin, fileName(url));
      const checkRedirect = (to: URL) => checkOrigin(to, pageUrl ?? url, options.allowCrossOrigin, fileName(url));
      // Model files resolve against the manifest's own URL, not where a redirect took it.
      return { manifest: parseManifestText(await loadText(url, { maxBytes: MAX_MANIFEST_BYTES, checkRedirect }), fileName(url)), baseUrl: url };
    })();
    manifestPromise.catch(() => (manifestPromise = undefined)); // a failed load is retried next time
    return manifestPromise;
  }

  function session(model: ModelEntry, baseUrl: URL, onProgress?: (p: Progress) => void): Promise<DenoiserSession> {
    return backend.session(
      model.sha256,
      async () => {
        // Resolved against the manifest, and refused before any request when it leaves the manifest's origin.
        const url = new URL(model.file, baseUrl);
        checkOrigin(url, baseUrl, options.allowCrossOrigin, model.file);
        const bytes = await loadBytes(url, {
          expectedBytes: model.bytes,
          maxBytes: model.bytes,
          checkRedirect: (to) => checkOrigin(to, baseUrl, options.allowCrossOrigin, model.file),
          onProgress: (p) => onProgress?.({ phase: 'download', model: model.id, ...p }),
        });
        await verifyModelBytes(bytes, model, model.file);
        return bytes;
      },
      model.file,
    );
  }

  function labelsFor(model: ModelEntry, request: NormalizedRequest): number[] {
    if (request.class !== null) return Array(request.count).fill(model.classes.indexOf(request.class));
    if (model.classes.length === 0) return Array(request.count).fill(model.nullClass);
    return Array.from({ length: request.count }, (_, i) => createRng(request.seed ^ LABEL_STREAM_SALT, i).int(model.classes.length));
  }

  async function produce(model: ModelEntry, baseUrl: URL, request: NormalizedRequest, labels: number[], opts: GenerateOptions): Promise<{ x: Float32Array; device: ExecutedDevice }> {
    const s = await session(model, baseUrl, opts.onProgress);
    const { channels: c, height: h, width: w } = model.layout;
    const chunks: Float32Array[] = [];
    const totalSteps = Math.ceil(request.count / maxBatch) * request.steps;
    let done = 0;
    for (let start = 0; start < request.count; start += maxBatch) {
      const streams = Array.from({ length: Math.min(maxBatch, request.count - start) }, (_, i) => start + i);
      throwIfAborted(opts.signal);
      chunks.push(
        await sampleBatch(s.run, {
          item: [c, h, w],
          seed: request.seed,
          streams,
          labels: Int32Array.from(streams, (i) => labels[i]!),
          nullClass: model.nullClass,
          steps: request.steps,
          guidance: request.guidance,
          sampler: request.sampler,
          eta: request.eta,
          seamless: model.seamless,
          callback: () => {
            throwIfAborted(opts.signal);
            opts.onProgress?.({ phase: 'sample', step: ++done, steps: totalSteps });
          },
        }),
      );
    }
    return { x: concatBatch(chunks), device: s.device };
  }

  const levels = createLevelApi({ loadManifest, session, queue, cache });

  const runtime: Runtime = {
    level: levels.level,
    regenerate: levels.regenerate,
    validateLevel: levels.validateLevel,

    async validate(raw) {
      const { manifest } = await loadManifest();
      return normalizeRequest(manifest, raw);
    },

    async generate(raw, opts = {}) {
      const started = now();
      const { manifest, baseUrl } = await loadManifest();
      const request = normalizeRequest(manifest, raw);
      const model = manifest.models.find((m) => m.id === request.model)!;
      const key = cache ? await cacheKey(model.sha256, request) : '';
      const hit = cache ? await cache.get<GenerateResult>(key) : undefined;
      if (hit) return { ...hit, cached: true, ms: now() - started };
      throwIfAborted(opts.signal);

      const labels = labelsFor(model, request);
      const { x, device } = await queue.run(() => produce(model, baseUrl, request, labels, opts), {
        signal: opts.signal,
        onPosition: (ahead) => opts.onProgress?.({ phase: 'queued', ahead }),
      });
      const { channels, height, width } = model.layout;
      const shape = [request.count, channels, height, width] as const;
      const base = { model: model.id, version: model.version, sha256: model.sha256, request, labels, device, cached: false };
      const result: GenerateResult =
        model.kind === 'level'
          ? { ...base, kind: 'level', levels: decodeLevels(x, shape, model.tiles!), ms: 0 }
          : {
              ...base,
              kind: model.kind,
              images: decodeImages(x, shape, {
                alphaThreshold: request.alphaThreshold ?? undefined,
                palette: request.palette ?? undefined,
                modelPalette: model.palette,
              }),
              ms: 0,
            };
      result.ms = now() - started;
      // Awaited: IndexedDB clones the value when the write runs, and callers may transfer the buffers right after.
      await cache?.put(key, result);
      return result;
    },

    async manifest() {
      return (await loadManifest()).manifest;
    },

    async models() {
      const { manifest } = await loadManifest();
      return manifest.models.map((m) => ({
        id: m.id,
        kind: m.kind,
        version: m.version,
        classes: m.classes,
        layout: m.layout,
        steps: m.steps,
        guidance: m.guidance,
        tiles: m.tiles?.map((t) => t.char) ?? null,
      }));
    },

    async clearCache() {
      await cache?.clear();
    },

    dispose: () => backend.release(),
  };
  return runtime;
}

let defaultRuntime: Runtime | undefined;

/**
 * `generate(request)` on a default runtime made on first use (package manifest, device 'auto',
 * IndexedDB cache where there is one): the short path for scripts and simple pages.
 */
export function generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult> {
  defaultRuntime ??= createRuntime();
  return defaultRuntime.generate(request, options);
}
