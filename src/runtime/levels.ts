/**
 * `runtime.level` and `runtime.regenerate`: the long-level pipeline (levels/generate.ts) wired to
 * the runtime's sessions, queue and cache. Each model window is one `sampleBatch` call with the
 * window's known cells as the inpainting region (mask/known inputs of the denoiser graph).
 */
import type { DenoiserSession, ExecutedDevice } from '../backend/onnx.ts';
import type { ResultCache } from '../cache/cache.ts';
import { createRng } from '../core/rng.ts';
import { InvalidRequestError, throwIfAborted } from '../errors.ts';
import { decodeLevels, encodeLevels, type LevelGrid } from '../models/codecs.ts';
import type { Manifest, ModelEntry } from '../models/manifest.ts';
import { sha256Hex } from '../models/source.ts';
import type { JobQueue } from './queue.ts';
import type { GenerateOptions, GeneratedLevel, Progress } from './types.ts';
import { sampleBatch } from './sample.ts';
import { buildLevel, regenerateRegion, type LevelMetadata, type PipelineOptions } from '../levels/generate.ts';
import { defaultContext, planWindows, type FillOptions, type WindowSampler } from '../levels/outpaint.ts';
import { canonicalLevelRequest, normalizeLevelRequest, normalizeRegenerate, requestPins, type LevelRequest, type NormalizedLevelRequest, type NormalizedRegenerate, type RegenerateOptions } from './level-request.ts';

export interface LevelApi {
  level(request: LevelRequest, options?: GenerateOptions): Promise<GeneratedLevel<NormalizedLevelRequest>>;
  regenerate(level: LevelGrid | GeneratedLevel, options: RegenerateOptions, opts?: GenerateOptions): Promise<GeneratedLevel<NormalizedRegenerate>>;
  validateLevel(request: LevelRequest): Promise<NormalizedLevelRequest>;
}

export interface LevelApiDeps {
  loadManifest(): Promise<{ manifest: Manifest; baseUrl: URL }>;
  session(model: ModelEntry, baseUrl: URL, onProgress?: (p: Progress) => void): Promise<DenoiserSession>;
  queue: JobQueue;
  cache?: ResultCache;
}

// The runtime's label stream (runtime.ts labelsFor): a level with seed S gets the class that
// generate()'s item 0 with seed S would.
const LABEL_STREAM_SALT = 0x6c616265;
const now = (): number => globalThis.performance?.now() ?? Date.now();

/** How a model's windows tile a level: its width, and known columns per window (the manifest's, else the outpainter's default). */
const fillOptions = (model: ModelEntry): FillOptions => ({ window: model.layout.width, context: model.context ?? defaultContext(model.layout.width) });

function labelFor(model: ModelEntry, cls: string | null, seed: number): number {
  if (cls !== null) return model.classes.indexOf(cls);
  if (model.classes.length === 0) return model.nullClass;
  return createRng(seed ^ LABEL_STREAM_SALT, 0).int(model.classes.length);
}

type SamplingSettings = Pick<NormalizedLevelRequest, 'steps' | 'guidance' | 'sampler' | 'eta'>;

function windowSampler(run: DenoiserSession['run'], model: ModelEntry, s: SamplingSettings, label: number, onStep: () => void): WindowSampler {
  const { channels: c, height: h, width: w } = model.layout;
  const legend = model.tiles!;
  return async (win) => {
    const values = encodeLevels([{ rows: h, cols: w, cells: win.cells, legend }], c);
    const x = await sampleBatch(run, {
      item: [c, h, w],
      seed: win.seed,
      streams: [win.index],
      labels: Int32Array.of(label),
      nullClass: model.nullClass,
      steps: s.steps,
      guidance: s.guidance,
      sampler: s.sampler,
      eta: s.eta,
      region: { mask: Float32Array.from(win.mask), values },
      callback: onStep,
    });
    return decodeLevels(x, [1, c, h, w], legend)[0]!.cells;
  };
}

