/**
 * The plugin's browser test page: a Phaser game that preloads generated sprites, tiles and a
 * level (and an invalid request, and optionally a baked pack) through the Loader, then exposes
 * what the test inspects. Query: ?cache=<IndexedDB name>&device=wasm&pack=<pack.json URL>.
 */
import Phaser from 'phaser';
import { diffusionPlugins, type DiffusionPlugin, type LevelTilemap } from '../../../plugin/index.ts';
import type { Device } from '../../../src/backend/onnx.ts';

const params = new URLSearchParams(location.search);
const MANIFEST = '/tests/fixtures/plugin/manifest.json';
/** ?only=pack: preload nothing but the baked pack, to show that it needs no worker. */
const onlyPack = params.get('only') === 'pack';

export interface Recorded {
  name: string;
  scene: string;
  payload: Record<string, unknown>;
}

const record = {
  events: [] as Recorded[],
  globalEvents: [] as Recorded[],
  loaderProgress: [] as number[],
  fileErrors: [] as string[],
  ticks: 0,
  ready: false,
};

function payload(name: string, args: unknown[]): Record<string, unknown> {
  if (name === 'error') {
    const [e, where] = args as [Error, object];
    return { errorName: e.name, message: e.message, ...where };
  }
  if (name === 'backend') return { device: args[0] };
  return { ...(args[0] as object) };
}

function listen(scene: Phaser.Scene, into: Recorded[]): void {
  for (const name of ['progress', 'backend', 'cache', 'error']) scene.diffusion.on(name, (...args: unknown[]) => into.push({ name, scene: scene.sys.settings.key, payload: payload(name, args) }));
}

class Main extends Phaser.Scene {
  map!: LevelTilemap;
  constructor() {
    super('main');
  }
  preload(): void {
    listen(this, record.events);
    this.load.on(Phaser.Loader.Events.PROGRESS, (v: number) => record.loaderProgress.push(v));
    this.load.on(Phaser.Loader.Events.FILE_LOAD_ERROR, (file: Phaser.Loader.File) => record.fileErrors.push(file.key));
    const pack = params.get('pack');
    if (pack) this.load.diffusionPack('pack', pack);
    if (onlyPack) return;
    this.load.diffusionSprites('heroes', { class: 'hero', count: 4, seed: 1 });
    this.load.diffusionTiles('floor', { class: 'floor', count: 4, seed: 2 });
    this.load.diffusionLevel('level', { width: 40, seed: 3 });
    this.load.diffusionSprites('bad', { class: 'dragonfly' }); // not a class of the model: InvalidRequestError
  }
  create(): void {
    record.ready = onlyPack;
    if (onlyPack) return;
    this.map = this.diffusion.getLevel('level')!.createTilemap();
    const tiles = this.map.map.addTilesetImage('floor', 'floor')!;
    this.map.map.createBlankLayer('floor', tiles, 0, 120, 4, 1)!.putTilesAt([[0, 1, 2, 3]], 0, 0);
    for (let i = 0; i < 4; i++) this.add.sprite(40 + i * 20, 20, 'heroes', i);
    record.ready = true;
  }
  override update(): void {
    record.ticks++;
  }
}

/** A second scene whose request is cut short by its shutdown. */
class Side extends Phaser.Scene {
  constructor() {
    super('side');
  }
}

const game = new Phaser.Game({
  type: params.get('renderer') === 'canvas' ? Phaser.CANVAS : Phaser.AUTO,
  width: 400,
  height: 200,
  scene: [Main, Side],
  // Keep ticking with the tab in the background (headless pages are never "visible" to rAF throttling rules).
  fps: { forceSetTimeOut: true, target: 60 },
  plugins: diffusionPlugins({
    manifest: MANIFEST,
    device: (params.get('device') ?? 'wasm') as Device,
    cache: { name: params.get('cache') ?? 'plugin-e2e', maxBytes: 8 * 1024 * 1024 },
  }),
});
const main = (): Main => game.scene.getScene('main') as Main;
const globalPlugin = (): DiffusionPlugin => game.plugins.get('DiffusionPlugin') as DiffusionPlugin;
game.events.once(Phaser.Core.Events.READY, () => {
  globalPlugin().events.on('cache', (e: object) => record.globalEvents.push({ name: 'cache', scene: '*', payload: { ...e } }));
});

