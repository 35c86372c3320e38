"""PyTorch eager CPU reference for `npm run bench` (bench/run.ts), and the circular-padding check.

    python3 -m models.bench_torch --workloads '[{"id": "sprite", "count": 16, "steps": 12, "guidance": 3}]'
    python3 -m models.bench_torch --circular OUT    # bench/circular-pad.ts compares these with onnxruntime

Timing: the same weights as the shipped ONNX files (the checkpoint's EMA rounded to fp16, as
export.py stores them), the models/ reference sampler (DDIM/Euler, classifier-free guidance).
`sample_ms` is the reference sampler as written (cond and null passes as two calls);
`sample_batched_ms` puts both passes in one batch of 2B, as the TypeScript runtime does.
`peak_gflops`: torch.mm on two n x n fp32 matrices. Prints one JSON object on stdout.
"""
import argparse
import json
import time
from pathlib import Path

import torch

from . import configs, nets
from .diffusion import PARAMS, Denoiser, guided, sample_ddim
from .unet import UNet
from .export import round_to_fp16
from .train import checkpoint_path

HERE = Path(__file__).resolve().parent


def build(cfg, num_classes: int):
    """nets.build with the class count the checkpoint was trained with (models/data.py may have
    moved on: the shipped tile model has 5 classes, the v2 recipe 10)."""
    c = nets.layout(cfg)[0]
    n = cfg["net"]
    param = cfg.get("param", "velocity")
    net = UNet(in_ch=2 * c + 1, out_ch=PARAMS[param].out_channels(c, cfg), base=n["base"], mults=tuple(n["mults"]),
               blocks=n["blocks"], attn=tuple(n["attn"]), patch=n["patch"], circular=n["circular"],
               num_classes=num_classes, dropout=n.get("dropout", 0.0), attributes=len(cfg.get("attributes", [])))
    return Denoiser(net, param, c)


def load(model_id: str):
    """The shipped weights: the checkpoint's own config (the shipped model's), EMA, fp16-rounded."""
    cfg = configs.load(HERE / "configs" / f"{model_id}.json")
    ckpt = torch.load(checkpoint_path(cfg), map_location="cpu")
    cfg = ckpt.get("config") or cfg
    denoiser = build(cfg, ckpt["ema"]["net.class_emb.weight"].shape[0] - 1).eval()
    denoiser.load_state_dict({k: v.float() for k, v in ckpt["ema"].items()})
    round_to_fp16(denoiser)
    return cfg, denoiser


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up: allocator, oneDNN primitive cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)[len(times) // 2]


def batched_guided(denoiser, label, null_label, g, mask, known):
    """Cond and null passes in one call of batch 2B (what src/core/guidance.ts does)."""
    label2 = torch.cat([label, torch.full_like(label, null_label)])
    mask2, known2 = torch.cat([mask, mask]), torch.cat([known, known])

    def d(x, t):
        out = denoiser(torch.cat([x, x]), torch.full((2 * x.shape[0],), float(t)), label2, mask2, known2)
        cond, null = out.chunk(2)
        return null + g * (cond - null)
    return d


def workload(w, runs: int):
    cfg, denoiser = load(w["id"])
    c, h, wd = nets.layout(cfg)
    b, steps, g = w["count"], w["steps"], float(w["guidance"])
    null = denoiser.net.class_emb.num_embeddings - 1
    label = torch.zeros(b, dtype=torch.long)
    mask = torch.zeros(b, 1, h, wd)
    known = torch.zeros(b, c, h, wd)
    if w.get("context"):  # a level window: the left columns known (outpainting)
        mask[..., : w["context"]] = 1
        known = (torch.rand(b, c, h, wd) * 2 - 1) * mask
    noise = torch.randn(b, c, h, wd)
    inpaint = (mask, known) if w.get("context") else (None, None)
    out = {"id": w["id"], "count": b, "steps": steps, "guidance": g, "call_batch": 2 * b if g not in (0.0, 1.0) else b}
    with torch.no_grad():
        x2 = torch.cat([noise, noise]) if out["call_batch"] == 2 * b else noise
        tt = torch.full((x2.shape[0],), 0.5)
        lab = torch.zeros(x2.shape[0], dtype=torch.long)
        m2 = torch.zeros(x2.shape[0], 1, h, wd)
        k2 = torch.zeros_like(x2)
        out["call_ms"] = median_ms(lambda: denoiser(x2, tt, lab, m2, k2), runs)
        d = guided(denoiser, label, null, g, mask, known)
        out["sample_ms"] = median_ms(lambda: sample_ddim(d, noise, steps, mask=inpaint[0], known=inpaint[1]), runs)
        db = batched_guided(denoiser, label, null, g, mask, known)
        out["sample_batched_ms"] = median_ms(lambda: sample_ddim(db, noise, steps, mask=inpaint[0], known=inpaint[1]), runs)
    return out


def peak_gflops(n: int = 1024, runs: int = 5) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    ms = min(median_ms(lambda: torch.mm(a, b), runs) for _ in range(2))
    return 2 * n ** 3 / (ms / 1000) / 1e9


# ---------------------------------------------------------------- circular padding check

def save(out: Path, name: str, t: torch.Tensor, index: dict):
    t = t.detach().contiguous()
    if t.dtype == torch.long:
        (out / f"{name}.bin").write_bytes(t.numpy().astype("<i8").tobytes())
        index[name] = {"dtype": "int64", "dims": list(t.shape)}
    else:
        (out / f"{name}.bin").write_bytes(t.float().numpy().astype("<f4").tobytes())
        index[name] = {"dtype": "float32", "dims": list(t.shape)}


class WrapConv(torch.nn.Module):
    """A circular conv with its 1-pixel wrap padding as explicit torch.cat (exports correctly)."""

    def __init__(self, conv):
        super().__init__()
        self.conv = torch.nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, padding=0)
        self.conv.load_state_dict(conv.state_dict())

    def forward(self, x):
        x = torch.cat([x[..., -1:, :], x, x[..., :1, :]], dim=-2)
        x = torch.cat([x[..., -1:], x, x[..., :1]], dim=-1)
        return self.conv(x)


