"""Level attributes a designer understands, measured on a tile grid; the training labels of the
attribute-conditioned level model. src/levels/attributes.ts is the same definition in TypeScript
(the runtime's eval measures generated levels with it); the two are checked equal by the fixture
this module writes (`python3 -m models.attributes --fixture`, replayed by
tests/levels/attributes.test.ts).

Raw values are per 32 columns, so a 32-column training window and a 200-column level are on one
scale; each is then normalised to [0, 1] by its quantiles over the training windows (`normalise`),
so 0.5 means "like the median training window".

    enemies    enemy tiles (tag "enemy")
    gaps       pits: maximal runs of columns whose bottom cell is not solid
    pipes      pipes: pipe-top tiles / 2 (a pipe cut by the window edge counts half)
    elevation  mean height (rows from the bottom, the bottom row is 1) of each column's highest
               surface, a solid tile with a non-solid one above it, over columns that have one
               (two rows of ground: 2; stairs and platforms raise it)
    difficulty hazards: enemies + cannons (tag "cannon" with "Cannon top") + 2 x pits, a pit
               counting double because falling in ends the run while an enemy can be stomped
"""
import argparse
import json
from pathlib import Path

import numpy as np

from .data import SMB_LEGEND

NAMES = ["difficulty", "enemies", "gaps", "pipes", "elevation"]
# For people (the model card); the module docstring says why.
DEFINITIONS = {
    "difficulty": "hazards per 32 columns: enemies + cannons + 2 × pits",
    "enemies": "enemy tiles per 32 columns",
    "gaps": "pits (runs of columns whose bottom cell is not solid) per 32 columns",
    "pipes": "pipes (pipe-top tiles / 2) per 32 columns",
    "elevation": "mean height of each column's highest standable solid tile (rows from the bottom)",
}
PER_COLUMNS = 32
QUANTILES = 21  # at p = 0, 0.05, ..., 1
LEVELS = ["none", "few", "some", "many"]
HERE = Path(__file__).resolve().parent


def _ids(legend, test):
    return np.array([i for i, (_, _, tags) in enumerate(legend) if test(tags)], dtype=np.int64)


SOLID = _ids(SMB_LEGEND, lambda tags: "solid" in tags)
ENEMY = _ids(SMB_LEGEND, lambda tags: "enemy" in tags)
PIPE_TOP = _ids(SMB_LEGEND, lambda tags: "top-left pipe" in tags or "top-right pipe" in tags)
CANNON = _ids(SMB_LEGEND, lambda tags: "cannon" in tags and "Cannon top" in tags)


def raw(grid: np.ndarray) -> dict:
    """{name: raw value} of a [rows, cols] tile-id grid."""
    rows, cols = grid.shape
    scale = PER_COLUMNS / cols
    solid = np.isin(grid, SOLID)
    floorless = ~solid[-1]
    pits = int(floorless[0]) + int((floorless[1:] & ~floorless[:-1]).sum())
    enemies = int(np.isin(grid, ENEMY).sum())
    cannons = int(np.isin(grid, CANNON).sum())
    surface = np.zeros_like(solid)
    surface[1:] = solid[1:] & ~solid[:-1]  # solid with room above: somewhere to stand
    has = surface.any(0)
    heights = rows - surface.argmax(0)  # argmax: the first (highest) such row
    elevation = float(heights[has].mean()) if has.any() else 0.0
    return {
        "difficulty": (enemies + cannons + 2 * pits) * scale,
        "enemies": enemies * scale,
        "gaps": pits * scale,
        "pipes": np.isin(grid, PIPE_TOP).sum() / 2 * scale,
        "elevation": elevation,
    }


def quantiles(values) -> list:
    """QUANTILES evenly spaced quantiles (linear interpolation), rounded so the manifest and the
    TypeScript side hold exactly the numbers used here."""
    return [round(float(q), 6) for q in np.quantile(np.asarray(values, dtype=np.float64), np.linspace(0, 1, QUANTILES))]


