/** Web Worker entry: exposes the runtime through comlink, behind the message guard (wire.ts). Loaded by client.ts. */
import { startOrtThread } from '../backend/onnx.ts';
import { exposeWorkerApi } from './api.ts';

// Started as one of onnxruntime's wasm threads (see startOrtThread): be that, not a second API.
if (!startOrtThread((globalThis as { name?: string }).name)) exposeWorkerApi();
