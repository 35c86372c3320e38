/**
 * Playability of a platformer level: can small Mario get from solid ground at the left edge to the
 * rightmost column? A breadth-first search over standing positions, where the moves are walking
 * one tile and jump arcs traced from classic SMB movement numbers (see SMB_PHYSICS).
 *
 * Model (tile resolution, small Mario = one tile):
 * - Solid tiles (legend `solid`) block in every direction; Mario stands on them.
 * - Hazards (legend `hazard`, i.e. enemies `E`) kill on touch from the side or below. Falling onto
 *   one from above is a stomp: Mario bounces and may take off again from the cell above it at
 *   SMB's stomp speed (4 px/frame, less than a running jump's 5). Enemies do not move in this model.
 * - In the air Mario's feet are inside his cell, so his body reaches into the cell above: both
 *   must be open (except where his feet are at the cell bottom: walking off a ledge, a head bump
 *   that stops him just under a ceiling, dropping onto an enemy). So he cannot jump up into a
 *   one-tile slot, and ceilings bump a tile earlier than a one-cell Mario would.
 * - Running into a wall mid-air costs the run-up: he lands with none (SMB zeroes the speed).
 * - Falling below the bottom row is death (a gap). Above the top row is open sky.
 * - The horizontal cell is the one under Mario's centre; the vertical cell is the one just above
 *   his feet. So he lands on a platform only once his centre is over it (a real 12-px hitbox may
 *   overhang ~0.4 tile), and clears a wall only once his feet are fully above it.
 * - Air speed is constant through a jump (SMB allows some air steering; several speeds are tried
 *   instead). Releasing the jump button early gives lower arcs, as in SMB.
 * - A fast jump needs a run-up: tiles walked rightwards on the ground, or the speed kept from
 *   landing a fast jump (not with `landingMomentum: false`). Leftward moves are walking-pace only.
 * - Not modelled: moving lifts and springboards, vines, bullets from cannons, piranha plants in
 *   pipes, enemy movement, power-ups (big Mario's height, breaking bricks).
 */
import { isHazard, type LevelGrid } from './legend.ts';
import { SKY_ROWS, SMB_PHYSICS, arcTable, type Arc, type JumpPhysics } from './physics.ts';

export { SMB_PHYSICS, WALKING_PHYSICS, type JumpClass, type JumpPhysics } from './physics.ts';

export interface Cell {
  col: number;
  /** Row 0 is the top; negative rows are the open sky above the map. */
  row: number;
}

export interface PlayabilityResult {
  playable: boolean;
  /**
   * Cells Mario passes through, start first (a stomped enemy's cell included); on failure, the
   * way to the furthest spot he can stand on.
   */
  path: Cell[];
  /** The furthest column Mario can stand in (cols - 1 when playable, -1 when there is no start). */
  reachedColumn: number;
  /** One line: why it is (not) playable, naming the column where it got stuck. */
  reason: string;
  start: Cell | null;
}

export interface PlayabilityOptions {
  physics?: JumpPhysics;
  /** Mario starts on the lowest ground in the first `startColumns` columns (default 3). */
  startColumns?: number;
  /**
   * Whether a landing keeps the run-up of the jump (SMB keeps the speed; default true). False: every
   * landing starts from a standstill, for a hero who stops on landing, or a cautious check that
   * never chains fast jumps through a foothold.
   */
  landingMomentum?: boolean;
}

const SOLID = 1;
const HAZARD = 2;

/** Border rows/columns around the map in `cellFlags`, so lookups need no bounds checks. */
const TOP = SKY_ROWS + 1;
const BOTTOM = 2;

/**
 * Per-cell flags with borders: a solid ceiling row above SKY_ROWS of open sky, a solid wall left
 * of column 0, open pit rows below the map, and an open column right of it (never entered: the
 * search stops on reaching the last column). Row r, column c is at (r + TOP) * (width + 2) + c + 1.
 */
