import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/tiny/', import.meta.url));
export const FIXTURE_MANIFEST = `${FIXTURE_DIR}manifest.json`;
export const FIXTURE_MODEL = `${FIXTURE_DIR}tiny.onnx`;

export interface ParityCase {
  name: string;
  sampler: 'ddim' | 'dpmpp2m';
  steps: number;
  eta: number;
  guidance: number;
  label: number[];
  mask: number[] | null;
  known: number[] | null;
  noise: number[];
  stepNoise: number[][] | null;
  expected: number[];
}

export interface Parity {
  /** [B, C, H, W]; B is null here (each case's batch is its label count). */
  shape: [number | null, number, number, number];
  nullClass: number;
  cases: ParityCase[];
}

export function readParity(): Parity {
  return JSON.parse(readFileSync(`${FIXTURE_DIR}parity.json`, 'utf8')) as Parity;
}

export function fixtureBytes(): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURE_MODEL));
}
