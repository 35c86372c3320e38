/** One timed generation, as the bench page and the Node side report it. */
export interface Timing {
  ms: number;
  /** The device that ran it (wasm, webgpu or cpu = onnxruntime-node). */
  device: string;
  /** Model windows sampled (levels only). */
  windows?: number;
}