function cellFlags(grid: LevelGrid): Uint8Array {
  const byId = grid.legend.map((tile) => (tile.solid ? SOLID : isHazard(tile) ? HAZARD : 0));
  const stride = grid.cols + 2;
  const flags = new Uint8Array((TOP + grid.rows + BOTTOM) * stride);
  flags.fill(SOLID, 0, stride);
  for (let r = -SKY_ROWS; r < grid.rows + BOTTOM; r++) flags[(r + TOP) * stride] = SOLID;
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) flags[(r + TOP) * stride + c + 1] = byId[grid.cells[r * grid.cols + c]!] ?? 0;
  }
  return flags;
}

const STAND = 0;
const BOUNCE = 1;
type Outcome = 'land' | 'stomp' | 'goal' | 'dead';

/** Does Mario, with the given physics, get across? See the module comment for the model. */
export function checkPlayability(grid: LevelGrid, options: PlayabilityOptions = {}): PlayabilityResult {
  const physics = options.physics ?? SMB_PHYSICS;
  const startColumns = options.startColumns ?? 3;
  const { cols: width, rows: height } = grid;
  const table = arcTable(physics);
  const flags = cellFlags(grid);
  const runUps = table.maxRunUp + 1;
  const rows = height + SKY_ROWS;

  const stride = width + 2;
  const flagAt = (col: number, row: number): number => flags[(row + TOP) * stride + col + 1]!;
  const solidAt = (col: number, row: number) => (flagAt(col, row) & SOLID) !== 0;
  // In the air Mario's feet are somewhere inside his cell, so his 16-px body reaches into the
  // cell above: both must be open (a head in a block is a bonk, not a squeeze).
  const bodyBlocked = (col: number, row: number) => ((flagAt(col, row) | flagAt(col, row - 1)) & SOLID) !== 0;

  const starts = findStarts(width, height, startColumns, flagAt);
  const start = starts[0];
  if (!start) {
    return { playable: false, path: [], reachedColumn: -1, reason: `no ground to start on in the first ${startColumns} columns`, start: null };
  }

  const stateCount = rows * width * runUps * 2;
  const parent = new Int32Array(stateCount).fill(-1);
  const segments: (number[] | undefined)[] = new Array(stateCount);
  // One FIFO per run-up, fastest first: a cell reached again with more run-up supersedes the
  // slower entry before it is expanded, which keeps re-expansions rare.
  const queues = Array.from({ length: runUps }, () => ({ items: new Int32Array(rows * width * 2), head: 0, tail: 0 }));
  let lastQueued = -1;
  const stateId = (col: number, row: number, runUp: number, kind: number) => (((row + SKY_ROWS) * width + col) * runUps + runUp) * 2 + kind;

  // The furthest standing spot (where a failed search's path ends).
  let best = { col: start.col, state: -1 };
  let goal: { state: number; cells: number[] } | null = null;
  const scratch: number[] = [];

  // A state with more run-up allows every move of one with less, so a cell is (re)queued only
  // when it is reached with more run-up than before: at most maxRunUp + 1 times per cell and kind.
  const bestRunUp = new Int8Array(rows * width * 2).fill(-1);
  const discover = (from: number, col: number, row: number, runUp: number, kind: number) => {
    const slot = ((row + SKY_ROWS) * width + col) * 2 + kind;
    if (bestRunUp[slot]! >= runUp) return;
    bestRunUp[slot] = runUp;
    const id = stateId(col, row, runUp, kind);
    if (col > best.col || best.state < 0) best = { col: Math.max(col, best.col), state: id };
    parent[id] = from;
    segments[id] = scratch.slice();
    const q = queues[runUp]!;
    q.items[q.tail++] = id;
    lastQueued = id;
  };

  const keepsMomentum = options.landingMomentum ?? true;
  // Landing on an enemy kills it: Mario may bounce off (take off again from above it, at the
  // speed he came with: a bounce is not a landing) or, where the enemy stood on ground, carry on
  // from the enemy's cell.
  const arrive = (from: number, outcome: Outcome, runUp: number) => {
    const landedRunUp = keepsMomentum ? runUp : 0;
    if (outcome === 'land') discover(from, landing.col, landing.row, landedRunUp, STAND);
    else if (outcome === 'stomp') {
      discover(from, landing.col, landing.row, runUp, BOUNCE);
      if (solidAt(landing.col, landing.row + 2)) {
        scratch.push(landing.col, landing.row + 1); // the path shows Mario landing on the enemy
        discover(from, landing.col, landing.row + 1, landedRunUp, STAND);
        scratch.length -= 2;
      }
    }
  };

  // Records a cell Mario passes through; returns true when it is the goal column.
  const enter = (col: number, row: number): boolean => {
    scratch.push(col, row);
    return col === width - 1;
  };

  /** Follow an arc from (col, row); on success `scratch` holds the cells and `landing` the end. */
  const landing = { col: 0, row: 0 };
  // Set when the arc ran into a wall: SMB zeroes the horizontal speed there, so Mario lands
  // without the run-up he took off with.
  let walled = false;
  let alignedRow = NaN;
  // Dropping onto an enemy, Mario meets it with his feet at its cell top (an enemy is smaller
  // than its tile), so only the cell above it need be open: he can stomp under a low ceiling.
  let fallingNow = false;
  const blocked = (bc: number, br: number) =>
    br === alignedRow || (fallingNow && (flagAt(bc, br + 1) & HAZARD) !== 0) ? solidAt(bc, br) : bodyBlocked(bc, br);
  const follow = (from: number, arc: Arc, col: number, row: number): Outcome => {
    let c = col;
    let r = row;
    let current = arc;
    walled = false;
    // The row where Mario's feet are exactly at the cell bottom (his body fills just that cell):
    // the start of a drop, and after a head bump. A jump under a ceiling bumps at once.
    alignedRow = row;
    const rising = current.falling[0] === 0;
    if (rising && solidAt(c, r - 1)) current = table.falls[arc.speed]![arc.direction === 1 ? 0 : 1]!;
    else if (rising) alignedRow = NaN;
    for (let i = 0; i < current.dx.length; i++) {
      fallingNow = current.falling[i] === 1;
      if (fallingNow) {
        const below = flagAt(c, r + 1);
        if (below & SOLID) return settle(c, r, 'land');
        if (below & HAZARD && r + 1 < height) return settle(c, r, 'stomp');
      }
      const dx = current.dx[i]!;
      const dy = current.dy[i]!;
      let nc = c + dx;
      let nr = r + dy;
      if (dx !== 0 && dy !== 0) {
        // A diagonal step squeezes past a corner only if one of the two orthogonal cells is open.
        if (blocked(nc, nr) || (blocked(nc, r) && blocked(c, nr))) {
          if (!blocked(c, nr)) nc = c; // slide along a wall
          else if (!blocked(nc, r)) nr = r; // blocked vertically
          else { nc = c; nr = r; }
        }
      } else if (blocked(nc, nr)) {
        if (dx !== 0) nc = c;
        else if (dy < 0 && !solidAt(c, nr)) {
          // Only the head is blocked: Mario rises until it meets the ceiling, his feet at the
          // bottom of the cell above (his body just fits), and drops from there.
          r = nr;
          if (flagAt(c, r) & HAZARD) return 'dead';
          if (enter(c, r)) return 'goal';
          current = table.falls[arc.speed]![arc.direction === 1 ? 0 : 1]!;
          alignedRow = r;
          i = -1;
          continue;
        } else nr = r;
      }
      if (dx !== 0 && nc === c) walled = true;
      if (nr === r && dy < 0) {
        // Head bump: drop from here at the same air speed.
        current = table.falls[arc.speed]![arc.direction === 1 ? 0 : 1]!;
        alignedRow = r;
        i = -1;
        if (nc === c) continue;
      }
      if (nr === r && dy > 0) return settle(c, r, 'land');
      if (nc === c && nr === r) continue;
      c = nc;
      r = nr;
      if (r >= height) return 'dead';
      if (flagAt(c, r) & HAZARD) return 'dead';
      if (enter(c, r)) return 'goal';
    }
    return 'dead';
  };
  const settle = (c: number, r: number, outcome: Outcome): Outcome => {
    landing.col = c;
    landing.row = r;
    return outcome;
  };

  const runUpAfter = (arc: Arc) => (arc.direction === 1 ? Math.min(table.maxRunUp, physics.runUpTiles[arc.speed]!) : 0);

  const tryArc = (from: number, arc: Arc, col: number, row: number): boolean => {
    scratch.length = 0;
    const outcome = follow(from, arc, col, row);
    if (outcome === 'goal') {
      goal = { state: from, cells: scratch.slice() };
      return true;
    }
    arrive(from, outcome, walled ? 0 : runUpAfter(arc));
    return false;
  };

  const tryWalk = (from: number, col: number, row: number, direction: 1 | -1, runUp: number): boolean => {
    const nc = col + direction;
    const flag = flagAt(nc, row);
    if (flag & (SOLID | HAZARD)) return false;
    scratch.length = 0;
    if (enter(nc, row)) {
      goal = { state: from, cells: scratch.slice() };
      return true;
    }
    const nextRunUp = direction === 1 ? Math.min(runUp + 1, table.maxRunUp) : 0;
    if (solidAt(nc, row + 1)) {
      discover(from, nc, row, nextRunUp, STAND);
      return false;
    }
    // Walked off a ledge: fall at any air speed the run-up allows.
    for (let s = 0; s < physics.airSpeeds.length; s++) {
      if (physics.runUpTiles[s]! > nextRunUp) continue;
      const fall = table.falls[s]![direction === 1 ? 0 : 1]!;
      scratch.length = 0;
      scratch.push(nc, row);
      const outcome = follow(from, fall, nc, row);
      if (outcome === 'goal') {
        goal = { state: from, cells: scratch.slice() };
        return true;
      }
      arrive(from, outcome, direction === 1 && !walled ? physics.runUpTiles[s]! : 0);
    }
    return false;
  };

  // Every standing spot in the first columns is a start (SMB2J draws its start castle in bricks,
  // so the lowest spot can be walled in); ground level first, so paths prefer it.
  for (const cell of starts) {
    scratch.length = 0;
    scratch.push(cell.col, cell.row);
    discover(-1, cell.col, cell.row, 0, STAND);
    if (cell.col === width - 1 && !goal) goal = { state: lastQueued, cells: [] };
  }

  const next = (): number => {
    for (let runUp = runUps - 1; runUp >= 0; runUp--) {
      const q = queues[runUp]!;
      while (q.head < q.tail) {
        const id = q.items[q.head++]!;
        const slot = Math.floor(id / 2 / runUps) * 2 + (id % 2);
        if (bestRunUp[slot] === runUp) return id;
      }
    }
    return -1;
  };

  // Rightward moves of every reachable state come first; a state's leftward moves (walking back,
  // jumping left) are tried only once nothing new is reachable without them. Most levels never
  // need them, and they are a third of all arcs.
  const leftPending: number[] = [];
  const arcsFor = (kind: number) => (kind === BOUNCE ? table.bounces : table.jumps);
  search: while (!goal) {
    let id = next();
    const leftward = id < 0;
    if (leftward) {
      if (leftPending.length === 0) break;
      id = leftPending.pop()!;
    } else {
      leftPending.push(id);
    }
    const kind = id % 2;
    const runUp = Math.floor(id / 2) % runUps;
    const cellIndex = Math.floor(id / 2 / runUps);
    const col = cellIndex % width;
    const row = Math.floor(cellIndex / width) - SKY_ROWS;
    if (leftward) {
      if (kind === STAND && tryWalk(id, col, row, -1, runUp)) break;
      for (let s = 0; s < physics.airSpeeds.length; s++) {
        if (physics.runUpTiles[s] !== 0) continue;
        for (const arc of arcsFor(kind)[s]![1]!) if (tryArc(id, arc, col, row)) break search;
      }
      continue;
    }
    if (kind === STAND && tryWalk(id, col, row, 1, runUp)) break;
    for (let s = 0; s < physics.airSpeeds.length; s++) {
      if (physics.runUpTiles[s]! > runUp) continue;
      for (const arc of arcsFor(kind)[s]![0]!) if (tryArc(id, arc, col, row)) break search;
    }
  }

  const finish = goal as { state: number; cells: number[] } | null;
  const end = finish ?? { state: best.state, cells: [] };
  const path = buildPath(end.state, end.cells, parent, segments);
  const from = path[0] ?? start;
  if (finish) {
    return { playable: true, path, reachedColumn: width - 1, reason: 'reached the rightmost column', start: from };
  }
  const stuckAt = path.at(-1) ?? start;
  return { playable: false, path, reachedColumn: best.col, reason: stuckReason(stuckAt.col, stuckAt.row, width, height, flagAt), start: from };
}

