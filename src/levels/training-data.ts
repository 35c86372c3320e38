/**
 * Node-only loader for the VGLC Mario levels the level model was trained on (used by metrics and
 * `eval levels`). The data is never bundled or committed: it lives in ../shared/data beside the
 * repository (see that folder's README for where to get it) or wherever `dataDir` points.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidRequestError } from '../errors.ts';
import { fsReason, readCappedText } from '../node/read.ts';
import { parseVglc, type LevelGrid } from './legend.ts';

/** Size caps on the training folder: a VGLC level is a few KB; the two sets hold a few dozen. */
export const MAX_LEVEL_FILE_BYTES = 1024 * 1024;
export const MAX_LEVEL_FILES = 1000;

/** Game -> folder inside the data directory; the same two sets as models/data.py LEVEL_GAMES. */
export const LEVEL_GAMES = {
  smb: 'vglc/Super Mario Bros/Processed',
  'smb2-japan': 'vglc/Super Mario Bros 2 (Japan)/Processed',
} as const;

export type LevelGame = keyof typeof LEVEL_GAMES;

export interface TrainingLevel {
  game: LevelGame;
  /** File name, e.g. `mario-1-1.txt`. */
  name: string;
  grid: LevelGrid;
}

/** `../shared/data` relative to the repository root (this file is src/levels/training-data.ts). */
export function defaultDataDir(): string {
  return resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/data');
}

/**
 * Every training level, read as models/data.py reads it (14 rows, sky-padded, cut to the shortest
 * line), in file-name order per game, SMB first. Throws naming the folder when it is missing.
 */
export function loadTrainingLevels(dataDir: string = defaultDataDir(), games: readonly LevelGame[] = ['smb', 'smb2-japan']): TrainingLevel[] {
  const levels: TrainingLevel[] = [];
  for (const game of games) {
    const folder = join(dataDir, LEVEL_GAMES[game]);
    if (!existsSync(folder)) {
      throw new InvalidRequestError('dataDir', `${folder} not found: expected the VGLC levels under ${dataDir} (see ../shared/data/README.md for where to get them)`);
    }
    let names: string[];
    try {
      names = readdirSync(folder).filter((name) => name.endsWith('.txt')).sort();
    } catch (e) {
      throw new InvalidRequestError('dataDir', `cannot list ${folder} (${fsReason(e)})`);
    }
    if (names.length > MAX_LEVEL_FILES) throw new InvalidRequestError('dataDir', `${folder} holds ${names.length} .txt files; the limit is ${MAX_LEVEL_FILES}`);
    for (const name of names) levels.push({ game, name, grid: parseVglc(readCappedText('dataDir', join(folder, name), MAX_LEVEL_FILE_BYTES)) });
  }
  return levels;
}
