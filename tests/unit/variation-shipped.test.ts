/** Variations on the shipped sprite and tile models: the distance to the source falls as strength falls (a few sources and seeds). */
import { describe, expect, it } from 'vitest';
import { evalVariations } from '../../src/cli/eval-variations.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';

describe.each(['sprite', 'tile'])('shipped %s model', (kind) => {
  it('variations move away from their source monotonically with strength', async () => {
    const runtime = createRuntime({ cache: false }); // the package's models/manifest.json
    try {
      const flags = { sources: '2', seeds: '2', seed: '1', strengths: '0,0.2,0.5,1', device: 'auto' as const, progress: false };
      const { report } = await evalVariations(runtime, kind, flags, () => {});
      const l1 = report.curve.map((p) => p.l1);
      expect(l1[0]).toBe(0); // strength 0: the snapped source itself
      for (let i = 1; i < l1.length; i++) expect(l1[i]).toBeGreaterThan(l1[i - 1]!);
      // Ordinary generation lands much farther than a light variation (tile: 2.9x, since its textured
      // samples re-draw some grain even at 0.2; sprite: far more).
      expect(l1[3]! / l1[1]!).toBeGreaterThan(2.5);
      expect(report.monotonic).toBe(true);
    } finally {
      await runtime.dispose();
    }
  });
});
