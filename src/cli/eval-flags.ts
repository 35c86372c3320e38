/** The flags of `eval levels` as commander parses them (strings until each harness checks them), shared by the platformer and dungeon harnesses. */
import type { Device } from '../backend/onnx.ts';

export interface EvalFlags {
  model?: string;
  class?: string;
  count: string;
  width: string;
  seed: string;
  steps?: string;
  guidance?: string;
  sampler?: string;
  eta?: string;
  data?: string;
  /** Attribute sweep: comma-separated attribute names (or `all`); see eval-attributes.ts. */
  attributes?: string;
  json?: boolean;
  progress: boolean;
  device: Device;
}
