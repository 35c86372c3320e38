/** The generation worker plus a `{ crash: ms }` message that throws an uncaught error inside it (tests only). */
import * as Comlink from 'comlink';
import { createWorkerApi } from '../../../src/worker/api.ts';

Comlink.expose(createWorkerApi());
self.addEventListener('message', (event: MessageEvent) => {
  const crash = (event.data as { crash?: unknown } | null)?.crash;
  if (typeof crash === 'number')
    setTimeout(() => {
      throw new Error('simulated crash in the worker');
    }, crash);
});
