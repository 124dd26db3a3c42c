#!/usr/bin/env bash
# The speed issue's GPU measurement, prepared for a session that is lent a GPU (the `device` tool's `run`).
#
#   run(command="bash experiments/device_gpu_bench.sh", timeout_s=480)
#
# The device machine has its own image (torch, numpy, safetensors, transformers: no pip, no network), so the lab is
# imported from this working tree (PYTHONPATH) instead of installed: `tldr_lab.bench` needs nothing else, and
# `gpu_train_bench` (11_bench) uses random tokens, so no data travels. It times the `a100` preset's model training
# in bf16 autocast with flash SDPA and fused AdamW, eager and under `torch.compile` (300 steps each, the last 80%
# timed), and quotes MFU against the card's datasheet bf16 peak and against a large bf16 matmul measured in the same
# process. Everything lands in $OUT (gpu.txt, gpu_bench.json, gpu_bench.log); copy gpu_bench.json to
# runs/a100/ or into the notebook that shows it, and name the GPU wherever a number is quoted.
#
# Tested here only up to the GPU check (no GPU on the reference machine): `OUT=/tmp/x bash experiments/device_gpu_bench.sh`
# must stop with "gpu_train_bench needs a CUDA GPU".
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:?set OUT to a folder for the results}
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || echo "nvidia-smi: none") | tee "$OUT/gpu.txt"
python3 - <<'EOF' 2>&1 | tee "$OUT/gpu_bench.log"
import json, os, platform, time
import torch
from tldr_lab.bench import gpu_train_bench
res = dict(torch=torch.__version__, python=platform.python_version(), when=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
for compile in (False, True):
    t0 = time.time()
    r = gpu_train_bench("a100", steps=300, compile=compile)
    r["wall_s"] = round(time.time() - t0, 1)
    res["compiled" if compile else "eager"] = r
    print(json.dumps(r), flush=True)
res["compile_speedup"] = res["compiled"]["tok_s"] / res["eager"]["tok_s"]
json.dump(res, open(os.path.join(os.environ["OUT"], "gpu_bench.json"), "w"), indent=1)
print(f"{res['compiled']['gpu']}: {res['compiled']['tok_s']:,.0f} tokens/s compiled ({res['compile_speedup']:.2f}x eager), "
      f"MFU {res['compiled']['mfu_vs_datasheet']} of the datasheet peak, {res['compiled']['mfu_vs_matmul']:.2f} of the measured matmul peak")
EOF
