/**
 * Loading: downloads the models and generates this world's sprites, tiles and first level chunk,
 * all in the worker. The bar is real: model bytes first, then sampler steps of every request.
 */
import Phaser from 'phaser';
import type { Progress } from '../../../src/runtime/types.ts';
import { loadWorldAssets, type Task } from '../world-assets.ts';
import { LevelStream } from '../world/stream.ts';
import { label, sessionOf } from './shared.ts';
import { generationOf } from '../session.ts';

export class LoadingScene extends Phaser.Scene {
  private tasks: Task[] = [];
  private bytes = new Map<string, { loaded: number; total: number }>();

  constructor() {
    super('loading');
  }

  create(): void {
    const session = sessionOf(this);
    const { width, height } = this.scale;
    this.tasks = [];
    this.bytes.clear();
    this.add.rectangle(0, 0, width, height, 0x101830).setOrigin(0);
    label(this, width / 2, 140, `Dreaming up world ${session.seed}…`, 24).setOrigin(0.5);
    const barWidth = width - 160;
    this.add.rectangle(80, 220, barWidth, 24, 0x303850).setOrigin(0, 0.5);
    const bar = this.add.rectangle(80, 220, 0, 24, 0x60d060).setOrigin(0, 0.5);
    const detail = label(this, width / 2, 260, 'starting the worker…', 14, '#a0b0d0').setOrigin(0.5);

    session.stream?.destroy();
    let unlisten = (): void => undefined;
    const run = async (): Promise<void> => {
      const generation = await generationOf(session, this.game);
      unlisten = generation.onProgress((p: Progress) => {
        if (p.phase === 'download') this.bytes.set(p.model, { loaded: p.loaded, total: p.total });
      });
      const stream = new LevelStream(generation, session.seed);
      session.stream = stream;
      const levelTask: Task = { label: 'level', fraction: 0 };
      this.tasks.push(levelTask);
      const onLevel = (p: Progress): void => void (p.phase === 'sample' && (levelTask.fraction = Math.min(0.99, p.step / p.steps)));
      const [art] = await Promise.all([loadWorldAssets(this, generation, session.seed, this.tasks), stream.first(onLevel).finally(() => (levelTask.fraction = 1))]);
      session.art = art;
    };

    const draw = (): void => {
      const { fraction, text } = this.progress();
      bar.width = barWidth * fraction;
      detail.setText(text);
    };
    // Scene events outlive a shutdown: without the off() a restart would draw into destroyed texts.
    this.events.on('update', draw);
    this.events.once('shutdown', () => this.events.off('update', draw));
    run().then(
      () => {
        unlisten();
        this.scene.start('play');
      },
      (e: Error) => {
        unlisten();
        console.warn(`loading failed: ${e.name}: ${e.message}`);
        detail.setText(`${e.name}: ${e.message}`).setColor('#ff8080');
        label(this, width / 2, 320, '[ Enter ] back to the title', 16).setOrigin(0.5);
        this.input.keyboard!.once('keydown-ENTER', () => this.scene.start('title'));
      },
    );
  }

  /** A quarter of the bar for model bytes (when any are downloaded), the rest for sampler steps. */
  private progress(): { fraction: number; text: string } {
    let loaded = 0;
    let total = 0;
    for (const b of this.bytes.values()) (loaded += b.loaded), (total += b.total);
    const tasks = this.tasks.length ? this.tasks.reduce((s, t) => s + t.fraction, 0) / this.tasks.length : 0;
    const downloading = total > 0 && loaded < total;
    const fraction = total > 0 ? 0.25 * (loaded / total) + 0.75 * tasks : tasks;
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const done = this.tasks.filter((t) => t.fraction >= 1).length;
    const text = downloading ? `downloading models: ${mb(loaded)} / ${mb(total)} MB` : `generating: ${done} / ${this.tasks.length} done (${Math.round(tasks * 100)}% of sampler steps)`;
    return { fraction, text };
  }
}
