/**
 * What crosses the worker boundary besides comlink's own plumbing:
 * - errors as data: a comlink transfer handler (replacing its built-in "throw" one) sends a
 *   named error's name, message and fields (InvalidRequestError's `field`), and the other side
 *   rebuilds the class from them, so nothing is parsed back out of a message;
 * - a guard in front of the worker's endpoint: a message that is not one of the calls the
 *   client makes (APPLY of a WorkerApi method, RELEASE of a proxy) is answered with an error or
 *   dropped, never handed to comlink, so a malformed message from a page cannot crash the worker
 *   or rewrite its API (comlink would also honour GET, SET and CONSTRUCT on any path).
 */
import * as Comlink from 'comlink';
import { InvalidRequestError, errorFromData, errorToData } from '../errors.ts';

const builtin = Comlink.transferHandlers.get('throw')!;

/** Installed by both sides (worker api and client) when this module is imported. */
Comlink.transferHandlers.set('throw', {
  canHandle: builtin.canHandle,
  serialize(thrown: unknown) {
    const value = (thrown as { value: unknown }).value;
    const data = errorToData(value);
    return data ? [{ isError: true, named: true, value: data }, []] : builtin.serialize(thrown);
  },
  deserialize(serialized: unknown) {
    const s = serialized as { named?: boolean; value: unknown };
    if (s.named) throw errorFromData(s.value);
    return builtin.deserialize(serialized);
  },
} as Comlink.TransferHandler<unknown, unknown>);

const WIRE_TYPES = new Set(['RAW', 'PROXY', 'HANDLER']);

function wellFormedArgument(a: unknown): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const w = a as { type?: unknown; name?: unknown };
  if (!WIRE_TYPES.has(w.type as string)) return false;
  return w.type !== 'HANDLER' || (typeof w.name === 'string' && Comlink.transferHandlers.has(w.name));
}

/** Why `data` is not a call the worker takes, or null. */
export function callProblem(data: unknown, methods: readonly string[]): string | null {
  if (typeof data !== 'object' || data === null) return 'not a message object';
  const m = data as { type?: unknown; path?: unknown; argumentList?: unknown };
  if (m.type === 'RELEASE') return Array.isArray(m.path) && m.path.length === 0 ? null : 'RELEASE takes an empty path';
  if (m.type !== 'APPLY') return `message type ${JSON.stringify(String(m.type)).slice(0, 40)} is not accepted; valid: APPLY, RELEASE`;
  if (!Array.isArray(m.path) || m.path.length !== 1 || !methods.includes(m.path[0] as string)) return `unknown method; valid: ${methods.join(', ')}`;
  if (!Array.isArray(m.argumentList) || m.argumentList.length > 8 || !m.argumentList.every(wellFormedArgument)) return 'malformed argument list';
  return null;
}

/**
 * `endpoint` with every incoming message checked by callProblem before comlink sees it. A bad
 * message with an id gets an InvalidRequestError back (so a caller does not wait forever); one
 * without is dropped. Listener errors never escape (they would be the worker's uncaught error).
 */
export function guardEndpoint(endpoint: Comlink.Endpoint, methods: readonly string[]): Comlink.Endpoint {
  const wrapped = new WeakMap<object, EventListener>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => endpoint.postMessage(message, transfer),
    addEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      const handler = (event: Event): void => {
        const data = (event as MessageEvent).data;
        const problem = callProblem(data, methods);
        if (problem) {
          const id = (data as { id?: unknown } | null)?.id;
          if (typeof id === 'string' || typeof id === 'number') {
            const error = new InvalidRequestError('message', problem);
            const [wire] = [{ type: 'HANDLER', name: 'throw', value: { isError: true, named: true, value: errorToData(error) } }];
            endpoint.postMessage({ ...wire, id });
          }
          return;
        }
        try {
          if (typeof listener === 'function') listener(event);
          else listener.handleEvent(event);
        } catch {
          // comlink's own handler failed on a message that passed the guard: drop it, keep the worker.
        }
      };
      wrapped.set(listener, handler);
      endpoint.addEventListener(type, handler);
    },
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject) {
      const handler = wrapped.get(listener);
      if (handler) endpoint.removeEventListener(type, handler);
    },
    ...(typeof (endpoint as { start?: () => void }).start === 'function' ? { start: () => (endpoint as { start: () => void }).start() } : {}),
  } as Comlink.Endpoint;
}
