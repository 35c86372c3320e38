import { existsSync } from 'node:fs';
import { parseVglc, type LevelGrid } from '../../src/levels/legend.ts';
import { defaultDataDir, loadTrainingLevels, type TrainingLevel } from '../../src/levels/training-data.ts';

/** ../shared/data beside the repository (here /work/shared/data; CI keeps a copy of shared/ beside the clone). */
export const DATA_DIR = defaultDataDir();

let cached: TrainingLevel[] | undefined;

/** The 37 VGLC training levels; fails with the path it looked in when the data is missing. */
export function trainingLevels(): TrainingLevel[] {
  if (!existsSync(DATA_DIR)) {
    throw new Error(`training data not found at ${DATA_DIR}: these tests need ../shared/data (the VGLC levels) beside the repository`);
  }
  cached ??= loadTrainingLevels(DATA_DIR);
  return cached;
}

/** A level from VGLC lines (rows of equal length), as in the training files; no padding to 14. */
export function level(...lines: string[]): LevelGrid {
  return parseVglc(lines.join('\n'), { rows: lines.length });
}

/** Flat ground `cols` wide, 14 rows, with `edit` applied to the character rows first. */
export function flat(cols: number, edit: (rows: string[][]) => void = () => undefined): LevelGrid {
  const rows = Array.from({ length: 14 }, (_, r) => Array.from({ length: cols }, () => (r === 13 ? 'X' : '-')));
  edit(rows);
  return level(...rows.map((r) => r.join('')));
}