/**
 * Where the checker may start: standing spots in the first `startColumns` columns (default 3),
 * lowest first. Empty means checkPlayability fails at once ("no ground to start on"), so callers
 * that pin a level's first columns ask this before asking for ensurePlayable.
 */
export function startCells(grid: LevelGrid, startColumns = 3): Cell[] {
  const flags = cellFlags(grid);
  const stride = grid.cols + 2;
  return findStarts(grid.cols, grid.rows, startColumns, (col, row) => flags[(row + TOP) * stride + col + 1]!);
}

/** Standing spots (open, not an enemy, solid below) in the first columns, lowest first. */
function findStarts(width: number, height: number, startColumns: number, flagAt: (c: number, r: number) => number): Cell[] {
  const starts: Cell[] = [];
  for (let row = height - 2; row >= -1; row--) {
    for (let col = 0; col < Math.min(startColumns, width); col++) {
      const standable = (flagAt(col, row) & (SOLID | HAZARD)) === 0 && (flagAt(col, row + 1) & SOLID) !== 0;
      if (standable) starts.push({ col, row });
    }
  }
  return starts;
}

/** Cells from the start (the root state's segment is its own cell) to the end of `tailCells`. */
function buildPath(state: number, tailCells: number[], parent: Int32Array, segments: (number[] | undefined)[]): Cell[] {
  const chunks: number[][] = [tailCells];
  for (let s = state; s >= 0; s = parent[s]!) chunks.push(segments[s] ?? []);
  const path: Cell[] = [];
  for (let i = chunks.length - 1; i >= 0; i--) {
    const chunk = chunks[i]!;
    for (let j = 0; j < chunk.length; j += 2) path.push({ col: chunk[j]!, row: chunk[j + 1]! });
  }
  return path;
}

