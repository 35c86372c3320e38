/**
 * One pack item -> its files (docs/PACK-FORMAT.md, section 2) and its `pack.json` entry.
 * Everything here is deterministic: no timestamps, durations or device names, fixed key order.
 */
import { legendTileset, levelPreviewPng, toRows, toTmj, toVglc } from '../../levels/export.ts';
import type { LevelGrid, RgbaImage } from '../../models/codecs.ts';
import type { Cell } from '../../levels/playability.ts';
import { composeSheet } from '../../models/sheet.ts';
import { encodePng } from '../../png.ts';
import { MAX_COUNT } from '../../runtime/request.ts';
import type { GenerateOptions, Runtime } from '../../runtime/types.ts';
import { sha256, type PackItem } from './config.ts';
import type { ItemRecord as PackItemRecord } from '../../pack-format.ts';

/** An item's `pack.json` entry, with its params typed. */
export interface ItemRecord extends PackItemRecord {
  kind: PackItem['kind'];
  params: PackItem['params'];
}

export interface RenderedItem {
  record: ItemRecord;
  /** [path relative to the pack folder, bytes], in the record's file order. */
  files: Array<[string, Uint8Array]>;
  /** Where the sampling ran (reported, never written into the pack). */
  device: string;
}

export const jsonText = (value: unknown): string => JSON.stringify(value, null, 1) + '\n';
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Seed of the chunk-th request of a set (the runtime makes at most MAX_COUNT images per request). */
export function chunkSeed(seed: number, chunk: number): number {
  return chunk === 0 ? seed : (seed + Math.imul(0x9e3779b9, chunk)) >>> 0;
}

/**
 * Generates one item with the runtime and renders its files. Levels go through `runtime.level`
 * (outpainted to any width); this is the one place a pack asks for a level.
 */
