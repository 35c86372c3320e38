/**
 * The rectified-flow schedule of docs/MODEL-CONTRACT.md, in the unified view
 * `x_t = alpha(t) x0 + sigma(t) eps` (Karras et al. 2022; the flow-matching instance):
 * alpha(t) = 1 - t, sigma(t) = t; t = 1 is pure noise, t = 0 is data.
 */

export interface Schedule {
  alpha(t: number): number;
  sigma(t: number): number;
}

export const rectifiedFlow: Schedule = {
  alpha: (t) => 1 - t,
  sigma: (t) => t,
};

/** Uniform time grid for K steps: t_i = 1 - i/K, i = 0..K (K + 1 points, from 1 down to 0). */
export function timeGrid(steps: number): Float64Array {
  const ts = new Float64Array(steps + 1);
  for (let i = 0; i <= steps; i++) ts[i] = 1 - i / steps;
  return ts;
}

/** Half log signal-to-noise ratio, lambda = log(alpha / sigma); -Infinity at t = 1, +Infinity at t = 0. */
export function logSnr(schedule: Schedule, t: number): number {
  return Math.log(schedule.alpha(t) / schedule.sigma(t));
}
