/** Title: the world seed (keep it, or roll a new world), which backend will run, and start. */
import Phaser from 'phaser';
import { generationOf, setSeed, newSeed } from '../session.ts';
import { label, sessionOf } from './shared.ts';

async function probeBackend(device: string): Promise<string> {
  if (device === 'wasm') return 'wasm (WebGPU off)';
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  return adapter ? 'WebGPU' : 'wasm (no WebGPU adapter)';
}

export class TitleScene extends Phaser.Scene {
  constructor() {
    super('title');
  }

  create(): void {
    const session = sessionOf(this);
    const { width, height } = this.scale;
    this.add.rectangle(0, 0, width, height, 0x101830).setOrigin(0);
    label(this, width / 2, 90, 'DIFFUSION RUN', 48, '#ffd040').setOrigin(0.5);
    label(this, width / 2, 140, 'an endless platformer dreamt up by diffusion models, in your browser', 14, '#a0b0d0').setOrigin(0.5);
    const seedText = label(this, width / 2, 210, '', 22).setOrigin(0.5);
    const showSeed = (): void => void seedText.setText(`World seed: ${session.seed}`);
    showSeed();
    const start = label(this, width / 2, 270, '[ Enter ]  start', 22, '#80ff80').setOrigin(0.5).setInteractive({ useHandCursor: true });
    const roll = label(this, width / 2, 305, '[ N ]  new world', 18, '#c0c0ff').setOrigin(0.5).setInteractive({ useHandCursor: true });
    const crawl = label(this, width / 2, 335, '[ D ]  dungeon crawl (top-down roguelike)', 18, '#ffc080').setOrigin(0.5).setInteractive({ useHandCursor: true });
    label(this, width / 2, 375, 'Arrows / WASD move · Space jump · P / Esc pause', 14, '#a0a0a0').setOrigin(0.5);
    const backend = label(this, 12, height - 52, 'Backend: …', 14, '#a0d0ff');
    const models = label(this, 12, height - 28, 'Models: …', 14, '#a0d0ff');

    void probeBackend(session.options.device).then((b) => backend.active && backend.setText(`Backend: ${b}`));
    generationOf(session, this.game).then(
      (g) => {
        if (!models.active) return;
        const name = (kind: 'level' | 'sprite' | 'tile') => g.models[kind]?.id ?? (kind === 'level' ? 'procedural' : 'placeholder art');
        models.setText(
          g.stats.manifest === undefined
            ? 'Models: none on this site (no models/manifest.json; see models/README.md) · procedural level, placeholder art'
            : `Models: level ${name('level')} · sprites ${name('sprite')} · tiles ${name('tile')}`,
        );
      },
      (e: Error) => models.active && models.setText(`Models: ${e.name}: ${e.message}`).setColor('#ff8080'),
    );

    const go = (): void => {
      setSeed(session, session.seed);
      this.scene.start('loading');
    };
    const dungeon = (): void => {
      setSeed(session, session.seed);
      this.scene.start('dungeon');
    };
    const reroll = (): void => {
      session.seed = newSeed();
      showSeed();
    };
    start.on('pointerdown', go);
    roll.on('pointerdown', reroll);
    crawl.on('pointerdown', dungeon);
    this.input.keyboard!.on('keydown-D', dungeon);
    this.input.keyboard!.on('keydown-ENTER', go);
    this.input.keyboard!.on('keydown-SPACE', go);
    this.input.keyboard!.on('keydown-N', reroll);
    if (session.options.autostart) {
      session.options.autostart = false; // once: a later visit to the title waits for the player
      this.time.delayedCall(50, session.options.mode === 'dungeon' ? dungeon : go);
    }
  }
}
