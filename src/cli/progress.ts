/**
 * The one progress bar of the CLI (`generate` and `bake`), on stderr and only on a terminal:
 * items done, the current item's phase (model bytes, sampling) and step, and an ETA from the mean
 * time per finished item (cli-progress's own ETA needs a steady rate; items differ in size).
 */
import cliProgress from 'cli-progress';
import type { Progress } from '../runtime/types.ts';

export interface ProgressReporter {
  /** `total` items (1 for `generate`). */
  start(total: number): void;
  /** The next item begins. */
  item(name: string): void;
  /** The runtime's onProgress. */
  progress(p: Progress): void;
  /** The current item is finished. */
  done(): void;
  stop(): void;
}

const SCALE = 1000;

export function progressReporter(enabled: boolean, title: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const none: ProgressReporter = { start() {}, item() {}, progress() {}, done() {}, stop() {} };
  if (!enabled || !stream.isTTY) return none;
  const bar = new cliProgress.SingleBar(
    { stream, format: `${title} [{bar}] {done}/{total} | {item}{phase} {step}/{steps} | ETA {left}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let done = 0;
  let total = 1;
  let started = false;
  let item = '';
  const t0 = Date.now();
  const left = (): string => (done === 0 ? '?' : `${Math.round((((Date.now() - t0) / done) * (total - done)) / 1000)}s`);
  const show = (fraction: number, payload: Record<string, unknown>): void =>
    bar.update(Math.round((SCALE * (done + Math.min(1, fraction))) / total), { done, total, item: item ? `${item} ` : '', left: left(), ...payload });
  return {
    start(n) {
      total = Math.max(1, n);
      bar.start(SCALE, 0, { done, total, item: '', phase: '', step: 0, steps: 0, left: '?' });
      started = true;
    },
    item(name) {
      item = name;
      show(0, { phase: '', step: 0, steps: 0 });
    },
    progress(p) {
      if (p.phase === 'download') show(0, { phase: 'model bytes', step: p.loaded, steps: p.total || p.loaded });
      else if (p.phase === 'sample') show(p.steps ? p.step / p.steps : 0, { phase: 'sampling', step: p.step, steps: p.steps });
    },
    done() {
      done++;
      show(0, { phase: '', step: 0, steps: 0 });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
