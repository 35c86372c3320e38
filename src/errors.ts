/**
 * Named errors. Only `name`, `message` and `stack` survive comlink's worker boundary, so the
 * name says what went wrong and the message says which field/file and what would be valid.
 * `reviveError` turns a plain `{ name, message }` from the worker back into the right class.
 */

export class AssetDiffusionError extends Error {
  constructor(message: string, name: string) {
    super(message);
    // Set explicitly: minifiers rename classes, and `new.target.name` would change with them.
    this.name = name;
  }
}

/** A request (API, CLI or plugin) with a bad field. `field` is the request key, e.g. `count`. */
export class InvalidRequestError extends AssetDiffusionError {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`, 'InvalidRequestError');
    this.field = field;
  }
}

/** A model or manifest could not be fetched, read or parsed (404, truncated, not ONNX, bad schema). */
export class ModelLoadError extends AssetDiffusionError {
  constructor(message: string, name = 'ModelLoadError') {
    super(message, name);
  }
}

/** The manifest failed schema validation; the message starts with the path of the bad field. */
export class ManifestError extends ModelLoadError {
  constructor(message: string) {
    super(message, 'ManifestError');
  }
}

/** Model bytes do not hash to the manifest's sha256: refused before any session is created. */
export class ModelIntegrityError extends AssetDiffusionError {
  constructor(message: string) {
    super(message, 'ModelIntegrityError');
  }

  static mismatch(file: string, expected: string, actual: string): ModelIntegrityError {
    return new ModelIntegrityError(`${file}: sha256 mismatch (manifest says ${expected}, bytes hash to ${actual})`);
  }
}

/** onnxruntime could not create a session or run one on any allowed device. */
export class BackendError extends AssetDiffusionError {
  constructor(message: string) {
    super(message, 'BackendError');
  }
}

/**
 * `ensurePlayable` could not make a level the checker passes within its bounded attempts (or the
 * level is unplayable outside the region `regenerate` may change). The message names the column
 * and the obstacle; the level is never returned silently broken.
 */
export class UnplayableLevelError extends AssetDiffusionError {
  constructor(message: string) {
    super(message, 'UnplayableLevelError');
  }
}

/** The caller aborted the request (AbortSignal) before it finished. Same name as the DOM's. */
export class AbortError extends AssetDiffusionError {
  constructor(message = 'The generation was aborted') {
    super(message, 'AbortError');
  }
}

const byName: Record<string, (message: string) => Error> = {
  InvalidRequestError: (m) => {
    const colon = m.indexOf(': ');
    return colon > 0 ? new InvalidRequestError(m.slice(0, colon), m.slice(colon + 2)) : new InvalidRequestError('request', m);
  },
  ModelLoadError: (m) => new ModelLoadError(m),
  ManifestError: (m) => new ManifestError(m),
  ModelIntegrityError: (m) => new ModelIntegrityError(m),
  BackendError: (m) => new BackendError(m),
  AbortError: (m) => new AbortError(m),
  UnplayableLevelError: (m) => new UnplayableLevelError(m),
};

/** Rebuild a named error that crossed a structured-clone boundary as a plain Error. */
export function reviveError(error: unknown): unknown {
  if (!(error instanceof Error) && (typeof error !== 'object' || error === null)) return error;
  const { name, message, stack } = error as { name?: unknown; message?: unknown; stack?: unknown };
  if (typeof name !== 'string' || typeof message !== 'string') return error;
  const make = byName[name];
  if (!make) return error;
  const revived = make(message);
  if (typeof stack === 'string') revived.stack = stack;
  return revived;
}

/** Throw an AbortError when the signal has fired (used between sampler steps and queue waits). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw toAbortError(signal.reason);
}

export function toAbortError(reason: unknown): AbortError {
  if (reason instanceof AbortError) return reason;
  const detail = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  return new AbortError(detail && detail !== 'This operation was aborted' ? `The generation was aborted: ${detail}` : undefined);
}
