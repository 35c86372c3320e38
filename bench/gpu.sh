#!/usr/bin/env bash
# bench/gpu.sh OUT: the GPU figures of issue 18 on a machine with an NVIDIA GPU, in one command
# (<= 10 minutes): WebGPU in headless Chromium on that GPU (vs wasm in the same browser), and
# onnxruntime-node's CUDA EP as a stand-in. Writes OUT/gpu-bench.json (+ nvidia-smi.csv, gpu-bench.log).
#
# Needs: Node 20.19+, this checkout's node_modules (npm ci; onnxruntime-node's CUDA binaries only
# if installed without ONNXRUNTIME_NODE_INSTALL=skip), Debian's chromium (or CHROMIUM_PATH) and an
# NVIDIA Vulkan driver (VK_DRIVER_FILES if the loader does not find it). Exits 2 with no GPU.
set -euo pipefail
OUT=${1:?usage: bench/gpu.sh OUT_DIR}
cd "$(dirname "$0")/.."
mkdir -p "$OUT"
fail() { echo "bench/gpu.sh: $1" >&2; printf '{"skipped": "%s"}\n' "$1" > "$OUT/gpu-bench.json"; exit 2; }

command -v nvidia-smi >/dev/null 2>&1 || fail "no NVIDIA GPU here (no nvidia-smi); nothing measured"
nvidia-smi -L >/dev/null 2>&1 || fail "no NVIDIA GPU here (nvidia-smi -L failed); nothing measured"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$OUT/nvidia-smi.csv"
command -v node >/dev/null 2>&1 || fail "no node on PATH (Node 20.19+ needed)"
[ -d node_modules/onnxruntime-web ] || fail "no node_modules: run npm ci first (offline: npm ci --offline with a filled npm cache)"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || echo "bench/gpu.sh: no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}: WebGPU skipped, CUDA stand-in only" >&2
ldconfig -p 2>/dev/null | grep -q libvulkan || echo "bench/gpu.sh: no libvulkan in ldconfig: Chromium will likely get no GPU adapter" >&2

# 540 s for the script, leaving the rest of 10 minutes for start-up and writing.
set +e
timeout 540 node_modules/.bin/tsx bench/gpu.ts --out "$OUT" --seconds 400 2> >(tee "$OUT/gpu-bench.log" >&2)
rc=$?
set -e
[ $rc -eq 124 ] && echo "bench/gpu.sh: timed out after 540 s; partial figures in $OUT/gpu-bench.json" >&2
exit $rc
