/** Web Worker entry: exposes the runtime through comlink. Loaded by client.ts. */
import * as Comlink from 'comlink';
import { createWorkerApi } from './api.ts';

Comlink.expose(createWorkerApi());
