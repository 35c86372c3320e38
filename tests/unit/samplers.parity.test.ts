/** The TS samplers against the Python reference (models/diffusion.py) on the tiny fixture model. */
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backend/onnx.ts';
import { guidedDenoiser } from '../../src/core/guidance.ts';
import { withPaletteDraw } from '../../src/core/palette-draw.ts';
import { prepareInpaint } from '../../src/core/inpainting.ts';
import { samplers } from '../../src/core/samplers.ts';
import { timeGrid } from '../../src/core/schedule.ts';
import type { Shape4 } from '../../src/core/tensor.ts';
import { fixtureBytes, parityFixtureDirs, readParity } from '../helpers/fixture.ts';
import { parseManifest } from '../../src/models/manifest.ts';
import { attributeInput } from '../../src/runtime/level-attributes.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** max |a - b| / max |b|: the error relative to the output's scale. */
function relativeError(actual: Float32Array, expected: number[]): number {
  let diff = 0;
  let scale = 0;
  expected.forEach((e, i) => {
    diff = Math.max(diff, Math.abs(actual[i]! - e));
    scale = Math.max(scale, Math.abs(e));
  });
  return diff / scale;
}

const setups = parityFixtureDirs().flatMap((dir) => (['wasm', 'auto'] as const).map((device) => [dir, device] as const));

describe.each(setups)('parity with the Python reference sampler (%s, device %s)', (dir, device) => {
  const parity = readParity(dir);
  const model = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).models[0]!;
  const backend = createBackend({ device });
  const session = backend.session(`parity:${dir}`, async () => fixtureBytes(dir));

  it.each(parity.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { run } = await session;
    const [, ch, h, w] = parity.shape;
    const shape: Shape4 = [c.label.length, ch, h, w];
    const noise0 = Float32Array.from(c.noise);
    const prepared = c.mask && c.known ? prepareInpaint({ mask: Float32Array.from(c.mask), values: Float32Array.from(c.known) }, noise0, shape) : undefined;
    const guidance = {
      shape,
      labels: Int32Array.from(c.label),
      nullClass: parity.nullClass,
      guidance: c.guidance,
      mask: prepared?.mask,
      known: prepared?.known,
      // A case without attributes gets what the runtime sends a request without them.
      attributes: c.attributes ? Float32Array.from(c.attributes) : attributeInput(model, undefined, c.label.length),
    };
    const mean = guidedDenoiser(run, guidance);
    const ts = timeGrid(c.steps);
    const denoise = c.draw
      ? withPaletteDraw(mean, guidedDenoiser(run, guidance, 'logits'), ts[ts.length - 2]!, shape, { palette: model.palette!, temperature: c.draw.temperature, uniforms: () => Float32Array.from(c.draw!.uniforms) })
      : mean;
    const out = await samplers[c.sampler](denoise, noise0, ts, {
      eta: c.eta,
      noise: c.stepNoise ? (i) => Float32Array.from(c.stepNoise![i]!) : undefined,
      inpaint: prepared?.inpaint,
    });
    expect(out.length).toBe(c.expected.length);
    expect(relativeError(out, c.expected)).toBeLessThanOrEqual(1e-4);
  });

  it('runs on the device it reports', async () => {
    expect((await session).device).toBe(device === 'wasm' ? 'wasm' : 'cpu');
  });
});
