// worker_threads entry: loads the TypeScript worker through tsx (vitest's transform does not reach threads).
import { register } from 'tsx/esm/api';

register();
await import('./node-worker.ts');
