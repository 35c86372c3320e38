/**
 * Samplers as small pure functions over one denoiser callback (k-diffusion's `sampling.py` style).
 * The maths is exactly docs/MODEL-CONTRACT.md's; scalars are float64, tensors float32.
 * Each returns the final x (at t = 0) and never knows how the model was trained.
 */
import { rectifiedFlow, type Schedule } from './schedule.ts';

/** The (guided) clean-sample estimate D(x, t) -> x0, for the whole batch. */
export type Denoise = (x: Float32Array, t: number) => Promise<Float32Array>;

export interface StepInfo {
  /** Index of the finished step, 0-based. */
  i: number;
  steps: number;
  t: number;
  s: number;
  x: Float32Array;
  x0: Float32Array;
}

/** Keep a known region: after each step x <- x (1 - m) + m (a_s known + s_s noise0). */
export interface Inpaint {
  /** Per-element weight, 1 where the value is known (the [B,1,H,W] mask broadcast to x's shape). */
  mask: Float32Array;
  /** Clean known values, same shape as x. */
  known: Float32Array;
  /** The initial noise x(t=1), so at s = 0 the known values come back exactly. */
  noise0: Float32Array;
}

export interface SamplerOptions {
  schedule?: Schedule;
  /** DDIM stochasticity; 0 (default) is the deterministic Euler step of the flow ODE. */
  eta?: number;
  /** Standard-normal noise for step i; needed only when eta > 0. */
  noise?: (i: number) => Float32Array;
  inpaint?: Inpaint;
  /** Called after every step: progress reporting; throw (e.g. AbortError) to stop. */
  callback?: (info: StepInfo) => void | Promise<void>;
}

function keepKnown(x: Float32Array, inpaint: Inpaint | undefined, a: number, s: number): void {
  if (!inpaint) return;
  const { mask, known, noise0 } = inpaint;
  for (let j = 0; j < x.length; j++) {
    const m = mask[j]!;
    if (m !== 0) x[j] = x[j]! * (1 - m) + m * (a * known[j]! + s * noise0[j]!);
  }
}

/** DDIM (Song et al. 2021, "Denoising Diffusion Implicit Models"), data-prediction form with eta. */
export async function sampleDdim(denoise: Denoise, x: Float32Array, ts: ArrayLike<number>, opts: SamplerOptions = {}): Promise<Float32Array> {
  const { schedule = rectifiedFlow, eta = 0 } = opts;
  const steps = ts.length - 1;
  x = Float32Array.from(x);
  for (let i = 0; i < steps; i++) {
    const t = ts[i]!, s = ts[i + 1]!;
    const x0 = await denoise(x, t);
    const [at, st, as, ss] = [schedule.alpha(t), schedule.sigma(t), schedule.alpha(s), schedule.sigma(s)];
    const c = eta * (ss / st) * Math.sqrt(Math.max(0, st * st - (at / as) ** 2 * ss * ss));
    const epsScale = Math.sqrt(Math.max(0, ss * ss - c * c));
    const z = c > 0 ? opts.noise?.(i) : undefined;
    if (c > 0 && !z) throw new Error('sampleDdim: eta > 0 needs a noise source (opts.noise)');
    const next = new Float32Array(x.length);
    for (let j = 0; j < x.length; j++) {
      const eps = (x[j]! - at * x0[j]!) / st;
      next[j] = as * x0[j]! + epsScale * eps + (z ? c * z[j]! : 0);
    }
    keepKnown(next, opts.inpaint, as, ss);
    x = next;
    await opts.callback?.({ i, steps, t, s, x, x0 });
  }
  return x;
}

/** DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++"), multistep second order in data prediction. */
export async function sampleDpmpp2m(denoise: Denoise, x: Float32Array, ts: ArrayLike<number>, opts: SamplerOptions = {}): Promise<Float32Array> {
  const { schedule = rectifiedFlow } = opts;
  const lambda = (t: number): number => Math.log(schedule.alpha(t) / schedule.sigma(t));
  const steps = ts.length - 1;
  x = Float32Array.from(x);
  let x0Prev: Float32Array | undefined;
  let hPrev = 0;
  for (let i = 0; i < steps; i++) {
    const t = ts[i]!, s = ts[i + 1]!;
    const x0 = await denoise(x, t);
    const [at, st, as, ss] = [schedule.alpha(t), schedule.sigma(t), schedule.alpha(s), schedule.sigma(s)];
    const rh = (at * ss) / (st * as); // e^{-h}; 0 when t = 1 (alpha 0) or s = 0 (sigma 0)
    const h = lambda(s) - lambda(t);
    // First order at the start (no previous step), after a step from alpha = 0 (h_prev infinite) and at s = 0.
    const secondOrder = x0Prev !== undefined && Number.isFinite(hPrev) && ss !== 0;
    const r = hPrev / h;
    const [wCur, wPrev] = secondOrder ? [1 + 1 / (2 * r), -1 / (2 * r)] : [1, 0];
    const next = new Float32Array(x.length);
    for (let j = 0; j < x.length; j++) {
      const dHat = wCur * x0[j]! + (secondOrder ? wPrev * x0Prev![j]! : 0);
      next[j] = (ss / st) * x[j]! - as * (rh - 1) * dHat;
    }
    keepKnown(next, opts.inpaint, as, ss);
    x = next;
    x0Prev = x0;
    hPrev = h;
    await opts.callback?.({ i, steps, t, s, x, x0 });
  }
  return x;
}

export const samplers = { ddim: sampleDdim, dpmpp2m: sampleDpmpp2m } as const;
export type SamplerName = keyof typeof samplers;
