"""How much of issue 10's margin is the SFT run's luck: the preset's SFT again from the same pretrained model, with another data order (scratch measurement, not a chapter).

    python experiments/sft_seeds.py SEED [SEED ...]      # about 17 minutes a seed on 2 cores
    python experiments/sft_seeds.py --minutes M SEED ...  # the same with an M-minute SFT (into s<SEED>_m<M>/)

Issue 10 asks one run of `tldr-lab run --preset cpu` to beat the title on valid by a margin outside the paired
bootstrap interval; the lab's runs clear it about half the time. Part of a run's margin is its pretraining, part its
SFT. This keeps runs/cpu's pretrained model and repeats only the SFT stage with the preset's settings and time budget,
its data order set by SEED (the stage config's `seed`; the preset's is 0; dropout is 0, so the order is the only randomness),
into runs/sft_seeds/s<SEED>/. Each model is scored with the preset's decoding on all valid posts, alone and with the
title router, paired against the title and against runs/cpu's own SFT model (its cached valid summaries, written by
`experiments/valid_card.py`). It reads no test data. Run it on an otherwise idle machine: the stage has a time budget.
"""
import sys, time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def main(seeds, minutes=None):
    from tldr_lab.config import get_preset
    from tldr_lab.train import load_model
    from tldr_lab.sft import sft, summarize_rows
    from tldr_lab.tokenizer import get_tokenizer
    from against_sft import AgainstSFT
    p = get_preset("cpu")
    valid = AgainstSFT(p)
    for seed in seeds:
        out = ROOT/"runs"/"sft_seeds"/(f"s{seed}" + (f"_m{minutes:g}" if minutes else ""))
        cfg = replace(p.sft, seed=seed, minutes=minutes or p.sft.minutes)
        st = sft(p, cfg=cfg, out_dir=out, progress=False)  # reuses a finished seed
        model = load_model(out/"best").eval()
        t0 = time.time()
        preds = summarize_rows(model, get_tokenizer(p), valid.rows, max_new_tokens=p.max_summary_tokens, **p.decoding)
        print(f"seed {seed}: {st['steps']} steps ({st['epochs']} epochs) in {st['train_seconds'] / 60:.1f} min, best valid loss "
              f"{st['best_val_loss']:.3f}; decoded in {time.time() - t0:.0f}s", flush=True)
        valid.report(preds)

if __name__ == "__main__":
    args, minutes = sys.argv[1:], None
    if args[:1] == ["--minutes"]: minutes, args = float(args[1]), args[2:]
    main([int(s) for s in args] or [1], minutes)
