#!/usr/bin/env bash
# Train (resume) every shipped model for a wall-clock budget, all at once, on CUDA if present:
#   bash models/gpu/prepare.sh                  # here, once: data into models/gpu/data/ (ignored)
#   bash models/gpu/train.sh OUT [MINUTES]      # there: checkpoints + train.log into OUT
# Each model starts from its checkpoint in models/checkpoints/ (copied into OUT first) and trains
# for MINUTES (default 7, so the whole command stays under 10 minutes). The runs share the GPU:
# they are small UNets, and one alone would leave most of an H200 idle. OUT ends up with
# <id>.pt (a few MB each) and train.log; models/README.md says how to bring them back and export.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:?usage: train.sh OUT [MINUTES]}"; minutes="${2:-7}"
data=models/gpu/data
[ -d "$data" ] || { echo "train.sh: $data is missing: run models/gpu/prepare.sh first" >&2; exit 2; }
python="${PYTHON:-python3}"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null && python=/usr/bin/python3
mkdir -p "$out"
export OMP_WAIT_POLICY=PASSIVE PYTHONUNBUFFERED=1
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")' | tee "$out/train.log"
pids=()
for id in tile sprite level-smb; do
  [ -f "models/checkpoints/$id.pt" ] && cp "models/checkpoints/$id.pt" "$out/$id.pt"
  "$python" -m models.train --config "models/configs/$id.json" --data "$data" --resume \
    --minutes "$minutes" --checkpoints "$out" 2>&1 | sed -u "s/^/[$id] /" >> "$out/train.log" &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
grep -E '^\[[^]]*\] saved' "$out/train.log" || true
exit $status
