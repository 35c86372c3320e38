/**
 * FLOPs per denoiser call, counted from the ONNX graph, and a MatMul graph for the machine's fp32
 * peak. A few dozen lines of protobuf (the wire format: varints and length-delimited fields)
 * instead of a dependency: the bench reads node types, attributes and initializer dims, and
 * writes extra graph outputs.
 *
 * Shapes come from onnxruntime itself: every Conv/MatMul/Gemm input and output is added as a
 * graph output, the graph runs once at the batch asked for, and the returned tensors give the
 * dims. No shape inference to maintain, and the count is for exactly the graph that ships.
 *
 * Counted: multiply-adds of Conv, ConvTranspose, MatMul and Gemm, 2 FLOPs each (the convention
 * of fvcore / ptflops x2). Norms, activations, softmax and adds are left out (a few % here).
 */
import type * as Ort from 'onnxruntime-web';

type OrtModule = typeof Ort;

// ------------------------------------------------------------------ protobuf wire format

interface Field {
  no: number;
  wire: number;
  /** varint value (wire 0) */
  int?: bigint;
  /** payload (wire 2) */
  bytes?: Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[pos++]!;
    v |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [v, pos];
    shift += 7n;
  }
}

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p] = readVarint(buf, pos);
    pos = p;
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, q] = readVarint(buf, pos);
      out.push({ no, wire, int: v });
      pos = q;
    } else if (wire === 2) {
      const [len, q] = readVarint(buf, pos);
      out.push({ no, wire, bytes: buf.subarray(q, q + Number(len)) });
      pos = q + Number(len);
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`onnx-graph: unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b ?? new Uint8Array());

function varint(v: number | bigint): number[] {
  let x = BigInt(v);
  if (x < 0n) x += 1n << 64n;
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return out;
}

/** Encodes fields: numbers and bigints as varints, strings and byte arrays length-delimited. */
export function message(...parts: Array<[number, number | bigint | string | Uint8Array]>): Uint8Array {
  const chunks: number[] = [];
  for (const [no, value] of parts) {
    if (typeof value === 'number' || typeof value === 'bigint') chunks.push(...varint((no << 3) | 0), ...varint(value));
    else {
      const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
      chunks.push(...varint((no << 3) | 2), ...varint(bytes.length));
      for (const b of bytes) chunks.push(b);
    }
  }
  return Uint8Array.from(chunks);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ------------------------------------------------------------------ ONNX messages (onnx.proto field numbers)

export interface GraphNode {
  op: string;
  inputs: string[];
  outputs: string[];
  ints: Record<string, number[]>;
}

/** ModelProto.graph = 7; GraphProto.node = 1, initializer = 5; NodeProto input 1, output 2, op_type 4, attribute 5. */
export function readGraph(model: Uint8Array): { nodes: GraphNode[]; initializerDims: Map<string, number[]> } {
  const graph = fields(model).find((f) => f.no === 7)?.bytes;
  if (!graph) throw new Error('onnx-graph: no graph in the model');
  const nodes: GraphNode[] = [];
  const initializerDims = new Map<string, number[]>();
  for (const f of fields(graph)) {
    if (f.no === 1) {
      const node: GraphNode = { op: '', inputs: [], outputs: [], ints: {} };
      for (const g of fields(f.bytes!)) {
        if (g.no === 1) node.inputs.push(text(g.bytes));
        else if (g.no === 2) node.outputs.push(text(g.bytes));
        else if (g.no === 4) node.op = text(g.bytes);
        else if (g.no === 5) {
          // AttributeProto: name 1, i 3, ints 8 (packed or not)
          let name = '';
          const ints: number[] = [];
          for (const a of fields(g.bytes!)) {
            if (a.no === 1) name = text(a.bytes);
            else if (a.no === 3) ints.push(Number(BigInt.asIntN(64, a.int!)));
            else if (a.no === 8 && a.wire === 0) ints.push(Number(BigInt.asIntN(64, a.int!)));
            else if (a.no === 8 && a.wire === 2) for (let p = 0; p < a.bytes!.length; ) {
              const [v, q] = readVarint(a.bytes!, p);
              ints.push(Number(BigInt.asIntN(64, v)));
              p = q;
            }
          }
          node.ints[name] = ints;
        }
      }
      nodes.push(node);
    } else if (f.no === 5) {
      // TensorProto: dims 1 (packed or not), name 8
      let name = '';
      const dims: number[] = [];
      for (const t of fields(f.bytes!)) {
        if (t.no === 8) name = text(t.bytes);
        else if (t.no === 1 && t.wire === 0) dims.push(Number(t.int!));
        else if (t.no === 1 && t.wire === 2) for (let p = 0; p < t.bytes!.length; ) {
          const [v, q] = readVarint(t.bytes!, p);
          dims.push(Number(v));
          p = q;
        }
      }
      initializerDims.set(name, dims);
    }
  }
  return { nodes, initializerDims };
}

/** ValueInfoProto {name 1, type 2 {tensor_type 1 {elem_type 1, shape 2 {dim 1 {dim_value 1 | dim_param 2}}}}}. */
export function valueInfo(name: string, elemType = 1, dims?: Array<number | string>): Uint8Array {
  const shape = dims ? [[2, message(...dims.map((d): [number, Uint8Array] => [1, typeof d === 'number' ? message([1, d]) : message([2, d])]))] as [number, Uint8Array]] : [];
  return message([1, name], [2, message([1, message([1, elemType], ...shape)])]);
}

/** The model with `names` appended as graph outputs (float tensors, shape left to ORT). */
export function withOutputs(model: Uint8Array, names: string[]): Uint8Array {
  const top = fields(model);
  const parts: Uint8Array[] = [];
  for (const f of top) {
    if (f.no === 7) {
      const extra = names.map((n) => message([12, valueInfo(n)]));
      parts.push(message([7, concat([f.bytes!, ...extra])]));
    } else if (f.wire === 0) parts.push(message([f.no, f.int!]));
    else if (f.wire === 2) parts.push(message([f.no, f.bytes!]));
  }
  return concat(parts);
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  ints?: Record<string, number[]>;
}

/** A small float32 model: nodes, graph inputs/outputs with shapes, float initializers. For the matmul peak and tests. */
export function buildModel(spec: {
  nodes: NodeSpec[];
  inputs: Array<[string, Array<number | string>]>;
  outputs: Array<[string, Array<number | string>]>;
  initializers?: Array<[string, number[], Float32Array]>;
  opset?: number;
}): Uint8Array {
  const node = (n: NodeSpec): Uint8Array =>
    message(
      ...n.inputs.map((i): [number, string] => [1, i]),
      ...n.outputs.map((o): [number, string] => [2, o]),
      [4, n.op],
      // AttributeProto: name 1, type 20 (INTS = 7), ints 8, one varint each
      ...Object.entries(n.ints ?? {}).map(([name, v]): [number, Uint8Array] => [5, message([1, name], [20, 7], ...v.map((x): [number, number] => [8, x]))]),
    );
  const init = ([name, dims, data]: [string, number[], Float32Array]): Uint8Array =>
    message(...dims.map((d): [number, number] => [1, d]), [2, 1], [8, name], [9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)]);
  const graph = message(
    ...spec.nodes.map((n): [number, Uint8Array] => [1, node(n)]),
    [2, 'g'],
    ...(spec.initializers ?? []).map((i): [number, Uint8Array] => [5, init(i)]),
    ...spec.inputs.map(([n, d]): [number, Uint8Array] => [11, valueInfo(n, 1, d)]),
    ...spec.outputs.map(([n, d]): [number, Uint8Array] => [12, valueInfo(n, 1, d)]),
  );
  // ir_version 1 = 8, opset_import 8 = {domain 1 '', version 2}, graph 7
  return message([1, 8], [8, message([1, ''], [2, spec.opset ?? 17])], [7, graph]);
}

/** [n, n] x [n, n] in fp32: the machine's matmul peak as onnxruntime sees it. */
export function matmulModel(n: number): Uint8Array {
  return buildModel({ nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }], inputs: [['a', [n, n]], ['b', [n, n]]], outputs: [['c', [n, n]]] });
}

// ------------------------------------------------------------------ counting

const COUNTED = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm']);
const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

export interface FlopCount {
  total: number;
  byOp: Record<string, number>;
  nodes: number;
}

/** FLOPs of the counted nodes, given every tensor's dims (from a run, or by hand in tests). */
export function countFlops(nodes: readonly GraphNode[], dims: (name: string) => readonly number[]): FlopCount {
  const byOp: Record<string, number> = {};
  let counted = 0;
  for (const n of nodes) {
    if (!COUNTED.has(n.op)) continue;
    let f: number;
    const out = dims(n.outputs[0]!);
    if (n.op === 'Conv') {
      // weight [Cout, Cin/group, kh, kw]: each output value is Cin/group * kh * kw multiply-adds
      const w = dims(n.inputs[1]!);
      f = 2 * prod(out) * prod(w.slice(1));
    } else if (n.op === 'ConvTranspose') {
      // weight [Cin, Cout/group, kh, kw]: each input value scatters into Cout/group * kh * kw outputs
      f = 2 * prod(dims(n.inputs[0]!)) * prod(dims(n.inputs[1]!).slice(1));
    } else if (n.op === 'MatMul') {
      const a = dims(n.inputs[0]!);
      f = 2 * prod(out) * a[a.length - 1]!;
    } else {
      const a = dims(n.inputs[0]!);
      const transA = n.ints.transA?.[0] === 1;
      f = 2 * prod(out) * (transA ? a[0]! : a[1]!);
    }
    byOp[n.op] = (byOp[n.op] ?? 0) + f;
    counted++;
  }
  return { total: Object.values(byOp).reduce((a, b) => a + b, 0), byOp, nodes: counted };
}

/**
 * FLOPs of one call of `model` on `feeds`: runs it once with every counted node's tensors as
 * extra outputs (graph optimisation off, so the nodes are the file's own) and counts from their dims.
 */
export async function graphFlops(ort: OrtModule, model: Uint8Array, feeds: Record<string, Ort.Tensor>): Promise<FlopCount> {
  const { nodes, initializerDims } = readGraph(model);
  const wanted = new Set<string>();
  for (const n of nodes) if (COUNTED.has(n.op)) for (const t of [...n.inputs, ...n.outputs]) if (t && !initializerDims.has(t)) wanted.add(t);
  const session = await ort.InferenceSession.create(withOutputs(model, [...wanted]), { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
  try {
    const result = await session.run(feeds);
    const dims = (name: string): readonly number[] => {
      const d = initializerDims.get(name) ?? result[name]?.dims;
      if (!d) throw new Error(`onnx-graph: no dims for tensor "${name}"`);
      return d;
    };
    return countFlops(nodes, dims);
  } finally {
    await session.release();
  }
}
