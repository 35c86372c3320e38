/** Shared by the bench sections: statistics, the run settings, and the README-table measurement. */
import type * as Ort from 'onnxruntime-web';
import type { ModelEntry } from '../src/models/manifest.ts';
import type { Timing } from './timing.ts';

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;

/**
 * One denoiser call's inputs for `m` at batch `b` (the contract's five, plus `attributes`, all
 * unknown, for a model conditioned on them); `x` defaults to a fixed non-trivial pattern.
 */
export function denoiserFeeds(ort: { Tensor: typeof Ort.Tensor }, m: ModelEntry, b: number): Record<string, Ort.Tensor> {
  const { channels: c, height: h, width: w } = m.layout;
  const x = Float32Array.from({ length: b * c * h * w }, (_, i) => Math.sin(i));
  const a = m.attributes?.length ?? 0;
  return {
    x: new ort.Tensor('float32', x, [b, c, h, w]),
    t: new ort.Tensor('float32', new Float32Array(b).fill(0.5), [b]),
    label: new ort.Tensor('int64', new BigInt64Array(b), [b]),
    mask: new ort.Tensor('float32', new Float32Array(b * h * w), [b, 1, h, w]),
    known: new ort.Tensor('float32', new Float32Array(b * c * h * w), [b, c, h, w]),
    ...(a > 0 && { attributes: new ort.Tensor('float32', new Float32Array(b * a).fill(-1), [b, a]) }),
  };
}

/** What every section reads: the command-line settings and the shipped models. */
export interface BenchSettings {
  runs: number;
  /** Level width in columns. */
  width: number;
  /** wasm threads in Chromium (undefined: the page's default). */
  threads?: number;
  models: ModelEntry[];
  log: (line: string) => void;
}

export interface Generator {
  level(width: number, seed: number): Promise<Timing>;
  image(kind: 'sprite' | 'tile', seed: number): Promise<Timing>;
}
export interface Row {
  backend: string;
  where: string;
  level_ms: number;
  level_windows: number;
  sprite_ms: number;
  tile_ms: number;
}

export async function measure(backend: string, where: string, g: Generator, { runs, width, log }: BenchSettings): Promise<Row> {
  // Warm-up: create every session, and let the wasm engine tier up on a full-size level, before
  // the clock matters (the first level on a fresh page was up to 30% slower than the rest).
  await g.level(width, 0);
  await g.image('sprite', 0);
  await g.image('tile', 0);
  const levels: Timing[] = [];
  const sprites: number[] = [];
  const tiles: number[] = [];
  for (let i = 1; i <= runs; i++) {
    levels.push(await g.level(width, i));
    sprites.push((await g.image('sprite', i)).ms);
    tiles.push((await g.image('tile', i)).ms);
    log(`${backend}: ${i}/${runs}, level ${levels.at(-1)!.ms.toFixed(0)} ms`);
  }
  return {
    backend: `${backend} (${levels[0]!.device})`,
    where,
    level_ms: round(median(levels.map((l) => l.ms))),
    level_windows: median(levels.map((l) => l.windows ?? 0)),
    sprite_ms: round(median(sprites)),
    tile_ms: round(median(tiles)),
  };
}
