"""Export a trained model to ONNX + its manifest entry, or write the tiny parity fixture.

    python3 -m models.export --config models/configs/sprite.json     # models/sprite.onnx + manifest
    python3 -m models.export --fixture                               # tests/fixtures/tiny/*

Weights are stored as fp16 initializers followed by a Cast to fp32: files are half the size and
onnxruntime folds the casts at session creation, so inference still runs in fp32.
"""
import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from . import configs, data, nets
from .diffusion import guided, sample_ddim, sample_dpmpp_2m
from .train import checkpoint_path, load_checkpoint

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INPUTS = ["x", "t", "label", "mask", "known"]
DATA = ROOT.parent / "shared" / "data"


def inputs(denoiser) -> list:
    """The graph's inputs: the contract's five, and `attributes` [B, A] for a model that takes them."""
    return INPUTS + (["attributes"] if denoiser.net.attributes else [])


class WithLogits(torch.nn.Module):
    """A palette model's graph returns its logits beside x0: the runtime's last step draws each
    pixel's colour from them (docs/MODEL-CONTRACT.md, "Palette draw")."""

    def __init__(self, denoiser):
        super().__init__()
        self.denoiser = denoiser

    def forward(self, *args):
        return self.denoiser.outputs(*args)


def outputs(denoiser) -> list:
    return ["x0", "logits"] if denoiser.has_palette else ["x0"]


def export_onnx(denoiser, shape, path: Path):
    c, h, w = shape
    x = torch.randn(2, c, h, w)
    args = (x, torch.rand(2), torch.zeros(2, dtype=torch.long), torch.zeros(2, 1, h, w), x)
    if denoiser.net.attributes:
        args += (torch.rand(2, denoiser.net.attributes),)
    names, outs = inputs(denoiser), outputs(denoiser)
    module = WithLogits(denoiser.eval()) if denoiser.has_palette else denoiser.eval()
    torch.onnx.export(module, args, str(path), input_names=names, output_names=outs,
                      dynamic_axes={k: {0: "batch"} for k in names + outs}, opset_version=17)
    model = onnx.load(str(path))
    store_weights_fp16(model.graph)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def store_weights_fp16(graph):
    casts = []
    for init in list(graph.initializer):
        if init.data_type != TensorProto.FLOAT or np.prod(init.dims) < 64:
            continue
        half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name + "_fp16")
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT))
        graph.initializer.remove(init)
        graph.initializer.append(half)
    for node in reversed(casts):
        graph.node.insert(0, node)


