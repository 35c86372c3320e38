#!/usr/bin/env bash
# Quality of a shipped image model, measured on what the TypeScript pipeline generates:
#   bash models/eval_images.sh sprite [COUNT] [SEED] [MODEL] [STEPS]     (or: tile)
# Generates COUNT samples per class with the CLI (the model's defaults for steps and guidance, or
# STEPS), then judges them with models/judge.py; writes models/eval/<MODEL>.json for the model card
# (models/eval/<MODEL>.steps-<STEPS>.json when STEPS is given). MODEL defaults to the kind's first
# model in the manifest (the runtime's default). ALLOW_FRAGMENTS=1 turns the sprite fragment guard off
# (the raw figure; writes models/eval/<MODEL>.allow-fragments.json).
set -euo pipefail
cd "$(dirname "$0")/.."
kind="$1"; count="${2:-32}"; seed="${3:-1}"
model="${4:-$(node -e "console.log(require('./models/manifest.json').models.find(m=>m.kind==='$kind').id)")}"
steps="${5:-}"
out="$(mktemp -d)"
classes=$(node -e "const m=require('./models/manifest.json').models.find(m=>m.id==='$model'); console.log(m.classes.join(' '))")
for c in $classes; do
  npx asset-diffusion generate "$kind" --model "$model" ${steps:+--steps "$steps"} ${ALLOW_FRAGMENTS:+--allow-fragments} --class "$c" --count "$count" --seed "$seed" --out "$out/$c.png" >/dev/null
done
mkdir -p models/eval
name="$model${steps:+.steps-$steps}${ALLOW_FRAGMENTS:+.allow-fragments}"
cmd="${ALLOW_FRAGMENTS:+ALLOW_FRAGMENTS=1 }bash models/eval_images.sh $kind $count $seed $model${steps:+ $steps}"
OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 -m models.judge eval --kind "$kind" --generated "$out" --count "$count" --json \
  | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const r=JSON.parse(s);r.command='$cmd';console.log(JSON.stringify(r,null,2))})" \
  > "models/eval/$name.json"
cat "models/eval/$name.json"
