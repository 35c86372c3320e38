import Phaser from 'phaser';
import { diffusionPlugins } from 'asset-diffusion/phaser';

class Play extends Phaser.Scene {
  preload() {
    this.load.diffusionSprites('heroes', { class: 'hero', count: 4, seed: 1 });
    this.load.diffusionLevel('level', { width: 64, seed: 7 });
  }
  create() {
    const { layer } = this.diffusion.getLevel('level')!.createTilemap(); // solid tiles collide
    this.physics.add.collider(this.physics.add.sprite(40, 16, 'heroes', 0), layer);
  }
}
export const game = new Phaser.Game({ type: Phaser.AUTO, width: 640, height: 224, scene: Play,
  physics: { default: 'arcade' }, plugins: diffusionPlugins({ manifest: 'models/manifest.json' }) });
