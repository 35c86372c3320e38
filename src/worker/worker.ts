/** Web Worker entry: exposes the runtime through comlink. Loaded by client.ts. */
import * as Comlink from 'comlink';
import { startOrtThread } from '../backend/onnx.ts';
import { createWorkerApi } from './api.ts';

// Started as one of onnxruntime's wasm threads (see startOrtThread): be that, not a second API.
if (!startOrtThread((globalThis as { name?: string }).name)) Comlink.expose(createWorkerApi());
