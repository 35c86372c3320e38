/**
 * A first-in-first-out job queue running one job at a time, so many callers can wait without
 * interleaving sampler loops (which would double memory and delay everyone). A caller that aborts
 * while waiting leaves the queue at once; a failed job never blocks the next.
 */
import { throwIfAborted, toAbortError } from '../errors.ts';

export interface JobOptions {
  signal?: AbortSignal;
  /** Called with the number of jobs ahead (0 = starting now) whenever it changes. */
  onPosition?: (ahead: number) => void;
}

export interface JobQueue {
  run<T>(job: () => Promise<T>, options?: JobOptions): Promise<T>;
  /** Jobs waiting, not counting the running one. */
  readonly pending: number;
}

interface Waiter {
  start: () => void;
  notify?: (ahead: number) => void;
}

export function createQueue(): JobQueue {
  const waiting: Waiter[] = [];
  let running = false;

  const notifyAll = (): void => waiting.forEach((w, i) => w.notify?.(i + 1));

  function next(): void {
    running = false;
    const w = waiting.shift();
    if (w) {
      running = true;
      notifyAll();
      w.start();
    }
  }

  return {
    get pending() {
      return waiting.length;
    },
    async run(job, options = {}) {
      throwIfAborted(options.signal);
      if (running) {
        await new Promise<void>((resolve, reject) => {
          const waiter: Waiter = { start: resolve, notify: options.onPosition };
          const onAbort = (): void => {
            const i = waiting.indexOf(waiter);
            if (i >= 0) {
              waiting.splice(i, 1);
              notifyAll();
              reject(toAbortError(options.signal?.reason));
            }
          };
          waiter.start = () => {
            options.signal?.removeEventListener('abort', onAbort);
            resolve();
          };
          options.signal?.addEventListener('abort', onAbort, { once: true });
          waiting.push(waiter);
          options.onPosition?.(waiting.length);
        });
      } else running = true;
      options.onPosition?.(0);
      try {
        return await job();
      } finally {
        next();
      }
    },
  };
}
