/**
 * The `asset-diffusion` command. Exit codes: 0 ok; 2 bad input (one line naming the option and
 * its valid values, no stack trace, nothing written); 1 runtime failure.
 */
import { Command, CommanderError, Option } from 'commander';
import { DEVICES } from '../backend/onnx.ts';
import { InvalidRequestError, ManifestError } from '../errors.ts';
import { KINDS } from '../models/manifest.ts';
import { SAMPLERS } from '../runtime/request.ts';
import { createRuntime } from '../runtime/runtime.ts';
import { setLogger } from '../log.ts';
import { loadCliManifest } from './manifest.ts';
import { FORMATS } from './output.ts';
import { generateCommand } from './generate.ts';
import { evalLevelsCommand } from './eval.ts';
import { evalVariationsCommand } from './eval-variations.ts';
import { BAKE_DEVICES, bakeCommand } from './pack/bake.ts';
import { mergeCommand } from './pack/merge.ts';
import { PackInputError } from './pack/config.ts';

const NAME = 'asset-diffusion';

/** Request fields as CLI options, for error messages. */
const OPTION_OF: Record<string, string> = {
  kind: '<kind>',
  alphaThreshold: '--alpha-threshold',
  allowFragments: '--allow-fragments',
  request: 'request',
  ensurePlayable: '--ensure-playable',
  flatStart: '--flat-start',
  dataDir: '--data',
  pack: '<pack.json>',
};
const optionName = (field: string): string => OPTION_OF[field] ?? `--${field}`;

async function modelsCommand(flags: { manifest?: string; json?: boolean }): Promise<void> {
  const runtime = createRuntime({ manifest: loadCliManifest(flags.manifest, (m) => console.error(m)), cache: false });
  const models = await runtime.models();
  if (flags.json) {
    console.log(JSON.stringify(models, null, 1));
    return;
  }
  for (const m of models) {
    const { channels, height, width } = m.layout;
    console.log(`${m.id} (${m.kind} ${m.version}) ${channels}x${height}x${width}`);
    console.log(`  steps ${m.steps.default} (${m.steps.min}..${m.steps.max}), guidance ${m.guidance.default} (${m.guidance.min}..${m.guidance.max})`);
    if (m.classes.length) console.log(`  classes: ${m.classes.join(', ')}`);
    if (m.tiles) console.log(`  tiles: ${m.tiles.join(' ')}`);
  }
}

