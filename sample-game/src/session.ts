/**
 * State that outlives a scene: the options, the one Generation (one worker for the whole game),
 * the world seed and the current level stream. Scenes read it; only the title and loading
 * screens change it.
 */
import { randomSeed } from '../../src/runtime/request.ts';
import type Phaser from 'phaser';
import { Generation } from './generation.ts';
import type { GameOptions } from './options.ts';
import type { LevelStream } from './world/stream.ts';
import type { WorldArt } from './world-assets.ts';

const SEED_KEY = 'diffusion-run.seed';

export interface Session {
  options: GameOptions;
  /** The manifest the plugin was configured with; undefined: the site has none. */
  manifest: string | undefined;
  /** Made on first use (the global plugin exists once the game has booted). */
  generation: Promise<Generation> | undefined;
  seed: number;
  stream: LevelStream | undefined;
  /** This world's sprites (set by the loading screen). */
  art: WorldArt | undefined;
  best: number;
}

function rememberedSeed(): number | undefined {
  const stored = Number(localStorage.getItem(SEED_KEY));
  return Number.isInteger(stored) && stored > 0 ? stored : undefined;
}

export function createSession(options: GameOptions, manifest: string | undefined): Session {
  return { options, manifest, generation: undefined, seed: options.seed ?? rememberedSeed() ?? newSeed(), stream: undefined, art: undefined, best: 0 };
}

export function generationOf(session: Session, game: Phaser.Game): Promise<Generation> {
  if (!session.generation) {
    session.generation = Generation.create(game, session.manifest, session.options.steps);
    session.generation.catch(() => undefined); // reported by the screens that await it
  }
  return session.generation;
}

/** The seed a returning player gets again (so their second visit is served from the cache). */
export function setSeed(session: Session, seed: number): void {
  session.seed = seed;
  localStorage.setItem(SEED_KEY, String(seed));
}

export function newSeed(): number {
  return 1 + (randomSeed() % 999_999); // short enough to read out and type back in
}
