/** The play screen's overlay: score, distance, lives, backend, cache and level-stream status. */
import Phaser from 'phaser';
import type { GenerationStats } from './generation.ts';
import type { ChunkInfo } from './world/stream.ts';
import { backendName, label } from './scenes/shared.ts';

export interface HudState {
  score: number;
  distance: number;
  lives: number;
  seed: number;
  stats: GenerationStats;
  lastChunk: ChunkInfo | undefined;
  generating: boolean;
}

export class Hud {
  private left: Phaser.GameObjects.Text;
  private right: Phaser.GameObjects.Text;
  private status: Phaser.GameObjects.Text;
  private centre: Phaser.GameObjects.Text;

  constructor(scene: Phaser.Scene) {
    const { width, height } = scene.scale;
    const fixed = <T extends Phaser.GameObjects.Text>(t: T): T => t.setScrollFactor(0).setDepth(100);
    this.left = fixed(label(scene, 10, 8, '', 18));
    this.right = fixed(label(scene, width - 10, 8, '', 14, '#c0e0ff').setOrigin(1, 0).setAlign('right'));
    this.status = fixed(label(scene, 10, 34, '', 12, '#e0e0e0')); // under the score: the bottom rows are ground
    this.centre = fixed(label(scene, width / 2, height / 2, '', 32, '#ffff80').setOrigin(0.5));
  }

  update(s: HudState): void {
    this.left.setText(`SCORE ${s.score}   ${s.distance} m   ${'♥'.repeat(Math.max(0, s.lives))}`);
    const { backend, hits, misses } = s.stats;
    const cache = hits && !misses ? `cache: all ${hits} hits` : `cache: ${hits} hits, ${misses} generated`;
    // A fully cached visit samples nothing, so no backend is ever chosen: say so rather than guess.
    const device = backend ? backendName(backend) : hits ? 'no sampling needed' : '…';
    this.right.setText(`${device}\n${cache}\nseed ${s.seed}`);
    const c = s.lastChunk;
    const chunk = c ? `level chunk ${c.index}: ${c.source === 'procedural' ? 'procedural (no level model)' : c.cached ? 'from cache' : `outpainted in ${(c.ms / 1000).toFixed(1)} s`}` : '';
    this.status.setText(`${chunk}${s.generating ? '   · generating ahead…' : ''}`);
  }

  /** A big message in the middle ('PAUSED', 'OUCH'), or '' to clear it. */
  say(text: string): void {
    this.centre.setText(text);
  }
}
