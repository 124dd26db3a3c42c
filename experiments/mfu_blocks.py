"""MFU of the bench's training step in blocks, to see how much of the ratio is the machine's noise (scratch measurement, not a chapter).

    python experiments/mfu_blocks.py [BLOCKS] [PRESET]      # default: 6 cpu

`tldr-lab bench` divides the compiled training step's achieved FLOP/s by a 2048² fp32 matmul timed in the same
interleaved rounds. On a shared VM both drift; this times the same pair (`11_bench`'s step: the preset's model
without a copy head, its own loss path, AdamW, compiled where the preset compiles) in BLOCKS blocks of five
interleaved rounds each and prints tokens/s, the matmul's GFLOP/s and their ratio per block, so one can see whether
the step and the ceiling move together.
"""
import sys
import torch
from tldr_lab.config import get_preset
from tldr_lab.bench import bench_model, _random_batch, compiled_step_fn, train_step_fn, own_loss, interleaved_median
from tldr_lab.model import flops_per_token

def main(blocks:int=6, preset:str="cpu"):
    p = get_preset(preset); model = bench_model(p); B, T = p.pretrain.batch_size, model.cfg.ctx_len
    batch = _random_batch(model, B, T, 0)
    step = (p.pretrain.compile and compiled_step_fn(model, batch, loss_of=own_loss)) or train_step_fn(model, batch, loss_of=own_loss)
    n = 2048; a, b = torch.randn(n, n), torch.randn(n, n)
    fpt = flops_per_token(model.cfg, T)
    print(f"preset {p.name}, {torch.get_num_threads()} threads, fp32; {B}x{T} tokens a step, {fpt/1e6:.1f} MFLOP a token", flush=True)
    for blk in range(blocks):
        s = interleaved_median(dict(step=step, mm=lambda: a @ b), 5, warmup=0)
        tok, peak = B * T / s["step"], 2 * n ** 3 / s["mm"]
        print(f"block {blk}: {tok:,.0f} tok/s, matmul {peak/1e9:.0f} GFLOP/s, MFU {tok * fpt / peak:.3f}", flush=True)

if __name__ == "__main__": main(int(sys.argv[1]) if len(sys.argv) > 1 else 6, sys.argv[2] if len(sys.argv) > 2 else "cpu")