export function createLevelApi(deps: LevelApiDeps): LevelApi {
  async function withModel(id: string): Promise<{ model: ModelEntry; baseUrl: URL }> {
    const { manifest, baseUrl } = await deps.loadManifest();
    return { model: manifest.models.find((m) => m.id === id)!, baseUrl };
  }

  /** Runs the pipeline in the queue with progress over the planned windows (retries extend the total). */
  async function run(
    model: ModelEntry,
    baseUrl: URL,
    settings: SamplingSettings,
    label: number,
    cls: string | null,
    ensurePlayable: boolean,
    plannedWindows: number,
    opts: GenerateOptions,
    body: (o: PipelineOptions) => Promise<{ grid: LevelGrid; metadata: LevelMetadata }>,
  ): Promise<{ grid: LevelGrid; metadata: LevelMetadata; device: ExecutedDevice }> {
    return deps.queue.run(
      async () => {
        const session = await deps.session(model, baseUrl, opts.onProgress);
        let done = 0;
        let total = plannedWindows * settings.steps;
        const onStep = (): void => {
          throwIfAborted(opts.signal);
          total = Math.max(total, ++done);
          opts.onProgress?.({ phase: 'sample', step: done, steps: total });
        };
        const out = await body({
          sample: windowSampler(session.run, model, settings, label, onStep),
          ...fillOptions(model),
          ensurePlayable,
          label,
          class: cls,
        });
        return { ...out, device: session.device };
      },
      { signal: opts.signal, onPosition: (ahead) => opts.onProgress?.({ phase: 'queued', ahead }) },
    );
  }

  return {
    async validateLevel(raw) {
      const { manifest } = await deps.loadManifest();
      return normalizeLevelRequest(manifest, raw);
    },

    async level(raw, opts = {}) {
      const started = now();
      const { manifest } = await deps.loadManifest();
      const request = normalizeLevelRequest(manifest, raw);
      const { model, baseUrl } = await withModel(request.model);
      const key = deps.cache ? await sha256Hex(new TextEncoder().encode(`${model.sha256}\nlevel\n${canonicalLevelRequest(request)}`)) : '';
      const hit = deps.cache ? await deps.cache.get<GeneratedLevel<NormalizedLevelRequest>>(key) : undefined;
      if (hit) return { ...hit, cached: true, ms: now() - started };
      throwIfAborted(opts.signal);

      const legend = model.tiles!;
      const rows = model.layout.height;
      const pins = requestPins(request, rows, legend);
      const label = labelFor(model, request.class, request.seed);
      const planned = planWindows(0, request.width, request.width, fillOptions(model)).length;
      const out = await run(model, baseUrl, request, label, request.class, request.ensurePlayable, planned, opts, (o) =>
        buildLevel(rows, request.width, legend, pins, request.seed, o),
      );
      const result: GeneratedLevel<NormalizedLevelRequest> = {
        kind: 'level', model: model.id, version: model.version, sha256: model.sha256, request,
        grid: out.grid, metadata: out.metadata, device: out.device, cached: false, ms: 0,
      };
      result.ms = now() - started;
      await deps.cache?.put(key, result);
      return result;
    },

    async regenerate(level, raw, opts = {}) {
      const started = now();
      const { manifest } = await deps.loadManifest();
      const given = 'grid' in level ? level : undefined;
      const grid: LevelGrid = 'grid' in level ? level.grid : level;
      const options = normalizeRegenerate(manifest, raw, grid, given?.request);
      const { model, baseUrl } = await withModel(options.model);
      // Tile ids are checked here, once: the pipeline trusts the grid.
      const bad = grid.cells.findIndex((id) => id >= model.tiles!.length);
      if (bad >= 0 || grid.cells.length !== grid.rows * grid.cols) {
        throw new InvalidRequestError('level', bad >= 0 ? `tile id ${grid.cells[bad]} at row ${Math.floor(bad / grid.cols)}, column ${bad % grid.cols} is not in the legend (0..${model.tiles!.length - 1})` : `has ${grid.cells.length} cells, expected rows x cols = ${grid.rows * grid.cols}`);
      }
      throwIfAborted(opts.signal);
      // A result keeps its class unless the options name another.
      const keepLabel = given && given.model === model.id && (raw as { class?: unknown }).class === undefined;
      const label = keepLabel ? given.metadata.label : labelFor(model, options.class, options.seed);
      const cls = keepLabel ? given.metadata.class : options.class;
      const planned = planWindows(options.fromCol, options.toCol, grid.cols, fillOptions(model)).length;
      const out = await run(model, baseUrl, options, label, cls, options.ensurePlayable, planned, opts, (o) =>
        regenerateRegion(grid, options.fromCol, options.toCol, options.seed, o),
      );
      return {
        kind: 'level', model: model.id, version: model.version, sha256: model.sha256, request: options,
        grid: out.grid, metadata: out.metadata, device: out.device, cached: false, ms: now() - started,
      };
    },
  };
}
