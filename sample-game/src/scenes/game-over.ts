/** Game over: the run's score and distance; restart the same world or go back for a new one. */
import Phaser from 'phaser';
import { label, sessionOf } from './shared.ts';

export class GameOverScene extends Phaser.Scene {
  constructor() {
    super('game-over');
  }

  create(data: { score: number; distance: number }): void {
    const session = sessionOf(this);
    session.best = Math.max(session.best, data.score);
    const { width, height } = this.scale;
    this.add.rectangle(0, 0, width, height, 0x180810).setOrigin(0);
    label(this, width / 2, 110, 'GAME OVER', 48, '#ff6060').setOrigin(0.5);
    label(this, width / 2, 180, `score ${data.score}   ·   ${data.distance} m   ·   best ${session.best}`, 20).setOrigin(0.5);
    label(this, width / 2, 250, '[ Enter ]  run this world again', 20, '#80ff80').setOrigin(0.5);
    label(this, width / 2, 285, '[ T ]  title (new world)', 18, '#c0c0ff').setOrigin(0.5);
    label(this, width / 2, height - 40, `world ${session.seed}: replaying it comes from the cache, with no sampling`, 12, '#a0a0a0').setOrigin(0.5);
    const kb = this.input.keyboard!;
    kb.once('keydown-ENTER', () => this.scene.start('loading'));
    kb.once('keydown-SPACE', () => this.scene.start('loading'));
    kb.once('keydown-T', () => this.scene.start('title'));
  }
}
