"""Does `torch.compile(mode="max-autotune-no-cudagraphs")` buy pretraining speed in the trainer itself? (issue 8, scratch)

    python experiments/compile_trainer.py [--blocks N] [--steps K] [MODE ...]   # default: 4 blocks of 15 steps, default and max-autotune-no-cudagraphs

`experiments/compile_modes.py` raced the modes on `11_bench`'s step (no copy head, one random batch) and found
max-autotune-no-cudagraphs 3-5% ahead of the default mode. This asks the question where it matters: the cpu preset's
own pretraining step, through `Trainer.train_step` (the preset's model with its copy head, real batches of the packed
pretraining stream, AdamW, clipping, the schedule), with one trainer per MODE built from the same seeded weights.
It prints each mode's compile time (its first step, which pays for compiling and autotuning) and then races
the trainers in interleaved blocks of K steps, so that the VM's drift hits every mode alike, and prints tokens/s per
block and each block's ratio to the first mode. It writes nothing under runs/. Run it on an otherwise idle machine.
"""
import sys, time, tempfile
import numpy as np, torch
from tldr_lab.config import get_preset, pick_device
from tldr_lab.model import TransformerLM
from tldr_lab.data import PackedBlocks, pretrain_tokens
from tldr_lab.train import Trainer, pretrain_batches, model_config, lm_loss

def make_trainer(p, train_ids, mode, dev, amp):
    "A pretraining Trainer on the preset's seeded model, its forward compiled with `mode`"
    cfg = p.pretrain
    torch.manual_seed(0)
    model = TransformerLM(model_config(p))
    get_batch = pretrain_batches(PackedBlocks(train_ids, model.cfg.ctx_len), cfg.batch_size)
    tr = Trainer(model, cfg, get_batch, lm_loss, tempfile.mkdtemp(), device=dev, amp_dtype=amp, compile=False, progress=False)
    tr.fwd_model = torch.compile(tr.model, mode=None if mode == "default" else mode)
    return tr

def timed_steps(tr, k:int)->tuple[float, int, float]:
    "Seconds, tokens and the last loss of k training steps"
    t0, n = time.perf_counter(), 0
    for _ in range(k):
        rec = tr.train_step(); n += rec["n_tok"]
    return time.perf_counter() - t0, n, rec["loss"]

def main(modes, n_blocks=4, k=15):
    p = get_preset("cpu")
    dev, amp = pick_device(verbose=False)
    train_ids = pretrain_tokens(p, "train")
    trainers = {}
    for m in modes:
        tr = make_trainer(p, train_ids, m, dev, amp)
        s, _, _ = timed_steps(tr, 1)
        print(f"{m}: first step (compile) {s:.0f} s", flush=True)
        timed_steps(tr, 2)  # settle
        trainers[m] = tr
    rate, loss = {m: [] for m in modes}, {}
    for b in range(n_blocks):
        for m in (modes if b % 2 == 0 else modes[::-1]):  # alternate the order, so neither mode always goes first
            s, n, loss[m] = timed_steps(trainers[m], k)
            rate[m].append(n / s)
        print(f"block {b}: " + ", ".join(f"{m} {rate[m][-1]:,.0f} tok/s" for m in modes) +
              "".join(f"; {m} / {modes[0]} {rate[m][-1] / rate[modes[0]][-1]:.3f}" for m in modes[1:]), flush=True)
    for m in modes[1:]:
        r = np.array(rate[m]) / np.array(rate[modes[0]])
        print(f"{m} / {modes[0]}: median {np.median(r):.3f}, blocks {r.min():.3f}-{r.max():.3f}")
    print(f"loss at step {trainers[modes[0]].step}, same batches and weights: " + ", ".join(f"{m} {loss[m]:.4f}" for m in modes))

if __name__ == "__main__":
    args, n_blocks, k = sys.argv[1:], 4, 15
    while args[:1] and args[0].startswith("--"):
        if args[0] == "--blocks": n_blocks, args = int(args[1]), args[2:]
        elif args[0] == "--steps": k, args = int(args[1]), args[2:]
        else: sys.exit(f"unknown option {args[0]}")
    main(args or ["default", "max-autotune-no-cudagraphs"], n_blocks, k)
