#!/usr/bin/env bash
# Quality of a shipped image model, measured on what the TypeScript pipeline generates:
#   bash models/eval_images.sh sprite [COUNT] [SEED]     (or: tile)
# Generates COUNT samples per class with the CLI (model defaults for steps and guidance), then
# judges them with models/judge.py; writes models/eval/<kind>.json for the model card.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="$1"; count="${2:-32}"; seed="${3:-1}"
out="$(mktemp -d)"
classes=$(node -e "const m=require('./models/manifest.json').models.find(m=>m.kind==='$kind'); console.log(m.classes.join(' '))")
for c in $classes; do
  npx asset-diffusion generate "$kind" --class "$c" --count "$count" --seed "$seed" --out "$out/$c.png" >/dev/null
done
mkdir -p models/eval
OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 -m models.judge eval --kind "$kind" --generated "$out" --count "$count" --json \
  | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);r.command='bash models/eval_images.sh $kind $count $seed';console.log(JSON.stringify(r,null,2))})" \
  > "models/eval/$kind.json"
cat "models/eval/$kind.json"
