/** bench/onnx-graph.ts: the FLOPs count of a tiny hand-built graph against a hand count. */
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { buildModel, graphFlops, readGraph } from '../../bench/onnx-graph.ts';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const filled = (n: number, v = 0.01): Float32Array => new Float32Array(n).fill(v);

// x [B,3,8,8] -Conv 3x3 pad 1 (4 out)-> [B,4,8,8]; m [2,5,6] @ W [6,7] -> [2,5,7]; Gemm g [3,4] x G [4,5] + c -> [3,5]
const model = buildModel({
  nodes: [
    { op: 'Conv', inputs: ['x', 'w', 'wb'], outputs: ['y'], ints: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
    { op: 'MatMul', inputs: ['m', 'W'], outputs: ['mm'] },
    { op: 'Gemm', inputs: ['g', 'G', 'gc'], outputs: ['gg'] },
    { op: 'Relu', inputs: ['y'], outputs: ['r'] },
  ],
  inputs: [['x', ['batch', 3, 8, 8]], ['m', [2, 5, 6]], ['g', [3, 4]]],
  outputs: [['r', ['batch', 4, 8, 8]], ['mm', [2, 5, 7]], ['gg', [3, 5]]],
  initializers: [
    ['w', [4, 3, 3, 3], filled(108)],
    ['wb', [4], filled(4)],
    ['W', [6, 7], filled(42)],
    ['G', [4, 5], filled(20)],
    ['gc', [5], filled(5)],
  ],
});

describe('bench FLOPs count', () => {
  it('reads nodes, attributes and initializer dims back', () => {
    const { nodes, initializerDims } = readGraph(model);
    expect(nodes.map((n) => n.op)).toEqual(['Conv', 'MatMul', 'Gemm', 'Relu']);
    expect(nodes[0]!.ints.pads).toEqual([1, 1, 1, 1]);
    expect(initializerDims.get('w')).toEqual([4, 3, 3, 3]);
  });

  it('counts Conv, MatMul and Gemm multiply-adds x2 at the batch it runs', async () => {
    const b = 2;
    const f = await graphFlops(ort, model, {
      x: new ort.Tensor('float32', filled(b * 3 * 64), [b, 3, 8, 8]),
      m: new ort.Tensor('float32', filled(60), [2, 5, 6]),
      g: new ort.Tensor('float32', filled(12), [3, 4]),
    });
    const conv = 2 * (b * 4 * 8 * 8) * (3 * 3 * 3); // 27,648: each output sums Cin * kh * kw products
    const matmul = 2 * (2 * 5 * 7) * 6; // 840
    const gemm = 2 * (3 * 5) * 4; // 120
    expect(f.byOp).toEqual({ Conv: conv, MatMul: matmul, Gemm: gemm });
    expect(f.total).toBe(conv + matmul + gemm);
    expect(f.nodes).toBe(3);
  });
});
