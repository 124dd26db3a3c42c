"""Why bf16 training MFU stops near 0.4 on 2 CPU cores: the attention kernel alone (scratch measurement, not a chapter).

    python experiments/attention_kernels.py

One layer's causal attention at the cpu preset's training shape (batch 16, 6 query / 3 KV heads of 32, context 384,
bf16), forward + backward, timed interleaved (median of 5 after 2 warm-up calls) for several ways of computing the
same thing: SDPA with GQA (the model's), SDPA with K/V repeated, SDPA on fp32 copies, SDPA's math backend, SDPA over
causal query chunks, plain matmul + softmax (in bf16 and with an fp32 softmax), compiled or not, and the kernel the
lab adopted from this comparison: `02_model`'s `blocked_causal_attention` (query blocks of 32 to 192; the model uses 64; probabilities kept,
the backward by hand; `11_bench`'s `attention_kernel_bench` races it against SDPA in the whole training step). It prints each
one's time, its largest difference from the model's output, and the FLOP/s its causal FLOPs (half of 4·B·H·T²·hd per
pass, backward counted as twice the forward) achieve: compare with the bf16 matmul peak of 11_bench (about 390 GFLOP/s).
"""
import time, statistics
import torch, torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend
from tldr_lab.model import blocked_causal_attention

B, H, Hk, T, hd, dt = 16, 6, 3, 384, 32, torch.bfloat16
causal = torch.ones(T, T, dtype=torch.bool).tril()
rep = lambda x: x.repeat_interleave(H // Hk, 1)

def sdpa_gqa(q, k, v): return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
def sdpa_repeat(q, k, v): return F.scaled_dot_product_attention(q, rep(k), rep(v), is_causal=True)
def sdpa_fp32(q, k, v): return F.scaled_dot_product_attention(q.float(), k.float(), v.float(), is_causal=True, enable_gqa=True).to(dt)
def sdpa_math(q, k, v):
    with sdpa_kernel(SDPBackend.MATH): return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
def sdpa_chunks(q, k, v, C=128):
    k, v = rep(k), rep(v)
    return torch.cat([F.scaled_dot_product_attention(q[:, :, i:i + C], k[:, :, :i + C], v[:, :, :i + C],
                                                     attn_mask=torch.ones(C, i + C, dtype=torch.bool).tril(i))
                      for i in range(0, T, C)], 2)
def matmul_softmax(q, k, v, fp32_softmax=False):
    s = (q @ rep(k).transpose(-1, -2)) * hd ** -0.5
    s = s.masked_fill(~causal, float("-inf"))
    return (s.float().softmax(-1).to(dt) if fp32_softmax else s.softmax(-1)) @ rep(v)

def main(reps=5):
    torch.manual_seed(0)
    q = torch.randn(B, H, T, hd, dtype=dt, requires_grad=True)
    k, v = (torch.randn(B, Hk, T, hd, dtype=dt, requires_grad=True) for _ in range(2))
    fns = dict(sdpa_gqa=sdpa_gqa, sdpa_repeat=sdpa_repeat, sdpa_fp32=sdpa_fp32, sdpa_math=sdpa_math, sdpa_chunks=sdpa_chunks,
               matmul_softmax_bf16=matmul_softmax, matmul_softmax_fp32=lambda q, k, v: matmul_softmax(q, k, v, True),
               compiled_sdpa_gqa=torch.compile(sdpa_gqa), compiled_matmul_softmax=torch.compile(matmul_softmax),
               **{f"blocked_lab_kernel_{C}": (lambda C: lambda q, k, v: blocked_causal_attention(q, k, v, C))(C) for C in (32, 64, 96, 128, 192)})
    ref = sdpa_gqa(q, k, v).float()
    def step(f):
        q.grad = k.grad = v.grad = None
        f(q, k, v).float().sum().backward()
    diffs = {}
    for n, f in fns.items():
        with torch.no_grad(): diffs[n] = (f(q, k, v).float() - ref).abs().max().item()
        step(f); step(f)
    times = {n: [] for n in fns}
    for _ in range(reps):
        for n, f in fns.items():
            t = time.perf_counter(); step(f); times[n].append(time.perf_counter() - t)
    flops = 3 * 4 * B * H * T * T * hd / 2  # forward + backward (≈ 2× forward), causal half
    print(f"one layer, B {B}, {H}/{Hk} heads of {hd}, T {T}, {dt}, {torch.get_num_threads()} threads")
    for n in fns:
        s = statistics.median(times[n])
        print(f"{n:24s} {s * 1e3:7.1f} ms fwd+bwd  {flops / s / 1e9:6.1f} GFLOP/s  max |diff| {diffs[n]:.4f}")

if __name__ == "__main__": main()
