/**
 * Inpainting / outpainting inputs: the graph sees `mask` [B,1,H,W] and `known` (= values x mask)
 * at every call, and the sampler re-imposes the known region after every step (see samplers.ts).
 */
import type { Inpaint } from './samplers.ts';
import { broadcastChannels, type Shape4 } from './tensor.ts';

export interface KnownRegion {
  /** [B, 1, H, W], 1 where the value is known. */
  mask: Float32Array;
  /** [B, C, H, W] clean values; only entries under the mask matter. */
  values: Float32Array;
}

export interface PreparedInpaint {
  /** Graph inputs. */
  mask: Float32Array;
  known: Float32Array;
  /** Sampler input. */
  inpaint: Inpaint;
}

export function prepareInpaint(region: KnownRegion, noise0: Float32Array, shape: Shape4): PreparedInpaint {
  const fullMask = broadcastChannels(region.mask, shape);
  const known = new Float32Array(fullMask.length);
  for (let i = 0; i < known.length; i++) known[i] = region.values[i]! * fullMask[i]!;
  return { mask: region.mask, known, inpaint: { mask: fullMask, known, noise0 } };
}
