/**
 * The hero: run, variable-height jump with a little coyote time and jump buffering (forgiving
 * controls matter more when the level is machine-made), and short invulnerability after a hit.
 * Tuned in tiles: ~5 tiles high and ~8 across at full speed, close to SMB's running jump, which is
 * what the level checker (ensurePlayable, SMB physics) assumes a gap or wall can be.
 */
import Phaser from 'phaser';
import { TILE_PX } from '../art.ts';
import type { Controls } from './controls.ts';
import type { SpriteRef } from '../world-assets.ts';

const RUN = 280;
const JUMP = 700;
const CUT = 260; // upward speed kept when the jump key is released early
const COYOTE_MS = 90;
const BUFFER_MS = 110;
export const HERO_SIZE = 28;

export class Hero {
  readonly sprite: Phaser.Physics.Arcade.Sprite;
  private lastGround = 0;
  private jumpQueued = -Infinity;
  invulnerableUntil = 0;

  constructor(scene: Phaser.Scene, x: number, y: number, art: SpriteRef) {
    this.sprite = scene.physics.add.sprite(x, y, art.key, art.frame);
    this.sprite.setDisplaySize(HERO_SIZE, HERO_SIZE).setDepth(10).setCollideWorldBounds(true);
    // A body narrower than the art, so one-tile gaps and brushes with enemies feel fair.
    const w = this.sprite.width;
    const h = this.sprite.height;
    (this.sprite.body as Phaser.Physics.Arcade.Body).setSize(w * 0.6, h * 0.9).setOffset(w * 0.2, h * 0.1);
    this.sprite.setMaxVelocity(RUN, 900);
  }

  get body(): Phaser.Physics.Arcade.Body {
    return this.sprite.body as Phaser.Physics.Arcade.Body;
  }

  get column(): number {
    return Math.floor(this.sprite.x / TILE_PX);
  }

  update(input: Controls, time: number, delta: number): void {
    const body = this.body;
    const target = (input.right() ? RUN : 0) - (input.left() ? RUN : 0);
    const grip = body.blocked.down ? 14 : 7; // less control in the air
    body.setVelocityX(body.velocity.x + (target - body.velocity.x) * Math.min(1, (grip * delta) / 1000));
    if (target !== 0) this.sprite.setFlipX(target < 0);

    if (body.blocked.down) this.lastGround = time;
    if (input.jumpPressed()) this.jumpQueued = time;
    if (time - this.jumpQueued < BUFFER_MS && time - this.lastGround < COYOTE_MS) {
      body.setVelocityY(-JUMP);
      this.jumpQueued = -Infinity;
      this.lastGround = -Infinity;
    }
    if (!input.jumpHeld() && body.velocity.y < -CUT) body.setVelocityY(-CUT);

    const flashing = time < this.invulnerableUntil;
    this.sprite.setAlpha(flashing && Math.floor(time / 80) % 2 ? 0.3 : 1);
  }

  bounce(): void {
    this.body.setVelocityY(-JUMP * 0.65);
  }

  placeAt(x: number, y: number, time: number): void {
    this.sprite.setPosition(x, y);
    this.body.reset(x, y);
    this.invulnerableUntil = time + 1500;
  }
}
