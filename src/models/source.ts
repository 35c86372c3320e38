/**
 * Loading bytes from a URL (fetch, browser or Node) or a local path / file: URL (Node), with byte
 * progress, and checking model bytes before any session sees them.
 */
import { AbortError, ModelIntegrityError, ModelLoadError, throwIfAborted } from '../errors.ts';

export interface ByteProgress {
  loaded: number;
  /** Expected total, or 0 when unknown. */
  total: number;
}

export interface LoadOptions {
  onProgress?: (p: ByteProgress) => void;
  signal?: AbortSignal;
  /** Used as the progress total when the server sends no Content-Length. */
  expectedBytes?: number;
  /** Refuse more bytes than this (checked before reading a file, and while a download streams in). */
  maxBytes?: number;
  /** Called with the final URL when a fetch was redirected; throw to refuse it (the body is then never read). */
  checkRedirect?: (finalUrl: URL) => void;
}

/** Cross-origin loading: false (the default), true (any origin), or the origins allowed (`https://cdn.example`). */
export type CrossOriginPolicy = boolean | readonly string[];

const where = (url: URL): string => (url.protocol === 'file:' || url.origin === 'null' ? `${url.protocol} URLs` : url.origin);

/**
 * Refuse `url` unless it is on the same origin (and scheme) as `base`, or the policy allows its
 * origin: a manifest must not be able to point the runtime at another site's files, and a page
 * only loads a manifest from elsewhere when its author says so.
 */
export function checkOrigin(url: URL, base: URL, allow: CrossOriginPolicy | undefined, what: string): void {
  // file: URLs all have the origin "null"; their host (a network share, or `//evil` in a manifest) tells them apart.
  if (url.protocol === base.protocol && url.origin === base.origin && url.host === base.host) return;
  if (allow === true || (Array.isArray(allow) && allow.includes(url.origin))) return;
  throw new ModelLoadError(
    `${what}: ${url.href} is not on ${where(base)} and cross-origin loading is off; valid: a URL on ${where(base)}, or allowCrossOrigin: true or [${JSON.stringify(url.origin)}]`,
  );
}

function tooLarge(url: URL, max: number, got: string): ModelLoadError {
  return new ModelLoadError(`${fileName(url)}: larger than expected: ${got}, the limit is ${max} bytes`);
}

const hasScheme = (s: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[a-z]:[\\/]/i.test(s);

/** Turn a path or URL string into a URL: relative paths resolve against the cwd (Node) or page (browser). */
export async function toUrl(location: string | URL): Promise<URL> {
  if (location instanceof URL) return location;
  if (hasScheme(location)) return new URL(location);
  const href = (globalThis as { location?: { href: string } }).location?.href;
  if (href) return new URL(location, href);
  const { pathToFileURL } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ 'node:url')) as typeof import('node:url');
  return pathToFileURL(location);
}

/** A short name for messages: the last path segment. */
export function fileName(url: URL): string {
  return decodeURIComponent(url.pathname.split('/').pop() || url.href);
}

export async function loadBytes(location: string | URL, opts: LoadOptions = {}): Promise<Uint8Array> {
  const url = await toUrl(location);
  throwIfAborted(opts.signal);
  return url.protocol === 'file:' ? readFileUrl(url, opts) : fetchUrl(url, opts);
}

export async function loadText(location: string | URL, opts: LoadOptions = {}): Promise<string> {
  return new TextDecoder().decode(await loadBytes(location, opts));
}

