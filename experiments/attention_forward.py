"""The blocked attention kernel before and after its in-place forward (scratch measurement, not a chapter).

    python experiments/attention_forward.py [REPS]      # default: 21

`02_model`'s `blocked_attention_fwd` used to build each query block's probabilities as a new tensor and concatenate
the blocks' outputs and probabilities at the end; since 2026-12-06 it writes each block's scores straight into the
flat buffer that keeps the probabilities, adds the causal mask to the block's diagonal square only, and takes the
softmax there in place. This loads the kernel as it was at commit 555cd2f (under another operator namespace, so both
can be registered in one process), runs one layer's attention forward and backward at the cpu preset's training
shape (batch 16, 6 query / 3 KV heads of 32, 384 tokens, fp32) through autograd with each, checks that the outputs
and gradients are identical, and times them interleaved (median of REPS).
"""
import sys, time, statistics, subprocess, importlib.util
from pathlib import Path
import torch
import tldr_lab.model as new

def old_kernel(commit:str="555cd2f"):
    "tldr_lab.model as of `commit`, its custom operators renamed so that they do not clash with the installed ones"
    src = subprocess.run(["git", "-C", str(Path(__file__).parents[1]), "show", f"{commit}:tldr_lab/model.py"],
                         capture_output=True, text=True, check=True).stdout
    src = src.replace('"tldr_lab::', '"tldr_old::').replace("from .config import", "from tldr_lab.config import")
    mod = importlib.util.module_from_spec(importlib.util.spec_from_loader("old_model", loader=None))
    exec(src, mod.__dict__)
    return mod

def main(reps:int=21):
    old = old_kernel()
    B, H, Hk, T, d = 16, 6, 3, 384, 32
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(B, h, T, d, generator=g).requires_grad_() for h in (H, Hk, Hk))
    up = torch.randn(B, H, T, d, generator=g)
    def run(f):
        def step():
            out = f(q, k, v); out.backward(up)
            r = (out.detach(), q.grad, k.grad, v.grad); q.grad = k.grad = v.grad = None
            return r
        return step
    fs = dict(old=run(old.blocked_causal_attention), new=run(new.blocked_causal_attention))
    diffs = [(x - y).abs().max().item() for x, y in zip(fs["old"](), fs["new"]())]
    print("max |old - new| of out, dq, dk, dv:", [f"{x:.1e}" for x in diffs])
    ts = {n: [] for n in fs}
    for _ in range(reps):
        for n, f in fs.items(): t0 = time.perf_counter(); f(); ts[n].append(time.perf_counter() - t0)
    m = {n: statistics.median(t) * 1e3 for n, t in ts.items()}
    print(f"one layer, forward + backward, {torch.get_num_threads()} threads: old {m['old']:.1f} ms, new {m['new']:.1f} ms, {m['old'] / m['new']:.2f}x")

if __name__ == "__main__": main(int(sys.argv[1]) if len(sys.argv) > 1 else 21)
