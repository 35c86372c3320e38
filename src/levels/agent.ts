/**
 * A reference agent for the playability checker: it plays a level frame by frame with SMB's
 * movement numbers and a real hitbox, searching over input sequences. The checker
 * (playability.ts) is the fast one that runs after every sample; this one is the slow judge that
 * tests and `npm run levels:agent` use to check that what the checker passes can really be beaten.
 *
 * Simulation (small Mario, pixels, y down, 60 frames/s; numbers from SMB's tables, see physics.ts):
 * - Body 12 px wide, 15 px tall for walls; head and feet 10 px wide (SMB tests two foot points
 *   3 and 12 px in from the sprite's left edge). A head hitting a block zeroes the upward speed
 *   (a bonk); landing keeps the horizontal speed.
 * - Ground: running acceleration 0.0557 px/frame² up to 2.5 px/frame (B always held), release
 *   deceleration 0.0508, skidding 0.1016. Air: the same accelerations steer, capped at the
 *   take-off cap (walking 1.5 unless Mario took off faster); no drag.
 * - Jumps: SMB's take-off classes by horizontal speed (SMB_PHYSICS.jumpClasses), button held
 *   for any number of frames; a fresh press is needed for each jump. Falls are capped at 4 px/frame.
 * - Enemies are static 12x13 boxes in their cells: touching one kills, except falling onto it
 *   from above, which bounces Mario up at 4 px/frame, higher with A held (the enemy stays: the
 *   agent never walks through a stomped enemy). The screen scrolls one way: Mario cannot go back more than 7 tiles
 *   left of the furthest he has been.
 *
 * Search: weighted A* over states (position, speeds, ground, button) quantised for the visited
 * set, each move one input held for a few frames, capped at `maxStates` expansions. A path it
 * finds is a real input sequence of this simulation; a level it gives up on may still be
 * beatable (the search is bounded), which tests report as "not beaten" rather than "unbeatable".
 */
import { startCells } from './playability.ts';
import { SMB_PHYSICS } from './physics.ts';
import type { LevelGrid } from './legend.ts';
import { isHazard } from './legend.ts';

const T = 16;
const RUN_ACC = 0xe4 / 4096;
const WALK_ACC = 0x98 / 4096;
const RELEASE_DEC = 0xd0 / 4096;
const SKID_DEC = 0x1a0 / 4096;
const MAX_WALK = 1.5;
const MAX_RUN = 2.5;
const BODY_W = 12;
const BODY_H = 15;
/** Head/feet span inside the body: x + FOOT_L .. x + W - 2 inclusive (10 px of a 12-px body). */
const FOOT_L = 1;
const STOMP_SPEED = 4;
const SCROLL_BACK = 7 * T;
/** Rows above the map counted in the per-cell cap (higher is clamped to the top one). */
const SKY = 8;

export interface AgentOptions {
  /** Expansion cap (default 400 000). */
  maxStates?: number;
  /** Frames each input is held (default 3). */
  framesPerMove?: number;
  /** Body width in px (default 12, SMB's side points; 13-14 leaves a margin for engine differences). */
  bodyWidth?: number;
  /** States expanded per tile cell of Mario's centre (default 1000). */
  perCell?: number;
  /** Weight on the distance left in the A* priority (default 3: greedier than optimal). */
  weight?: number;
}

export interface AgentResult {
  beaten: boolean;
  /** Furthest column Mario's centre reached. */
  reachedColumn: number;
  expanded: number;
  /** Frames of the winning input sequence (0 when not beaten). */
  frames: number;
  /** Inputs of the winning sequence, one per move: 'L', 'R', '.', lower case = A held. */
  inputs: string;
  /** Mario's body (left x, feet y, px) after each move of the winning sequence (or of the way to the furthest spot). */
  trace: Array<{ x: number; y: number }>;
}

interface State {
  x: number;
  y: number;
  vx: number;
  vy: number;
  ground: boolean;
  aHeld: boolean;
  /** Jump class index while airborne from a jump (gravities), -1 when falling or bounced. */
  jc: number;
  airCap: number;
  maxX: number;
  frames: number;
  parent: State | null;
  input: number;
}

const SOLID = 1;
const HAZARD = 2;

/** Per-cell flags; outside the map: a wall left of column 0, open sky above and pit below. */
function makeFlags(grid: LevelGrid) {
  const byId = grid.legend.map((tile) => (tile.solid ? SOLID : isHazard(tile) ? HAZARD : 0));
  const flags = new Uint8Array(grid.rows * grid.cols);
  for (let k = 0; k < flags.length; k++) flags[k] = byId[grid.cells[k]!] ?? 0;
  return (col: number, row: number): number => {
    if (col < 0) return SOLID;
    if (row < 0 || row >= grid.rows || col >= grid.cols) return 0;
    return flags[row * grid.cols + col]!;
  };
}

