/**
 * Named errors: the name says what went wrong and the message says which field/file and what
 * would be valid. They cross the worker boundary as data (errorToData / errorFromData, through a
 * comlink transfer handler in src/worker/wire.ts), class and fields included.
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

/** A named error as plain data (what crosses the worker boundary: src/worker/wire.ts). */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  /** InvalidRequestError's field. */
  field?: string;
}

const byName: Record<string, (d: ErrorData) => Error> = {
  InvalidRequestError: (d) => Object.assign(new InvalidRequestError(d.field ?? 'request', ''), { message: d.message }),
  ModelLoadError: (d) => new ModelLoadError(d.message),
  ManifestError: (d) => new ManifestError(d.message),
  ModelIntegrityError: (d) => new ModelIntegrityError(d.message),
  BackendError: (d) => new BackendError(d.message),
  AbortError: (d) => new AbortError(d.message),
  UnplayableLevelError: (d) => new UnplayableLevelError(d.message),
};

/** The data of one of this library's named errors (its fields included), or undefined for anything else. */
export function errorToData(error: unknown): ErrorData | undefined {
  if (!(error instanceof AssetDiffusionError)) return undefined;
  const data: ErrorData = { name: error.name, message: error.message, stack: error.stack };
  if (error instanceof InvalidRequestError) data.field = error.field;
  return data;
}

/** The named error `data` describes, with its class and fields; an unknown name stays an AssetDiffusionError of that name. */
export function errorFromData(data: unknown): Error {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Partial<ErrorData>;
  const name = typeof d.name === 'string' ? d.name : 'Error';
  const message = typeof d.message === 'string' ? d.message : String(d.message);
  const field = typeof d.field === 'string' ? d.field : undefined;
  const error = byName[name]?.({ name, message, field }) ?? new AssetDiffusionError(message, name);
  if (typeof d.stack === 'string') error.stack = d.stack;
  return error;
}

/**
 * Rebuild a named error that crossed a structured-clone boundary as a plain `{ name, message,
 * stack, field }` (the worker client gets real classes already, through wire.ts).
 */
export function reviveError(error: unknown): unknown {
  if (!(error instanceof Error) && (typeof error !== 'object' || error === null)) return error;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (typeof name !== 'string' || typeof message !== 'string' || !byName[name] || error instanceof AssetDiffusionError) return error;
  return errorFromData(error);
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
