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

from . import nets
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


if __name__ == "__main__":
    main()
