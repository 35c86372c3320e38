#!/usr/bin/env bash
# Copy the training data the shipped models use into models/gpu/data/ (ignored by git), so the
# checkout alone is enough on a machine that cannot see ../shared/data:
#   bash models/gpu/prepare.sh [DATA_DIR]      (default ../shared/data)
# About 16 MB: DCSS dngn/mon/item/player tiles and the two VGLC Mario folders.
set -euo pipefail
cd "$(dirname "$0")/../.."
src="${1:-../shared/data}"
dst=models/gpu/data
rm -rf "$dst" && mkdir -p "$dst/dcss-rltiles" "$dst/vglc"
cp -r "$src/README.md" "$dst/"
cp -r "$src/dcss-rltiles/"{dngn,mon,item,player,CC0.txt} "$dst/dcss-rltiles/"
cp -r "$src/vglc/"{License.md,"Super Mario Bros","Super Mario Bros 2 (Japan)"} "$dst/vglc/"
du -sh --apparent-size "$dst"
