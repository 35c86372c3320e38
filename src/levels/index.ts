/**
 * Model-independent level code: legend and grid helpers, the playability checker, structure
 * checks and repair, quality metrics and exporters. Browser-safe; the Node-only training-data
 * loader is imported directly from './training-data.ts' so bundles never pull in node:fs.
 */
export {
  SMB_LEGEND, TILE, LEVEL_ROWS, isHazard, createGrid, cloneGrid, tileAt, setTile, gridFromRows, sliceColumns,
  tileId, tileChar, parseVglc,
} from './legend.ts';
export type { LevelGrid, TileInfo, Legend, ParseOptions } from './legend.ts';
export { checkPlayability, startCells } from './playability.ts';
export type { Cell, PlayabilityResult, PlayabilityOptions } from './playability.ts';
export { SMB_PHYSICS, WALKING_PHYSICS } from './physics.ts';
export type { JumpPhysics, JumpClass } from './physics.ts';
export { findBrokenStructures, repairStructures } from './structure.ts';
export type { BrokenStructure, StructureProblem } from './structure.ts';
export { novelty, kl, klBaseline, klDivergence, patternCounts, brokenStructureRate } from './metrics.ts';
export type { NoveltyOptions, KlOptions } from './metrics.ts';
export { toRows, toVglc, toTmj, tileColour, levelPreview, levelPreviewPng, legendTileset } from './export.ts';
