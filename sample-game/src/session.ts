/**
 * State that outlives a scene: the options, the one Generation (one worker for the whole game),
 * the world seed and the current level stream. Scenes read it; only the title and loading
 * screens change it.
 */
import { randomSeed } from '../../src/request.ts';
import { Generation } from './generation.ts';
import { readOptions, type GameOptions } from './options.ts';
import type { LevelStream } from './world/stream.ts';

const SEED_KEY = 'diffusion-run.seed';

export interface Session {
  options: GameOptions;
  generation: Promise<Generation>;
  seed: number;
  stream: LevelStream | undefined;
  best: number;
}

function rememberedSeed(): number | undefined {
  const stored = Number(localStorage.getItem(SEED_KEY));
  return Number.isInteger(stored) && stored > 0 ? stored : undefined;
}

export function createSession(): Session {
  const options = readOptions();
  const generation = Generation.create(options);
  generation.catch(() => undefined); // reported by the loading screen when it awaits it
  return { options, generation, seed: options.seed ?? rememberedSeed() ?? (randomSeed() % 1_000_000), stream: undefined, best: 0 };
}

/** The seed a returning player gets again (so their second visit is served from the cache). */
export function setSeed(session: Session, seed: number): void {
  session.seed = seed;
  localStorage.setItem(SEED_KEY, String(seed));
}

export function newSeed(): number {
  return 1 + (randomSeed() % 999_999); // short enough to read out and type back in
}