/** Counts of pixels with alpha > 0 per frame, read back from the texture's source image. */
function framePixels(key: string): { frames: string[]; opaque: number[]; width: number; height: number } {
  const texture = game.textures.get(key);
  const source = texture.getSourceImage() as HTMLCanvasElement | HTMLImageElement;
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height;
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(source, 0, 0);
  const frames = texture.getFrameNames().sort((a, b) => Number(a) - Number(b));
  const opaque = frames.map((name) => {
    const f = texture.get(name);
    const data = ctx.getImageData(f.cutX, f.cutY, f.cutWidth, f.cutHeight).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
  const first = texture.get(frames[0]);
  return { frames, opaque, width: first.cutWidth, height: first.cutHeight };
}

/** The level's grid against the tilemap layer: indices and collision, cell by cell. */
function levelCheck(key: string, map: LevelTilemap) {
  const level = main().diffusion.getLevel(key)!;
  let cells = 0, sameIndex = 0, solid = 0, solidColliding = 0, otherColliding = 0, tiles = 0;
  for (let r = 0; r < level.height; r++) {
    for (let c = 0; c < level.width; c++) {
      const id = level.tileAt(r, c);
      const legend = level.legend[id]!;
      const expected = legend.name === 'empty' ? -1 : id;
      const tile = map.layer.getTileAt(c, r, true);
      cells++;
      if (tile.index === expected) sameIndex++;
      if (tile.index >= 0) tiles++;
      if (legend.solid) {
        solid++;
        if (tile.collides) solidColliding++;
      } else if (tile.collides) otherColliding++;
    }
  }
  return { rows: level.height, cols: level.width, layerWidth: map.layer.layer.width, layerHeight: map.layer.layer.height, cells, sameIndex, tiles, solid, solidColliding, otherColliding, tileset: map.tileset.name, model: level.result?.model };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inspect() {
  return {
    phaser: Phaser.VERSION,
    renderer: game.renderer.type === Phaser.WEBGL ? 'webgl' : 'canvas',
    backend: main().diffusion.backend,
    heroes: framePixels('heroes'),
    floor: framePixels('floor'),
    level: levelCheck('level', main().map),
    bad: game.textures.exists('bad'),
    record,
  };
}

/** A bad request at runtime: the promise rejects with a named error, an 'error' event fires, and the loop still ticks. */
async function runtimeInvalid() {
  const errors = record.events.filter((e) => e.name === 'error').length;
  const before = record.ticks;
  let rejected: { name: string; message: string } | null = null;
  try {
    await main().diffusion.sprites('bad-runtime', { count: 0 });
  } catch (e) {
    rejected = { name: (e as Error).name, message: (e as Error).message };
  }
  await tick(500);
  return { rejected, newErrors: record.events.filter((e) => e.name === 'error').slice(errors), ticked: record.ticks - before };
}

/** RGBA bytes of one frame of a texture, read back from its source image. */
function frameRgba(key: string, frame: number): number[] {
  const f = game.textures.get(key).get(frame);
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [f.cutWidth, f.cutHeight];
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(f.source.image as CanvasImageSource, f.cutX, f.cutY, f.cutWidth, f.cutHeight, 0, 0, f.cutWidth, f.cutHeight);
  return Array.from(ctx.getImageData(0, 0, f.cutWidth, f.cutHeight).data);
}

/** Variations with a texture as the source: strength 0 gives the frame back, 0.5 a variation; an unknown key is a named error. */
async function variationFromTexture() {
  const d = main().diffusion;
  await d.sprites('heroes-same', { from: { texture: 'heroes', frame: 0 }, strength: 0, count: 2 });
  await d.sprites('heroes-var', { from: { texture: 'heroes', frame: 1 }, strength: 0.5, count: 2, class: 'hero', seed: 5 });
  let missing: { name: string; message: string } | null = null;
  try {
    await d.sprites('nope', { from: 'no-such-texture' });
  } catch (e) {
    missing = { name: (e as Error).name, message: (e as Error).message };
  }
  return { source: frameRgba('heroes', 0), same: [frameRgba('heroes-same', 0), frameRgba('heroes-same', 1)], varied: framePixels('heroes-var'), missing };
}

/** Scene shutdown aborts its pending request; the queue then moves on (a runtime sprites + level call succeed). */
async function cancelOnShutdown() {
  game.scene.start('side');
  await tick(50);
  const side = game.scene.getScene('side')!;
  const sideEvents: Recorded[] = [];
  listen(side, sideEvents);
  const pending = side.diffusion.sprites('side', { count: 8, steps: 150, seed: 9 }).then(
    () => 'resolved',
    (e: Error) => e.name,
  );
  const started = performance.now();
  while (!sideEvents.some((e) => e.name === 'progress' && e.payload.phase === 'sample') && performance.now() - started < 60_000) await tick(20);
  const stoppedAt = performance.now();
  game.scene.stop('side');
  const outcome = await pending;
  const abortMs = performance.now() - stoppedAt;
  const d = main().diffusion;
  const after = await d.sprites('after', { count: 2, seed: 5 });
  const level = await d.level('level2', { width: 20, seed: 4 });
  const built = level.createTilemap({ y: 130 });
  const removed = [d.remove('after'), d.remove('level2'), d.remove('nothing')];
  return {
    outcome,
    abortMs,
    sideTexture: game.textures.exists('side'),
    afterFrames: after.frameTotal - 1,
    level2: { cols: level.width, layer: built.layer.layer.width, solid: built.solid.length },
    removed,
    gone: [game.textures.exists('after'), game.textures.exists('level2-legend'), !!d.getLevel('level2')],
  };
}

/** Game destroy terminates the worker: a pending request rejects with an AbortError. */
async function destroyGame() {
  const pending = main().diffusion.sprites('late', { count: 8, steps: 150, seed: 10 }).then(
    () => 'resolved',
    (e: Error) => `${e.name}: ${e.message}`,
  );
  await tick(200);
  const plugin = globalPlugin();
  game.destroy(true);
  const outcome = await pending;
  return { outcome, workerRunning: plugin.workerRunning };
}

/** Pack textures and level, loaded with no worker request. */
function packCheck() {
  const d = main().diffusion;
  const level = d.getLevel('pack/level-1')!;
  const built = level.createTilemap({ y: 150 });
  return {
    heroes: framePixels('pack/heroes'),
    floor: framePixels('pack/floor'),
    level: { cols: level.width, rows: level.height, layer: built.layer.layer.width, tileWidth: built.map.tileWidth, solid: built.solid.length, colliding: built.layer.filterTiles((t: Phaser.Tilemaps.Tile) => t.collides).length },
    tiled: game.cache.tilemap.exists('pack/level-1'),
    workerRunning: globalPlugin().workerRunning,
    manifest: (game.cache.json.get('pack') as { format: string }).format,
  };
}

Object.assign(window, { plugin: { record, inspect, runtimeInvalid, variationFromTexture, cancelOnShutdown, destroyGame, packCheck } });