async function readFileUrl(url: URL, opts: LoadOptions): Promise<Uint8Array> {
  const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ 'node:fs/promises')) as typeof import('node:fs/promises');
  const { fileURLToPath } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ 'node:url')) as typeof import('node:url');
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (e) {
    throw new ModelLoadError(`${fileName(url)}: cannot read ${url.href} (${e instanceof Error ? e.message : String(e)})`);
  }
  let handle: import('node:fs/promises').FileHandle;
  try {
    // O_NONBLOCK: a FIFO with no writer would otherwise block open() forever (regular files ignore it).
    const { constants } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ 'node:fs')) as typeof import('node:fs');
    handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new ModelLoadError(`${fileName(url)}: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : code ?? String(e)})`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ModelLoadError(`${fileName(url)}: cannot read ${path} (not a regular file)`);
    const { size } = stats;
    if (opts.maxBytes !== undefined && size > opts.maxBytes) throw tooLarge(url, opts.maxBytes, `${size} bytes`);
    const bytes = new Uint8Array(size);
    const chunk = 1 << 20;
    for (let offset = 0; offset < size; ) {
      throwIfAborted(opts.signal);
      const { bytesRead } = await handle.read(bytes, offset, Math.min(chunk, size - offset), offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      opts.onProgress?.({ loaded: offset, total: size });
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

async function fetchUrl(url: URL, opts: LoadOptions): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: opts.signal });
  } catch (e) {
    if (opts.signal?.aborted) throw new AbortError();
    throw new ModelLoadError(`${fileName(url)}: fetch failed for ${url.href} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (response.redirected && response.url && opts.checkRedirect) {
    try {
      opts.checkRedirect(new URL(response.url));
    } catch (e) {
      void response.body?.cancel().catch(() => undefined);
      throw e;
    }
  }
  if (!response.ok) throw new ModelLoadError(`${fileName(url)}: HTTP ${response.status} ${response.statusText} for ${url.href}`);
  const total = Number(response.headers.get('content-length')) || opts.expectedBytes || 0;
  if (opts.maxBytes !== undefined && total > opts.maxBytes) {
    void response.body?.cancel().catch(() => undefined);
    throw tooLarge(url, opts.maxBytes, `Content-Length ${total}`);
  }
  if (!response.body) {
    const whole = new Uint8Array(await response.arrayBuffer());
    if (opts.maxBytes !== undefined && whole.length > opts.maxBytes) throw tooLarge(url, opts.maxBytes, `${whole.length} bytes`);
    return whole;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      // Stop a download that runs past the limit (a lying or missing Content-Length) before it fills memory.
      if (opts.maxBytes !== undefined && loaded > opts.maxBytes) {
        void reader.cancel().catch(() => undefined);
        throw tooLarge(url, opts.maxBytes, `over ${opts.maxBytes} bytes received`);
      }
      opts.onProgress?.({ loaded, total });
    }
  } catch (e) {
    if (opts.signal?.aborted) throw new AbortError();
    if (e instanceof ModelLoadError) throw e;
    throw new ModelLoadError(`${fileName(url)}: download of ${url.href} broke off after ${loaded} bytes (${e instanceof Error ? e.message : String(e)})`);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const hex = (bytes: Uint8Array): string => Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');

/**
 * Check model bytes against the manifest before a session is created: size (truncated download),
 * shape of the bytes (an HTML error page is the usual impostor) and sha256.
 */
export async function verifyModelBytes(bytes: Uint8Array, expected: { bytes: number; sha256: string }, name: string): Promise<void> {
  const firstByte = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (firstByte === 0x3c) throw new ModelLoadError(`${name}: not an ONNX model: the bytes look like an HTML or XML page (starting ${hex(bytes)}; a 404 page or a dev-server fallback?)`);
  if (bytes.length !== expected.bytes) {
    const why = bytes.length < expected.bytes ? 'truncated' : 'larger than expected';
    throw new ModelLoadError(`${name}: ${why}: got ${bytes.length} bytes, the manifest says ${expected.bytes}`);
  }
  // An ONNX ModelProto starts with field 1 (ir_version, a varint): tag byte 0x08.
  if (bytes[0] !== 0x08) throw new ModelLoadError(`${name}: not an ONNX model (first bytes ${hex(bytes)}, expected 08 ...)`);
  const actual = await sha256Hex(bytes);
  if (actual !== expected.sha256) throw ModelIntegrityError.mismatch(name, expected.sha256, actual);
}
