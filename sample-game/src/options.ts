/**
 * Settings read once from the page URL. Players never need them; tests and curious developers use
 * them to pin the world (`?seed=`), cut sampler steps on slow backends (`?steps=`: WebGPU on
 * SwiftShader runs on the CPU), force a device, point at another manifest, or skip the title.
 */
import type { Device } from '../../src/backend/onnx.ts';

export interface GameOptions {
  /** World seed from the URL, or undefined (the title screen then offers a remembered or new one). */
  seed: number | undefined;
  /** Sampler steps for every request; undefined = each model's manifest default. */
  steps: number | undefined;
  device: Device;
  /** Manifest URL; undefined = the trained models if present, else the tiny test fixture. */
  manifest: string | undefined;
  /** Start playing without waiting on the title screen (tests, kiosk). */
  autostart: boolean;
  /** What autostart starts: the platformer (default) or the top-down dungeon (`?mode=dungeon`). */
  mode: 'run' | 'dungeon';
  /** IndexedDB database name; tests use their own so runs do not share a cache by accident. */
  cacheName: string;
}

function int(value: string | null, min: number, max: number): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

export function readOptions(search = location.search): GameOptions {
  const q = new URLSearchParams(search);
  const device = q.get('device');
  return {
    seed: int(q.get('seed'), 0, 0xffffffff),
    steps: int(q.get('steps'), 1, 1000),
    device: device === 'webgpu' || device === 'wasm' ? device : 'auto',
    manifest: q.get('manifest') ?? undefined,
    autostart: q.has('autostart'),
    mode: q.get('mode') === 'dungeon' ? 'dungeon' : 'run',
    cacheName: q.get('cache') ?? 'diffusion-run',
  };
}
