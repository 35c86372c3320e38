"""Training data from ../shared/data (see its README): DCSS tiles and VGLC Mario levels.

Every loader returns (x, labels, info): x float32 [N, C, H, W] in [-1, 1] as the model contract
(docs/MODEL-CONTRACT.md) encodes it, labels int64 [N], info a dict for the model card.
"""
from pathlib import Path

import numpy as np
import torch
from PIL import Image

SPRITE_CLASSES = {
    "hero": ["player/base"],
    "animal": ["mon/animals"],
    "humanoid": ["mon/humanoids", "mon/demihumanoids"],
    "undead": ["mon/undead"],
    "demon": ["mon/demons"],
    "dragon": ["mon/dragons", "mon/draco"],
    "amorphous": ["mon/amorphous"],
    "plant": ["mon/fungi_plants"],
    "weapon": ["item/weapon"],
    "armour": ["item/armour"],
    "potion": ["item/potion"],
    "scroll": ["item/scroll"],
    "wand": ["item/wand"],
    "ring": ["item/ring"],
    "amulet": ["item/amulet"],
    "food": ["item/food"],
    "gem": ["item/gem"],
    "staff": ["item/staff"],
    "book": ["item/book"],
}

MONSTER_GROUPS = ["animal", "humanoid", "undead", "demon", "dragon", "amorphous", "plant"]

TILE_CLASSES = {
    "floor": ["dngn/floor"],
    "wall": ["dngn/wall"],
    "water": ["dngn/water"],
    "tree": ["dngn/trees"],
    "door": ["dngn/doors"],
}

# Channel order of the level models = this legend (smb.json of the VGLC, 13 tiles).
SMB_LEGEND = [
    ("-", "empty", ["passable", "empty"]),
    ("X", "ground", ["solid", "ground"]),
    ("S", "brick", ["solid", "breakable"]),
    ("?", "question block", ["solid", "question block", "full question block"]),
    ("Q", "empty question block", ["solid", "question block", "empty question block"]),
    ("E", "enemy", ["enemy", "damaging", "hazard", "moving"]),
    ("<", "pipe top left", ["solid", "top-left pipe", "pipe"]),
    (">", "pipe top right", ["solid", "top-right pipe", "pipe"]),
    ("[", "pipe left", ["solid", "left pipe", "pipe"]),
    ("]", "pipe right", ["solid", "right pipe", "pipe"]),
    ("o", "coin", ["coin", "collectable", "passable"]),
    ("B", "cannon top", ["Cannon top", "cannon", "solid", "hazard"]),
    ("b", "cannon bottom", ["Cannon bottom", "cannon", "solid"]),
]
LEVEL_GAMES = {
    "smb": "vglc/Super Mario Bros/Processed",
    "smb2-japan": "vglc/Super Mario Bros 2 (Japan)/Processed",
}
LEVEL_ROWS = 14


def _pngs(root: Path, folders):
    files = []
    for folder in folders:
        files += sorted((root / "dcss-rltiles" / folder).rglob("*.png"))
    return files


