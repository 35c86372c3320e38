/**
 * Play: the hero runs right through a level that keeps being outpainted ahead of the camera.
 * Generation stays in the worker; this scene only copies finished chunks into tilemap layers.
 */
import Phaser from 'phaser';
import { TILE_PX } from '../art.ts';
import { Actors } from '../entities/actors.ts';
import { keyboardControls, type Controls } from '../entities/controls.ts';
import { Hero } from '../entities/hero.ts';
import type { Generation } from '../generation.ts';
import { Hud } from '../hud.ts';
import { ChunkLayers } from '../world/chunk-layers.ts';
import type { ChunkInfo, LevelStream } from '../world/stream.ts';
import { SOLID, SPAWNS, TILE } from '../world/tiles.ts';
import { sessionOf } from './shared.ts';
import { generationOf } from '../session.ts';

const LIVES = 3;
/** Chunks more than this many columns behind the camera are dropped. */
const KEEP_BEHIND = 48;

export class PlayScene extends Phaser.Scene {
  hero!: Hero;
  stream!: LevelStream;
  score = 0;
  distance = 0;
  lives = LIVES;
  paused = false;
  private generation!: Generation;
  private layers!: ChunkLayers;
  private actors!: Actors;
  private hud!: Hud;
  private controls!: Controls;
  private lastChunk: ChunkInfo | undefined;
  private leftCol = 0;
  private dying = false;
  /** False until create() has finished: Phaser calls update() without awaiting an async create(). */
  ready = false;
  private moved = false;

  constructor() {
    super('play');
  }

  async create(): Promise<void> {
    this.ready = false;
    const session = sessionOf(this);
    Object.assign(this, { score: 0, distance: 0, lives: LIVES, paused: false, dying: false, moved: false, leftCol: 0, lastChunk: undefined });
    this.generation = await generationOf(session, this.game);
    this.stream = session.stream!;
    this.drawBackground();
    this.actors = new Actors(this, session.art!);
    this.layers = new ChunkLayers(this, this.stream.columns, (layer) => [
      this.physics.add.collider(this.hero.sprite, layer, (_h, tile) => this.bump(tile as Phaser.Tilemaps.Tile)),
      this.physics.add.collider(this.actors.enemies, layer),
    ]);
    this.hero = new Hero(this, 3 * TILE_PX, 9 * TILE_PX, session.art!.hero);
    this.hero.invulnerableUntil = 0;
    this.physics.add.overlap(this.hero.sprite, this.actors.enemies, (_h, e) => this.touchEnemy(e as Phaser.Physics.Arcade.Sprite));
    this.physics.add.overlap(this.hero.sprite, this.actors.pickups, (_h, p) => this.collect(p as Phaser.Physics.Arcade.Sprite));
    for (const chunk of this.stream.chunks) this.addChunk(chunk);
    this.stream.onChunk = (chunk) => this.addChunk(chunk);
    this.hero.placeAt(3 * TILE_PX, this.safeRow(3) * TILE_PX, this.time.now);

    this.cameras.main.startFollow(this.hero.sprite, true, 0.15, 0.15, -TILE_PX * 3, 0);
    this.controls = keyboardControls(this);
    this.hud = new Hud(this);
    const kb = this.input.keyboard!;
    kb.on('keydown-P', () => this.togglePause());
    kb.on('keydown-ESC', () => this.togglePause());
    this.events.once('shutdown', () => (this.stream.onChunk = () => undefined));
    this.ready = true;
  }

  private drawBackground(): void {
    const { width, height } = this.scale;
    const sky = this.add.graphics().setScrollFactor(0).setDepth(-10);
    sky.fillGradientStyle(0x5c94fc, 0x5c94fc, 0xa8d8ff, 0xa8d8ff, 1);
    sky.fillRect(0, 0, width, height);
    // Far hills, drawn once and scrolled slowly for depth.
    const hills = this.add.graphics().setScrollFactor(0.3, 0).setDepth(-9);
    hills.fillStyle(0x7cc47c, 1);
    for (let i = 0; i < 400; i++) hills.fillCircle(i * 220 + ((i * 97) % 80), height - 40, 90 + ((i * 53) % 60));
  }

  private addChunk(chunk: ChunkInfo): void {
    this.lastChunk = chunk;
    this.layers.add(chunk.start, chunk.count);
    const cells = [];
    for (let c = chunk.start; c < chunk.start + chunk.count; c++)
      for (let r = 0; r < this.stream.columns.rows; r++) {
        const id = this.stream.columns.at(r, c);
        if (SPAWNS.has(id)) cells.push({ row: r, col: c, id });
      }
    this.actors.queue(cells);
    this.setBounds();
  }

