"""Pipeline smoke test for CI: train a tiny level model (with attribute conditioning) for a few
steps on the real data, export it, and write a parity fixture the TypeScript tests replay (SMOKE_FIXTURE=<out> npm test); then
train a tiny sprite and a tiny tile model the same way, so the palette recipe (k-means palette,
snapped data, cross-entropy, colour lookup in the graph) is exercised for RGBA and RGB. The tile
model also gets a parity fixture (<out>/tile/parity): it is the circular-padded net, whose ONNX
export once computed something other than the trained net.

    python3 -m models.smoke --data ../shared/data --out /tmp/asset-diffusion-smoke
"""
import argparse
import json
from pathlib import Path

import torch

from . import configs, data, distill, nets
from .diffusion import guided, sample_ddim
from .export import export_onnx, manifest_entry, write_fixture
from .train import HERE, load_checkpoint, train


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=20)
    args = p.parse_args()
    out = Path(args.out)
    cfg = json.loads((HERE / "configs" / "tiny-level.json").read_text())
    train(cfg, Path(args.data), minutes=5, resume=False, device="cpu", max_steps=args.steps, folder=out)
    denoiser = nets.build(cfg).eval()
    ckpt = load_checkpoint(cfg, denoiser, out)
    assert ckpt["step"] == args.steps, f"trained {ckpt['step']} steps, expected {args.steps}"
    assert all(torch.isfinite(p).all() for p in denoiser.parameters()), "non-finite weights"
    assert [a["name"] for a in ckpt["data"]["attributes"]] == cfg["attributes"], "attribute quantiles missing"
    write_fixture(cfg, denoiser, out, ckpt["data"]["attributes"])
    smoke_palette(Path(args.data), out / "sprite", "tiny-sprite")
    smoke_palette(Path(args.data), out / "tile", "tiny-tile")
    smoke_student(Path(args.data), out / "sprite", "tiny-sprite-fast")


def smoke_palette(root: Path, out: Path, config: str, steps: int = 5):
    """A tiny palette model (sprite: RGBA with a transparent entry 0; tile: opaque RGB) trained a
    few steps on the real data and exported, with its palette checked."""
    cfg = json.loads((HERE / "configs" / f"{config}.json").read_text())
    train(cfg, root, minutes=5, resume=False, device="cpu", max_steps=steps, folder=out)
    denoiser = nets.build(cfg).eval()
    load_checkpoint(cfg, denoiser, out)
    palette = denoiser.palette
    channels = nets.layout(cfg)[0]
    if channels == 4:
        assert palette.shape == (cfg["palette"] + 1, 4), f"palette shape {tuple(palette.shape)}"
        assert palette[0].tolist() == [0.0, 0.0, 0.0, -1.0], "entry 0 must be transparent"
        assert (palette[1:, 3] == 1).all(), "colours after entry 0 must be opaque"
    else:
        assert palette.shape == (cfg["palette"], 3), f"palette shape {tuple(palette.shape)}"
    assert palette.abs().max() <= 1, "colours must be in [-1, 1]"
    export_onnx(denoiser, nets.layout(cfg), out / f"{config}.onnx")
    entry = manifest_entry(cfg, out / f"{config}.onnx", denoiser=denoiser)
    assert all(len(c) == 4 and (channels == 4 or c[3] == 255) for c in entry["palette"]), "manifest palette is RGBA8"
    if cfg["net"]["circular"]:
        write_fixture(cfg, denoiser, out / "parity")
    print(f"{config} smoke: {steps} steps, {len(palette)}-entry palette, exported to {out}")


def smoke_student(root: Path, folder: Path, config: str, steps: int = 5):
    """A few-step student (models/distill.py) of the tiny sprite model in `folder`: its teacher
    paths end where the reference DDIM sampler ends, and it distils, exports and lists its teacher."""
    cfg = configs.load(HERE / "configs" / f"{config}.json")
    teacher = nets.build(cfg).eval()
    load_checkpoint({"id": cfg["teacher"]}, teacher, folder)
    c, h, w = nets.layout(cfg)
    n, null = 3, len(data.class_names(data.dataset(cfg)))
    mask = torch.zeros(n, 1, h, w)
    mask[..., : h // 2, :] = 1
    known = (torch.rand(n, c, h, w) * 2 - 1) * mask
    noise = torch.randn(n, c, h, w)
    d = guided(teacher, torch.tensor([0, 1, null]), null, cfg["distill"]["guidance"], mask, known)
    xs, end = distill.teacher_paths(teacher, d, noise, cfg["distill"]["teacher_steps"], mask, known)
    reference = sample_ddim(d, noise, cfg["distill"]["teacher_steps"], mask=mask, known=known)
    assert xs.shape[0] == cfg["distill"]["teacher_steps"], f"{xs.shape[0]} path points"
    assert torch.allclose(end, reference, atol=1e-5), "teacher paths must end where the reference DDIM sampler ends"
    distill.distill(cfg, root, minutes=5, max_steps=steps, folder=folder, cache=folder / "trajectories")
    student = nets.build(cfg).eval()
    ckpt = load_checkpoint(cfg, student, folder)
    assert ckpt["step"] == steps and ckpt["teacher"]["id"] == cfg["teacher"], "student checkpoint"
    assert all(torch.isfinite(p).all() for p in student.parameters()), "non-finite student weights"
    export_onnx(student, nets.layout(cfg), folder / f"{config}.onnx")
    entry = manifest_entry(cfg, folder / f"{config}.onnx", denoiser=student)
    assert entry["teacher"] == cfg["teacher"] and entry["guidance"]["default"] == 1 and entry["steps"]["default"] == 2, "student entry"
    print(f"{config} smoke: distilled {steps} steps from {cfg['teacher']}, exported to {folder}")


if __name__ == "__main__":
    main()
