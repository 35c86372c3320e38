/**
 * Multi-tile structures of the SMB legend and a cheap fix-up pass for samples that are almost right.
 *
 * Rules, loose enough that the VGLC training levels pass them (SMB2J hangs pipes upside down from
 * ceilings, sinks pipes into floating platforms and stacks cannons), strict enough to catch what a
 * model gets wrong (half pipes, floating bodies, offset columns):
 * - Pipe pieces pair up left to right: `<` with `>`, `[` with `]`.
 * - A pipe is a vertical run of pairs in the same two columns: a top `<>` at one end of the run
 *   and bodies `[]` elsewhere. Upright pipes (top uppermost) stand on solid ground (any solid
 *   tile that is not a pipe piece, under both columns), on the bottom of the map, or sit in a
 *   platform (solid on both sides of the lowest row). Hanging pipes (top lowest) are anchored the
 *   same way at their upper end (the top of the map does not count: it is open sky).
 * - A cannon is a vertical run of `B`/`b` that starts with `B` (stacked cannons are one run) and
 *   rests on a solid tile or the bottom of the map.
 */
import { InvalidRequestError } from '../errors.ts';
import { SMB_LEGEND, TILE, cloneGrid, tileAt, setTile, type LevelGrid } from './legend.ts';

export type StructureProblem =
  | 'unpaired pipe top'
  | 'unpaired pipe body'
  | 'pipe without top'
  | 'pipe top inside a pipe'
  | 'pipe not anchored'
  | 'cannon without top'
  | 'cannon not grounded';

export interface BrokenStructure {
  kind: 'pipe' | 'cannon';
  problem: StructureProblem;
  /** Upper cell of the structure (for a pipe, its left column). */
  row: number;
  col: number;
}

const PIPE_PIECES: ReadonlySet<number> = new Set([TILE.pipeTopLeft, TILE.pipeTopRight, TILE.pipeLeft, TILE.pipeRight]);
const SOLID_IDS: ReadonlySet<number> = new Set([
  TILE.ground, TILE.brick, TILE.question, TILE.usedQuestion,
  TILE.pipeTopLeft, TILE.pipeTopRight, TILE.pipeLeft, TILE.pipeRight, TILE.cannonTop, TILE.cannonBottom,
]);
/** Cells a repair may overwrite to complete a structure. */
const REPLACEABLE: ReadonlySet<number> = new Set([TILE.empty, TILE.coin, TILE.enemy]);

const isSolid = (grid: LevelGrid, row: number, col: number) => SOLID_IDS.has(tileAt(grid, row, col));
/** Solid and not a pipe piece: what a pipe may stand on, hang from or sit in. */
const isFooting = (grid: LevelGrid, row: number, col: number) => isSolid(grid, row, col) && !PIPE_PIECES.has(tileAt(grid, row, col));

function isPair(grid: LevelGrid, row: number, col: number, left: number, right: number): boolean {
  return tileAt(grid, row, col) === left && tileAt(grid, row, col + 1) === right;
}
const isTopPair = (grid: LevelGrid, row: number, col: number) => isPair(grid, row, col, TILE.pipeTopLeft, TILE.pipeTopRight);
const isBodyPair = (grid: LevelGrid, row: number, col: number) => isPair(grid, row, col, TILE.pipeLeft, TILE.pipeRight);
const isPipePair = (grid: LevelGrid, row: number, col: number) => isTopPair(grid, row, col) || isBodyPair(grid, row, col);

/** A vertical run of pipe pairs in columns col, col + 1, rows first..last. */
interface PipeRun {
  col: number;
  first: number;
  last: number;
  /** Rows of the run that hold a top `<>`. */
  tops: number[];
}

function pipeRuns(grid: LevelGrid): PipeRun[] {
  const runs: PipeRun[] = [];
  for (let col = 0; col + 1 < grid.cols; col++) {
    let run: PipeRun | null = null;
    for (let row = 0; row <= grid.rows; row++) {
      if (row < grid.rows && isPipePair(grid, row, col)) {
        run ??= { col, first: row, last: row, tops: [] };
        run.last = row;
        if (isTopPair(grid, row, col)) run.tops.push(row);
      } else if (run) {
        runs.push(run);
        run = null;
      }
    }
  }
  return runs;
}

/** Solid under both columns, the bottom edge, or a platform around the lowest row. */
function anchoredBelow(grid: LevelGrid, run: PipeRun): boolean {
  const below = run.last + 1;
  if (below >= grid.rows) return true;
  if (isFooting(grid, below, run.col) && isFooting(grid, below, run.col + 1)) return true;
  return isFooting(grid, run.last, run.col - 1) && isFooting(grid, run.last, run.col + 2);
}