  private setBounds(): void {
    const right = this.stream.columns.length * TILE_PX;
    const left = this.leftCol * TILE_PX;
    const height = this.stream.columns.rows * TILE_PX;
    // Open at the top and bottom: the hero may jump above the screen and fall into pits.
    this.physics.world.setBounds(left, -height, right - left, height * 3, true, true, false, false);
    this.cameras.main.setBounds(left, 0, right - left, height);
  }

  /** The row to stand on near column `col`: above the highest solid tile with room for the hero. */
  private safeRow(col: number): number {
    const cols = this.stream.columns;
    for (let c = col; c >= this.leftCol; c--) {
      for (let r = 2; r < cols.rows; r++) {
        const free = (row: number) => !SOLID.has(cols.at(row, c)) && cols.at(row, c) !== TILE.enemy;
        if (SOLID.has(cols.at(r, c)) && free(r - 1) && free(r - 2)) {
          if (c !== col) this.hero.sprite.x = c * TILE_PX + TILE_PX / 2;
          return r - 1;
        }
      }
    }
    return 2;
  }

  /** A ? block hit from below turns into a used block and releases an item. */
  private bump(tile: Phaser.Tilemaps.Tile): void {
    const body = this.hero.body;
    if (!body.blocked.up || tile.index !== TILE.question) return;
    const col = Math.floor(tile.getCenterX() / TILE_PX);
    if (Math.abs(this.hero.sprite.x - tile.getCenterX()) > TILE_PX * 0.75) return;
    this.layers.set(tile.y, col, TILE.usedQuestion);
    this.actors.item(tile.y, col);
  }

  private touchEnemy(enemy: Phaser.Physics.Arcade.Sprite): void {
    if (!enemy.active || this.dying) return;
    const body = this.hero.body;
    const eb = enemy.body as Phaser.Physics.Arcade.Body;
    if (body.velocity.y > 0 && body.bottom <= eb.top + 12) {
      this.score += 100;
      this.hero.bounce();
      eb.enable = false;
      this.tweens.add({ targets: enemy, scaleY: 0.1, alpha: 0, duration: 200, onComplete: () => enemy.destroy() });
    } else if (this.time.now >= this.hero.invulnerableUntil) {
      this.loseLife('OUCH!');
    }
  }

  private collect(pickup: Phaser.Physics.Arcade.Sprite): void {
    if (!pickup.active) return;
    this.score += pickup.getData('points') as number;
    pickup.destroy();
  }

  /** Costs a life (game over at none). Public for the browser test's game-over path. */
  loseLife(message: string): void {
    if (this.dying || !this.ready) return;
    this.dying = true;
    this.lives--;
    this.hud.say(message);
    this.physics.pause();
    this.time.delayedCall(900, () => {
      this.hud.say('');
      if (this.lives <= 0) {
        this.scene.start('game-over', { score: this.score, distance: this.distance });
        return;
      }
      this.physics.resume();
      const col = Math.max(this.leftCol, this.hero.column - 2);
      const row = this.safeRow(col);
      this.hero.placeAt(this.hero.sprite.x, row * TILE_PX, this.time.now);
      this.dying = false;
    });
  }

  private togglePause(): void {
    if (this.dying) return;
    this.paused = !this.paused;
    if (this.paused) this.physics.pause();
    else this.physics.resume();
    this.hud.say(this.paused ? 'PAUSED\n\nP / Esc to resume' : '');
  }

  override update(time: number, delta: number): void {
    if (!this.ready || this.paused || this.dying) return;
    const cam = this.cameras.main;
    const rightCol = Math.ceil((cam.scrollX + cam.width) / TILE_PX);
    this.stream.update(rightCol);
    // Enemies appear only once the player has moved: the first screen waits for a player who is
    // still reading the HUD (the loading screen ends on its own).
    if (this.controls.left() || this.controls.right() || this.controls.jumpHeld()) this.moved = true;
    if (this.moved) this.actors.update(rightCol + 2, (this.stream.columns.rows + 2) * TILE_PX);
    this.hero.update(this.controls, time, delta);
    this.distance = Math.max(this.distance, this.hero.column);

    // Walking back is allowed, but only so far: old chunks are freed to keep an endless run light.
    const dropped = this.layers.dropBefore(Math.floor(cam.scrollX / TILE_PX) - KEEP_BEHIND);
    if (dropped !== this.leftCol) {
      this.leftCol = dropped;
      this.actors.dropBefore(dropped);
      this.setBounds();
    }
    if (this.hero.sprite.y > (this.stream.columns.rows + 1) * TILE_PX) this.loseLife('FELL!');

    const session = sessionOf(this);
    const nearEnd = this.stream.columns.length - this.hero.column < 8;
    this.hud.update({ score: this.score, distance: this.distance, lives: this.lives, seed: session.seed, stats: this.generation.stats, lastChunk: this.lastChunk, generating: this.stream.busy && nearEnd });
  }
}
