/**
 * `asset-diffusion eval variations <sprite|tile>`: how far variations land from their source as
 * strength grows. For each strength, every source gets `--seeds` variations (seeds seed + 1 + i
 * for source i); the distance is the mean per-pixel RGBA L1 (0..1) and the share of changed
 * pixels, averaged over all of them. Sources: the PNGs of `--from`, else the model's own samples
 * (seed `--seed`, one class each, and their variations keep that class). `--sheet` writes each of
 * the first three sources with four variations at 0.3 and four at 0.6.
 */
import type { Device } from '../backend/onnx.ts';
import { InvalidRequestError } from '../errors.ts';
import type { RgbaImage } from '../models/codecs.ts';
import { composeSheet } from '../models/sheet.ts';
import { decodePngRgba, encodePng } from '../png.ts';
import { variationSteps } from '../core/variation.ts';
import type { GenerateRequest } from '../runtime/request.ts';
import { createRuntime } from '../runtime/runtime.ts';
import type { ImageResult, Runtime } from '../runtime/types.ts';
import { changedPixels, rgbaL1 } from '../runtime/variation.ts';
import { readCapped } from '../node/read.ts';
import { integer, real } from '../validate.ts';
import { commitFiles, outputFile } from './files.ts';
import { MAX_FROM_FILE_BYTES, numeric } from './generate.ts';
import { loadCliManifest } from './manifest.ts';

export interface EvalVariationsFlags {
  model?: string;
  class?: string;
  from?: string;
  sources: string;
  seeds: string;
  seed: string;
  strengths: string;
  steps?: string;
  sheet?: string;
  json?: boolean;
  manifest?: string;
  device: Device;
  progress: boolean;
}

export interface VariationPoint {
  strength: number;
  /** Sampler steps a variation at this strength runs. */
  steps: number;
  l1: number;
  changed: number;
}

export interface VariationsReport {
  model: string;
  version: string;
  device: string;
  sources: string;
  seeds: number;
  seed: number;
  curve: VariationPoint[];
  /** Whether l1 never rises as strength falls. */
  monotonic: boolean;
}

/** Strengths of the sheet's two rows per source (the issue's 0.3 and 0.6). */
export const SHEET_STRENGTHS = [0.3, 0.6] as const;
const SHEET_SOURCES = 3;
const SHEET_SCALE = 4;
const SHEET_MARGIN = 3;

const round = (v: number): number => Number(v.toFixed(4));
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** Each pixel as a `k` x `k` block inside a transparent margin, so 32-pixel frames read in a document and seamless tiles do not run together. */
function upscale(img: RgbaImage, k: number, margin: number): RgbaImage {
  const [w, h] = [img.width * k + 2 * margin, img.height * k + 2 * margin];
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < img.height * k; y++) {
    for (let x = 0; x < img.width * k; x++) {
      const from = (Math.floor(y / k) * img.width + Math.floor(x / k)) * 4;
      data.set(img.data.subarray(from, from + 4), ((y + margin) * w + x + margin) * 4);
    }
  }
  return { width: w, height: h, data };
}

function parseStrengths(text: string): number[] {
  const values = text.split(',').map((s) => real('strengths', numeric(s), 0, 1));
  if (values.length === 0 || values.length > 100) throw new InvalidRequestError('strengths', 'must list 1..100 numbers from 0 to 1, comma-separated');
  return values;
}

interface Source {
  image: RgbaImage;
  class?: string;
}

async function loadSources(runtime: Runtime, base: GenerateRequest, f: EvalVariationsFlags): Promise<{ sources: Source[]; label: string }> {
  if (f.from !== undefined) {
    const paths = f.from.split(',');
    return { sources: paths.map((p) => ({ image: decodePngRgba(readCapped('from', p, MAX_FROM_FILE_BYTES), 'from') })), label: paths.join(', ') };
  }
  const count = integer('sources', numeric(f.sources), 1, 64);
  const seed = integer('seed', numeric(f.seed), 0, 0xffffffff);
  const made = (await runtime.generate({ ...base, count, seed })) as ImageResult;
  const classes = (await runtime.models()).find((m) => m.id === made.model)!.classes;
  return {
    sources: made.images.map((image, i) => ({ image, class: base.class ?? classes[made.labels[i]!] })),
    label: `${count} samples of the model (seed ${seed}${base.class ? `, class ${base.class}` : ', a class each'})`,
  };
}

