# One-off measurement script (docs/BENCHMARKS.md, attempts). Run from the repository root with /usr/bin/python3.
import onnx, numpy as np, sys
from onnx import numpy_helper
m = onnx.load(sys.argv[1]); g = m.graph
inits = {t.name: t for t in g.initializer}
keep = []
for n in list(g.node):
    if n.op_type == 'Cast' and n.input[0] in inits and inits[n.input[0]].data_type == onnx.TensorProto.FLOAT16:
        arr = numpy_helper.to_array(inits[n.input[0]]).astype(np.float32)
        g.initializer.remove(inits[n.input[0]]); g.initializer.append(numpy_helper.from_array(arr, n.output[0])); g.node.remove(n)
onnx.save(m, sys.argv[2]); print('fp32 weights ->', sys.argv[2])