export async function makeItem(runtime: Runtime, item: PackItem, opts: GenerateOptions = {}): Promise<RenderedItem> {
  const { index, kind, params, paramsHash, model } = item;
  const base = { index, kind, name: params.name, model: model.id, params, paramsHash };
  let device = '';
  const record = (files: Array<[string, string, Uint8Array]>, extra: Record<string, unknown>): RenderedItem => ({
    device,
    record: { ...base, files: Object.fromEntries(files.map(([role, path, bytes]) => [role, { path, sha256: sha256(bytes), bytes: bytes.length }])), ...extra },
    files: files.map(([, path, bytes]) => [path, bytes]),
  });

  /** A level's or dungeon's files: TMJ + its tileset, grid JSON (with `extra`), VGLC text, PNG preview. */
  const levelFiles = (grid: LevelGrid, tmjProps: Record<string, string | number | boolean>, path: Cell[], extra: Record<string, unknown>): Array<[string, string, Uint8Array]> => {
    const p = item.params as PackItem['params'] & { tileSize: number };
    const tilesetName = `${p.name}.tiles.png`;
    const gridJson = {
      width: grid.cols,
      height: grid.rows,
      legend: grid.legend.map((t) => ({ char: t.char, name: t.name, solid: t.solid, tags: t.tags })),
      data: toRows(grid),
      ...extra,
    };
    return [
      ['tmj', `levels/${p.name}.tmj`, utf8(jsonText(toTmj(grid, tilesetName, p.tileSize, { model: model.id, seed: p.seed, ...tmjProps })))],
      ['tilesetImage', `levels/${tilesetName}`, encodePng(legendTileset(grid.legend, p.tileSize))],
      ['grid', `levels/${p.name}.json`, utf8(jsonText(gridJson))],
      ['vglc', `levels/${p.name}.txt`, utf8(toVglc(grid))],
      ['preview', `levels/${p.name}.png`, levelPreviewPng(grid, 8, path)],
    ];
  };

  if (item.kind === 'level' && item.params.rooms !== undefined) {
    const p = item.params;
    const d = await runtime.dungeon(
      { model: p.model, rooms: p.rooms, seed: p.seed, steps: p.steps, guidance: p.guidance, sampler: p.sampler, eta: p.eta, ensurePlayable: p.ensurePlayable, ...(p.class !== undefined ? { class: p.class } : {}) },
      opts,
    );
    device = d.device;
    const { grid, metadata: m } = d;
    const props = { playable: m.playable, genre: 'dungeon', startRow: m.start.row, startCol: m.start.col, goalRow: m.goal.row, goalCol: m.goal.col };
    return record(levelFiles(grid, props, m.path, { dungeon: { plan: m.plan, start: m.start, goal: m.goal, path: m.path } }), {
      width: grid.cols, height: grid.rows, tileSize: p.tileSize, class: m.class, playable: m.playable, reason: m.reason, genre: 'dungeon', rooms: p.rooms,
      attempts: m.retries.length, repairs: m.carved,
    });
  }

  if (item.kind === 'level') {
    const p = item.params;
    const level = await runtime.level(
      {
        kind: 'level', model: p.model, width: p.width, seed: p.seed, steps: p.steps, guidance: p.guidance, sampler: p.sampler, eta: p.eta,
        constraints: p.constraints as never, ensurePlayable: p.ensurePlayable, flatStart: p.flatStart, ...(p.class !== undefined ? { class: p.class } : {}),
      },
      opts,
    );
    const { grid, metadata } = level;
    device = level.device;
    return record(
      levelFiles(grid, { playable: metadata.playable }, metadata.path, {}),
      {
        width: grid.cols, height: grid.rows, tileSize: p.tileSize, class: metadata.class, playable: metadata.playable, reason: metadata.reason,
        attempts: metadata.attempts, repairs: metadata.repairs,
      },
    );
  }

  // Sprites and tiles: one request per MAX_COUNT images, steps summed for progress.
  const p = item.params;
  const images: RgbaImage[] = [];
  const labels: Array<string | null> = [];
  const chunks = Math.ceil(p.count / MAX_COUNT);
  for (let c = 0; c < chunks; c++) {
    const n = Math.min(MAX_COUNT, p.count - c * MAX_COUNT);
    const result = await runtime.generate(
      {
        kind, model: p.model, count: n, seed: chunkSeed(p.seed, c), steps: p.steps, guidance: p.guidance, sampler: p.sampler, eta: p.eta,
        ...(p.class !== undefined ? { class: p.class } : {}),
        ...(item.kind === 'sprite' ? { alphaThreshold: item.params.alphaThreshold, ...(item.params.palette !== undefined ? { palette: item.params.palette } : {}) } : {}),
      },
      {
        signal: opts.signal,
        onProgress: (pr) => opts.onProgress?.(pr.phase === 'sample' ? { ...pr, step: pr.step + c * (pr.steps), steps: pr.steps * chunks } : pr),
      },
    );
    if (result.kind === 'level') throw new Error(`model ${p.model} made levels, expected ${kind}s`);
    device = result.device;
    images.push(...result.images);
    labels.push(...result.labels.map((l) => model.classes[l] ?? null));
  }
  const sheet = composeSheet(images);
  const { width: w, height: h } = images[0]!;
  const png = encodePng(sheet);
  const image = `${p.name}.png`;
  if (item.kind === 'sprite') {
    const frames = Object.fromEntries(
      images.map((_, i) => [
        String(i),
        {
          frame: { x: (i % sheet.columns) * w, y: Math.floor(i / sheet.columns) * h, w, h },
          rotated: false,
          trimmed: false,
          spriteSourceSize: { x: 0, y: 0, w, h },
          sourceSize: { w, h },
        },
      ]),
    );
    const atlas = { frames, meta: { app: 'asset-diffusion', image, format: 'RGBA8888', size: { w: sheet.width, h: sheet.height }, scale: '1' } };
    return record(
      [
        ['image', `sprites/${image}`, png],
        ['atlas', `sprites/${p.name}.json`, utf8(jsonText(atlas))],
      ],
      { frameWidth: w, frameHeight: h, count: p.count, columns: sheet.columns, labels },
    );
  }
  const tileset = {
    type: 'tileset', version: '1.10', tiledversion: '1.10.2', name: p.name, image, imagewidth: sheet.width, imageheight: sheet.height,
    tilewidth: w, tileheight: h, tilecount: p.count, columns: sheet.columns, margin: 0, spacing: 0, seamless: model.seamless,
  };
  return record(
    [
      ['image', `tiles/${image}`, png],
      ['tileset', `tiles/${p.name}.json`, utf8(jsonText(tileset))],
    ],
    { tileWidth: w, tileHeight: h, count: p.count, columns: sheet.columns, labels, seamless: model.seamless },
  );
}
