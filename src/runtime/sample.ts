/**
 * One batch of samples from one model: seeded noise -> guided denoiser -> sampler -> tensor.
 * Shared by images and levels (levels/ will call it per window when outpainting).
 */
import { guidedDenoiser, type DenoiserRun } from '../core/guidance.ts';
import { prepareInpaint, type KnownRegion } from '../core/inpainting.ts';
import { drawUniforms, withPaletteDraw } from '../core/palette-draw.ts';
import { rollingDenoiser } from '../core/roll.ts';
import { createRng } from '../core/rng.ts';
import { samplers, type SamplerName, type StepInfo } from '../core/samplers.ts';
import { timeGrid } from '../core/schedule.ts';
import { noiseTo, variationGrid } from '../core/variation.ts';
import type { Shape4 } from '../core/tensor.ts';

export interface SampleOptions {
  /** [C, H, W] of one item. */
  item: readonly [number, number, number];
  /** One seed stream per item: item i uses createRng(seed, streams[i]), so results do not depend on batching. */
  seed: number;
  streams: number[];
  labels: Int32Array;
  nullClass: number;
  steps: number;
  guidance: number;
  sampler: SamplerName;
  eta: number;
  region?: KnownRegion;
  /** Variations (SDEdit): start from these clean items ([C, H, W] each, or the whole batch) noised to time `t`, and sample only t -> 0. */
  start?: { x0: Float32Array; t: number };
  /** [B, A] attributes (-1 = unknown), for models that take them (runtime/level-attributes.ts). */
  attributes?: Float32Array;
  /** A, the attributes the model takes (0: none). Without `attributes`, such a model gets them all unknown. */
  attributeCount?: number;
  /** Palette models whose manifest entry has `draw`: the last step draws each pixel's colour (core/palette-draw.ts). */
  draw?: { palette: readonly (readonly number[])[]; temperature: number };
  /** The model wraps around (tiles): sample on a rolling canvas (core/roll.ts). Not with a region. */
  seamless?: boolean;
  callback?: (info: StepInfo) => void | Promise<void>;
}

/** Returns x at t = 0, [B, C, H, W] with B = streams.length. */
export async function sampleBatch(run: DenoiserRun, o: SampleOptions): Promise<Float32Array> {
  const [c, h, w] = o.item;
  const b = o.streams.length;
  const shape: Shape4 = [b, c, h, w];
  const itemSize = c * h * w;
  const rngs = o.streams.map((s) => createRng(o.seed, s));
  const noise0 = new Float32Array(b * itemSize);
  rngs.forEach((rng, i) => rng.normals(itemSize, noise0.subarray(i * itemSize, (i + 1) * itemSize)));
  const prepared = o.region ? prepareInpaint(o.region, noise0, shape) : undefined;
  const guidance = {
    shape,
    labels: o.labels,
    nullClass: o.nullClass,
    guidance: o.guidance,
    mask: prepared?.mask,
    known: prepared?.known,
    // The contract's "unknown" is -1 (docs/MODEL-CONTRACT.md): what a request without attributes sends.
    attributes: o.attributes ?? (o.attributeCount ? new Float32Array(b * o.attributeCount).fill(-1) : undefined),
  };
  const guided = guidedDenoiser(run, guidance);
  // With inpainting the start is x(t=1) = noise0 with the known region re-imposed, which at t = 1 is noise0 itself.
  const x1 = o.start ? noiseTo(o.start.x0, noise0, o.start.t) : noise0;
  const ts = o.start ? variationGrid(o.start.t, o.steps) : timeGrid(o.steps);
  // A variation draws only a strength-sized share of its pixels (core/palette-draw.ts says why);
  // the uniforms are taken at the last step, after every step's noise.
  const share = o.start ? o.start.t : 1;
  const drawn = o.draw
    ? withPaletteDraw(guided, guidedDenoiser(run, guidance, 'logits'), ts[ts.length - 2]!, shape, { ...o.draw, share, uniforms: () => drawUniforms(rngs, h * w, share) })
    : guided;
  // The known region's mask is fixed in the graph inputs, so only region-free sampling may roll.
  const denoise = o.seamless && !prepared ? rollingDenoiser(drawn, shape) : drawn;
  const stepNoise = (): Float32Array => {
    const z = new Float32Array(b * itemSize);
    rngs.forEach((rng, i) => rng.normals(itemSize, z.subarray(i * itemSize, (i + 1) * itemSize)));
    return z;
  };
  return samplers[o.sampler](denoise, x1, ts, {
    eta: o.eta,
    noise: stepNoise,
    inpaint: prepared?.inpaint,
    callback: async (info) => {
      await yieldToEventLoop();
      await o.callback?.(info);
    },
  });
}

/**
 * One macrotask turn between steps. onnxruntime's runs resolve as microtasks, so without this a
 * worker never reads its `cancel` message (a macrotask) until the whole job is done: aborting a
 * scene's request would wait out every remaining step. Not setTimeout: browsers clamp nested
 * timers to 4 ms, which cost ~160 ms of a 40-step level. A message on a fresh channel (or Node's
 * setImmediate) takes its turn after messages already queued, such as that `cancel`.
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