def round_to_fp16(model):
    """Make torch's weights exactly what the fp16 ONNX file holds, so parity is exact."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_entry(cfg, file: Path, state=None, denoiser=None, attributes=None):
    """The model's manifest entry; `attributes` (level models with them) is the list of
    {name, quantiles} the runtime normalises requests with (train.prepare_data stores it in the
    checkpoint)."""
    c, h, w = nets.layout(cfg)
    names = data.class_names(data.dataset(cfg))
    legend = data.ZELDA_LEGEND if data.dataset(cfg) == "dungeon" else data.SMB_LEGEND
    entry = {
        "id": cfg["id"], "kind": cfg["kind"], "version": cfg["version"],
        "file": file.name, "bytes": file.stat().st_size, "sha256": sha256(file),
        "layout": {"channels": c, "height": h, "width": w},
        "classes": names, "nullClass": len(names),
        "defaultClass": cfg["runtime"].get("class"),
        "tiles": [{"char": ch, "name": n, "solid": "solid" in tags, "tags": tags}
                  for ch, n, tags in legend] if cfg["kind"] == "level" else None,
        "denoiser": {"output": "x0", "schedule": "rectified-flow", "inputs": INPUTS + (["attributes"] if cfg.get("attributes") else [])},
        "steps": {"default": cfg["runtime"]["steps"], "min": 1, "max": 1000},
        "guidance": {"default": cfg["runtime"]["guidance"], "min": 0, "max": 20},
        "seamless": bool(cfg["net"]["circular"]),
        "card": f"{cfg['id']}.md", "sheet": f"{cfg['id']}.png",
    }
    if denoiser is not None and denoiser.has_palette:  # RGBA8, so the runtime can snap decoded images to it
        entry["palette"] = palette_bytes(denoiser).tolist()
        if cfg["runtime"].get("draw_temperature"):  # the last step draws from the graph's `logits`
            entry["draw"] = {"temperature": cfg["runtime"]["draw_temperature"]}
    if cfg.get("teacher"):  # a distilled student (models/distill.py): it samples with guidance 1
        entry["teacher"] = cfg["teacher"]
    if cfg.get("genre"):  # absent = platformer, so older manifests keep their meaning
        entry["genre"] = cfg["genre"]
    if cfg.get("attributes"):
        if attributes is None:
            raise ValueError(f"{cfg['id']} takes attributes: give their quantiles")
        entry["attributes"] = attributes
    if "context" in cfg["runtime"]:
        entry["context"] = cfg["runtime"]["context"]
    if state:
        entry["training"] = {"steps": state["step"], "minutes": round(state["seconds"] / 60, 1),
                             "machines": state.get("machines", [])}
    return entry


def default_students() -> list:
    """Ids of the students whose configs make them their kind's default (they met issue 14's targets)."""
    found = [configs.load(p) for p in sorted((HERE / "configs").glob("*.json"))]
    return [c["id"] for c in found if c.get("teacher") and c.get("default_for_kind")]


def write_manifest(path: Path, entry):
    manifest = json.loads(path.read_text()) if path.exists() else {"schemaVersion": 1, "models": []}
    models = [m for m in manifest["models"] if m["id"] != entry["id"]] + [entry]
    order = {"tile": 0, "sprite": 1, "level": 2}
    # The first model of a kind is the runtime's default: a student listed as `default_for_kind`
    # in its config goes before its teacher (models/configs/<id>-fast.json), otherwise after.
    ahead = set(default_students())
    family = lambda m: m.get("teacher", m["id"])
    manifest["models"] = sorted(models, key=lambda m: (order.get(m["kind"], 9), family(m), m["id"] not in ahead, "teacher" in m))
    path.write_text(json.dumps(manifest, indent=2) + "\n")


# ---------------------------------------------------------------- sample sheets (for people)

LEVEL_COLOURS = {"-": (107, 140, 255), "X": (136, 70, 30), "S": (200, 76, 12), "?": (252, 188, 60),
                 "Q": (160, 120, 80), "E": (220, 30, 30), "<": (0, 168, 0), ">": (0, 168, 0),
                 "[": (0, 120, 0), "]": (0, 120, 0), "o": (255, 230, 0), "B": (40, 40, 40),
                 "b": (90, 90, 90)}
DUNGEON_COLOURS = {"F": (200, 180, 140), "B": (110, 80, 60), "M": (220, 30, 30), "P": (40, 90, 200),
                   "O": (120, 160, 210), "I": (60, 60, 140), "D": (250, 200, 40), "S": (30, 200, 90),
                   "W": (70, 70, 80), "-": (0, 0, 0)}


def palette_bytes(denoiser) -> np.ndarray:
    """The palette as RGBA8; an RGB (tile) palette is all opaque."""
    rgba = ((denoiser.palette.clamp(-1, 1) + 1) * 127.5).round().int().numpy()
    if rgba.shape[1] == 3:
        rgba = np.concatenate([rgba, np.full((len(rgba), 1), 255, rgba.dtype)], 1)
    return rgba


def snap(im, palette):
    """Opaque pixels to the nearest opaque palette colour, as src/models/palette.ts does."""
    colours = palette[palette[:, 3] == 255, :3]
    rgb = im[..., :3].reshape(-1, 1, 3).astype(np.int64)
    snapped = colours[((rgb - colours[None]) ** 2).sum(-1).argmin(-1)].reshape(im.shape[:2] + (3,))
    return np.where(im[..., 3:] > 0, np.concatenate([snapped, im[..., 3:]], -1), im).astype(np.uint8)


def to_rgba(kind, x, palette=None):
    """[N, C, H, W] in [-1, 1] -> list of uint8 HxWx4 images (the decoding the runtime does);
    `kind` is a data set name (data.dataset)."""
    if kind in ("level", "dungeon"):
        legend, colours = (data.ZELDA_LEGEND, DUNGEON_COLOURS) if kind == "dungeon" else (data.SMB_LEGEND, LEVEL_COLOURS)
        chars = [c for c, _, _ in legend]
        ids = x.argmax(1).numpy()
        return [np.array([[colours[chars[i]] + (255,) for i in row] for row in g], np.uint8)
                .repeat(4, 0).repeat(4, 1) for g in ids]
    v = ((x.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
    if kind == "tile":
        tiles = [np.concatenate([im, np.full(im.shape[:2] + (1,), 255, np.uint8)], -1) for im in v]
        return tiles if palette is None else [snap(im, palette) for im in tiles]
    images = [np.where(im[..., 3:] >= 128, np.concatenate([im[..., :3], np.full_like(im[..., 3:], 255)], -1), 0)
              .astype(np.uint8) for im in v]
    return images if palette is None else [snap(im, palette) for im in images]


def sample_sheet(cfg, denoiser, path: Path, per_class=8, seed=0):
    from PIL import Image
    c, h, w = nets.layout(cfg)
    names = data.class_names(data.dataset(cfg))
    rows = []
    g = torch.Generator().manual_seed(seed)
    palette = palette_bytes(denoiser) if denoiser.has_palette else None
    for label in range(len(names)):
        n = per_class if cfg["kind"] != "level" else 4 if data.dataset(cfg) == "level" else 16
        noise = torch.randn(n, c, h, w, generator=g)
        cond = (torch.full((n,), label), len(names), float(cfg["runtime"]["guidance"]), torch.zeros(n, 1, h, w), torch.zeros(n, c, h, w))
        temperature = cfg["runtime"].get("draw_temperature")
        draw = (guided(denoiser.logits, *cond), denoiser.palette, temperature, torch.rand(n, h, w, generator=g)) if temperature else None
        sampler = sample_ddim if cfg.get("teacher") else sample_dpmpp_2m  # a student's steps are DDIM steps (the runtime default)
        rows.append(to_rgba(data.dataset(cfg), sampler(guided(denoiser, *cond), noise, cfg["runtime"]["steps"], draw=draw), palette))
    cols = max(len(r) for r in rows)
    ih, iw = rows[0][0].shape[:2]
    pad = 2
    sheet = np.zeros((len(rows) * (ih + pad), cols * (iw + pad), 4), np.uint8)
    sheet[..., :3], sheet[..., 3] = 40, 255  # dark backdrop so transparent sprites read
    for r, row in enumerate(rows):
        for k, im in enumerate(row):
            y, x = r * (ih + pad), k * (iw + pad)
            a = im[..., 3:] / 255.0
            sheet[y:y + ih, x:x + iw, :3] = (im[..., :3] * a + sheet[y:y + ih, x:x + iw, :3] * (1 - a)).astype(np.uint8)
    scale = 2 if cfg["kind"] != "level" else 1
    Image.fromarray(sheet).resize((sheet.shape[1] * scale, sheet.shape[0] * scale), Image.NEAREST).save(path)


# ---------------------------------------------------------------- parity fixture

def flat(t):
    return [float(f"{v:.8g}") for v in t.flatten().tolist()]


def random_fixture_model(cfg):
    """An untrained tiny model with noisy weights: the zero-initialised output conv of a fresh
    UNet would make every parity case trivial."""
    torch.manual_seed(1234)
    denoiser = nets.build(cfg).eval()
    with torch.no_grad():
        for p in denoiser.parameters():
            p.add_(torch.randn_like(p) * 0.05)
        if denoiser.has_palette:  # like a learned one: transparent first (RGBA), opaque colours
            denoiser.palette.uniform_(-1, 1)
            if denoiser.palette.shape[1] == 4:
                denoiser.palette[:, 3] = 1
                denoiser.palette[0] = torch.tensor([0.0, 0.0, 0.0, -1.0])
    return denoiser


def write_fixture(cfg, denoiser, out: Path, attributes=None):
    """tiny.onnx + manifest.json + parity.json (docs/MODEL-CONTRACT.md) for the TS parity tests.
    A model with attributes gets cases that give them (some unknown, -1) and cases that leave
    them out (the runtime's default: all unknown)."""
    round_to_fp16(denoiser)
    out.mkdir(parents=True, exist_ok=True)
    model_path = out / "tiny.onnx"
    export_onnx(denoiser, nets.layout(cfg), model_path)
    entry = manifest_entry(cfg, model_path, denoiser=denoiser, attributes=attributes)
    entry.update({"card": None, "sheet": None})
    (out / "manifest.json").write_text(json.dumps({"schemaVersion": 1, "models": [entry]}, indent=2) + "\n")

    c, h, w = nets.layout(cfg)
    null = len(data.class_names(data.dataset(cfg)))
    g = torch.Generator().manual_seed(7)
    cases = []

    n_attr = denoiser.net.attributes

    def case(name, sampler, steps, guidance, labels, eta=0.0, inpaint=False, attrs=False, temperature=None):
        b = len(labels)
        label = torch.tensor(labels)
        a = None
        if attrs and n_attr:
            a = torch.rand(b, n_attr, generator=g)
            a[torch.rand(b, n_attr, generator=g) < 0.3] = -1.0
        noise = torch.randn(b, c, h, w, generator=g)
        mask = known = step_noise = None
        if inpaint:
            mask = torch.zeros(b, 1, h, w)
            mask[..., :, : w // 2] = 1
            known = torch.rand(b, c, h, w, generator=g) * 2 - 1
            known = known * mask
        if eta > 0:
            step_noise = [torch.randn(b, c, h, w, generator=g) for _ in range(steps)]
        cond = (label, null, guidance, mask if mask is not None else torch.zeros(b, 1, h, w),
                known if known is not None else torch.zeros(b, c, h, w), a)
        uniforms = torch.rand(b, h, w, generator=g) if temperature else None
        draw = (guided(denoiser.logits, *cond), denoiser.palette, temperature, uniforms) if temperature else None
        if sampler == "ddim":
            x = sample_ddim(guided(denoiser, *cond), noise, steps, eta, step_noise, mask, known, draw)
        else:
            x = sample_dpmpp_2m(guided(denoiser, *cond), noise, steps, mask, known, draw)
        cases.append({"name": name, "sampler": sampler, "steps": steps, "eta": eta,
                      "guidance": guidance, "label": labels,
                      "mask": flat(mask) if mask is not None else None,
                      "known": flat(known) if known is not None else None,
                      "noise": flat(noise),
                      "stepNoise": [flat(z) for z in step_noise] if step_noise else None,
                      "attributes": flat(a) if a is not None else None,
                      "draw": {"temperature": temperature, "uniforms": flat(uniforms)} if temperature else None,
                      "expected": flat(x)})

    last = null - 1
    case("ddim-euler-4", "ddim", 4, 1.0, [0])
    case("ddim-one-step", "ddim", 1, 1.0, [last])
    case("ddim-eta-guided", "ddim", 3, 2.0, [min(3, last)], eta=0.5)
    case("dpmpp2m-guided-batch", "dpmpp2m", 5, 3.0, [0, last])
    case("dpmpp2m-inpaint", "dpmpp2m", 4, 1.0, [min(2, last)], inpaint=True)
    case("ddim-inpaint-guided", "ddim", 3, 2.0, [min(1, last)], inpaint=True)
    if denoiser.has_palette:
        case("ddim-palette-draw-guided", "ddim", 3, 2.0, [0, last], temperature=0.7)
        case("dpmpp2m-palette-draw-inpaint", "dpmpp2m", 3, 1.0, [min(1, last)], inpaint=True, temperature=1.0)
    if n_attr:
        case("ddim-attributes-guided", "ddim", 3, 3.0, [0, last], attrs=True)
        case("dpmpp2m-attributes-inpaint", "dpmpp2m", 4, 2.0, [min(1, last)], inpaint=True, attrs=True)
    (out / "parity.json").write_text(json.dumps({"shape": [None, c, h, w], "nullClass": null, "cases": cases}))
    print(f"wrote fixture to {out}")


def export_model(cfg, sheet: bool, folder: Path = HERE / "checkpoints", out: Path = HERE, data_root: Path = DATA):
    """<out>/<id>.onnx and its entry in <out>/manifest.json (a candidate can go to another folder
    first, to be evaluated before it replaces the shipped model). Dungeon models also get the
    training rooms' fingerprints (`knownRooms`, from `data_root`) for the runtime's novelty guard."""
    denoiser = nets.build(cfg).eval()
    ckpt = load_checkpoint(cfg, denoiser, folder)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{cfg['id']}.onnx"
    export_onnx(denoiser, nets.layout(cfg), path)
    entry = manifest_entry(cfg, path, ckpt, denoiser, ckpt.get("data", {}).get("attributes"))
    if data.dataset(cfg) == "dungeon":
        entry["knownRooms"] = data.known_room_fingerprints(data_root)
    if data.dataset(cfg) == "sprite":  # the runtime's fragment guard
        entry["minOpaque"] = data.min_opaque(*data.load_sprites(data_root)[:2])
    if out != HERE:
        entry.update({"card": None, "sheet": None})
    write_manifest(out / "manifest.json", entry)
    if sheet:
        sample_sheet(cfg, denoiser, out / f"{cfg['id']}.png")
    print(f"exported {path} ({path.stat().st_size / 1e6:.2f} MB) from step {ckpt['step']}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="models/configs/<id>.json (needs models/checkpoints/<id>.pt)")
    p.add_argument("--fixture", action="store_true", help="write tests/fixtures/tiny/")
    p.add_argument("--out", default=str(ROOT / "tests" / "fixtures" / "tiny"))
    p.add_argument("--no-sheet", action="store_true")
    p.add_argument("--checkpoints", default=str(HERE / "checkpoints"), help="folder of <id>.pt (default models/checkpoints)")
    p.add_argument("--to", default=str(HERE), help="folder for <id>.onnx and manifest.json (default models/)")
    p.add_argument("--data", default=str(DATA), help="training data folder (dungeon models: the rooms' fingerprints)")
    args = p.parse_args()
    if args.fixture:
        cfg = json.loads((HERE / "configs" / "tiny.json").read_text())
        write_fixture(cfg, random_fixture_model(cfg), Path(args.out))
    elif args.config:
        export_model(configs.load(args.config), not args.no_sheet, Path(args.checkpoints), Path(args.to), Path(args.data))
    else:
        p.error("give --config or --fixture")


if __name__ == "__main__":
    main()