/** Name what stops Mario standing at (row, col): a wall, or how far off the next foothold is. */
function stuckReason(col: number, row: number, width: number, height: number, flagAt: (c: number, r: number) => number): string {
  const solid = (c: number, r: number) => (flagAt(c, r) & SOLID) !== 0;
  const prefix = `stuck at column ${col}`;
  if (solid(col + 1, row)) {
    let top = row;
    while (top - 1 >= 0 && solid(col + 1, top - 1)) top--;
    return `${prefix}: a wall ${row - top + 1} tile(s) high in column ${col + 1}, too high to jump onto`;
  }
  if (flagAt(col + 1, row) & HAZARD) return `${prefix}: an enemy in column ${col + 1} with no room to jump over or onto it`;
  for (let c = col + 1; c < width; c++) {
    let foothold = -1;
    for (let r = height - 2; r >= -1 && foothold < 0; r--) if (solid(c, r + 1) && !solid(c, r)) foothold = r;
    if (foothold < 0) continue;
    const rise = row - foothold;
    const level = rise > 0 ? `${rise} tile(s) higher` : rise < 0 ? `${-rise} tile(s) lower` : 'at the same height';
    return `${prefix}: the next ground is ${c - col} column(s) on and ${level}, out of jump reach (or guarded by enemies)`;
  }
  return `${prefix}: no ground to the right`;
}
