/**
 * Node-only loader for the VGLC Zelda rooms the dungeon model was trained on (eval metrics), cut
 * exactly as models/data.py `cut_rooms` cuts them: each map on its grid of 16-line x 11-column
 * blocks, blocks with any void dropped, each room transposed to 11 rows x 16 columns.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidRequestError } from '../../errors.ts';
import type { LevelGrid } from '../../models/codecs.ts';
import { readCappedText } from '../../node/read.ts';
import { MAX_LEVEL_FILE_BYTES, defaultDataDir } from '../training-data.ts';
import { ROOM_COLS, ROOM_ROWS, ZELDA_LEGEND } from './legend.ts';

export const DUNGEON_FOLDER = 'vglc/The Legend of Zelda/Processed';

export interface TrainingRoom {
  /** Map file name, e.g. `tloz1_1.txt`. */
  map: string;
  grid: LevelGrid;
}

/** The rooms of one VGLC Zelda map text (rows of the file are room columns). */
export function cutRooms(text: string, map = 'map'): TrainingRoom[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const width = Math.min(...lines.map((l) => l.length));
  const index = new Map(ZELDA_LEGEND.map((t, id) => [t.char, id]));
  const rooms: TrainingRoom[] = [];
  for (let br = 0; br + ROOM_COLS <= lines.length; br += ROOM_COLS) {
    for (let bc = 0; bc + ROOM_ROWS <= width; bc += ROOM_ROWS) {
      const cells = new Uint8Array(ROOM_ROWS * ROOM_COLS);
      let ok = true;
      // File block: ROOM_COLS lines of ROOM_ROWS chars; room cell (r, c) = file (line c, char r).
      for (let c = 0; c < ROOM_COLS && ok; c++) {
        for (let r = 0; r < ROOM_ROWS && ok; r++) {
          const ch = lines[br + c]![bc + r]!;
          const id = index.get(ch);
          if (id === undefined) throw new InvalidRequestError('dataDir', `${map}: unknown tile ${JSON.stringify(ch)} at line ${br + c + 1}, column ${bc + r + 1}`);
          if (ch === '-') ok = false;
          cells[r * ROOM_COLS + c] = id;
        }
      }
      if (ok) rooms.push({ map, grid: { rows: ROOM_ROWS, cols: ROOM_COLS, cells, legend: ZELDA_LEGEND } });
    }
  }
  return rooms;
}

/** Every training room, maps in file-name order; throws naming the folder when it is missing. */
export function loadTrainingRooms(dataDir: string = defaultDataDir()): TrainingRoom[] {
  const folder = join(dataDir, DUNGEON_FOLDER);
  if (!existsSync(folder)) throw new InvalidRequestError('dataDir', `${folder} not found: expected the VGLC Zelda maps under ${dataDir} (see ../shared/data/README.md)`);
  return readdirSync(folder)
    .filter((n) => n.endsWith('.txt'))
    .sort()
    .flatMap((name) => cutRooms(readCappedText('dataDir', join(folder, name), MAX_LEVEL_FILE_BYTES), name));
}

/** A room mirrored left-right and/or top-bottom (the training augmentations). */
export function flipRoom(grid: LevelGrid, h: boolean, v: boolean): LevelGrid {
  const cells = new Uint8Array(grid.cells.length);
  for (let r = 0; r < grid.rows; r++) for (let c = 0; c < grid.cols; c++) cells[r * grid.cols + c] = grid.cells[(v ? grid.rows - 1 - r : r) * grid.cols + (h ? grid.cols - 1 - c : c)]!;
  return { ...grid, cells };
}
