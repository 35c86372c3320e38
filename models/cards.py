"""Write models/<id>.md, the model card, from the config, checkpoint, manifest entry and the
evaluation results in models/eval/<id>.json (written by the eval commands the card quotes).

    python3 -m models.cards --config models/configs/sprite.json
"""
import argparse
import json
from pathlib import Path

import torch
import torch.nn as nn

from . import attributes, configs, data, nets
from .unet import Attention

HERE = Path(__file__).resolve().parent

DATA_TEXT = {
    "sprite": ("DCSS rltiles `mon/`, `item/`, `player/base` (Dungeon Crawl Stone Soup, "
               "github.com/crawl/crawl, commit 5539bdd7)", True),
    "tile": ("DCSS rltiles `dngn/floor`, `dngn/wall`, `dngn/water` (Dungeon Crawl Stone Soup, "
             "github.com/crawl/crawl, commit 5539bdd7)", True),
    "level": ("VGLC `Super Mario Bros/Processed` and `Super Mario Bros 2 (Japan)/Processed` "
              "(github.com/TheVGLC/TheVGLC, commit 0e86a8f3)", False),
    "dungeon": ("VGLC `The Legend of Zelda/Processed`, the 18 dungeon maps (github.com/TheVGLC/TheVGLC, "
                "commit 0e86a8f3)", False),
}
PARAM_TEXT = {
    "velocity": "velocity-predicting UNet (the graph returns x0 = x − t·v)",
    "palette": ("UNet predicting per-pixel logits over a palette of {colours} colours learned from the "
                "data by k-means (plus transparent for RGBA; cross-entropy; the graph returns "
                "x0 = Σ softmax·colour, the posterior mean in colour space)"),
    "categorical": ("UNet predicting per-cell logits over the legend (cross-entropy; the graph returns "
                    "x0 = 2·softmax − 1)"),
}
DCSS_CAVEAT = ("Licence: the DCSS licence file says \"The majority of Crawl's tiles and artwork are "
               "released under the CC0 license ... the licensing situation may be complex, especially "
               "for older pieces\"; per-tile detail is at github.com/crawl/tiles. Check a tile's "
               "history there before relying on CC0 for a derivative that resembles it closely.")
VGLC_LICENCE = ("Licence: MIT (the VGLC's License.md). Cite Summerville et al., \"The VGLC: The Video "
                "Game Level Corpus\", PCG Workshop 2016. The level designs themselves are Nintendo's; "
                "the corpus is a research transcription.")


def count_flops(denoiser, shape):
    """Multiply-adds x 2 of convs, linears and attention matmuls for one sample, one call."""
    total = 0

    def conv(m, i, o):
        nonlocal total
        total += 2 * o.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear(m, i, o):
        nonlocal total
        total += 2 * o.numel() * m.in_features

    def attn(m, i, o):
        nonlocal total
        b, c, h, w = o.shape
        total += 2 * 2 * (h * w) ** 2 * c  # q^T k and v att^T

    hooks = []
    for mod in denoiser.modules():
        if isinstance(mod, nn.Conv2d):
            hooks.append(mod.register_forward_hook(conv))
        elif isinstance(mod, nn.Linear):
            hooks.append(mod.register_forward_hook(linear))
        elif isinstance(mod, Attention):
            hooks.append(mod.register_forward_hook(attn))
    c, h, w = shape
    with torch.no_grad():
        denoiser(torch.zeros(1, c, h, w), torch.ones(1), torch.zeros(1, dtype=torch.long),
                 torch.zeros(1, 1, h, w), torch.zeros(1, c, h, w))
    for hk in hooks:
        hk.remove()
    return total


def fmt_table(rows):
    return "\n".join(["| " + " | ".join(str(c) for c in r) + " |" for r in rows[:1]]
                     + ["|" + "---|" * len(rows[0])]
                     + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows[1:]])