function anchoredAbove(grid: LevelGrid, run: PipeRun): boolean {
  // The top edge is no anchor: unlike the bottom row, row 0 is open sky in every training level.
  const above = run.first - 1;
  if (isFooting(grid, above, run.col) && isFooting(grid, above, run.col + 1)) return true;
  return isFooting(grid, run.first, run.col - 1) && isFooting(grid, run.first, run.col + 2);
}

/** What is wrong with a run of pipe pairs, or null when it is a whole pipe. */
function pipeRunProblem(grid: LevelGrid, run: PipeRun): StructureProblem | null {
  if (run.tops.length === 0) return 'pipe without top';
  if (run.tops.some((row) => row !== run.first && row !== run.last)) return 'pipe top inside a pipe';
  const upright = run.tops.includes(run.first);
  const hanging = run.tops.includes(run.last);
  // A bare top (one row) may stand or hang; a pipe capped at both ends needs no anchor.
  if (upright && hanging && run.first !== run.last) return null;
  if (upright && anchoredBelow(grid, run)) return null;
  if (hanging && anchoredAbove(grid, run)) return null;
  return 'pipe not anchored';
}

interface CannonRun {
  col: number;
  first: number;
  last: number;
}

function cannonRuns(grid: LevelGrid): CannonRun[] {
  const runs: CannonRun[] = [];
  for (let col = 0; col < grid.cols; col++) {
    let run: CannonRun | null = null;
    for (let row = 0; row <= grid.rows; row++) {
      const id = row < grid.rows ? tileAt(grid, row, col) : TILE.empty;
      if (id === TILE.cannonTop || id === TILE.cannonBottom) {
        run ??= { col, first: row, last: row };
        run.last = row;
      } else if (run) {
        runs.push(run);
        run = null;
      }
    }
  }
  return runs;
}

function cannonGrounded(grid: LevelGrid, run: CannonRun): boolean {
  return run.last + 1 >= grid.rows || isSolid(grid, run.last + 1, run.col);
}

/** The rules are written in SMB tile ids: refuse a grid whose legend orders tiles differently. */
function requireSmbLegend(grid: LevelGrid): void {
  const same = grid.legend.length === SMB_LEGEND.length && SMB_LEGEND.every((tile, id) => grid.legend[id]?.char === tile.char);
  if (!same) throw new InvalidRequestError('legend', `structure checks need the SMB legend (${SMB_LEGEND.map((t) => t.char).join('')}), got ${grid.legend.map((t) => t.char).join('')}`);
}

/** Every broken pipe and cannon. */
export function findBrokenStructures(grid: LevelGrid): BrokenStructure[] {
  requireSmbLegend(grid);
  const broken: BrokenStructure[] = [];
  for (let row = 0; row < grid.rows; row++) {
    for (let col = 0; col < grid.cols; col++) {
      const id = tileAt(grid, row, col);
      const unpaired =
        (id === TILE.pipeTopLeft && tileAt(grid, row, col + 1) !== TILE.pipeTopRight) ||
        (id === TILE.pipeTopRight && tileAt(grid, row, col - 1) !== TILE.pipeTopLeft) ||
        (id === TILE.pipeLeft && tileAt(grid, row, col + 1) !== TILE.pipeRight) ||
        (id === TILE.pipeRight && tileAt(grid, row, col - 1) !== TILE.pipeLeft);
      if (unpaired) {
        const top = id === TILE.pipeTopLeft || id === TILE.pipeTopRight;
        broken.push({ kind: 'pipe', problem: top ? 'unpaired pipe top' : 'unpaired pipe body', row, col });
      }
    }
  }
  for (const run of pipeRuns(grid)) {
    const problem = pipeRunProblem(grid, run);
    if (problem) broken.push({ kind: 'pipe', problem, row: run.first, col: run.col });
  }
  for (const run of cannonRuns(grid)) {
    if (tileAt(grid, run.first, run.col) !== TILE.cannonTop) broken.push({ kind: 'cannon', problem: 'cannon without top', row: run.first, col: run.col });
    else if (!cannonGrounded(grid, run)) broken.push({ kind: 'cannon', problem: 'cannon not grounded', row: run.first, col: run.col });
  }
  return broken;
}

/**
 * A copy of the grid with every broken pipe and cannon fixed by few edits; whole structures and
 * all other tiles stay as they are. A fix takes the cheaper of completing a structure (only over
 * empty, coin or enemy cells) and removing it; ties complete it, keeping the model's intent.
 */
