"""Training data from ../shared/data (see its README): DCSS tiles, VGLC Mario levels and VGLC
Zelda dungeon rooms.

Every loader returns (x, labels, info): x float32 [N, C, H, W] in [-1, 1] as the model contract
(docs/MODEL-CONTRACT.md) encodes it, labels int64 [N], info a dict for the model card.
"""
import fnmatch
import math
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

# Tile classes are materials a game asks for, grouped from DCSS `dngn/` families (glob patterns on
# "<folder>/<file stem>"). Only tiles that are themselves seamless are used (tile_seam_ratio <=
# MAX_TILE_SEAM) and fully opaque: trees, doors and statues are objects drawn over floor, not
# textures that repeat, so v1's `tree` and `door` classes are gone (models/tile.md says why).
TILE_CLASSES = {
    "stone_floor": ["floor/cobble_blood*", "floor/crypt*", "floor/etched*", "floor/gauntlet*",
                    "floor/rect_gray*", "floor/orc*", "floor/mosaic*", "floor/spider*",
                    "floor/swirlstone*", "floor/snake-*", "floor/green_bones*", "floor/necropolis_squares*"],
    "dirt_sand": ["floor/dirt[0-9]*", "floor/dirt_full*", "floor/grey_dirt*", "floor/sand[0-9]*",
                  "floor/mud*", "floor/floor_gulch[0-9]*", "floor/floor_gulch_trash*", "floor/endless_salt*",
                  "floor/pebble_brown*", "floor/rough_red*"],
    "grass_moss": ["floor/grass/*", "floor/moss*", "floor/sprouting_*", "floor/lair*", "floor/swamp*",
                   "floor/bog_green*", "floor/necropolis_grass*", "floor/necropolis_square_grass*",
                   "floor/necropolis_tile_grass*"],
    "lava": ["floor/lava*", "floor/volcanic_floor*", "floor/infernal[0-9]*", "floor/demonic_red*"],
    "ice_crystal": ["floor/frozen*", "floor/icy_floor*", "floor/ice[0-9]*", "floor/crystal*",
                    "floor/zot_diamonds*"],
    "water": ["water/deep_water[0-9]*", "water/deep_water_murky*", "water/open_sea*", "water/shallow_water*",
              "water/shoals_*", "water/starwater*"],
    "brick_wall": ["wall/brick_*", "wall/catacombs*", "wall/snake*", "wall/undead*", "wall/vault[0-9]*",
                   "wall/orc*", "wall/wall_stone_snake*", "wall/wall_stone_spider*"],
    "stone_wall": ["wall/stone2_*", "wall/bmaus_stone_wall*", "wall/wall_stone_depths*",
                   "wall/wall_stone_necropolis*", "wall/wall_stone_shoals*", "wall/wall_stone_abyss_*",
                   "wall/wall_stone_pan*", "wall/stone_black_marked*", "wall/zot_stone_last*"],
    "rock_wall": ["wall/gulch_rock*", "wall/lab-rock*", "wall/rock_wall_crypt*", "wall/volcanic_wall*",
                  "wall/lair*", "wall/stone_mossy*", "wall/wall_oozing*", "wall/wall_moon*", "wall/spider*"],
    "metal_wall": ["wall/metal_wall*", "wall/crypt-metal*", "wall/vaults-metal*", "wall/wall_metal_*"],
}
MAX_TILE_SEAM = 1.1

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

# Top-down dungeon rooms (VGLC `The Legend of Zelda`, legend from its README.txt; channel order).
# "passable" is what the top-down reachability checker walks on (src/levels/dungeon/legend.ts
# mirrors it): O ("element + floor") is walkable, as rooms whose only way to a door crosses O show.
ZELDA_LEGEND = [
    ("F", "floor", ["passable", "floor"]),
    ("B", "block", ["solid", "block"]),
    ("M", "monster", ["passable", "enemy", "monster"]),
    ("P", "element", ["solid", "element", "hazard"]),
    ("O", "element and floor", ["passable", "element", "floor"]),
    ("I", "element and block", ["solid", "element", "block"]),
    ("D", "door", ["passable", "door"]),
    ("S", "stair", ["passable", "stair"]),
    ("W", "wall", ["solid", "wall"]),
    ("-", "void", ["solid", "void"]),
]
DUNGEON_GAMES = {"zelda": "vglc/The Legend of Zelda/Processed"}
# VGLC stores each room as 16 lines of 11 characters (the NES screen turned on its side); rooms are
# transposed back to the screen's 11 rows x 16 columns, the shape the runtime works in.
ROOM_FILE_ROWS, ROOM_FILE_COLS = 16, 11
ROOM_ROWS, ROOM_COLS = ROOM_FILE_COLS, ROOM_FILE_ROWS


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


