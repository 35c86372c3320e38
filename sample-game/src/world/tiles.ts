/** Level tile ids (SMB legend, the level model's channel order) and what the game does with them. */
import { TILE } from '../../../src/levels/legend.ts';

export { TILE };
export const LEVEL_ROWS = 14;
export const SOLID = new Set<number>([TILE.ground, TILE.brick, TILE.question, TILE.usedQuestion, TILE.pipeTopLeft, TILE.pipeTopRight, TILE.pipeLeft, TILE.pipeRight, TILE.cannonTop, TILE.cannonBottom]);
/** Cells that become objects (enemies, coins) rather than map tiles. */
export const SPAWNS = new Set<number>([TILE.enemy, TILE.coin]);
