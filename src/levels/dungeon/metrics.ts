/**
 * Dungeon-quality metrics for `eval levels` on a dungeon model, on the rooms as the model made
 * them (cut from the map with the outer wall closed again, as VGLC stores them): novelty (share of
 * generated rooms found nowhere among the training rooms or their flips), the same for interiors
 * alone (Zelda reuses room templates, so this is the stricter figure), and 2x2 tile-pattern KL
 * against the training rooms with its baseline between the training maps split in two.
 */
import type { LevelGrid } from '../../models/codecs.ts';
import { kl } from '../metrics.ts';
import { WALL } from './legend.ts';
import { flipRoom, type TrainingRoom } from './training-data.ts';

const key = (g: LevelGrid, inner: boolean): string => {
  if (!inner) return `${g.rows}:${String.fromCharCode(...g.cells)}`;
  let s = '';
  for (let r = WALL; r < g.rows - WALL; r++) s += String.fromCharCode(...g.cells.subarray(r * g.cols + WALL, (r + 1) * g.cols - WALL));
  return s;
};

/** Share of `rooms` (whole, or interiors only) equal to no training room in any of its four flips. */
export function roomNovelty(rooms: readonly LevelGrid[], training: readonly LevelGrid[], interior = false): number {
  const seen = new Set<string>();
  for (const g of training) for (const [h, v] of [[false, false], [true, false], [false, true], [true, true]] as const) seen.add(key(flipRoom(g, h, v), interior));
  if (rooms.length === 0) return Number.NaN;
  return rooms.filter((g) => !seen.has(key(g, interior))).length / rooms.length;
}

export const roomKl = (rooms: readonly LevelGrid[], training: readonly LevelGrid[]): number => kl(rooms, training);

/** KL between the rooms of odd- and even-numbered training maps (file order): the data against itself. */
export function roomKlBaseline(training: readonly TrainingRoom[]): number {
  const maps = [...new Set(training.map((r) => r.map))];
  const half = (parity: number) => training.filter((r) => maps.indexOf(r.map) % 2 === parity).map((r) => r.grid);
  return kl(half(1), half(0));
}
