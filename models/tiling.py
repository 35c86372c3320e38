"""A by-eye seam check for the tile model, on what the TypeScript pipeline generates: three tiles
per class from the CLI, each laid 4x4: one picture of every class, and one per class.

    python3 -m models.tiling --out docs/tiles-4x4.png [--per-class docs/tiles] [--seed 11]
"""
import argparse
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from . import data

TILE, REPEAT, PER_CLASS, GAP = 32, 4, 3, 8


def zoom(im):
    return im.resize((im.width * 2, im.height * 2), Image.NEAREST)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="docs/tiles-4x4.png")
    p.add_argument("--per-class", default="docs/tiles", help="folder for one <class>-4x4.png per class")
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args()
    classes = data.class_names("tile")
    block = TILE * REPEAT
    out = Image.new("RGB", (PER_CLASS * (block + GAP), len(classes) * (block + GAP)), (40, 40, 40))
    with tempfile.TemporaryDirectory() as tmp:
        for row, name in enumerate(classes):
            sheet_path = Path(tmp) / f"{name}.png"
            subprocess.run(["npx", "asset-diffusion", "generate", "tile", "--class", name, "--count", str(PER_CLASS),
                            "--seed", str(args.seed), "--out", str(sheet_path), "--no-progress"], check=True, capture_output=True)
            sheet = Image.open(sheet_path).convert("RGB")
            cols = sheet.width // TILE
            for i in range(PER_CLASS):
                x0, y0 = (i % cols) * TILE, (i // cols) * TILE
                tile = sheet.crop((x0, y0, x0 + TILE, y0 + TILE))
                for y in range(REPEAT):
                    for x in range(REPEAT):
                        out.paste(tile, (i * (block + GAP) + x * TILE, row * (block + GAP) + y * TILE))
            row_box = (0, row * (block + GAP), out.width - GAP, row * (block + GAP) + block)
            Path(args.per_class).mkdir(parents=True, exist_ok=True)
            zoom(out.crop(row_box)).save(Path(args.per_class) / f"{name}-4x4.png")
    zoom(out).save(args.out)
    print(f"wrote {args.out} and {args.per_class}/<class>-4x4.png: {PER_CLASS} tiles per class ({', '.join(classes)}), seed {args.seed}, each laid {REPEAT}x{REPEAT}")


if __name__ == "__main__":
    main()