export async function evalVariations(runtime: Runtime, kind: string, f: EvalVariationsFlags, log: (line: string) => void): Promise<{ report: VariationsReport; sheet?: RgbaImage }> {
  const base: GenerateRequest = { kind: kind as GenerateRequest['kind'] };
  if (f.model !== undefined) base.model = f.model;
  if (f.class !== undefined) base.class = f.class;
  if (f.steps !== undefined) base.steps = numeric(f.steps) as number;
  const strengths = parseStrengths(f.strengths);
  const seeds = integer('seeds', numeric(f.seeds), 1, 64);
  const seed = integer('seed', numeric(f.seed), 0, 0xffffffff - 1000);
  const { sources, label } = await loadSources(runtime, base, f);
  const vary = async (i: number, strength: number, count: number): Promise<ImageResult> =>
    (await runtime.generate({ ...base, class: sources[i]!.class, from: sources[i]!.image, strength, count, seed: seed + 1 + i })) as ImageResult;

  // Distances are to the snapped source (what strength 0 returns), so palette snapping alone is no change.
  const snapped: RgbaImage[] = [];
  for (let i = 0; i < sources.length; i++) snapped.push((await vary(i, 0, 1)).images[0]!);
  const curve: VariationPoint[] = [];
  let first: ImageResult | undefined;
  for (const strength of strengths) {
    const l1: number[] = [];
    const changed: number[] = [];
    for (let i = 0; i < sources.length; i++) {
      const result = await vary(i, strength, seeds);
      first ??= result;
      for (const img of result.images) {
        l1.push(rgbaL1(img, snapped[i]!));
        changed.push(changedPixels(img, snapped[i]!));
      }
    }
    const point = { strength, steps: variationSteps(strength, first!.request.steps), l1: round(mean(l1)), changed: round(mean(changed)) };
    curve.push(point);
    if (f.progress) log(`strength ${strength}: l1 ${point.l1}, changed ${point.changed} (${point.steps} steps)`);
  }
  const byStrength = [...curve].sort((a, b) => a.strength - b.strength);
  const monotonic = byStrength.every((p, i) => i === 0 || p.l1 >= byStrength[i - 1]!.l1);
  const report: VariationsReport = { model: first!.model, version: first!.version, device: first!.device, sources: label, seeds, seed, curve, monotonic };
  if (f.sheet === undefined) return { report };
  const frames: RgbaImage[] = [];
  for (let i = 0; i < Math.min(SHEET_SOURCES, sources.length); i++) {
    for (const strength of SHEET_STRENGTHS) frames.push(snapped[i]!, ...(await vary(i, strength, 4)).images);
  }
  return { report, sheet: composeSheet(frames.map((img) => upscale(img, SHEET_SCALE, SHEET_MARGIN)), 5) };
}

export function formatVariations(r: VariationsReport): string {
  const rows = r.curve.map((p) => `| ${p.strength} | ${p.steps} | ${p.l1.toFixed(3)} | ${p.changed.toFixed(3)} |`);
  return [
    `${r.model} ${r.version} on ${r.device}; sources: ${r.sources}; ${r.seeds} variations each (seed ${r.seed} + 1 + source index)`,
    '',
    '| strength | steps run | RGBA L1 to source | pixels changed |',
    '|---|---|---|---|',
    ...rows,
    '',
    `monotonic (L1 falls as strength falls): ${r.monotonic ? 'yes' : 'no'}`,
  ].join('\n');
}

export async function evalVariationsCommand(kind: string, f: EvalVariationsFlags): Promise<void> {
  if (kind !== 'sprite' && kind !== 'tile') throw new InvalidRequestError('kind', `variations apply to sprites and tiles (got ${JSON.stringify(kind)})`);
  const sheetPath = f.sheet === undefined ? undefined : outputFile('sheet', f.sheet);
  const runtime = createRuntime({ manifest: loadCliManifest(f.manifest, (m) => console.error(m)), device: f.device, cache: false });
  try {
    const { report, sheet } = await evalVariations(runtime, kind, f, (line) => console.error(line));
    if (sheet && sheetPath) await commitFiles([[sheetPath, encodePng(sheet)]]);
    console.log(f.json ? JSON.stringify(report, null, 1) : formatVariations(report));
  } finally {
    await runtime.dispose();
  }
}
