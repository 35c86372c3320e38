/**
 * The jump physics of the playability checker (playability.ts): SMB's movement tables, and the
 * jump and fall arcs they give, traced once per physics table as unit steps between tile cells.
 */
/** One take-off class of SMB's jump tables (indexed by horizontal speed at take-off). */
export interface JumpClass {
  /** Lowest take-off speed (px/frame) that gets this class. */
  minSpeed: number;
  /** Initial upward speed, px/frame. */
  initialSpeed: number;
  /** Gravity while rising with the button held, px/frame². */
  holdGravity: number;
  /** Gravity once falling or the button is released, px/frame². */
  fallGravity: number;
}

export interface JumpPhysics {
  tilePx: number;
  maxFallSpeed: number;
  /** Upward speed after stomping an enemy, px/frame (SMB: 4, not the take-off class's 5). */
  stompSpeed: number;
  /** Constant horizontal air speeds tried, px/frame. */
  airSpeeds: readonly number[];
  /** Tiles of rightward run-up needed before each air speed is available (same order). */
  runUpTiles: readonly number[];
  jumpClasses: readonly JumpClass[];
  /** Frames the jump button is held (Infinity = until the apex): short hops to full jumps. */
  holdFrames: readonly number[];
}

/**
 * Classic SMB movement, 60 frames/s, 16-px tiles. The constants are the game's own tables as the
 * community disassembly of SMB (doppelganger's SMBDIS.ASM) lists them: take-off speed classes
 * by Player_XSpeedAbsolute < $10 / < $19 / above, PlayerYSpdData ($fc, $fc, $fb = -4, -4, -5
 * px/frame), JumpMForceData ($20, $1e, $28 /256 px/frame², gravity while A is held and rising),
 * FallMForceData ($70, $60, $90 /256), walk/run speed caps $18/$28 (1.5/2.5 px/frame), falls
 * capped at 4 px/frame. The run-up lengths are v²/2a with SMB's running acceleration ($E4 in
 * FrictionData, ~0.056 px/frame²), rounded down because Mario keeps accelerating in the air.
 *
 * What they give in this tile model (asserted in tests/levels/playability.test.ts):
 * - jump height: 4 tiles from a standstill or walking (64 px), 5 with a run-up (80 px);
 * - gaps cleared on flat ground: 3 tiles from a standstill, 4 at walking pace, 8 at full run
 *   (3 tiles of run-up).
 * The real game clears a little more (Mario's 12-px hitbox may overhang an edge; he can steer in
 * the air). The A* agent of the Mario AI framework (Baumgarten), behind MarioGPT's playability
 * figure, simulates the real physics. Pass `{ physics: WALKING_PHYSICS }` for a cautious
 * checker (no running jumps: 4-tile gaps): only 11 of the 37 training levels pass it.
 */
export const SMB_PHYSICS: JumpPhysics = {
  tilePx: 16,
  maxFallSpeed: 4,
  stompSpeed: 4,
  airSpeeds: [0, 0.5, 1, 1.5, 2, 2.5],
  runUpTiles: [0, 0, 0, 1, 2, 3],
  jumpClasses: [
    { minSpeed: 0, initialSpeed: 4, holdGravity: 0x20 / 256, fallGravity: 0x70 / 256 },
    { minSpeed: 0x10 / 16, initialSpeed: 4, holdGravity: 0x1e / 256, fallGravity: 0x60 / 256 },
    { minSpeed: 0x19 / 16, initialSpeed: 5, holdGravity: 0x28 / 256, fallGravity: 0x90 / 256 },
  ],
  holdFrames: [0, 4, 8, 12, 16, 20, 24, Infinity],
};

/** SMB physics without running jumps: at most walking speed (1.5 px/frame) in the air. */
export const WALKING_PHYSICS: JumpPhysics = {
  ...SMB_PHYSICS,
  airSpeeds: SMB_PHYSICS.airSpeeds.slice(0, 4),
  runUpTiles: SMB_PHYSICS.runUpTiles.slice(0, 4),
};

/** An arc as unit cell steps from the take-off cell; `falling[i]` = moving down at step i. */
export interface Arc {
  dx: Int8Array;
  dy: Int8Array;
  falling: Uint8Array;
  /** Index into physics.airSpeeds (sets the run-up kept after landing). */
  speed: number;
  direction: 1 | -1;
}

