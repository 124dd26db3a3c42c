"""The output layer only where the loss is: SFT and DPO steps with and without `target_width` (02_model), side by side.

    python experiments/output_window.py [BLOCKS]      # default 3 blocks of 20 steps per variant

An SFT batch asks for log p at a summary's ~20 tokens after a post of ~300, and the model's `targets=` path used to run
the 4,096-way output layer and the copy head at every position. `lm_loss`, `sft_loss_on` and `sequence_logps` now
go through `target_logprobs`, which passes `target_width=target_span(y)`. This script takes the cpu preset's pretrained model (runs/cpu, or TLDR_LAB_RUNS), the
SFT stage's length-bucketed batches of reddit_tldr/train and DPO's pair batches, and times a forward + backward of
each loss (compiled where the stage compiles: SFT yes, DPO no) with the window and without it (`target_width=0`), interleaved in blocks, after a warm-up that
compiles every shape. It checks that both give the same loss, and prints tokens/s per block and the ratio.
"""
import sys, time, statistics
import torch, torch.nn.functional as F
from tldr_lab.config import get_preset, cpu_model
from tldr_lab.train import get_stage_model
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr, sft_dataset, load_comparisons
from tldr_lab.sft import sft_batches
from tldr_lab.dpo import make_pairs, dpo_batches
from tldr_lab.model import target_span

def loss_fn(width:bool):
    "Mean -log p over the batch's targets, with the window (`target_span`) or over every position"
    def f(m, b):
        y = F.pad(b["labels"][:, 1:], (0, 1), value=-100)
        return -m(b["input_ids"], targets=y, target_width=target_span(y) if width else 0).sum() / (y >= 0).sum()
    return f

def race(name, model, compiled, get_batch, n_blocks, steps=20, warm=12):
    cm = torch.compile(model) if compiled else model  # as the stage trains: SFT compiled, DPO eager (the presets)
    fns = dict(window=loss_fn(True), full=loss_fn(False))
    with torch.no_grad():
        b = get_batch(0); a, c = (fns[k](model, b).item() for k in ("window", "full"))
        print(f"{name}: loss with the window {a:.6f}, without {c:.6f}")
    def run(fn, i0, n):
        t, tok = 0.0, 0
        for i in range(i0, i0 + n):
            b = get_batch(i); t0 = time.perf_counter()
            fn(cm, b).backward(); model.zero_grad(set_to_none=True)
            t += time.perf_counter() - t0; tok += b["input_ids"].numel()
        return tok / t
    for fn in fns.values(): run(fn, 0, warm)  # compile every shape first
    ratios = []
    for k in range(n_blocks):
        r = {n: run(fn, warm + k * steps, steps) for n, fn in fns.items()}
        ratios.append(r["window"] / r["full"])
        print(f"  block {k}: window {r['window']:,.0f} tok/s, full {r['full']:,.0f} tok/s, ratio {ratios[-1]:.2f}")
    print(f"{name}: median ratio {statistics.median(ratios):.2f} (blocks {', '.join(f'{x:.2f}' for x in ratios)})")

def main(n_blocks=3):
    torch.manual_seed(0)
    p = get_preset("cpu"); tok = get_tokenizer(p)
    print(f"{cpu_model()}, {torch.get_num_threads()} threads, torch {torch.__version__}, fp32")
    model = get_stage_model(p, "pretrain").train()
    exs = sft_dataset(tok, load_tldr("train").select(range(4000)), p.ctx_len, p.max_summary_tokens)
    race("SFT (batch 16)", model, p.sft.compile, sft_batches(exs, p.sft.batch_size, tok.pad_token_id), n_blocks)
    pairs = make_pairs(tok, load_comparisons("train"), p.ctx_len, p.max_summary_tokens)
    race("DPO pairs (8 chosen + 8 rejected)", model, p.dpo.compile, dpo_batches(pairs, p.dpo.batch_size, tok.pad_token_id), n_blocks)

if __name__ == "__main__": main(*map(int, sys.argv[1:]))
