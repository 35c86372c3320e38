/**
 * A read-only window into the running game for the browser tests (tests/e2e/game-suite.ts) and
 * for anyone poking at it from the console: `diffusionRun.state()`.
 */
import type Phaser from 'phaser';
import type { Session } from './session.ts';
import type { PlayScene } from './scenes/play.ts';
import type { DungeonScene } from './scenes/dungeon.ts';
import type { Cell } from '../../src/levels/playability.ts';

export interface GameState {
  scene: string;
  seed: number;
  heroX: number | null;
  cameraX: number | null;
  columns: number;
  chunks: Array<{ index: number; start: number; count: number; cached: boolean; source: string }>;
  backend: string | undefined;
  hits: number;
  misses: number;
  score: number;
  lives: number;
  paused: boolean;
  manifest: string | undefined;
  /** The roguelike mode, while its scene runs: ready once the dungeon is drawn. */
  dungeon: { ready: boolean; won: boolean; score: number; hero: Cell | null; goal: Cell | null; path: Cell[]; monsters: Cell[]; items: Cell[]; message: string } | null;
}

function dungeonState(d: DungeonScene): NonNullable<GameState['dungeon']> {
  return {
    ready: d.ready,
    won: d.won,
    score: d.score,
    hero: d.ready ? d.hero.cell : null,
    goal: d.ready ? d.goal : null,
    path: d.path,
    monsters: d.monsters.map((m) => m.cell),
    items: d.items.map((i) => i.cell),
    message: d.message,
  };
}

export function exposeTestHooks(game: Phaser.Game): void {
  const state = async (): Promise<GameState> => {
    const session = game.registry.get('session') as Session;
    const active = game.scene.getScenes(true)[0];
    const play = game.scene.getScene('play') as PlayScene;
    const playing = active?.scene.key === 'play' && play.ready;
    const generation = await session.generation?.catch(() => undefined);
    return {
      scene: active?.scene.key ?? 'none',
      seed: session.seed,
      heroX: playing ? play.hero.sprite.x : null,
      cameraX: playing ? play.cameras.main.scrollX : null,
      columns: session.stream?.columns.length ?? 0,
      chunks: session.stream?.chunks.map(({ index, start, count, cached, source }) => ({ index, start, count, cached, source })) ?? [],
      backend: generation?.stats.backend,
      hits: generation?.stats.hits ?? 0,
      misses: generation?.stats.misses ?? 0,
      score: playing ? play.score : 0,
      lives: playing ? play.lives : 0,
      paused: playing ? play.paused : false,
      manifest: generation?.stats.manifest,
      dungeon: active?.scene.key === 'dungeon' ? dungeonState(game.scene.getScene('dungeon') as DungeonScene) : null,
    };
  };
  /** Test-only: lose a life as if hit (the game-over and restart path without playing badly on purpose). */
  const hurt = (): void => (game.scene.getScene('play') as PlayScene).loseLife('OUCH!');
  Object.assign(window, { diffusionRun: { state, hurt } });
}
