/**
 * Dungeon: the top-down roguelike mode. The map is a dungeon from the dungeon model (rooms joined
 * by doors, made in the plugin's worker), drawn with tile-model floors and walls; monsters stand
 * where the model put them, items are scattered from the seed. Arrow keys / WASD move one cell,
 * bumping a monster fights it, walking onto an item picks it up, the stair is the exit.
 */
import Phaser from 'phaser';
import { createRng } from '../../../src/core/rng.ts';
import type { Cell } from '../../../src/levels/playability.ts';
import { ROOM_COLS, ROOM_ROWS } from '../../../src/levels/dungeon/legend.ts';
import type { DiffusionLevel } from '../../../plugin/index.ts';
import { TILE_PX } from '../art.ts';
import { DUNGEON_TILESET, frameOf, loadDungeonArt } from '../dungeon-art.ts';
import { generationOf } from '../session.ts';
import { label, sessionOf } from './shared.ts';

const ROOMS = 6;
const STEPS: Record<string, [number, number]> = { UP: [-1, 0], DOWN: [1, 0], LEFT: [0, -1], RIGHT: [0, 1], W: [-1, 0], S: [1, 0], A: [0, -1], D: [0, 1] };

interface Thing {
  cell: Cell;
  sprite: Phaser.GameObjects.Image;
}

export class DungeonScene extends Phaser.Scene {
  ready = false;
  won = false;
  score = 0;
  hero!: Thing;
  goal!: Cell;
  path: Cell[] = [];
  monsters: Thing[] = [];
  items: Thing[] = [];
  message = '';
  private level!: DiffusionLevel;
  private hud!: Phaser.GameObjects.Text;

  constructor() {
    super('dungeon');
  }

  async create(): Promise<void> {
    Object.assign(this, { ready: false, won: false, score: 0, monsters: [], items: [], path: [], message: '' });
    const session = sessionOf(this);
    const { width, height } = this.scale;
    this.cameras.main.setBackgroundColor('#000000');
    const status = label(this, width / 2, height / 2, 'Dreaming up a dungeon…', 20).setOrigin(0.5).setScrollFactor(0);
    this.input.keyboard!.on('keydown-ESC', () => this.scene.start('title'));
    const generation = await generationOf(session, this.game);
    const model = generation.models.dungeon;
    if (!model) {
      this.message = 'no dungeon model in the manifest';
      status.setText('No dungeon model in this manifest (models/README.md) · Esc: back');
      return;
    }
    const key = `dungeon-${session.seed}`;
    this.diffusion.remove(key);
    const steps = session.options.steps;
    const [level, art] = await Promise.all([
      this.diffusion.dungeon(key, { model: model.id, rooms: ROOMS, seed: session.seed, ...(steps ? { steps } : {}) }),
      loadDungeonArt(this, generation, session.seed),
    ]);
    if (!this.sys.isActive()) return; // left while generating
    status.destroy();
    this.level = level;
    const { map } = level.createTilemap({ tileset: DUNGEON_TILESET, tileWidth: TILE_PX, tileIndex: frameOf });
    const meta = level.dungeon!;
    this.goal = meta.goal;
    this.path = meta.path;
    const at = (c: Cell, ref: { key: string; frame?: number }) => this.add.image((c.col + 0.5) * TILE_PX, (c.row + 0.5) * TILE_PX, ref.key, ref.frame).setDisplaySize(TILE_PX, TILE_PX);
    const rng = createRng(session.seed, 0x726f6775);
    level.grid.cells.forEach((id, k) => {
      const cell = { row: Math.floor(k / level.width), col: k % level.width };
      if (level.legend[id]!.tags.includes('monster')) this.monsters.push({ cell, sprite: at(cell, art.monsters[rng.int(art.monsters.length)]!) });
    });
    // One item per room, on a free floor cell of its interior (not the start or the goal).
    for (const room of meta.plan.rooms) {
      const free: Cell[] = [];
      for (let r = 2; r < ROOM_ROWS - 2; r++) for (let c = 2; c < ROOM_COLS - 2; c++) {
        const cell = { row: room.row * ROOM_ROWS + r, col: room.col * ROOM_COLS + c };
        const tile = level.legend[level.tileAt(cell.row, cell.col)]!;
        if (tile.tags.includes('floor') && !tile.tags.includes('element') && !same(cell, meta.start) && !same(cell, meta.goal)) free.push(cell);
      }
      if (free.length) {
        const cell = free[rng.int(free.length)]!;
        this.items.push({ cell, sprite: at(cell, art.items[rng.int(art.items.length)]!) });
      }
    }
    this.hero = { cell: meta.start, sprite: at(meta.start, art.hero).setDepth(2) };
    this.cameras.main.setBounds(0, 0, map.widthInPixels, map.heightInPixels);
    this.cameras.main.startFollow(this.hero.sprite, true, 0.2, 0.2);
    this.hud = label(this, 10, 10, '', 16).setScrollFactor(0).setDepth(10);
    label(this, 10, height - 28, 'Arrows / WASD move · bump monsters · find the stairs · Esc: title', 13, '#a0a0a0').setScrollFactor(0).setDepth(10);
    this.updateHud();
    for (const name of Object.keys(STEPS)) this.input.keyboard!.on(`keydown-${name}`, () => this.move(...STEPS[name]!));
    this.ready = true;
  }

  /** One turn: step onto a free cell, fight a monster in the way, pick up what lies there. */
  move(dr: number, dc: number): void {
    if (!this.ready || this.won) return;
    const to = { row: this.hero.cell.row + dr, col: this.hero.cell.col + dc };
    if (to.row < 0 || to.col < 0 || to.row >= this.level.height || to.col >= this.level.width) return;
    const monster = this.monsters.find((m) => same(m.cell, to));
    if (monster) {
      monster.sprite.destroy();
      this.monsters.splice(this.monsters.indexOf(monster), 1);
      this.score += 10;
      this.cameras.main.shake(80, 0.004);
      return this.updateHud('The monster is slain!');
    }
    if (!this.level.legend[this.level.tileAt(to.row, to.col)]!.tags.includes('passable')) return;
    this.hero.cell = to;
    this.hero.sprite.setPosition((to.col + 0.5) * TILE_PX, (to.row + 0.5) * TILE_PX);
    const item = this.items.find((i) => same(i.cell, to));
    if (item) {
      item.sprite.destroy();
      this.items.splice(this.items.indexOf(item), 1);
      this.score += 5;
      this.updateHud('You pick up an item.');
    }
    if (same(to, this.goal)) {
      this.won = true;
      this.updateHud('You found the way out!');
      label(this, this.scale.width / 2, this.scale.height / 2, 'YOU ESCAPED', 40, '#ffd040').setOrigin(0.5).setScrollFactor(0).setDepth(10);
      this.time.delayedCall(2500, () => this.scene.isActive() && this.scene.start('title'));
    }
  }

  private updateHud(message = this.message): void {
    this.message = message;
    this.hud.setText(`Score ${this.score} · items left ${this.items.length} · monsters ${this.monsters.length}${message ? ` · ${message}` : ''}`);
  }
}

const same = (a: Cell, b: Cell): boolean => a.row === b.row && a.col === b.col;
