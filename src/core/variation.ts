/**
 * SDEdit (Meng et al. 2022, "SDEdit: Guided Image Synthesis and Editing with Stochastic
 * Differential Equations"): noise a clean image to time t with the forward process, then run the
 * sampler from t down to 0. Low t keeps the layout and colours, t = 1 is ordinary generation.
 */
import { rectifiedFlow, type Schedule } from './schedule.ts';

/**
 * Steps a variation at `strength` runs out of a full schedule of `steps`: the share of the grid
 * below `strength` (diffusers' img2img rule, rounded up so any strength > 0 takes a step).
 * 0 at strength 0 (the source comes back as it is), `steps` at strength 1.
 */
export function variationSteps(strength: number, steps: number): number {
  if (strength <= 0) return 0;
  return Math.max(1, Math.ceil(strength * steps - 1e-9));
}

/**
 * Uniform time grid from `strength` down to 0 in variationSteps(strength, steps) steps (so the
 * step size stays about what the full schedule uses). At strength 1 it is timeGrid(steps).
 */
export function variationGrid(strength: number, steps: number): Float64Array {
  const n = variationSteps(strength, steps);
  const ts = new Float64Array(n + 1);
  ts[0] = strength;
  for (let i = 1; i <= n; i++) ts[i] = strength * (1 - i / n);
  return ts;
}

/**
 * The forward process at time t: x_t = alpha(t) x0 + sigma(t) eps (x0 repeated over the batch
 * when `noise` holds several items). At t = 1 (alpha 0) this is `noise` itself, so a strength-1
 * variation starts exactly where ordinary generation does.
 */
export function noiseTo(x0: Float32Array, noise: Float32Array, t: number, schedule: Schedule = rectifiedFlow): Float32Array {
  if (noise.length % x0.length !== 0) throw new Error(`noiseTo: noise length ${noise.length} is not a multiple of x0 length ${x0.length}`);
  const [a, s] = [schedule.alpha(t), schedule.sigma(t)];
  const out = new Float32Array(noise.length);
  for (let j = 0; j < out.length; j++) out[j] = a * x0[j % x0.length]! + s * noise[j]!;
  return out;
}
