/**
 * `npm run levels:checker [-- file.txt ...]`: the playability checker against the reference agent
 * (src/levels/agent.ts). With no files it plays the 37 training levels (../shared/data) and prints
 * the rate at which the checker rejects them; with VGLC files (e.g. `generate level --format vglc`)
 * it plays those. Each line: checker verdict and ms, agent verdict; a level the checker passes and
 * the agent does not beat is flagged. The card's figure (models/level-smb.md) comes from here.
 * `--agent`, `--jump-scale`, `--speed-scale`, `--run-up`, `--no-landing-momentum`, `--tall`: checker
 * margins tried against issue 15's levels (models/level-smb.md); see --help.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import { playLevel as playWith, type AgentOptions } from '../src/levels/agent.ts';
import { isHazard, parseVglc, type LevelGrid } from '../src/levels/legend.ts';
import { checkPlayability as checkWith, SMB_PHYSICS, type JumpPhysics } from '../src/levels/playability.ts';
import { loadTrainingLevels } from '../src/levels/training-data.ts';

function checkMs(grid: LevelGrid): number {
  for (let i = 0; i < 3; i++) checkPlayability(grid); // JIT warm-up
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) checkPlayability(grid);
  return (performance.now() - t0) / 10;
}

const program = new Command('levels:checker')
  .description('the playability checker against the reference agent, on the training levels or on VGLC files')
  .argument('[files...]', 'VGLC level files (default: the 37 training levels)')
  .option('--agent <json>', 'AgentOptions for the agent, e.g. {"bodyWidth":16,"framesPerMove":10}: a wider Mario, inputs held longer', '{}')
  .option('--jump-scale <k>', "scale the checker's take-off speeds (a physics margin: < 1 is more conservative)", '1')
  .option('--speed-scale <k>', "scale the checker's air speeds (the same, sideways)", '1')
  .option('--run-up <tiles>', "tiles of run-up before each air speed, comma-separated (SMB_PHYSICS: 0,0,0,1,2,3)")
  .option('--no-landing-momentum', 'landings keep no run-up (the checker option landingMomentum: false)')
  .option('--tall', 'check as a Mario two tiles tall: every open cell under a solid one counts as solid')
  .parse();
const opts = program.opts<{ agent: string; jumpScale: string; speedScale: string; runUp?: string; landingMomentum: boolean; tall?: boolean }>();
const files = program.args;
const agentOptions: AgentOptions = JSON.parse(opts.agent);
const physics: JumpPhysics = {
  ...SMB_PHYSICS,
  airSpeeds: SMB_PHYSICS.airSpeeds.map((v) => v * Number(opts.speedScale)),
  runUpTiles: opts.runUp ? opts.runUp.split(',').map(Number) : SMB_PHYSICS.runUpTiles,
  jumpClasses: SMB_PHYSICS.jumpClasses.map((c) => ({ ...c, initialSpeed: c.initialSpeed * Number(opts.jumpScale) })),
};
/** The level as a two-tile-tall Mario meets it: each ceiling a tile lower (enemies left as they are). */
function tallMario(grid: LevelGrid): LevelGrid {
  const solid = grid.legend.findIndex((t) => t.solid);
  const cells = grid.cells.slice();
  for (let k = grid.cols; k < cells.length; k++) {
    const tile = grid.legend[grid.cells[k]!]!;
    const open = !tile.solid && !isHazard(tile);
    if (open && grid.legend[grid.cells[k - grid.cols]!]!.solid) cells[k] = solid;
  }
  return { ...grid, cells };
}
const checkPlayability = (grid: LevelGrid) =>
  checkWith(opts.tall ? tallMario(grid) : grid, { physics, landingMomentum: opts.landingMomentum });
const playLevel = (grid: LevelGrid) => playWith(grid, agentOptions);
const levels = files.length
  ? files.map((f) => ({ name: basename(f), grid: parseVglc(readFileSync(f, 'utf8')) }))
  : loadTrainingLevels().map(({ name, grid }) => ({ name, grid }));
let rejected = 0;
let beaten = 0;
let disagree = 0;
const times: number[] = [];
for (const { name, grid } of levels) {
  const check = checkPlayability(grid);
  const ms = checkMs(grid);
  times.push(ms);
  const agent = playLevel(grid);
  if (!check.playable) rejected++;
  if (agent.beaten) beaten++;
  const flag = check.playable && !agent.beaten ? '\tPASSED BUT NOT BEATEN' : '';
  if (flag) disagree++;
  const verdict = check.playable ? 'passes' : `rejects (${check.reason})`;
  console.log(`${name}\t${grid.cols} cols\tchecker ${verdict}, ${ms.toFixed(1)} ms\tagent ${agent.beaten ? 'beats it' : `stuck at column ${agent.reachedColumn}`} (${agent.expanded} states)${flag}`);
}
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(`checker rejects ${rejected}/${levels.length} (${((100 * rejected) / levels.length).toFixed(1)}%); agent beats ${beaten}/${levels.length}; passed but not beaten: ${disagree}; checker ${mean.toFixed(1)} ms per level (mean)`);