/** Play the level; see the module comment for the model and the search. */
export function playLevel(grid: LevelGrid, options: AgentOptions = {}): AgentResult {
  const maxStates = options.maxStates ?? 400_000;
  const framesPerMove = options.framesPerMove ?? 3;
  const weight = options.weight ?? 3;
  const perCellCap = options.perCell ?? 1000;
  const W = options.bodyWidth ?? BODY_W;
  const footR = W - 2;
  const flagAt = makeFlags(grid);
  const goalX = (grid.cols - 1) * T - W / 2;
  const deathY = (grid.rows + 1) * T;

  const solidIn = (x0: number, x1: number, y0: number, y1: number): boolean => {
    for (let r = Math.floor(y0 / T); r <= Math.floor(y1 / T); r++) {
      for (let c = Math.floor(x0 / T); c <= Math.floor(x1 / T); c++) if (flagAt(c, r) & SOLID) return true;
    }
    return false;
  };
  const bodyHits = (x: number, y: number) => solidIn(x, x + W - 0.001, y - BODY_H, y - 0.001);
  const supported = (x: number, y: number) => y % T === 0 && solidIn(x + FOOT_L, x + footR, y, y);
  /** 0 clear, 1 stomp, 2 dead. */
  const enemyContact = (x: number, y: number, prevY: number, vy: number): number => {
    let result = 0;
    for (let r = Math.floor((y - BODY_H) / T); r <= Math.floor((y - 0.001) / T); r++) {
      for (let c = Math.floor(x / T); c <= Math.floor((x + W - 0.001) / T); c++) {
        if (!(flagAt(c, r) & HAZARD)) continue;
        const left = c * T + 2, right = c * T + 14, top = r * T + 3;
        if (x + W <= left || x >= right || y <= top) continue;
        if (vy > 0 && prevY <= top + 4) result = 1;
        else return 2;
      }
    }
    return result;
  };

  /** One frame; returns false when Mario dies. Mutates s. */
  const step = (s: State, dir: number, a: boolean): boolean => {
    // Horizontal speed.
    if (s.ground) {
      if (dir === 0) s.vx = Math.sign(s.vx) * Math.max(0, Math.abs(s.vx) - RELEASE_DEC);
      else if (s.vx * dir < 0) s.vx += dir * SKID_DEC;
      else s.vx = dir * Math.min(MAX_RUN, Math.abs(s.vx) + RUN_ACC);
    } else if (dir !== 0) {
      const fast = Math.abs(s.vx) >= MAX_WALK;
      if (s.vx * dir >= 0) s.vx = dir * Math.min(s.airCap, Math.abs(s.vx) + (fast ? RUN_ACC : WALK_ACC));
      else s.vx += dir * RELEASE_DEC;
    }
    // Take-off on a fresh press.
    if (s.ground && a && !s.aHeld) {
      const speed = Math.abs(s.vx);
      let jc = 0;
      SMB_PHYSICS.jumpClasses.forEach((c, i) => { if (speed >= c.minSpeed) jc = i; });
      s.jc = jc;
      s.vy = -SMB_PHYSICS.jumpClasses[jc]!.initialSpeed;
      s.ground = false;
      s.airCap = speed > MAX_WALK ? MAX_RUN : MAX_WALK;
    }
    s.aHeld = a;
    // Move horizontally; walls stop Mario (and his speed).
    const minX = Math.max(0, s.maxX - SCROLL_BACK);
    let nx = Math.max(minX, s.x + s.vx);
    if (bodyHits(nx, s.y)) {
      nx = s.vx > 0 ? Math.floor((nx + W) / T) * T - W : Math.ceil(nx / T) * T;
      if (bodyHits(nx, s.y)) nx = s.x;
      s.vx = 0;
    }
    s.x = nx;
    if (s.x > s.maxX) s.maxX = s.x;
    // Vertical.
    if (s.ground && !supported(s.x, s.y)) { s.ground = false; s.vy = 0; s.jc = -1; }
    if (!s.ground) {
      const prevY = s.y;
      const jc = SMB_PHYSICS.jumpClasses[Math.max(0, s.jc)]!;
      const holding = a && s.jc >= 0 && s.vy < 0;
      let ny = s.y + s.vy;
      s.vy = Math.min(SMB_PHYSICS.maxFallSpeed, s.vy + (holding ? jc.holdGravity : jc.fallGravity));
      if (ny > prevY) {
        const boundary = Math.floor(ny / T) * T;
        if (boundary >= prevY && solidIn(s.x + FOOT_L, s.x + footR, boundary, boundary) && !bodyHits(s.x, boundary)) {
          ny = boundary;
          s.ground = true;
          s.vy = 0;
          s.jc = -1;
        }
      } else if (ny < prevY) {
        const head = ny - BODY_H - 1;
        if (solidIn(s.x + FOOT_L, s.x + footR, head, head)) {
          ny = (Math.floor(head / T) + 1) * T + BODY_H + 1;
          s.vy = 0;
        }
      }
      if (bodyHits(s.x, ny)) {
        // A corner caught the body's side: drop back and lose the speed into it.
        ny = prevY;
        if (s.vy < 0) s.vy = 0;
      }
      s.y = ny;
      const contact = enemyContact(s.x, s.y, prevY, ny - prevY);
      if (contact === 2) return false;
      // SMB sets the upward speed to 4 on a stomp; holding A then uses the jump's own gravity.
      if (contact === 1) { s.vy = -STOMP_SPEED; s.jc = Math.max(0, s.jc); }
      if (s.y > deathY) return false;
    } else if (enemyContact(s.x, s.y, s.y, 0) === 2) return false;
    s.frames++;
    return true;
  };

  // Quantised for the visited set: 1 px, 1/4 px/frame across, 1/2 px/frame up and down.
  const key = (s: State) =>
    ((((Math.round(s.x) * 512 + Math.round(s.y) + 128) * 32 + Math.round(s.vy * 2) + 12) * 32 + Math.round(s.vx * 4) + 12) * 4 +
      (s.ground ? 2 : 0) + (s.aHeld ? 1 : 0)) * 4 + s.jc + 1;

  const heap = new MinHeap<State>();
  const seen = new Set<number>();
  const priority = (s: State) => s.frames + (weight * (goalX - s.x)) / MAX_RUN;
  for (const cell of startCells(grid)) {
    const s: State = { x: cell.col * T + 2, y: (cell.row + 1) * T, vx: 0, vy: 0, ground: true, aHeld: false, jc: -1, airCap: MAX_WALK, maxX: cell.col * T + 2, frames: 0, parent: null, input: -1 };
    heap.push(priority(s), s);
  }
  const cellRows = grid.rows + SKY + 2;
  const perCell = new Uint16Array((grid.cols + 1) * cellRows);
  let expanded = 0;
  let furthest: State | null = null;
  while (heap.size > 0 && expanded < maxStates) {
    const s = heap.pop()!;
    const k = key(s);
    if (seen.has(k)) continue;
    seen.add(k);
    // A few dozen ways through each cell are plenty; more only feed a dead end.
    const cell = Math.floor((s.x + W / 2) / T) * cellRows + Math.min(cellRows - 1, Math.max(0, Math.floor((s.y - 1) / T) + SKY));
    if (perCell[cell]! >= perCellCap) continue;
    perCell[cell]!++;
    expanded++;
    if (!furthest || s.x > furthest.x) furthest = s;
    if (s.x >= goalX) return { beaten: true, reachedColumn: grid.cols - 1, expanded, frames: s.frames, inputs: inputsOf(s), trace: traceOf(s) };
    for (let input = 0; input < 6; input++) {
      const dir = (input % 3) - 1;
      const a = input >= 3;
      const n: State = { ...s, parent: s, input };
      let alive = true;
      for (let f = 0; f < framesPerMove && alive; f++) alive = step(n, dir, a);
      if (alive && !seen.has(key(n))) heap.push(priority(n), n);
    }
  }
  const reached = furthest ? Math.floor((furthest.x + W / 2) / T) : -1;
  return { beaten: false, reachedColumn: reached, expanded, frames: 0, inputs: furthest ? inputsOf(furthest) : '', trace: furthest ? traceOf(furthest) : [] };
}

