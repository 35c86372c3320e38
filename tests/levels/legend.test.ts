import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors.ts';
import { SMB_LEGEND, TILE, createGrid, gridFromRows, isHazard, parseVglc, sliceColumns, tileAt, tileChar, tileId } from '../../src/levels/legend.ts';
import { toRows, toVglc } from '../../src/levels/export.ts';
import { trainingLevels } from './helpers.ts';

describe('legend', () => {
  it('is smb.json in the channel order of models/data.py', () => {
    expect(SMB_LEGEND.map((t) => t.char).join('')).toBe('-XS?QE<>[]oBb');
    expect(SMB_LEGEND.filter((t) => t.solid).map((t) => t.char).join('')).toBe('XS?Q<>[]Bb');
    expect(SMB_LEGEND.filter(isHazard).map((t) => t.char)).toEqual(['E']);
    for (const [role, id] of Object.entries(TILE)) expect(SMB_LEGEND[id], role).toBeDefined();
  });

  it('maps chars and ids both ways, with named errors for unknown ones', () => {
    expect(tileId('<')).toBe(TILE.pipeTopLeft);
    expect(tileChar(TILE.cannonBottom)).toBe('b');
    expect(() => tileId('Z')).toThrow(InvalidRequestError);
    expect(() => tileChar(13)).toThrow(/unknown tile id 13/);
  });
});

describe('parseVglc', () => {
  it('reads like models/data.py read_level: bottom 14 rows, sky on top, ragged lines cut', () => {
    const tall = parseVglc(['oo', 'XX', ...Array(12).fill('--'), 'XX'].join('\n'));
    expect(tall.rows).toBe(14);
    expect(tileAt(tall, 0, 0)).toBe(TILE.ground); // of 15 rows the top one (coins) was dropped
    const short = parseVglc('-o-\nXXX\n');
    expect(short.rows).toBe(14);
    expect(toVglc(short).split('\n').slice(11, 14)).toEqual(['---', '-o-', 'XXX']);
    const ragged = parseVglc('XXXX\nXX\r\n\nXXX');
    expect(ragged.cols).toBe(2);
  });

  it('rejects unknown characters, naming line and column', () => {
    expect(() => parseVglc('--\n-Z')).toThrow(/unknown tile "Z" at line 2, column 2/);
    expect(() => parseVglc('\n\n')).toThrow(InvalidRequestError);
  });

  it('round-trips every training level through VGLC text', () => {
    const levels = trainingLevels();
    expect(levels).toHaveLength(37);
    expect(levels.filter((l) => l.game === 'smb')).toHaveLength(15);
    for (const { name, grid } of levels) {
      expect(grid.rows, name).toBe(14);
      expect(parseVglc(toVglc(grid)).cells, name).toEqual(grid.cells);
    }
    const smb11 = levels.find((l) => l.name === 'mario-1-1.txt')!.grid;
    expect(smb11.cols).toBe(202);
    // SMB2J 1-1 has 12 rows: two rows of sky are added on top.
    const j11 = levels.find((l) => l.name === 'SuperMarioBros2(J)-World1-1.txt')!.grid;
    expect(toVglc(j11).split('\n').slice(0, 2).every((line) => /^-+$/.test(line))).toBe(true);
  });
});

describe('grid helpers', () => {
  it('builds, slices and checks grids', () => {
    const grid = gridFromRows([[0, 1, 2], [3, 4, 5]]);
    expect(toRows(grid)).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(toRows(sliceColumns(grid, 1, 3))).toEqual([[1, 2], [4, 5]]);
    expect(tileAt(grid, -1, 0, 99)).toBe(99);
    expect(() => gridFromRows([[0, 1], [0]])).toThrow(/row 1 has 1 tiles/);
    expect(() => gridFromRows([[0, 13]])).toThrow(/tile id 13/);
    expect(createGrid(2, 3).cells).toHaveLength(6);
  });
});
