/**
 * Seeded random numbers. sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from
 * PractRand) uses only 32-bit integer maths, so a seed gives the same stream in every JS engine;
 * normals come from Box–Muller. A dozen lines, so no dependency.
 */

export interface Rng {
  /** Uniform float in [0, 1). */
  uniform(): number;
  /** Standard normal sample. */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Fill (or create) a Float32Array with standard normal samples. */
  normals(length: number, out?: Float32Array): Float32Array;
}

/** splitmix32 step: spreads nearby seeds (1, 2, 3...) into unrelated sfc32 states. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A generator for `seed` (any uint32) and an optional `stream` (e.g. the index of an item in a
 * batch, so item i is the same whatever the batch size).
 */
export function createRng(seed: number, stream = 0): Rng {
  const mix = { s: (seed >>> 0) ^ Math.imul(stream >>> 0, 0x632be5ab) };
  let a = splitmix32(mix);
  let b = splitmix32(mix);
  let c = splitmix32(mix);
  let d = splitmix32(mix);
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next32(); // discard the first outputs, as sfc32's author recommends
  const uniform = (): number => next32() / 4294967296;
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // 1 - u keeps the log argument in (0, 1]: log(0) would give an infinite sample.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  return {
    uniform,
    normal,
    int: (n) => Math.floor(uniform() * n),
    normals(length, out = new Float32Array(length)) {
      for (let i = 0; i < length; i++) out[i] = normal();
      return out;
    },
  };
}