export interface ArcTable {
  /** jumps[speed][direction === 1 ? 0 : 1]: every hold variant, duplicates removed. */
  jumps: Arc[][][];
  /** falls[speed][dir]: dropping from rest vertically (walking off a ledge, a head bump). */
  falls: Arc[][];
  /** bounces[speed][dir]: off a stomped enemy, every hold variant (SMB: 4 px/frame up, whatever the speed). */
  bounces: Arc[][][];
  maxRunUp: number;
}

/** Rows of open sky tracked above the map (a 5-tile jump from the top row stays inside). */
export const SKY_ROWS = 6;
/** Arcs are traced until they have dropped this far below take-off: always off the map. */
const MAX_DROP = 40;

function jumpClassFor(physics: JumpPhysics, speed: number): JumpClass {
  let chosen = physics.jumpClasses[0]!;
  for (const jc of physics.jumpClasses) if (speed >= jc.minSpeed) chosen = jc;
  return chosen;
}

/** Trace Mario's centre (x) and feet (y) frame by frame and keep each change of cell. */
function traceArc(physics: JumpPhysics, speedIndex: number, direction: 1 | -1, upward: number, holdFrames: number): Arc {
  const vx = physics.airSpeeds[speedIndex]! * direction;
  const jc = jumpClassFor(physics, Math.abs(vx));
  let x = 0.5;
  let feet = 1;
  let vy = -upward;
  let col = 0;
  let row = 0;
  const dx: number[] = [];
  const dy: number[] = [];
  const falling: number[] = [];
  for (let frame = 0; row < MAX_DROP; frame++) {
    const holding = frame < holdFrames && vy < 0;
    x += vx / physics.tilePx;
    feet += vy / physics.tilePx;
    vy = Math.min(physics.maxFallSpeed, vy + (holding ? jc.holdGravity : jc.fallGravity));
    const newCol = Math.floor(x);
    const newRow = Math.ceil(feet) - 1;
    if (newCol !== col || newRow !== row) {
      dx.push(newCol - col);
      dy.push(newRow - row);
      falling.push(vy > 0 ? 1 : 0);
      col = newCol;
      row = newRow;
    }
    if (frame > 10_000) break; // a zero-gravity physics table would never come down
  }
  return { dx: Int8Array.from(dx), dy: Int8Array.from(dy), falling: Uint8Array.from(falling), speed: speedIndex, direction };
}

function arcKey(arc: Arc): string {
  return `${arc.dx.join(',')}|${arc.dy.join(',')}|${arc.falling.join('')}`;
}

const arcTables = new WeakMap<JumpPhysics, ArcTable>();

export function arcTable(physics: JumpPhysics): ArcTable {
  const cached = arcTables.get(physics);
  if (cached) return cached;
  const jumps: Arc[][][] = [];
  const falls: Arc[][] = [];
  const bounces: Arc[][][] = [];
  /** Every hold variant into `into`, duplicates (within that list) removed. */
  const variants = (s: number, direction: 1 | -1, upward: number, into: Arc[]) => {
    const seen = new Set<string>();
    for (const hold of physics.holdFrames) {
      const arc = traceArc(physics, s, direction, upward, hold);
      const key = arcKey(arc);
      if (seen.has(key)) continue;
      seen.add(key);
      into.push(arc);
    }
  };
  physics.airSpeeds.forEach((speed, s) => {
    const byDirection: Arc[][] = [[], []];
    const bounceByDirection: Arc[][] = [[], []];
    const fallByDirection: Arc[] = [];
    for (const direction of [1, -1] as const) {
      const d = direction === 1 ? 0 : 1;
      variants(s, direction, jumpClassFor(physics, speed).initialSpeed, byDirection[d]!);
      variants(s, direction, physics.stompSpeed, bounceByDirection[d]!);
      fallByDirection.push(traceArc(physics, s, direction, 0, 0));
    }
    jumps.push(byDirection);
    bounces.push(bounceByDirection);
    falls.push(fallByDirection);
  });
  const table = { jumps, falls, bounces, maxRunUp: Math.max(...physics.runUpTiles) };
  arcTables.set(physics, table);
  return table;
}