export function repairStructures(grid: LevelGrid): LevelGrid {
  requireSmbLegend(grid);
  const out = cloneGrid(grid);
  // A second pass catches knock-on effects (a pipe resting on a cannon that was just removed).
  for (let pass = 0; pass < 4 && findBrokenStructures(out).length > 0; pass++) {
    pairPipePieces(out, TILE.pipeTopLeft, TILE.pipeTopRight);
    pairPipePieces(out, TILE.pipeLeft, TILE.pipeRight);
    for (const run of pipeRuns(out)) repairPipeRun(out, run);
    for (const run of cannonRuns(out)) repairCannonRun(out, run);
  }
  return out;
}

/** A lone half gets its partner where the neighbour cell is replaceable, else it is removed. */
function pairPipePieces(grid: LevelGrid, left: number, right: number): void {
  for (let row = 0; row < grid.rows; row++) {
    for (let col = 0; col < grid.cols; col++) {
      const id = tileAt(grid, row, col);
      if (id === left) {
        if (tileAt(grid, row, col + 1) !== right) {
          if (col + 1 < grid.cols && REPLACEABLE.has(tileAt(grid, row, col + 1))) {
            setTile(grid, row, col + 1, right);
          } else {
            setTile(grid, row, col, TILE.empty);
            continue;
          }
        }
        col++; // skip the right half of the pair
      } else if (id === right) {
        // Only reached without a `left` before it: pairs are skipped above.
        if (col > 0 && REPLACEABLE.has(tileAt(grid, row, col - 1))) setTile(grid, row, col - 1, left);
        else setTile(grid, row, col, TILE.empty);
      }
    }
  }
}

function setPair(grid: LevelGrid, row: number, col: number, left: number, right: number): void {
  setTile(grid, row, col, left);
  setTile(grid, row, col + 1, right);
}

function repairPipeRun(grid: LevelGrid, run: PipeRun): void {
  const { col } = run;
  // Tops in the middle become bodies; a headless run gets a top at its anchored end (the upper
  // end when neither is anchored; the anchoring step below then extends or removes it).
  for (const row of run.tops) if (row !== run.first && row !== run.last) setPair(grid, row, col, TILE.pipeLeft, TILE.pipeRight);
  if (run.tops.length === 0) {
    const hang = !anchoredBelow(grid, run) && anchoredAbove(grid, run);
    setPair(grid, hang ? run.last : run.first, col, TILE.pipeTopLeft, TILE.pipeTopRight);
  }
  const fixed = { ...run, tops: [] as number[] };
  for (let row = run.first; row <= run.last; row++) if (isTopPair(grid, row, col)) fixed.tops.push(row);
  if (pipeRunProblem(grid, fixed) === null) return;

  // Not anchored: extend away from the top to solid ground (or the bottom edge), or remove it.
  const upright = fixed.tops.includes(run.first);
  const step = upright ? 1 : -1;
  let end = upright ? run.last + 1 : run.first - 1;
  let added = 0;
  let extendable = true;
  while (end < grid.rows && !(end >= 0 && isFooting(grid, end, col) && isFooting(grid, end, col + 1))) {
    if (end < 0) {
      extendable = false; // a hanging pipe cannot hang from the sky
      break;
    }
    if (!REPLACEABLE.has(tileAt(grid, end, col)) || !REPLACEABLE.has(tileAt(grid, end, col + 1))) {
      extendable = false; // half over a ledge, or into another structure
      break;
    }
    end += step;
    added++;
  }
  const length = run.last - run.first + 1;
  if (extendable && added <= length) {
    for (let i = 1; i <= added; i++) setPair(grid, upright ? run.last + i : run.first - i, col, TILE.pipeLeft, TILE.pipeRight);
  } else {
    for (let row = run.first; row <= run.last; row++) setPair(grid, row, col, TILE.empty, TILE.empty);
  }
}

function repairCannonRun(grid: LevelGrid, run: CannonRun): void {
  const { col } = run;
  if (tileAt(grid, run.first, col) !== TILE.cannonTop) setTile(grid, run.first, col, TILE.cannonTop);
  if (cannonGrounded(grid, run)) return;
  let end = run.last + 1;
  let extendable = true;
  while (end < grid.rows && !isSolid(grid, end, col)) {
    if (!REPLACEABLE.has(tileAt(grid, end, col))) { extendable = false; break; }
    end++;
  }
  const added = end - run.last - 1;
  if (extendable && added <= run.last - run.first + 1) {
    for (let row = run.last + 1; row < end; row++) setTile(grid, row, col, TILE.cannonBottom);
  } else {
    for (let row = run.first; row <= run.last; row++) setTile(grid, row, col, TILE.empty);
  }
}
