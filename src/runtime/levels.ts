/**
 * `runtime.level` and `runtime.regenerate`: the long-level pipeline (levels/generate.ts) wired to
 * the runtime's job runner and cache (jobs.ts). Each model window is one `sampleBatch` call with
 * the window's known cells as the inpainting region (mask/known inputs of the denoiser graph).
 */
import type { ResultCache } from '../cache/cache.ts';
import type { DenoiserRun } from '../core/guidance.ts';
import { InvalidRequestError, throwIfAborted } from '../errors.ts';
import { decodeLevels, encodeLevels, type LevelGrid } from '../models/codecs.ts';
import type { Manifest, ModelEntry } from '../models/manifest.ts';
import { now } from '../clock.ts';
import { cachedResult, labelsFor, runJob, samplingOptions, type JobContext, type SamplingSettings } from './jobs.ts';
import type { GenerateOptions, GeneratedLevel } from './types.ts';
import { sampleBatch } from './sample.ts';
import { buildLevel, regenerateRegion, type LevelMetadata, type PipelineOptions } from '../levels/generate.ts';
import { defaultContext, planWindows, type FillOptions, type WindowSampler } from '../levels/outpaint.ts';
import { attributeInput, type NormalizedAttributes } from './level-attributes.ts';
import { normalizeLevelRequest, normalizeRegenerate, requestPins, type LevelRequest, type NormalizedLevelRequest, type NormalizedRegenerate, type RegenerateOptions } from './level-request.ts';

export interface LevelApi {
  level(request: LevelRequest, options?: GenerateOptions): Promise<GeneratedLevel<NormalizedLevelRequest>>;
  regenerate(level: LevelGrid | GeneratedLevel, options: RegenerateOptions, opts?: GenerateOptions): Promise<GeneratedLevel<NormalizedRegenerate>>;
  validateLevel(request: LevelRequest): Promise<NormalizedLevelRequest>;
}

export interface LevelApiDeps extends JobContext {
  loadManifest(): Promise<{ manifest: Manifest; baseUrl: URL }>;
  cache?: ResultCache;
}

/** How a model's windows tile a level: its width, and known columns per window (the manifest's, else the outpainter's default). */
const fillOptions = (model: ModelEntry): FillOptions => ({ window: model.layout.width, context: model.context ?? defaultContext(model.layout.width) });

export function windowSampler(run: DenoiserRun, model: ModelEntry, s: SamplingSettings, label: number, attributes: NormalizedAttributes | undefined, onStep: () => void): WindowSampler {
  const { channels: c, height: h, width: w } = model.layout;
  const legend = model.tiles!;
  // Every window asks for the same attributes: they are per-32-column densities, so a level made of windows like that has them too.
  const attrs = attributeInput(model, attributes);
  return async (win) => {
    const values = encodeLevels([{ rows: h, cols: w, cells: win.cells, legend }], c);
    const x = await sampleBatch(run, {
      ...samplingOptions(model, s),
      seed: win.seed,
      streams: [win.index],
      labels: Int32Array.of(label),
      region: { mask: Float32Array.from(win.mask), values },
      attributes: attrs,
      callback: onStep,
    });
    return decodeLevels(x, [1, c, h, w], legend)[0]!.cells;
  };
}

interface LevelJob {
  model: ModelEntry;
  settings: SamplingSettings;
  label: number;
  cls: string | null;
  attributes: NormalizedAttributes | undefined;
  ensurePlayable: boolean;
  /** Windows the pipeline plans to sample (the progress total; retries extend it). */
  windows: number;
}

function levelResult<R extends NormalizedLevelRequest | NormalizedRegenerate>(
  model: ModelEntry,
  request: R,
  out: { value: { grid: LevelGrid; metadata: LevelMetadata }; device: GeneratedLevel['device'] },
): GeneratedLevel<R> {
  const { grid, metadata } = out.value;
  return { kind: 'level', model: model.id, version: model.version, sha256: model.sha256, request, grid, metadata, device: out.device, cached: false, ms: 0 };
}

export function createLevelApi(deps: LevelApiDeps): LevelApi {
  /** The pipeline as one job: window sampler over the model's session, progress over the planned windows. */
  function run(job: LevelJob, baseUrl: URL, opts: GenerateOptions, body: (o: PipelineOptions) => Promise<{ grid: LevelGrid; metadata: LevelMetadata }>) {
    return runJob(deps, job.model, baseUrl, job.windows * job.settings.steps, opts, (denoise, onStep) =>
      body({
        sample: windowSampler(denoise, job.model, job.settings, job.label, job.attributes, onStep),
        ...fillOptions(job.model),
        ensurePlayable: job.ensurePlayable,
        label: job.label,
        class: job.cls,
      }),
    );
  }

  return {
    async validateLevel(raw) {
      const { manifest } = await deps.loadManifest();
      return normalizeLevelRequest(manifest, raw).request;
    },

    async level(raw, opts = {}) {
      const started = now();
      const { manifest, baseUrl } = await deps.loadManifest();
      const { request, model } = normalizeLevelRequest(manifest, raw);
      return cachedResult(deps.cache, model, request, started, opts.signal, async () => {
        const legend = model.tiles!;
        const rows = model.layout.height;
        const pins = requestPins(request, rows, legend);
        const label = labelsFor(model, request.class, request.seed, 1)[0]!;
        const windows = planWindows(0, request.width, request.width, fillOptions(model)).length;
        const job = { model, settings: request, label, cls: request.class, attributes: request.attributes, ensurePlayable: request.ensurePlayable, windows };
        return levelResult(model, request, await run(job, baseUrl, opts, (o) => buildLevel(rows, request.width, legend, pins, request.seed, o)));
      });
    },

    async regenerate(level, raw, opts = {}) {
      const started = now();
      const { manifest, baseUrl } = await deps.loadManifest();
      const given = 'grid' in level ? level : undefined;
      const grid: LevelGrid = 'grid' in level ? level.grid : level;
      const { request: options, model } = normalizeRegenerate(manifest, raw, grid, given?.request);
      // Tile ids are checked here, once: the pipeline trusts the grid.
      const bad = grid.cells.findIndex((id) => id >= model.tiles!.length);
      if (bad >= 0 || grid.cells.length !== grid.rows * grid.cols) {
        throw new InvalidRequestError('level', bad >= 0 ? `tile id ${grid.cells[bad]} at row ${Math.floor(bad / grid.cols)}, column ${bad % grid.cols} is not in the legend (0..${model.tiles!.length - 1})` : `has ${grid.cells.length} cells, expected rows x cols = ${grid.rows * grid.cols}`);
      }
      throwIfAborted(opts.signal);
      // A result keeps its class unless the options name another.
      const keepLabel = given && given.model === model.id && (raw as { class?: unknown }).class === undefined;
      const label = keepLabel ? given.metadata.label : labelsFor(model, options.class, options.seed, 1)[0]!;
      const cls = keepLabel ? given.metadata.class : options.class;
      const windows = planWindows(options.fromCol, options.toCol, grid.cols, fillOptions(model)).length;
      const job = { model, settings: options, label, cls, attributes: options.attributes, ensurePlayable: options.ensurePlayable, windows };
      const result = levelResult(model, options, await run(job, baseUrl, opts, (o) => regenerateRegion(grid, options.fromCol, options.toCol, options.seed, o)));
      result.ms = now() - started;
      return result;
    },
  };
}