def circular(out: Path):
    """Files for bench/circular-pad.ts: (1) one circular 3x3 conv, exported by torch.onnx, with its
    eager output; (2) the tile denoiser exported from models/unet.py as it is now, with eager x0 on
    fixed inputs; (3) eager x0 of the shipped weights on those inputs, for models/tile.onnx."""
    from .export import export_onnx

    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    cases = {}
    conv = torch.nn.Conv2d(3, 4, 3, padding=1, padding_mode="circular").eval()
    x = torch.randn(1, 3, 8, 8)
    torch.onnx.export(conv, (x,), str(out / "conv.onnx"), input_names=["x"], output_names=["y"], opset_version=17)
    idx = {}
    save(out, "conv.x", x, idx)
    with torch.no_grad():
        save(out, "conv.y", conv(x), idx)
    cases["conv"] = {"model": "conv.onnx", "inputs": {"x": "conv.x"}, "output": "y", "expected": "conv.y"}
    # The same conv with the wrap written out as torch.cat (the fix): must match eager.
    wrap = WrapConv(conv).eval()
    torch.onnx.export(wrap, (x,), str(out / "conv-cat.onnx"), input_names=["x"], output_names=["y"], opset_version=17)
    cases["conv-cat"] = {"model": "conv-cat.onnx", "inputs": {"x": "conv.x"}, "output": "y", "expected": "conv.y"}

    cfg, denoiser = load("tile")
    step = torch.load(checkpoint_path(cfg), map_location="cpu")["step"]
    c, h, w = nets.layout(cfg)
    b = 2
    g = torch.Generator().manual_seed(1)
    feeds = {"x": torch.randn(b, c, h, w, generator=g), "t": torch.tensor([0.9, 0.3]),
             "label": torch.tensor([0, 1]), "mask": torch.zeros(b, 1, h, w), "known": torch.zeros(b, c, h, w)}
    for k, v in feeds.items():
        save(out, f"tile.{k}", v, idx)
    with torch.no_grad():
        save(out, "tile.x0", denoiser(*feeds.values()), idx)
    export_onnx(denoiser, (c, h, w), out / "tile-fresh.onnx")
    tile_inputs = {k: f"tile.{k}" for k in feeds}
    cases["tile-fresh"] = {"model": "tile-fresh.onnx", "inputs": tile_inputs, "output": "x0", "expected": "tile.x0"}
    shipped = next((m for m in json.loads((HERE / "manifest.json").read_text())["models"] if m["id"] == "tile"), {})
    steps = (shipped.get("training") or {}).get("steps")
    cases["tile-shipped"] = {"model": str(HERE / "tile.onnx"), "inputs": tile_inputs, "output": "x0", "expected": "tile.x0",
                             # Only the same weights compare: training may have moved the checkpoint on since the export.
                             "comparable": steps == step, "note": f"checkpoint step {step}, shipped tile.onnx step {steps}"}
    (out / "index.json").write_text(json.dumps({"tensors": idx, "cases": cases, "torch": torch.__version__}, indent=1))
    print(json.dumps({"wrote": str(out), "cases": list(cases)}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workloads", help="JSON list of {id, count, steps, guidance, context?}")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--circular", metavar="OUT", help="write the circular-padding check files to OUT")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    if args.circular:
        circular(Path(args.circular))
        return
    if not args.workloads:
        p.error("give --workloads or --circular")
    t0 = time.perf_counter()
    models = [workload(w, args.runs) for w in json.loads(args.workloads)]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "peak_gflops": round(peak_gflops(), 1),
                      "models": models, "seconds": round(time.perf_counter() - t0, 1)}))


if __name__ == "__main__":
    main()
