"""Replicates of `07_dpo`'s "DPO on ROUGE-ranked beams" with other train posts, scored on `valid` (scratch, not a chapter).

    python experiments/rouge_dpo.py [START ...]      # default: 2000 4000

07 builds preferences from the metric on train posts 0-1999: the SFT model's 4 beams of each post, the one with the
best ROUGE-L against the human TL;DR preferred over the worst (`metric_pairs`, min gap 0.02), then the DPO stage at its
own settings (`dpo(pairs_train=...)`, the preset's minutes). One such run says little: this script repeats it on train
posts START..START+1999 for each START, and scores each policy on all valid posts with the preset's decoding, paired
bootstrap intervals against the SFT model and against the title baseline. Uses runs/<preset> (policies land in
runs/<preset>/dpo_metric_rep/START); the SFT model is not changed.
"""
import sys, time
import numpy as np
from tldr_lab.config import get_preset, runs_dir
from tldr_lab.train import get_stage_model, load_model
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr
from tldr_lab.evaluation import beam_candidates, rouge_scores, paired_bootstrap
from tldr_lab.dpo import dpo, metric_pairs
from tldr_lab.sft import summarize_rows

def main(starts=(2000, 4000), n=2000, preset="cpu"):
    p = get_preset(preset)
    tok, sft_m = get_tokenizer(p), get_stage_model(p, "sft").eval()
    vrows, train = list(load_tldr("valid")), load_tldr("train")
    refs = [r["summary"] for r in vrows]
    rouge_l = lambda m: np.array(rouge_scores(summarize_rows(m, tok, vrows, max_new_tokens=p.max_summary_tokens, **p.decoding), refs)["rougeL"])
    ci = lambda d: f"{d[0]:+.4f} [{d[1]:+.4f}, {d[2]:+.4f}]"
    base, title = rouge_l(sft_m), np.array(rouge_scores([r["title"] for r in vrows], refs)["rougeL"])
    print(f"preset {p.name}, {len(vrows)} valid posts; SFT {base.mean():.4f}, {ci(paired_bootstrap(base, title))} vs title ({title.mean():.4f})", flush=True)
    for s in starts:
        rows = list(train.select(range(s, s + n)))
        t0 = time.time()
        cands, _ = beam_candidates(sft_m, tok, rows, n=4, max_new_tokens=p.max_summary_tokens, **{**p.decoding, "num_beams": 4})
        pairs = metric_pairs(rows, cands)
        t1 = time.time()
        out = runs_dir(p, f"dpo_metric_rep/{s}")
        st = dpo(p, pairs_train=pairs, out_dir=out, force=True, progress=False)
        sc = rouge_l(load_model(out/"best", sft_m.lm_head.weight.device))
        print(f"train posts {s}-{s + n - 1}: {len(pairs)} pairs ({t1 - t0:.0f}s), {st['steps']} DPO steps ({st['train_seconds']:.0f}s); "
              f"ROUGE-L {sc.mean():.4f}, {ci(paired_bootstrap(sc, base))} vs SFT, {ci(paired_bootstrap(sc, title))} vs title", flush=True)

if __name__ == "__main__": main(tuple(int(a) for a in sys.argv[1:]) or (2000, 4000))