def normalise(v: float, q: list) -> float:
    """A raw value's position among the quantiles q (at p_k = k / K): piecewise linear between
    distinct quantiles, the middle of a run of equal ones (e.g. the many windows with no pipe),
    0 below the first and 1 above the last."""
    k = len(q) - 1
    if v < q[0]:
        return 0.0
    if v > q[k]:
        return 1.0
    a = next(i for i in range(k + 1) if q[i] >= v)
    b = max(i for i in range(k + 1) if q[i] <= v)
    if a <= b:
        return (a + b) / 2 / k
    return (b + (v - q[b]) / (q[a] - q[b])) / k


def named_level(name: str, q: list) -> float:
    """none = where a raw 0 sits; few / some / many = the middles of the thirds of what is above
    the windows that have none."""
    none = normalise(0.0, q)
    k = len(q) - 1
    top = max([i for i in range(k + 1) if q[i] <= 0.0], default=-1)
    above = max(top, 0) / k
    if name == "none":
        return none
    third = LEVELS.index(name) - 1
    return above + (1 - above) * (2 * third + 1) / 6


def window_labels(windows_ids: np.ndarray, names=NAMES):
    """[N, rows, W] tile ids -> ([N, len(names)] normalised labels, {name: quantiles})."""
    raws = [raw(g) for g in windows_ids]
    qs = {n: quantiles([r[n] for r in raws]) for n in names}
    labels = np.array([[normalise(r[n], qs[n]) for n in names] for r in raws], dtype=np.float32)
    return labels, qs


def manifest_entry(names, qs) -> list:
    return [{"name": n, "quantiles": qs[n]} for n in names]


# ---------------------------------------------------------------- parity fixture

def fixture_grids(seed=0):
    """Synthetic grids (no training data in the repo): flat ground, pits, pipes, stairs, random."""
    g = np.random.default_rng(seed)
    grids = []
    flat = np.zeros((14, 32), np.int64)
    flat[12:] = 1
    grids.append(flat)
    pits = flat.copy()
    pits[12:, 0:3] = 0
    pits[12:, 10:12] = 0
    pits[12:, 31] = 0
    pits[11, 5] = 5
    pits[8, 14:18] = 2
    pits[8, 15] = 3
    grids.append(pits)
    pipes = flat.copy()
    pipes[10, 4], pipes[10, 5], pipes[11, 4], pipes[11, 5] = 6, 7, 8, 9
    pipes[11, 0], pipes[11, 31] = 7, 6  # halves cut by the edges
    pipes[10, 20], pipes[11, 20] = 11, 12
    grids.append(pipes)
    grids.append(np.zeros((14, 16), np.int64))  # nothing solid at all
    for w in (16, 32, 57):
        grids.append(g.integers(0, len(SMB_LEGEND), (14, w)))
    return grids


def write_fixture(path: Path):
    grids = fixture_grids()
    qs = {n: quantiles([raw(gr)[n] for gr in grids]) for n in NAMES}
    probe = [-1.0, 0.0, 0.5, 1.0, 2.0, 3.5, 7.0, 100.0]
    cases = [{"rows": int(gr.shape[0]), "cols": int(gr.shape[1]), "cells": gr.flatten().tolist(),
              "raw": {n: round(float(v), 9) for n, v in raw(gr).items()}} for gr in grids]
    out = {"names": NAMES, "perColumns": PER_COLUMNS, "levels": LEVELS,
           "quantiles": qs, "grids": cases,
           "normalise": [{"name": n, "value": v, "expected": normalise(v, qs[n])} for n in NAMES for v in probe],
           "named": [{"name": n, "level": lv, "expected": named_level(lv, qs[n])} for n in NAMES for lv in LEVELS]}
    path.write_text(json.dumps(out) + "\n")
    print(f"wrote {path}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fixture", default=str(HERE.parent / "tests" / "fixtures" / "level-attributes.json"))
    p.add_argument("--data", help="print each attribute's quantiles over the training windows of this data folder")
    args = p.parse_args()
    if args.data:
        from .data import load_level_grids
        wins = np.stack([g[:, c:c + 32] for _, g, _ in load_level_grids(Path(args.data)) for c in range(g.shape[1] - 31)])
        _, qs = window_labels(wins)
        print(json.dumps(qs, indent=1))
    else:
        write_fixture(Path(args.fixture))


if __name__ == "__main__":
    main()
