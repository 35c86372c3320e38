# One-off measurement script (docs/BENCHMARKS.md, attempts). Run from the repository root with /usr/bin/python3.
import onnx, numpy as np, sys
from onnx import helper, numpy_helper
src, dst = sys.argv[1], sys.argv[2]
m = onnx.load(src)
g = m.graph
nodes = list(g.node)
i = max(k for k, n in enumerate(nodes) if n.op_type == 'Softmax')
sm, conv = nodes[i], nodes[i + 1]
assert conv.op_type == 'Conv' and conv.input[0] == sm.output[0]
# the palette weight [C, K, 1, 1] (maybe behind a Cast from fp16)
wname = conv.input[1]
inits = {t.name: t for t in g.initializer}
if wname in inits:
    w = numpy_helper.to_array(inits[wname]).astype(np.float32)
else:
    cast = next(n for n in nodes if wname in n.output)
    w = numpy_helper.to_array(inits[cast.input[0]]).astype(np.float32)
pal = w[:, :, 0, 0].T.copy()  # [K, C]
g.initializer.append(numpy_helper.from_array(pal, 'palette_kc'))
new = [
    helper.make_node('Transpose', [sm.input[0]], ['sm_nhwc'], perm=[0, 2, 3, 1]),
    helper.make_node('Softmax', ['sm_nhwc'], ['sm_prob'], axis=-1),
    helper.make_node('MatMul', ['sm_prob', 'palette_kc'], ['sm_rgb']),
    helper.make_node('Transpose', ['sm_rgb'], [conv.output[0]], perm=[0, 3, 1, 2]),
]
del g.node[i:i + 2]
for k, n in enumerate(new):
    g.node.insert(i + k, n)
onnx.checker.check_model(m)
onnx.save(m, dst)
print('rewrote', src, '->', dst, 'palette', pal.shape)
