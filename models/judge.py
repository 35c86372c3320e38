"""Quality judges for generated sprites and tiles (issue: measured on what the TS pipeline makes).

    python3 -m models.judge train --kind sprite --data ../shared/data      # fit the classifier
    python3 -m models.judge eval --kind sprite --data ../shared/data --generated DIR --json

`train` fits a small CNN on 80% of the real art (stratified, fixed seed) and reports held-out
accuracy: it is the judge, so it must be good at real art first. `eval` reads the PNG sheets the
runtime wrote (DIR/<class>.png, a grid of cells, transparent or empty cells skipped) and reports
class adherence, near-copies, a feature-space Frechet distance and, for sprites, speckle and
stray pixels (against the held-out real art), for tiles, the seam ratio.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from . import data

HERE = Path(__file__).resolve().parent
CHANNELS = {"sprite": 4, "tile": 3}


class Judge(nn.Module):
    def __init__(self, in_ch, classes, width=48):
        super().__init__()
        layers, c = [], in_ch
        for w in (width, width * 2, width * 4):
            layers += [nn.Conv2d(c, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(),
                       nn.Conv2d(w, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(), nn.MaxPool2d(2)]
            c = w
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(c, classes)

    def forward(self, x):
        return self.head(self.drop(self.features(x)))


def split(labels, seed=0, held_out=0.2):
    g = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        g.shuffle(idx)
        k = max(1, int(round(len(idx) * held_out)))
        test_idx += idx[:k].tolist()
        train_idx += idx[k:].tolist()
    return np.array(train_idx), np.array(test_idx)


def jitter(x):
    """Flips and small wrap-around shifts: the judge must not key on exact pixel positions."""
    flip = torch.rand(x.shape[0]) < 0.5
    x = x.clone()
    x[flip] = x[flip].flip(-1)
    dy, dx = torch.randint(-2, 3, (2,)).tolist()
    return x.roll((dy, dx), dims=(-2, -1))


def judge_path(kind):
    return HERE / "checkpoints" / f"judge-{kind}.pt"


def train_judge(kind, root, epochs):
    torch.manual_seed(0)
    x, labels, _ = data.load(kind, root)
    tr, te = split(labels.numpy())
    model = Judge(CHANNELS[kind], len(data.class_names(kind)))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 2e-3, total_steps=epochs * (len(tr) // 64 + 1))
    for epoch in range(epochs):
        model.train()
        perm = torch.from_numpy(tr)[torch.randperm(len(tr))]
        for i in range(0, len(perm), 64):
            b = perm[i:i + 64]
            loss = F.cross_entropy(model(jitter(x[b])), labels[b], label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        acc = accuracy(model, x[te], labels[te])
        print(f"epoch {epoch + 1}/{epochs} held-out accuracy {acc:.3f}", flush=True)
    torch.save({"state": {k: v.half() for k, v in model.state_dict().items()}, "held_out_accuracy": acc,
                "epochs": epochs}, judge_path(kind))
    return acc


@torch.no_grad()
def predict(model, x):
    """Class probabilities averaged over the image and its mirror (the art is drawn both ways)."""
    model.eval()
    return (torch.softmax(model(x), 1) + torch.softmax(model(x.flip(-1)), 1)) / 2


def accuracy(model, x, labels):
    return (predict(model, x).argmax(1) == labels).float().mean().item()


def load_judge(kind):
    ckpt = torch.load(judge_path(kind), map_location="cpu")
    model = Judge(CHANNELS[kind], len(data.class_names(kind)))
    model.load_state_dict({k: v.float() for k, v in ckpt["state"].items()})
    return model.eval(), ckpt["held_out_accuracy"]


def read_sheet(path: Path, channels, count, cell=32):
    """The first `count` cells (row-major, as the runtime lays sheets out) of a generated sheet as
    [N, C, 32, 32] in [-1, 1]; sprites get RGB zeroed outside the silhouette, as in training."""
    img = np.asarray(Image.open(path).convert("RGBA"), dtype=np.float32) / 255.0
    cells = []
    for y in range(0, img.shape[0] - cell + 1, cell):
        for x in range(0, img.shape[1] - cell + 1, cell):
            c = img[y:y + cell, x:x + cell]
            if len(cells) == count:
                break
            if channels == 4:
                a = (c[..., 3:] >= 0.5).astype(np.float32)
                cells.append(np.concatenate([(c[..., :3] * 2 - 1) * a, a * 2 - 1], -1))
            else:
                cells.append(c[..., :3] * 2 - 1)
    return torch.from_numpy(np.stack(cells)).permute(0, 3, 1, 2).contiguous()


def frechet(a, b):
    """Frechet distance between Gaussians fitted to two feature sets (FID's formula)."""
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    vals, vecs = np.linalg.eigh(s1)
    root1 = (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T
    m = root1 @ s2 @ root1
    tr_covmean = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * tr_covmean)


def seam_ratio(x):
    """Mean difference across the wrap-around edges / mean difference between neighbouring
    interior columns and rows. 1.0 means the seam looks like any other pixel step."""
    wrap = ((x[..., :, 0] - x[..., :, -1]).abs().mean() + (x[..., 0, :] - x[..., -1, :]).abs().mean()) / 2
    inner = ((x[..., :, 1:] - x[..., :, :-1]).abs().mean() + (x[..., 1:, :] - x[..., :-1, :]).abs().mean()) / 2
    return float(wrap / inner)


def speckle(x, tau=0.1):
    """Share of interior opaque pixels (all four neighbours opaque) whose RGB differs from every
    neighbour by more than tau (L2 in [-1, 1] units, ~13/255 at 0.1): the by-eye "speckle" as a
    number. Real art has some (highlights, dithering); noisy generated interiors have far more."""
    rgb, opaque = x[:, :3], x[:, 3] > 0
    centre = rgb[:, :, 1:-1, 1:-1]
    near = [rgb[:, :, :-2, 1:-1], rgb[:, :, 2:, 1:-1], rgb[:, :, 1:-1, :-2], rgb[:, :, 1:-1, 2:]]
    closest = torch.stack([(centre - n).pow(2).sum(1).sqrt() for n in near]).min(0).values
    inner = (opaque[:, 1:-1, 1:-1] & opaque[:, :-2, 1:-1] & opaque[:, 2:, 1:-1]
             & opaque[:, 1:-1, :-2] & opaque[:, 1:-1, 2:])
    return float(((closest > tau) & inner).sum() / inner.sum().clamp(min=1))


def stray_pixels(x):
    """Share of opaque pixels with at most one opaque 4-neighbour: broken silhouettes, holes and
    loose fragments, which `speckle` (interior pixels only) does not see."""
    opaque = F.pad((x[:, 3] > 0).float(), (1, 1, 1, 1))
    near = opaque[:, :-2, 1:-1] + opaque[:, 2:, 1:-1] + opaque[:, 1:-1, :-2] + opaque[:, 1:-1, 2:]
    inner = opaque[:, 1:-1, 1:-1] > 0
    return float(((near <= 1) & inner).sum() / inner.sum().clamp(min=1))


def fragments(gen, gen_labels, real, labels):
    """Per class, the share of samples with fewer opaque pixels than the class's 5th percentile in
    the real art: the "a few loose pixels" failure of small item classes."""
    floor = data.min_opaque(real, labels)  # the same floor the runtime's fragment guard uses
    area = (gen[:, 3] > 0).flatten(1).sum(1)
    return {c: float((area[gen_labels == c] < floor[c]).float().mean()) for c in gen_labels.unique().tolist()}


def opaque(x):
    """RGB tiles with an all-opaque alpha channel, so the sprite figures apply to them."""
    return torch.cat([x, torch.ones_like(x[:, :1])], 1) if x.shape[1] == 3 else x


@torch.no_grad()
def evaluate(kind, root, generated: Path, count: int):
    names = data.class_names(kind)
    model, _ = load_judge(kind)
    real, labels, _ = data.load(kind, root)
    tr, te = split(labels.numpy())
    held_out_acc = accuracy(model, real[te], labels[te])
    gen, gen_labels = [], []
    for i, name in enumerate(names):
        path = generated / f"{name}.png"
        if path.exists():
            cells = read_sheet(path, CHANNELS[kind], count)
            gen.append(cells)
            gen_labels += [i] * len(cells)
    gen, gen_labels = torch.cat(gen), torch.tensor(gen_labels)
    adherence = accuracy(model, gen, gen_labels)
    per_class = {names[c]: accuracy(model, gen[gen_labels == c], gen_labels[gen_labels == c])
                 for c in gen_labels.unique().tolist()}
    # Near-copies: nearest training image closer than the 5th percentile of the training set's
    # own nearest-neighbour distances (pixel space, L2).
    flat_tr = real[tr].flatten(1)
    d_tr = torch.cdist(flat_tr, flat_tr)
    d_tr.fill_diagonal_(float("inf"))
    threshold = torch.quantile(d_tr.min(1).values, 0.05).item()
    near = (torch.cdist(gen.flatten(1), flat_tr).min(1).values < threshold).float().mean().item()
    feats = lambda t: model.features(t).numpy().astype(np.float64)
    result = {
        "kind": kind, "samples": len(gen),
        "empty_sprites": int((gen[:, 3] > 0).flatten(1).sum(1).eq(0).sum()) if kind == "sprite" else None, "judge_held_out_accuracy": round(held_out_acc, 4),
        "class_adherence": round(adherence, 4),
        "adherence_ratio": round(adherence / held_out_acc, 4),
        "per_class_adherence": {k: round(v, 3) for k, v in per_class.items()},
        # The same judge on the real held-out art of each class: the ceiling a faithful model's
        # per-class adherence is read against (a class the judge itself confuses scores low for real art too).
        "per_class_real_held_out": {names[c]: round(accuracy(model, real[te][labels[te] == c], labels[te][labels[te] == c]), 3)
                                    for c in gen_labels.unique().tolist()},
        "near_copies": round(near, 4),
        "frechet_features": round(frechet(feats(gen), feats(real[te])), 3),
        "frechet_features_real_train_vs_held_out": round(frechet(feats(real[tr]), feats(real[te])), 3),
    }
    if kind == "sprite":
        monsters = [names.index(n) for n in data.MONSTER_GROUPS]
        is_monster = lambda lab: torch.isin(lab, torch.tensor(monsters))
        result["speckle_monsters"] = round(speckle(gen[is_monster(gen_labels)]), 4)
        result["speckle_monsters_real_held_out"] = round(speckle(real[te][is_monster(labels[te])]), 4)
        result["speckle_items_and_heroes"] = round(speckle(gen[~is_monster(gen_labels)]), 4)
        result["speckle_items_and_heroes_real_held_out"] = round(speckle(real[te][~is_monster(labels[te])]), 4)
        result["stray_pixels"] = round(stray_pixels(gen), 4)
        result["stray_pixels_real_held_out"] = round(stray_pixels(real[te]), 4)
        result["stray_pixels_per_class"] = {names[c]: round(stray_pixels(gen[gen_labels == c]), 3)
                                            for c in gen_labels.unique().tolist()}
        result["fragments_per_class"] = {names[c]: round(v, 3)
                                         for c, v in fragments(gen, gen_labels, real, labels).items()}
    if kind == "tile":
        result["seam_ratio"] = round(seam_ratio(gen), 4)
        result["seam_ratio_training_tiles"] = round(seam_ratio(real), 4)
        result["seam_ratio_per_class"] = {names[c]: round(seam_ratio(gen[gen_labels == c]), 3)
                                          for c in gen_labels.unique().tolist()}
        result["speckle"] = round(speckle(opaque(gen)), 4)
        result["speckle_real_held_out"] = round(speckle(opaque(real[te])), 4)
        result["speckle_per_class"] = {names[c]: round(speckle(opaque(gen[gen_labels == c])), 3)
                                       for c in gen_labels.unique().tolist()}
        result["speckle_real_per_class"] = {names[c]: round(speckle(opaque(real[labels == c])), 3)
                                            for c in gen_labels.unique().tolist()}
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["train", "eval"])
    p.add_argument("--kind", choices=list(CHANNELS), required=True)
    p.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--generated", help="folder of <class>.png sheets written by the runtime")
    p.add_argument("--count", type=int, default=32, help="sprites per sheet")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(1)  # runs beside model training on a 2-core machine
    if args.command == "train":
        print(f"held-out accuracy {train_judge(args.kind, Path(args.data), args.epochs):.3f}")
    else:
        result = evaluate(args.kind, Path(args.data), Path(args.generated), args.count)
        print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