def min_opaque(x: torch.Tensor, labels: torch.Tensor) -> list:
    """Per sprite class, the 5th percentile of opaque pixels in the real art, rounded up (for
    whole counts, `n < ceil(q)` is `n < q`): a sample with fewer is a fragment (models/judge.py
    `fragments`), which the runtime's fragment guard samples again (manifest `minOpaque`)."""
    area = (x[:, 3] > 0).flatten(1).sum(1).float()
    return [int(math.ceil(torch.quantile(area[labels == c], 0.05).item())) for c in range(len(SPRITE_CLASSES))]


def learn_palette(x: torch.Tensor, colours: int, iterations: int = 20, seed: int = 0) -> torch.Tensor:
    """A palette learned by k-means over the opaque pixels (Lloyd's algorithm, seeded, so the same
    data always gives the same palette). RGBA sprites: [colours + 1, 4], entry 0 transparent (as
    load_sprites encodes it); opaque RGB tiles: [colours, 3]."""
    pixels = x.permute(0, 2, 3, 1).reshape(-1, x.shape[1])
    alpha = x.shape[1] == 4
    opaque = pixels[pixels[:, 3] > 0] if alpha else pixels
    g = torch.Generator().manual_seed(seed)
    centres = opaque[torch.randperm(len(opaque), generator=g)[:colours]].clone()
    for _ in range(iterations):
        nearest = torch.cdist(opaque, centres).argmin(1)
        for k in range(colours):
            members = opaque[nearest == k]
            if len(members):
                centres[k] = members.mean(0)
    if not alpha:
        return centres
    transparent = torch.tensor([[0.0, 0.0, 0.0, -1.0]])
    return torch.cat([transparent, centres])


def tile_seam_ratio(rgb: np.ndarray) -> float:
    """A tile's own wrap-around step / its mean interior step ([H, W, 3]); as judge.seam_ratio.
    Real seamless art sits near or below 1; tiles drawn for one spot (edges, borders) far above."""
    wrap = (np.abs(rgb[:, 0] - rgb[:, -1]).mean() + np.abs(rgb[0] - rgb[-1]).mean()) / 2
    inner = (np.abs(np.diff(rgb, axis=1)).mean() + np.abs(np.diff(rgb, axis=0)).mean()) / 2
    return float(wrap / max(inner, 1e-6))


def tile_files(root: Path):
    """{class: [png path, ...]}: every DCSS dngn/ file matched by a class's patterns; a file
    matched by two classes goes to the first."""
    base, seen, out = root / "dcss-rltiles" / "dngn", set(), {}
    every = sorted(base.rglob("*.png"))
    for name, patterns in TILE_CLASSES.items():
        out[name] = []
        for path in every:
            key = path.relative_to(base).with_suffix("").as_posix()
            if path not in seen and any(fnmatch.fnmatchcase(key, pat) for pat in patterns):
                out[name].append(path)
                seen.add(path)
    return out


def load_tiles(root: Path):
    """32x32 opaque, seamless terrain materials (TILE_CLASSES). Files that are not 32x32, have
    transparent pixels (overlays) or a wrap-seam ratio over MAX_TILE_SEAM are left out and
    counted in info."""
    xs, labels, counts, dropped = [], [], {}, {"size": 0, "transparent": 0, "seam": 0}
    for label, (name, paths) in enumerate(tile_files(root).items()):
        n = 0
        for path in paths:
            img = _rgba(path)
            if img.shape[:2] != (32, 32):
                dropped["size"] += 1
            elif img[..., 3].min() < 1.0:
                dropped["transparent"] += 1
            elif tile_seam_ratio(img[..., :3]) > MAX_TILE_SEAM:
                dropped["seam"] += 1
            else:
                xs.append(img[..., :3] * 2 - 1)
                labels.append(label)
                n += 1
        counts[name] = n
    x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous()
    return x, torch.tensor(labels), {"counts": counts, "dropped": dropped, "max_seam_ratio": MAX_TILE_SEAM}


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


