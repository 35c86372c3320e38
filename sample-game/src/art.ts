/**
 * Turns generated images into the game's textures, and draws stand-ins for any kind of model the
 * manifest lacks. Everything is scaled to the 32 px tile, so 16x16 fixture sprites and 32x32
 * trained ones look the same size on screen.
 */
import type Phaser from 'phaser';
import { TILE } from './world/tiles.ts';

export const TILE_PX = 32;
/** Tileset frames: one per legend id (0..12), then extras. */
export const FRAME_GROUND_TOP = 13;
const FRAMES = 14;

export function canvas(width: number, height: number, readBack = false): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const g = c.getContext('2d', { willReadFrequently: readBack })!;
  g.imageSmoothingEnabled = false; // keep pixel art crisp when 16 px art is scaled to 32
  return [c, g];
}

/** Generated tile frames (from the plugin's tile textures) by role; any may be missing. */
export interface TileArt {
  ground?: Phaser.Textures.Frame;
  brick?: Phaser.Textures.Frame;
  block?: Phaser.Textures.Frame;
  cannon?: Phaser.Textures.Frame;
}

/**
 * A generated tile as it came from the tile model (its material classes read on their own), only
 * brightened: DCSS-style terrain is drawn dark for a lit dungeon, the platformer's sky is bright.
 * Without a tile model, a flat stand-in of the role's colour.
 */
export function tile(g: CanvasRenderingContext2D, x: number, image: Phaser.Textures.Frame | undefined, base: string): void {
  if (image) {
    const source = image.source.image as CanvasImageSource;
    g.drawImage(source, image.cutX, image.cutY, image.cutWidth, image.cutHeight, x, 0, TILE_PX, TILE_PX);
    const pixels = g.getImageData(x, 0, TILE_PX, TILE_PX);
    const d = pixels.data;
    let sum = 0;
    for (let i = 0; i < d.length; i += 4) sum += 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
    const gain = Math.min(2.5, Math.max(1, 120 / Math.max(8, sum / (d.length / 4))));
    for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) d[i + k] = Math.min(255, d[i + k]! * gain);
    g.putImageData(pixels, x, 0);
  } else {
    g.fillStyle = base;
    g.fillRect(x, 0, TILE_PX, TILE_PX);
    g.fillStyle = 'rgba(0,0,0,0.25)';
    for (let i = 0; i < 6; i++) g.fillRect(x + ((i * 13) % 28), (i * 7) % 28, 4, 4);
  }
  g.strokeStyle = 'rgba(0,0,0,0.45)';
  g.strokeRect(x + 0.5, 0.5, TILE_PX - 1, TILE_PX - 1);
}

function pipe(g: CanvasRenderingContext2D, x: number, left: boolean, top: boolean): void {
  g.fillStyle = '#1e8a2e';
  g.fillRect(x, 0, TILE_PX, TILE_PX);
  g.fillStyle = '#5fd36b';
  g.fillRect(left ? x + 6 : x, 0, 6, TILE_PX);
  g.fillStyle = '#0c4a16';
  g.fillRect(left ? x : x + TILE_PX - 3, 0, 3, TILE_PX);
  if (top) {
    g.fillStyle = '#0c4a16';
    g.fillRect(x, 0, TILE_PX, 3);
    g.fillRect(x, TILE_PX - 4, TILE_PX, 4);
  }
}

/** The tileset texture (one 32 px frame per legend id) for `addTilesetImage`. */
export function makeTileset(scene: Phaser.Scene, key: string, art: TileArt): void {
  const [c, g] = canvas(TILE_PX * FRAMES, TILE_PX, true);
  const at = (id: number): number => id * TILE_PX;
  tile(g, at(TILE.ground), art.ground, '#8a5a32');
  tile(g, at(TILE.brick), art.brick, '#b4502a');
  tile(g, at(TILE.question), art.block, '#e0a020');
  tile(g, at(TILE.usedQuestion), art.block, '#7a6a5a');
  g.fillStyle = 'rgba(0,0,0,0.45)'; // a used block is the same material, spent
  g.fillRect(at(TILE.usedQuestion), 0, TILE_PX, TILE_PX);
  g.font = 'bold 24px monospace';
  g.textAlign = 'center';
  g.fillStyle = '#fff6d0';
  g.strokeStyle = '#5a3000';
  g.lineWidth = 3;
  g.strokeText('?', at(TILE.question) + 16, 25);
  g.fillText('?', at(TILE.question) + 16, 25);
  g.lineWidth = 1;
  pipe(g, at(TILE.pipeTopLeft), true, true);
  pipe(g, at(TILE.pipeTopRight), false, true);
  pipe(g, at(TILE.pipeLeft), true, false);
  pipe(g, at(TILE.pipeRight), false, false);
  tile(g, at(TILE.cannonTop), art.cannon, '#303038');
  g.fillStyle = '#111';
  g.beginPath();
  g.arc(at(TILE.cannonTop) + 16, 16, 8, 0, Math.PI * 2);
  g.fill();
  tile(g, at(TILE.cannonBottom), art.cannon, '#303038');
  // Ground with sky above it gets a grass lip, so the walkable surface reads at a glance.
  tile(g, at(FRAME_GROUND_TOP), art.ground, '#8a5a32');
  g.fillStyle = '#3cb043';
  g.fillRect(at(FRAME_GROUND_TOP), 0, TILE_PX, 7);
  g.fillStyle = '#2a7a30';
  for (let i = 0; i < TILE_PX; i += 4) g.fillRect(at(FRAME_GROUND_TOP) + i, 7, 2, 3);
  scene.textures.addCanvas(key, c);
}

/** Stand-in art when the manifest has no sprite model: simple, clearly placeholder shapes. */
export function placeholderSprite(scene: Phaser.Scene, key: string, role: 'hero' | 'enemy' | 'coin' | 'item', variant = 0): void {
  const [c, g] = canvas(TILE_PX, TILE_PX);
  const hues = ['#e04040', '#9040e0', '#40a0e0', '#e08040'];
  if (role === 'hero') {
    g.fillStyle = '#3070ff';
    g.fillRect(9, 10, 14, 16);
    g.fillStyle = '#ffd0a0';
    g.fillRect(10, 2, 12, 9);
    g.fillStyle = '#222';
    g.fillRect(18, 5, 2, 2);
    g.fillRect(9, 26, 5, 6);
    g.fillRect(18, 26, 5, 6);
  } else if (role === 'enemy') {
    g.fillStyle = hues[variant % hues.length]!;
    g.beginPath();
    g.arc(16, 18, 13, Math.PI, 0);
    g.lineTo(29, 30);
    g.lineTo(3, 30);
    g.fill();
    g.fillStyle = '#fff';
    g.fillRect(9, 12, 5, 6);
    g.fillRect(18, 12, 5, 6);
  } else {
    g.fillStyle = role === 'coin' ? '#ffd000' : hues[(variant + 2) % hues.length]!;
    g.beginPath();
    g.arc(16, 16, role === 'coin' ? 9 : 11, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = 'rgba(255,255,255,0.6)';
    g.fillRect(12, 10, 4, 4);
  }
  scene.textures.addCanvas(key, c);
}
