/**
 * Enemies (E cells) and pickups (o cells, and what ? blocks release). They are spawned when their
 * column comes near the screen, as in SMB, so enemies generated far ahead do not wander off
 * before the player gets there.
 */
import Phaser from 'phaser';
import { TILE_PX } from '../art.ts';
import type { SpriteRef, WorldArt } from '../world-assets.ts';
import { TILE } from '../world/tiles.ts';

const ENEMY_SPEED = 60;
const SPRITE = 28;

interface Spawn {
  row: number;
  col: number;
  id: number;
}

/** A stable pick per cell, so the same world shows the same monster in the same place. */
const pick = <T>(list: readonly T[], row: number, col: number): T => list[Math.abs(Math.imul(col + 1, 73856093) ^ Math.imul(row + 1, 19349663)) % list.length]!;

export class Actors {
  readonly enemies: Phaser.Physics.Arcade.Group;
  readonly pickups: Phaser.Physics.Arcade.Group;
  private spawns: Spawn[] = [];

  constructor(
    private scene: Phaser.Scene,
    private art: WorldArt,
  ) {
    this.enemies = scene.physics.add.group();
    this.pickups = scene.physics.add.group({ allowGravity: false, immovable: true });
  }

  /** Queues the spawn cells of columns [start, start+count). */
  queue(cells: Spawn[]): void {
    this.spawns.push(...cells);
    this.spawns.sort((a, b) => a.col - b.col);
  }

  /** Spawns everything queued left of `col`; removes what fell out of the world. */
  update(col: number, worldBottom: number): void {
    while (this.spawns.length && this.spawns[0]!.col < col) {
      const s = this.spawns.shift()!;
      if (s.id === TILE.enemy) this.enemy(s.row, s.col);
      else if (s.id === TILE.coin) this.coin(s.row, s.col);
    }
    for (const e of this.enemies.getChildren() as Phaser.Physics.Arcade.Sprite[]) {
      const body = e.body as Phaser.Physics.Arcade.Body;
      if (e.y > worldBottom) e.destroy();
      else if (body.blocked.left) body.setVelocityX(ENEMY_SPEED);
      else if (body.blocked.right) body.setVelocityX(-ENEMY_SPEED);
      if (e.active) e.setFlipX(body.velocity.x > 0);
    }
  }

  private center(row: number, col: number): [number, number] {
    return [col * TILE_PX + TILE_PX / 2, row * TILE_PX + TILE_PX / 2];
  }

  private enemy(row: number, col: number): void {
    const [x, y] = this.center(row, col);
    const ref = pick(this.art.enemies, row, col);
    const e = this.enemies.create(x, y, ref.key, ref.frame) as Phaser.Physics.Arcade.Sprite;
    e.setDisplaySize(SPRITE, SPRITE);
    (e.body as Phaser.Physics.Arcade.Body).setSize(e.width * 0.75, e.height * 0.8).setOffset(e.width * 0.125, e.height * 0.2);
    e.setVelocityX(-ENEMY_SPEED);
  }

  private coin(row: number, col: number): void {
    const [x, y] = this.center(row, col);
    this.addPickup(x, y, pick(this.art.coins, row, col), 50);
  }

  /** An item popping out of a bumped ? block. */
  item(row: number, col: number): void {
    const [x, y] = this.center(row - 1, col);
    const p = this.addPickup(x, y + 16, pick(this.art.items, row, col), 200);
    this.scene.tweens.add({ targets: p, y, duration: 200, ease: 'Quad.easeOut' });
  }

  private addPickup(x: number, y: number, ref: SpriteRef, points: number): Phaser.Physics.Arcade.Sprite {
    const p = this.pickups.create(x, y, ref.key, ref.frame) as Phaser.Physics.Arcade.Sprite;
    p.setDisplaySize(24, 24).setData('points', points);
    this.scene.tweens.add({ targets: p, scaleY: p.scaleY * 0.85, yoyo: true, repeat: -1, duration: 400 });
    return p;
  }

  /** Drops queued spawns and objects left of `col` (far behind the camera). */
  dropBefore(col: number): void {
    const x = col * TILE_PX;
    for (const group of [this.enemies, this.pickups]) for (const o of group.getChildren() as Phaser.GameObjects.Sprite[]) if (o.x < x) o.destroy();
  }
}
