#!/usr/bin/env bash
# One point of a level-sampling sweep: `eval levels` (50 levels of 200 columns) with the shipped
# level model at another outpainting context (known columns per window) and any eval flags:
#   bash models/sweep_levels.sh 8 --steps 5 --guidance 5 --seed 1001
# Context lives in the manifest, so this writes a copy of it with the level model's context
# changed (beside the original, so model paths resolve), evaluates, and removes the copy.
set -euo pipefail
cd "$(dirname "$0")/.."
context="$1"; shift
tmp="models/manifest.sweep-$$.json"
trap 'rm -f "$tmp"' EXIT
node -e "const m=require('./models/manifest.json');for(const e of m.models)if(e.kind==='level')e.context=Number(process.argv[1]);require('fs').writeFileSync(process.argv[2],JSON.stringify(m))" "$context" "$tmp"
OMP_WAIT_POLICY=PASSIVE npx asset-diffusion eval levels --count 50 --width 200 --seed 1 --json --no-progress --manifest "$tmp" "$@" 2>/dev/null
