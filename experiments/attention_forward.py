"""The blocked attention kernel before and after its in-place forward (scratch measurement, not a chapter).

    python experiments/attention_forward.py [REPS] [--step]      # default: 21 repetitions

`02_model`'s `blocked_attention_fwd` used to build each query block's probabilities as a new tensor and concatenate
the blocks' outputs and probabilities at the end; since 2026-12-06 it writes each block's scores straight into the
flat buffer that keeps the probabilities, adds the causal mask to the block's diagonal square only, and takes the
softmax there in place. This loads the kernel as it was at commit 555cd2f (under another operator namespace, so both
can be registered in one process), runs one layer's attention forward and backward at the cpu preset's training
shape (batch 16, 6 query / 3 KV heads of 32, 384 tokens, fp32) through autograd with each, checks that the outputs
and gradients are identical, and times them interleaved (median of REPS). With --step it also races the whole
compiled training step of `11_bench` (the cpu preset's model without a copy head, its own loss path, AdamW) with each
kernel, in four blocks of five interleaved rounds.
"""
import sys, time, statistics, subprocess, importlib.util, tempfile
from pathlib import Path
import torch
import tldr_lab.model as new

def old_kernel(commit:str="555cd2f"):
    "tldr_lab.model as of `commit`, its custom operators renamed so that they do not clash with the installed ones"
    src = subprocess.run(["git", "-C", str(Path(__file__).parents[1]), "show", f"{commit}:tldr_lab/model.py"],
                         capture_output=True, text=True, check=True).stdout
    src = src.replace('"tldr_lab::', '"tldr_old::').replace("from .config import", "from tldr_lab.config import")
    f = Path(tempfile.mkdtemp())/"old_model.py"; f.write_text(src)  # a real file: torch.compile reads the source it traces
    spec = importlib.util.spec_from_file_location("old_model", f)
    mod = importlib.util.module_from_spec(spec); sys.modules["old_model"] = mod  # importable by name, as the compiler needs
    spec.loader.exec_module(mod)
    return mod

def step_race(old, blocks:int=4):
    "The compiled training step with the new kernel against the same step with the old one (the model looks the kernel up when it traces)"
    from tldr_lab.config import get_preset
    from tldr_lab.bench import bench_model, _random_batch, compiled_step_fn, own_loss, interleaved_median
    kernels = dict(new=new.blocked_causal_attention, old=old.blocked_causal_attention)
    p = get_preset("cpu"); B, T = p.pretrain.batch_size, p.ctx_len
    steps = {}
    for name, fn in kernels.items():
        new.blocked_causal_attention = fn  # what `Attention.forward` calls; each compiled step guards on it
        model = bench_model(p); steps[name] = compiled_step_fn(model, _random_batch(model, B, T, 0), loss_of=own_loss)
    def using(name):
        def f(): new.blocked_causal_attention = kernels[name]; return steps[name]()
        return f
    try:
        fs = {name: using(name) for name in kernels}
        print(f"the same loss after the same steps: {fs['new']().item():.6f} and {fs['old']().item():.6f}")
        for _ in range(blocks):
            s = interleaved_median(fs, 5)
            print(f"compiled step: new {B * T / s['new']:,.0f} tok/s, old {B * T / s['old']:,.0f} tok/s, {s['old'] / s['new']:.3f}x", flush=True)
    finally: new.blocked_causal_attention = kernels["new"]

def main(reps:int=21, step:bool=False):
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
    if step: step_race(old)

if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--step"]
    main(int(args[0]) if args else 21, "--step" in sys.argv)