def _rgba(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGBA"), dtype=np.float32) / 255.0


def load_sprites(root: Path):
    """32x32 RGBA sprites; transparent pixels get RGB 0 (mid-grey in [-1, 1]) so colour never
    leaks out of the silhouette. Only 32x32 files are used: the 105 tall 32x48 monsters and the
    few off-size files are skipped rather than squashed (counted in info['skipped'])."""
    xs, labels, skipped, counts = [], [], 0, {}
    for label, (name, folders) in enumerate(SPRITE_CLASSES.items()):
        n = 0
        for path in _pngs(root, folders):
            img = _rgba(path)
            if img.shape[:2] != (32, 32):
                skipped += 1
                continue
            alpha = (img[..., 3:] >= 0.5).astype(np.float32)
            rgb = (img[..., :3] * 2 - 1) * alpha
            xs.append(np.concatenate([rgb, alpha * 2 - 1], axis=-1))
            labels.append(label)
            n += 1
        counts[name] = n
    x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous()
    return x, torch.tensor(labels), {"counts": counts, "skipped": skipped}


def learn_palette(x: torch.Tensor, colours: int, iterations: int = 20, seed: int = 0) -> torch.Tensor:
    """A [colours + 1, 4] palette for RGBA sprites: entry 0 is transparent (as load_sprites encodes
    it), the rest are k-means centres of the opaque pixels (Lloyd's algorithm, seeded, so the same
    data always gives the same palette)."""
    pixels = x.permute(0, 2, 3, 1).reshape(-1, x.shape[1])
    opaque = pixels[pixels[:, 3] > 0]
    g = torch.Generator().manual_seed(seed)
    centres = opaque[torch.randperm(len(opaque), generator=g)[:colours]].clone()
    for _ in range(iterations):
        nearest = torch.cdist(opaque, centres).argmin(1)
        for k in range(colours):
            members = opaque[nearest == k]
            if len(members):
                centres[k] = members.mean(0)
    transparent = torch.tensor([[0.0, 0.0, 0.0, -1.0]])
    return torch.cat([transparent, centres])


def load_tiles(root: Path):
    """32x32 opaque terrain. Tiles drawn as overlays (trees, doors, some water) are composited
    over a floor tile chosen by a fixed seed, since a game lays every tile on an opaque grid."""
    rng = np.random.default_rng(0)
    floors = [img for img in (_rgba(p) for p in _pngs(root, TILE_CLASSES["floor"]))
              if img.shape[:2] == (32, 32) and img[..., 3].min() == 1.0]
    xs, labels, skipped, counts, composited = [], [], 0, {}, 0
    for label, (name, folders) in enumerate(TILE_CLASSES.items()):
        n = 0
        for path in _pngs(root, folders):
            img = _rgba(path)
            if img.shape[:2] != (32, 32):
                skipped += 1
                continue
            a = img[..., 3:]
            if a.min() < 1.0:
                under = floors[rng.integers(len(floors))][..., :3]
                img = np.concatenate([img[..., :3] * a + under * (1 - a), np.ones_like(a)], -1)
                composited += 1
            xs.append(img[..., :3] * 2 - 1)
            labels.append(label)
            n += 1
        counts[name] = n
    x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous()
    return x, torch.tensor(labels), {"counts": counts, "skipped": skipped, "composited": composited}


def read_level(path: Path) -> list:
    """A VGLC text level as LEVEL_ROWS strings: taller maps keep their bottom rows (the extra rows
    of some SMB2 maps are sky), shorter ones get empty sky on top; ragged lines are cut to the
    shortest."""
    lines = [l.rstrip("\n") for l in path.read_text().splitlines() if l.strip()]
    width = min(len(l) for l in lines)
    lines = [l[:width] for l in lines][-LEVEL_ROWS:]
    return ["-" * width] * (LEVEL_ROWS - len(lines)) + lines


def level_to_ids(rows: list) -> np.ndarray:
    index = {c: i for i, (c, _, _) in enumerate(SMB_LEGEND)}
    return np.array([[index.get(c, 0) for c in row] for row in rows], dtype=np.int64)


def load_level_grids(root: Path):
    """All training levels as (game label, [14, W] tile-id array, file name)."""
    out = []
    for label, (game, folder) in enumerate(LEVEL_GAMES.items()):
        for path in sorted((root / folder).glob("*.txt")):
            out.append((label, level_to_ids(read_level(path)), path.name))
    return out


def load_levels(root: Path, window: int):
    """Every window of `window` columns (stride 1) of every level, one-hot in [-1, 1]."""
    xs, labels, counts = [], [], {}
    for label, grid, _ in load_level_grids(root):
        onehot = np.eye(len(SMB_LEGEND), dtype=np.float32)[grid].transpose(2, 0, 1) * 2 - 1
        for c in range(grid.shape[1] - window + 1):
            xs.append(onehot[:, :, c:c + window])
            labels.append(label)
        game = list(LEVEL_GAMES)[label]
        counts[game] = counts.get(game, 0) + 1
    x = torch.from_numpy(np.stack(xs))
    return x, torch.tensor(labels), {"levels": counts, "windows": len(xs)}


def load(kind: str, root: Path, window: int = 32):
    if kind == "sprite":
        return load_sprites(root)
    if kind == "tile":
        return load_tiles(root)
    if kind == "level":
        return load_levels(root, window)
    raise ValueError(f"unknown kind {kind!r}: expected sprite, tile or level")


def class_names(kind: str):
    return {"sprite": list(SPRITE_CLASSES), "tile": list(TILE_CLASSES),
            "level": list(LEVEL_GAMES)}[kind]
