/**
 * A worker_threads stand-in for the browser's generation worker (tests only): the same worker API
 * over comlink's Node adapter, plus a `{ crash: ms }` message that kills the thread from inside
 * with an uncaught error, as a worker running out of memory or hitting a script error would.
 */
import { parentPort } from 'node:worker_threads';
import { portEndpoint } from './workers.ts';
import { exposeWorkerApi } from '../../src/worker/api.ts';

// Behind the same message guard as the browser worker (src/worker/worker.ts).
exposeWorkerApi(portEndpoint(parentPort!));
parentPort!.on('message', (data: { crash?: number }) => {
  if (typeof data?.crash === 'number')
    setTimeout(() => {
      throw new Error('simulated crash in the worker');
    }, data.crash);
});
