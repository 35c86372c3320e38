/**
 * Diffusion Run: an endless platformer whose level, tiles and sprites are generated in the
 * browser by asset-diffusion's models, in a Web Worker, as the player runs.
 */
import Phaser from 'phaser';
import { diffusionPlugins } from '../../plugin/index.ts';
import { SITE_MANIFEST, findManifest } from './generation.ts';
import { readOptions } from './options.ts';
import { createSession } from './session.ts';
import { TitleScene } from './scenes/title.ts';
import { LoadingScene } from './scenes/loading.ts';
import { PlayScene } from './scenes/play.ts';
import { GameOverScene } from './scenes/game-over.ts';
import { DungeonScene } from './scenes/dungeon.ts';
import { exposeTestHooks } from './test-hooks.ts';

export const WIDTH = 768;
export const HEIGHT = 448; // 14 level rows of 32 px

const options = readOptions();
const manifest = options.manifest ?? (await findManifest());
if (manifest === undefined) {
  console.warn(`asset-diffusion: no models manifest at ${SITE_MANIFEST}; playing with a procedural level and placeholder art. Train or export the models (models/README.md), or pass ?manifest=URL.`);
}

const game = new Phaser.Game({
  type: Phaser.AUTO,
  parent: 'game',
  width: WIDTH,
  height: HEIGHT,
  backgroundColor: '#5c94fc',
  pixelArt: true,
  physics: { default: 'arcade', arcade: { gravity: { x: 0, y: 1500 }, debug: false } },
  scene: [TitleScene, LoadingScene, PlayScene, GameOverScene, DungeonScene],
  // One worker for the whole game; results cached in IndexedDB under the game's own name.
  plugins: diffusionPlugins({ manifest, device: options.device, cache: { name: options.cacheName } }),
});
game.registry.set('session', createSession(options, manifest));
exposeTestHooks(game);
