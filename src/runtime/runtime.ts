/**
 * The one generation path shared by the API, the worker, the CLI and the Phaser plugin:
 * validate at the edge -> cache -> queue -> load model (sha256 checked) -> sample -> decode -> cache.
 */
import { createBackend, type Backend, type DenoiserSession } from '../backend/onnx.ts';
import { createCache, type ResultCache } from '../cache/cache.ts';
import { concatBatch } from '../core/tensor.ts';
import { decodeImages, decodeLevels } from '../models/codecs.ts';
import { MAX_MANIFEST_BYTES, genreOf, parseManifestText, type Manifest, type ModelEntry } from '../models/manifest.ts';
import { checkOrigin, fileName, loadBytes, loadText, toUrl, verifyModelBytes } from '../models/source.ts';
import { now } from '../clock.ts';
import { cachedResult, labelsFor, runJob, samplingOptions } from './jobs.ts';
import { createQueue } from './queue.ts';
import { normalizeRequest, type GenerateRequest, type NormalizedRequest } from './request.ts';
import { sampleBatch } from './sample.ts';
import { RETRY_STREAM_STRIDE, guardFragments } from './fragments.ts';
import { sourceTensor } from './variation.ts';
import { variationSteps } from '../core/variation.ts';
import type { RgbaImage } from '../models/codecs.ts';
import { createLevelApi } from './levels.ts';
import { createDungeonApi } from './dungeon.ts';
import type { GenerateOptions, GenerateResult, Progress, Runtime, RuntimeOptions } from './types.ts';

/** Relative to this file, so it works from the package in Node and from the dev server in a browser. */
const DEFAULT_MANIFEST = '../../models/manifest.json';

export function defaultManifestUrl(): URL {
  // A non-literal first argument keeps bundlers from inlining the manifest as a hashed asset,
  // which would separate it from the model files it points to.
  return new URL(/* webpackIgnore: true */ DEFAULT_MANIFEST, import.meta.url);
}

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

  /**
   * Batches of at most maxBatch items; item i samples from seed stream i whatever the batching.
   * A variation starts from `source` noised to the request's strength and runs only that part of the schedule.
   */
  function produce(model: ModelEntry, baseUrl: URL, request: NormalizedRequest, labels: number[], source: RgbaImage | null, opts: GenerateOptions) {
    const variation = source ? { x0: sourceTensor(model, source), t: request.strength! } : undefined;
    const plannedSteps = Math.ceil(request.count / maxBatch) * (variation ? variationSteps(variation.t, request.steps) : request.steps);
    // A variation keeps its source's size, whatever it is; otherwise sprites get the fragment guard.
    const guarded = model.minOpaque && !variation && !request.allowFragments ? model.minOpaque : undefined;
    return runJob({ queue, session }, model, baseUrl, plannedSteps, opts, async (run, onStep) => {
      const chunks: Float32Array[] = [];
      let resampled = 0;
      for (let start = 0; start < request.count; start += maxBatch) {
        const streams = Array.from({ length: Math.min(maxBatch, request.count - start) }, (_, i) => start + i);
        // Items by index; a fragment guard retry samples them from streams offset by attempt x RETRY_STREAM_STRIDE.
        const sample = (items: number[], attempt = 0) =>
          sampleBatch(run, { ...samplingOptions(model, request), seed: request.seed, streams: items.map((i) => i + attempt * RETRY_STREAM_STRIDE), labels: Int32Array.from(items, (i) => labels[i]!), start: variation, seamless: model.seamless, callback: onStep });
        const x = await sample(streams);
        if (guarded) {
          const { channels, height, width } = model.layout;
          resampled += await guardFragments(x, [streams.length, channels, height, width], streams.map((i) => labels[i]!), {
            minOpaque: guarded,
            alphaThreshold: request.alphaThreshold ?? 0.5,
            resample: (ks, attempt) => sample(ks.map((k) => streams[k]!), attempt),
          });
        }
        chunks.push(x);
      }
      return { x: concatBatch(chunks), resampled: guarded ? resampled : undefined };
    });
  }

  const levels = createLevelApi({ loadManifest, session, queue, cache });
  const dungeons = createDungeonApi({ loadManifest, session, queue, cache });

  const runtime: Runtime = {
    level: levels.level,
    regenerate: levels.regenerate,
    validateLevel: levels.validateLevel,
    dungeon: dungeons.dungeon,
    regenerateRoom: dungeons.regenerateRoom,

    async validate(raw) {
      const { manifest } = await loadManifest();
      return normalizeRequest(manifest, raw).request;
    },

    async generate(raw, opts = {}) {
      const started = now();
      const { manifest, baseUrl } = await loadManifest();
      const { request, model, source } = normalizeRequest(manifest, raw);
      return cachedResult(cache, model, request, started, opts.signal, async (): Promise<GenerateResult> => {
        // A variation without a class is unconditional: a class drawn from the seed would pull the source towards it.
        const labels = source && request.class === null ? Array<number>(request.count).fill(model.nullClass) : labelsFor(model, request.class, request.seed, request.count);
        const { value: { x, resampled }, device } = await produce(model, baseUrl, request, labels, source, opts);
        const { channels, height, width } = model.layout;
        const shape = [request.count, channels, height, width] as const;
        const base = { model: model.id, version: model.version, sha256: model.sha256, request, labels, device, cached: false, ms: 0 };
        if (model.kind === 'level') return { ...base, kind: 'level', levels: decodeLevels(x, shape, model.tiles!) };
        const images = decodeImages(x, shape, { alphaThreshold: request.alphaThreshold ?? undefined, palette: request.palette ?? undefined, modelPalette: model.palette });
        return { ...base, kind: model.kind, images, ...(resampled !== undefined && { resampled }) };
      });
    },

    async manifest() {
      return (await loadManifest()).manifest;
    },

    async models() {
      const { manifest } = await loadManifest();
      return manifest.models.map((m) => ({
        id: m.id,
        kind: m.kind,
        genre: genreOf(m),
        version: m.version,
        classes: m.classes,
        layout: m.layout,
        steps: m.steps,
        guidance: m.guidance,
        tiles: m.tiles?.map((t) => t.char) ?? null,
        attributes: m.attributes?.map((a) => a.name) ?? [],
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