const INPUT_CHARS = ['L', '.', 'R', 'l', 'a', 'r'];

function inputsOf(s: State): string {
  const out: string[] = [];
  for (let n: State | null = s; n && n.input >= 0; n = n.parent) out.push(INPUT_CHARS[n.input]!);
  return out.reverse().join('');
}

function traceOf(s: State): Array<{ x: number; y: number }> {
  const out: Array<{ x: number; y: number }> = [];
  for (let n: State | null = s; n; n = n.parent) out.push({ x: n.x, y: n.y });
  return out.reverse();
}

/** A binary min-heap keyed by number. */
class MinHeap<V> {
  private keys: number[] = [];
  private values: V[] = [];
  get size(): number { return this.keys.length; }
  push(k: number, v: V): void {
    const { keys, values } = this;
    let i = keys.length;
    keys.push(k); values.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= k) break;
      keys[i] = keys[p]!; values[i] = values[p]!;
      i = p;
    }
    keys[i] = k; values[i] = v;
  }
  pop(): V | undefined {
    const { keys, values } = this;
    if (keys.length === 0) return undefined;
    const top = values[0];
    const k = keys.pop()!, v = values.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const c = l + 1 < n && keys[l + 1]! < keys[l]! ? l + 1 : l;
        if (keys[c]! >= k) break;
        keys[i] = keys[c]!; values[i] = values[c]!;
        i = c;
      }
      keys[i] = k; values[i] = v;
    }
    return top;
  }
}