def cut_rooms(lines: list) -> list:
    """The rooms of one VGLC Zelda map as (grid row, grid column, ROOM_ROWS strings), transposed to
    screen orientation. Blocks with any void are dropped: all-void ones are holes in the map's
    grid, and the few walled rooms with a void interior (42) are transcription stubs, not rooms."""
    rooms = []
    for r in range(len(lines) // ROOM_FILE_ROWS):
        for c in range(min(len(l) for l in lines) // ROOM_FILE_COLS):
            block = [l[c * ROOM_FILE_COLS:(c + 1) * ROOM_FILE_COLS]
                     for l in lines[r * ROOM_FILE_ROWS:(r + 1) * ROOM_FILE_ROWS]]
            if all(ch != "-" for row in block for ch in row):
                rooms.append((r, c, ["".join(col) for col in zip(*block)]))
    return rooms


def room_to_ids(rows: list) -> np.ndarray:
    index = {c: i for i, (c, _, _) in enumerate(ZELDA_LEGEND)}
    return np.array([[index[c] for c in row] for row in rows], dtype=np.int64)


def room_texts(root: Path):
    """Every non-void room as (game label, ROOM_ROWS strings in screen orientation, "file@row,col")."""
    for label, folder in enumerate(DUNGEON_GAMES.values()):
        for path in sorted((root / folder).glob("*.txt")):
            lines = [l for l in path.read_text().splitlines() if l.strip()]
            for r, c, rows in cut_rooms(lines):
                yield label, rows, f"{path.name}@{r},{c}"


def load_room_grids(root: Path):
    """Every non-void room as (game label, [ROOM_ROWS, ROOM_COLS] tile ids, "file@row,col")."""
    return [(label, room_to_ids(rows), name) for label, rows, name in room_texts(root)]


def known_room_fingerprints(root: Path) -> list:
    """Fingerprints of the training rooms for the runtime's novelty guard (the manifest's
    knownRooms; src/levels/dungeon/known-rooms.ts is the other side and defines them the same way):
    the room as VGLC text, the least of its four flips, sha256, first 16 hex digits; sorted, unique."""
    import hashlib
    out = set()
    for _, rows, _ in room_texts(root):
        flips = [rows, [r[::-1] for r in rows], rows[::-1], [r[::-1] for r in rows[::-1]]]
        least = min("\n".join(f) for f in flips)
        out.add(hashlib.sha256(least.encode()).hexdigest()[:16])
    return sorted(out)


def load_rooms(root: Path):
    """Every room once, one-hot in [-1, 1]. Valid augmentations for top-down rooms: horizontal
    and vertical flips (a mirrored room is still a room, doors stay mid-wall); config
    augment.hflip / augment.vflip. Transposes are not: they change the 11x16 shape."""
    grids = load_room_grids(root)
    x = np.stack([np.eye(len(ZELDA_LEGEND), dtype=np.float32)[g].transpose(2, 0, 1) * 2 - 1 for _, g, _ in grids])
    unique = len({g.tobytes() for _, g, _ in grids})
    maps = len({name.split("@")[0] for _, _, name in grids})
    return (torch.from_numpy(x), torch.tensor([label for label, _, _ in grids]),
            {"maps": maps, "rooms": len(grids), "unique_rooms": unique})


def dataset(cfg) -> str:
    """The data a config trains on: its kind, or its genre for kinds with several ("dungeon")."""
    return cfg.get("genre", cfg["kind"]) if cfg.get("genre") not in (None, "platformer") else cfg["kind"]


def load(kind: str, root: Path, window: int = 32):
    if kind == "dungeon":
        return load_rooms(root)
    if kind == "sprite":
        return load_sprites(root)
    if kind == "tile":
        return load_tiles(root)
    if kind == "level":
        return load_levels(root, window)
    raise ValueError(f"unknown kind {kind!r}: expected sprite, tile, level or dungeon")


def class_names(kind: str):
    return {"sprite": list(SPRITE_CLASSES), "tile": list(TILE_CLASSES),
            "level": list(LEVEL_GAMES), "dungeon": list(DUNGEON_GAMES)}[kind]
