/** Web Worker entry: exposes the runtime through comlink, behind the message guard (wire.ts). Loaded by client.ts. */
import { exposeWorkerApi } from './api.ts';

exposeWorkerApi();