export function buildProgram(): Command {
  const program = new Command(NAME)
    .description('Generate game assets (tiles, sprites, level layouts) with small diffusion models')
    .exitOverride()
    .configureOutput({ writeErr: () => {} }) // errors are printed once, in main(), as one line
    .showSuggestionAfterError(false);

  program
    .command('generate')
    .description('generate sprites or tiles (a PNG sheet) or a level')
    .addArgument(program.createArgument('<kind>', 'what to make').choices(KINDS))
    .option('--model <id>', 'model id from the manifest (default: the first model of <kind>)')
    .option('--class <name>', 'class name (default: each item draws one from its seed)')
    .option('--count <n>', 'how many sprites/tiles/levels, 1..64', '1')
    .option('--seed <s>', 'integer seed 0..4294967295 (default: random, printed)')
    .option('--steps <k>', 'sampler steps (default from the manifest)')
    .option('--guidance <g>', 'classifier-free guidance scale (default from the manifest)')
    .addOption(new Option('--sampler <name>', 'sampler').choices(SAMPLERS))
    .option('--eta <eta>', 'DDIM stochasticity 0..1')
    .option('--width <w>', 'levels: width in columns, 16..10000 (default: one model window); wider levels are outpainted')
    .option('--constraints <json>', 'levels: pinned cells, JSON or @file: [{"row":r,"col":c,"tile":"X"}, {"rect":{"row":r,"col":c,"rows":h,"cols":w},"tile":"-"}]')
    .option('--ensure-playable', 'levels: regenerate failing regions until the SMB-physics checker passes (or fail)')
    .option('--flat-start <n>', 'levels: columns of flat ground pinned at the start (default 4; 0 = off)')
    .option('--attributes <list>', 'levels: what the level should be like, e.g. difficulty=0.8,enemies=many,pipes=none (numbers 0..1 or none/few/some/many; models that list attributes)')
    .option('--rooms <n>', 'levels of a dungeon model: rooms per dungeon, 2..64 (default 6)')
    .option('--allow-copies', 'levels of a dungeon model: keep rooms equal to a training room (default: sample them again)')
    .option('--palette <n>', 'sprites: quantise to n colours, 2..256')
    .option('--alpha-threshold <a>', 'sprites: alpha threshold 0..1')
    .option('--allow-fragments', "sprites: keep samples with fewer opaque pixels than the model's floor for their class (default: sample them again)")
    .option('--from <png>', "sprites, tiles: make variations of this image (the model's size; snapped to its palette)")
    .option('--strength <s>', 'with --from: 0 (the source) .. 1 (ordinary generation), default 0.5')
    .addOption(new Option('--format <format>', 'output format (default from the --out extension)').choices(FORMATS))
    .requiredOption('--out <file>', 'output file')
    .option('--manifest <path>', 'models manifest (default: models/manifest.json of this package)')
    .addOption(new Option('--device <device>', 'onnxruntime device').choices(DEVICES).default('auto'))
    .option('--no-progress', 'no progress bar')
    .action(generateCommand);

  const evaluate = program.command('eval').description('quality harnesses');
  evaluate
    .command('levels')
    .description('generate N levels with ensurePlayable and score them: playable_raw, playable, novelty, kl, kl_baseline, broken_structures, ms_per_level')
    .option('--count <n>', 'levels to generate', '50')
    .option('--width <w>', 'columns per level', '200')
    .option('--rooms <n>', 'dungeon models: rooms per dungeon, 2..64 (default 6)')
    .option('--allow-copies', 'dungeon models: no novelty guard (rooms equal to a training room are kept)')
    .option('--seed <s>', 'first seed (level i uses seed + i)', '1')
    .option('--steps <k>', 'sampler steps (default from the manifest)')
    .option('--guidance <g>', 'classifier-free guidance scale (default from the manifest)')
    .addOption(new Option('--sampler <name>', 'sampler').choices(SAMPLERS))
    .option('--eta <eta>', 'DDIM stochasticity 0..1 (default 0)')
    .option('--model <id>', 'level model id (default: the first level model)')
    .option('--class <name>', 'class for every level (level-smb: smb or smb2-japan; default: drawn from each seed)')
    .option('--attributes <names>', 'attribute sweep: comma-separated names or "all"; per attribute, --count levels asking for 0.1/0.3/0.5/0.7/0.9 in turn, scored by Spearman and mean error')
    .option('--data <dir>', 'VGLC training data folder (default: ../shared/data beside the package)')
    .option('--json', 'print one JSON object')
    .option('--manifest <path>', 'models manifest')
    .addOption(new Option('--device <device>', 'onnxruntime device').choices(DEVICES).default('auto'))
    .option('--no-progress', 'no progress lines on stderr')
    .action(evalLevelsCommand);
  evaluate
    .command('variations')
    .description('distance of variations (--from, --strength) to their source per strength: mean RGBA L1 and pixels changed')
    .addArgument(program.createArgument('<kind>', 'sprite or tile').choices(['sprite', 'tile']))
    .option('--from <pngs>', "comma-separated source PNGs (the model's size; default: the model's own samples)")
    .option('--sources <n>', 'without --from: how many model samples to use as sources', '8')
    .option('--seeds <n>', 'variations per source and strength', '4')
    .option('--seed <s>', 'seed of the source samples (variations of source i use seed + 1 + i)', '1')
    .option('--strengths <list>', 'comma-separated strengths', '0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1')
    .option('--model <id>', 'model id (default: the first model of <kind>)')
    .option('--class <name>', 'class for sources and variations (default: each model sample keeps its own; --from sources: unconditional)')
    .option('--steps <k>', 'sampler steps of the full schedule (default from the manifest)')
    .option('--sheet <png>', 'also write a sheet: per source (first 3), the source and 4 variations at 0.3, then at 0.6')
    .option('--json', 'print one JSON object')
    .option('--manifest <path>', 'models manifest')
    .addOption(new Option('--device <device>', 'onnxruntime device').choices(DEVICES).default('auto'))
    .option('--no-progress', 'no progress lines on stderr')
    .action(evalVariationsCommand);

  program
    .command('bake')
    .description('bake an asset pack (docs/PACK-FORMAT.md): sprite atlases, tilesets and levels as PNG, JSON, TMJ and VGLC files')
    .argument('<pack.json>', 'pack config')
    .requiredOption('--out <dir>', 'output folder (replaced atomically at the end)')
    .option('--shard <i/n>', 'bake only the items with index % n == i (join shards with merge)')
    .option('--json', 'print a JSON summary instead of the progress bar')
    .addOption(new Option('--device <device>', 'onnxruntime: auto (native CPU when installed, else wasm), native, wasm').choices(BAKE_DEVICES).default('auto'))
    .option('--manifest <path>', 'models manifest')
    .option('--no-progress', 'no progress bar')
    .action(bakeCommand);

  program
    .command('merge')
    .description('join the outputs of bake --shard runs into one pack')
    .argument('<dirs...>', 'shard output folders')
    .requiredOption('--out <dir>', 'output folder')
    .option('--json', 'print a JSON summary')
    .action(mergeCommand);

  program
    .command('models')
    .description('list the models, their classes or tiles, and step defaults')
    .option('--manifest <path>', 'models manifest')
    .option('--json', 'print JSON')
    .action(modelsCommand);

  return program;
}

/** Commander's messages, made into one line naming the option. */
function usageLine(e: CommanderError): string {
  return e.message.replace(/^error: /, '');
}

export async function main(argv: string[]): Promise<number> {
  setLogger({ warn: (m) => console.error(`${NAME}: warning: ${m}`), info: () => {} });
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      console.error(`${NAME}: ${usageLine(e)}`);
      return 2;
    }
    if (e instanceof PackInputError) {
      console.error(`${NAME}: ${e.message}`);
      return 2;
    }
    if (e instanceof InvalidRequestError) {
      const field = e.field;
      const message = `${optionName(field)}: ${e.message.slice(field.length + 2)}`;
      console.error(`${NAME}: ${message}`);
      return 2;
    }
    if (e instanceof ManifestError) {
      // The manifest is the user's file (--manifest, $ASSET_DIFFUSION_MANIFEST): a schema or JSON error in it is bad input.
      console.error(`${NAME}: --manifest: ${e.message}`);
      return 2;
    }
    const err = e as Error;
    console.error(`${NAME}: ${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`);
    if (process.env.DEBUG) console.error(err?.stack);
    return 1;
  }
}
