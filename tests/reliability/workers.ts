/** Node worker_threads behind the browser Worker interface the worker client expects (tests only). */
import { Worker } from 'node:worker_threads';
import type * as Comlink from 'comlink';
import type { WorkerLike } from '../../src/worker/client.ts';

type NodePort = { postMessage(message: unknown, transfer?: never): void; on(event: 'message', h: (data: unknown) => void): void; off(event: 'message', h: (data: unknown) => void): void };

/** comlink's Node adapter, inlined: worker_threads ports emit the data itself, comlink wants `{ data }`. */
export function portEndpoint(port: NodePort): Comlink.Endpoint {
  const listeners = new WeakMap<object, (data: unknown) => void>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => port.postMessage(message, transfer as never),
    addEventListener(_type: string, listener: EventListenerOrEventListenerObject) {
      const handler = (data: unknown) => {
        const event = { data } as MessageEvent;
        if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      };
      port.on('message', handler);
      listeners.set(listener, handler);
    },
    removeEventListener(_type: string, listener: EventListenerOrEventListenerObject) {
      const handler = listeners.get(listener);
      if (handler) port.off('message', handler);
      listeners.delete(listener);
    },
  };
}

export interface TestWorker extends WorkerLike {
  /** Make the thread throw an uncaught error after `ms` (it dies; the client hears 'error'). */
  crash(ms?: number): void;
  readonly thread: Worker;
}

export function nodeWorker(): TestWorker {
  const thread = new Worker(new URL('./node-worker.mjs', import.meta.url));
  const endpoint = portEndpoint(thread);
  const onError = new Map<unknown, (e: Error) => void>();
  return {
    thread,
    postMessage: (message, transfer) => endpoint.postMessage(message, transfer),
    addEventListener(type, listener) {
      if (type !== 'error') return endpoint.addEventListener(type, listener);
      const handler = (e: Error) => (typeof listener === 'function' ? listener : listener.handleEvent.bind(listener))({ type: 'error', message: e.message } as never);
      onError.set(listener, handler);
      thread.on('error', handler);
    },
    removeEventListener(type, listener) {
      if (type !== 'error') return endpoint.removeEventListener(type, listener);
      const handler = onError.get(listener);
      if (handler) thread.off('error', handler);
    },
    terminate: () => void thread.terminate(),
    crash: (ms = 0) => thread.postMessage({ crash: ms }),
  };
}