def attribute_lines(cfg, entry):
    """What each attribute means and where the training windows put it (the quantiles in the manifest)."""
    rows = [["attribute", "raw value (models/attributes.py)", "training windows: min / 25% / median / 75% / max"]]
    for a in entry["attributes"]:
        q = a["quantiles"]
        k = len(q) - 1
        rows.append([f"`{a['name']}`", attributes.DEFINITIONS.get(a["name"], ""),
                     " / ".join(f"{q[i]:g}" for i in (0, k // 4, k // 2, 3 * k // 4, k))])
    return ["", "## Attributes (conditioning)",
            "A request's `attributes` give each a number in [0, 1], its rank among the training windows "
            "(the raw value normalised by the training windows' quantiles, stored in the manifest: 0.5 = "
            "the median window), or `none` / `few` / `some` / `many` (`none` = where a raw 0 ranks, the others "
            "the middles of the thirds above it). Attributes left out are unknown; guidance's null pass drops "
            "them all with the class. The same definition is in `src/levels/attributes.ts` (checked equal "
            "by `tests/levels/attributes.test.ts`).", "", fmt_table(rows)]


def sweep_lines(sweep):
    """The attribute sweep (`eval levels --attributes ...`): requested against measured."""
    cmd = sweep.pop("command", None)
    rows = [["attribute", "spearman", "mean error", "mean measured at 0.1 / 0.3 / 0.5 / 0.7 / 0.9", "levels"]]
    for name, s in sweep["attributes"].items():
        rows.append([f"`{name}`", s["spearman"], s["mean_error"],
                     " / ".join(f"{b['measured']:.2f}" for b in s["by_request"]), s["levels"]])
    pooled = ", ".join(f"{k} {sweep[k]}" for k in ("playable_raw", "playable", "novelty", "kl", "broken_structures"))
    return ["", "### Attributes: requested against measured",
            f"Command: `{cmd}`" if cmd else "", "",
            "Per attribute, level i asks for that attribute alone at 0.1, 0.3, 0.5, 0.7, 0.9 in turn (the "
            "others free) and the returned level is measured with the training labels' definition and "
            "quantiles; Spearman's rank correlation between requested and measured and the mean "
            "|requested − measured| (target: Spearman ≥ 0.8 for every attribute).", "",
            fmt_table(rows), "", f"All levels of the sweep together: {pooled}."]


STUDENT_FIGURES = {
    "sprite": ["class_adherence", "frechet_features", "near_copies", "speckle_monsters", "speckle_items_and_heroes", "stray_pixels", "empty_sprites"],
    "tile": ["class_adherence", "frechet_features", "near_copies", "seam_ratio", "speckle"],
    "level": ["playable_raw", "playable", "novelty", "kl", "kl_baseline"],
    "dungeon": ["playable_raw", "playable", "novelty", "novelty_raw", "interior_novelty", "kl", "kl_baseline"],
}


def student_lines(cfg):
    """A distilled student's method and its 1/2/4-step figures next to its teacher's at the
    teacher's defaults (models/eval/<teacher>.json and <id>.steps-<k>.json)."""
    d = cfg["distill"]
    teacher = configs.load(HERE / "configs" / f"{cfg['teacher']}.json")
    runs = [(f"`{cfg['teacher']}` ({teacher['runtime']['steps']} steps, guidance {teacher['runtime']['guidance']}: "
             f"{teacher['runtime']['steps'] * (1 if teacher['runtime']['guidance'] == 1 else 2)} net evaluations a sample)", HERE / "eval" / f"{cfg['teacher']}.json")]
    runs += [(f"student, {k} step{'s' if k > 1 else ''} ({k})", HERE / "eval" / f"{cfg['id']}.steps-{k}.json") for k in (1, 2, 4)]
    found = [(name, json.loads(path.read_text())) for name, path in runs if path.exists()]
    keys = [k for k in STUDENT_FIGURES[data.dataset(cfg)] if any(k in r for _, r in found)]
    rows = [["figure"] + [name for name, _ in found]] + [[k] + [json.dumps(r.get(k)) for _, r in found] for k in keys]
    commands = [f"`{r['command']}`" for _, r in found if r.get("command")]
    return ["", "## Distillation (a few-step student)",
            f"- Teacher `{cfg['teacher']}`; trajectory-endpoint distillation (`models/distill.py`, whose docstring gives "
            f"the reasons): {d['trajectories']:,} guided teacher paths ({d['teacher_steps']} DDIM steps, guidance "
            f"{d['guidance']}, the training set's masks, known regions, labels{' and attributes' if cfg.get('attributes') else ''}"
            f"{f', ending in the teacher palette draw at temperature ' + str(d['draw_temperature']) if d.get('draw_temperature') else ''}), "
            f"then the student, initialised from the teacher, learns the path's endpoint from every point on it with "
            f"the teacher's own cross-entropy. Guidance is folded in: the student runs with guidance 1, one call a step.",
            f"- Default {cfg['runtime']['steps']} DDIM steps; any step count works, since the student predicts the "
            f"endpoint, which does not depend on the step size.",
            f"- Re-run: `python3 -m models.distill --config models/configs/{cfg['id']}.json` "
            f"(teacher paths are cached in models/gpu/data/trajectories/; `--resume` continues).",
            "", "Measured through the TypeScript pipeline, same seeds (speed: `npm run bench`, docs/BENCHMARKS.md):" if found else "Not measured yet.", "",
            fmt_table(rows) if found else "", "", "Commands: " + "; ".join(commands) if commands else ""]


def write_card(cfg):
    manifest = json.loads((HERE / "manifest.json").read_text())
    entry = next(m for m in manifest["models"] if m["id"] == cfg["id"])
    ckpt = torch.load(HERE / "checkpoints" / f"{cfg['id']}.pt", map_location="cpu")
    denoiser = nets.build(cfg).eval()
    params = sum(p.numel() for p in denoiser.parameters())
    shape = nets.layout(cfg)
    flops = count_flops(denoiser, shape)
    evaluation_path = HERE / "eval" / f"{cfg['id']}.json"
    evaluation = json.loads(evaluation_path.read_text()) if evaluation_path.exists() else None
    source, is_dcss = DATA_TEXT[data.dataset(cfg)]
    n = cfg["net"]
    lines = [
        f"# Model card: `{cfg['id']}` ({cfg['kind']}, v{cfg['version']})", "",
        f"![sample sheet]({cfg['id']}.png)", "",
        "## Data", f"- Source: {source}.", f"- {DCSS_CAVEAT if is_dcss else VGLC_LICENCE}",
        f"- What was used: `{json.dumps({k: v for k, v in ckpt.get('data', {}).items() if k != 'attributes'})}`" if ckpt.get("data") else "",
    ]
    if cfg["kind"] == "sprite":
        lines.append("- Only 32×32 files are used: the 32×48 tall monsters and off-size files are skipped "
                     "(not squashed), so tall monsters are absent. Alpha is thresholded at 0.5 (DCSS "
                     "sprites are nearly binary); transparent pixels carry RGB 0. Horizontal flips.")
    if cfg["kind"] == "tile":
        lines.append(f"- Classes are materials, each a group of DCSS families (glob patterns on "
                     f"`<folder>/<file stem>` under `dngn/`, `models/data.py` TILE_CLASSES). A file is used only "
                     f"if it is 32×32, fully opaque and itself seamless: its wrap-around step over its mean "
                     f"interior step (`tile_seam_ratio`) is at most {data.MAX_TILE_SEAM}. Every class gets random "
                     f"toroidal shifts and flips. v1's `tree` and `door` are dropped: in DCSS they are objects "
                     f"drawn over floor (transparent overlays, wrap-seam ratios far above 1), not textures that "
                     f"repeat, and a seamless model cannot learn one object per tile from them; they belong to "
                     f"a sprite-like model with alpha.")
        lines += ["", fmt_table([["class", "DCSS families (patterns)"]] +
                                [[f"`{c}`", ", ".join(f"`{p}`" for p in pats)] for c, pats in data.TILE_CLASSES.items()])]
    if data.dataset(cfg) == "dungeon":
        lines.append(f"- Why Zelda: the only top-down game with room-structured dungeons in the VGLC copy here "
                     f"(Lode Runner is side-view); its rooms have doors at fixed mid-wall places, so rooms "
                     f"generated one by one can be joined into a dungeon whose doors line up. Each map is cut "
                     f"on its 16×11 grid and every room transposed to the NES screen's {data.ROOM_ROWS} rows × "
                     f"{data.ROOM_COLS} columns; blocks that are all void (holes in the map) and the walled "
                     f"stubs with a void interior are dropped. Augmentation: horizontal and vertical flips "
                     f"(valid for top-down rooms: doors stay mid-wall). Caveat: Zelda reuses room templates, so "
                     f"the rooms have few distinct interiors (see `unique_rooms` above and the eval's "
                     f"interior novelty).")
    if data.dataset(cfg) == "level":
        lines.append("- Each level keeps its bottom 14 rows (a few SMB2 maps are 15–16 rows of which the "
                     "top is sky; 12–13-row maps get sky on top). Training windows: every 32-column "
                     "window, stride 1.")
    lines += ["", "## Classes" if cfg["kind"] != "level" else "## Classes and legend",
              ", ".join(f"`{c}`" for c in entry["classes"]) + f" (null class for guidance: {entry['nullClass']})"]
    if entry.get("tiles"):
        lines += ["", fmt_table([["channel", "char", "name", "solid"]] +
                                [[i, f"`{t['char']}`", t["name"], t["solid"]] for i, t in enumerate(entry["tiles"])])]
    if entry.get("attributes"):
        lines += attribute_lines(cfg, entry)
    lines += [
        "", "## Model",
        f"- Rectified flow (alpha = 1 − t, sigma = t), " + PARAM_TEXT[cfg.get("param", "velocity")].format(
            colours=cfg.get("palette"))
        + (f"; the runtime's last step draws each pixel's colour from softmax(logits / {entry['draw']['temperature']}) "
           f"instead of taking that mean (the palette draw; the graph also returns `logits`)" if entry.get("draw") else "")
        + (f"; the runtime samples a sprite again when it has fewer opaque pixels than its class's 5th "
           f"percentile in the real art (manifest `minOpaque`, the fragment guard; `allowFragments` turns it off)"
           if entry.get("minOpaque") else "")
        + f"; contract in docs/MODEL-CONTRACT.md. Inputs `{', '.join(entry['denoiser']['inputs'])}`; tensor {list(shape)}.",
        f"- UNet: base {n['base']} channels, multipliers {n['mults']}, {n['blocks']} ResBlock(s) per level, "
        f"attention at {['yes' if a else 'no' for a in n['attn']]}, space-to-depth {n['patch']}×{n['patch']}, "
        f"{'circular' if n['circular'] else 'zero'} padding.",
        f"- Parameters: {params:,}. FLOPs per sample per denoiser call: {flops / 1e6:.0f} M "
        f"(×2 per step with guidance ≠ 1; default {cfg['runtime']['steps']} steps, guidance {cfg['runtime']['guidance']}).",
        f"- File: `{entry['file']}`, {entry['bytes']:,} bytes (fp16 weights, fp32 compute), sha256 `{entry['sha256']}`.",
        "", "## Training",
        f"- {ckpt['step']:,} steps, batch {cfg['batch']}, AdamW lr {cfg['lr']} (warm-up, cosine), EMA {cfg['ema']}, "
        f"label dropout {cfg['label_dropout']}"
        + (f", attribute dropout {cfg['attribute_dropout']} each and {cfg['attribute_dropout_all']} all at once "
           f"(and all wherever the class is dropped)" if cfg.get("attributes") else "")
        + f"; {ckpt['seconds'] / 60:.0f} minutes of wall time in all.",
        f"- Machine(s): {', '.join(ckpt.get('machines', []))}.",
        f"- Re-run: `python3 -m models.train --config models/configs/{cfg['id']}.json --data ../shared/data --resume`."
        if not cfg.get("teacher") else None,
    ]
    if cfg.get("teacher"):
        lines += student_lines(cfg)
    lines += ["", "## Quality (measured on what the TypeScript pipeline generates)"]
    if evaluation:
        cmd = evaluation.pop("command", None)
        lines += [f"Command: `{cmd}`" if cmd else "", "",
                  fmt_table([["figure", "value"]] + [[k, json.dumps(v)] for k, v in evaluation.items()])]
        sweep_path = HERE / "eval" / f"{cfg['id']}.attributes.json"
        if sweep_path.exists():
            lines += sweep_lines(json.loads(sweep_path.read_text()))
        notes = HERE / "eval" / f"{cfg['id']}.notes.md"
        if notes.exists():
            lines += ["", notes.read_text().strip()]
    else:
        lines.append("Not measured yet.")
    (HERE / f"{cfg['id']}.md").write_text("\n".join(l for l in lines if l is not None) + "\n")
    print(f"wrote models/{cfg['id']}.md ({params:,} params, {flops / 1e6:.0f} MFLOPs)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True)
    write_card(configs.load(p.parse_args().config))


if __name__ == "__main__":
    main()
