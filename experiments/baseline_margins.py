"""Issue 10's comparison for several runs at once: the preset's summarizer against each of the three baselines on valid (scratch measurement, not a chapter).

    python experiments/baseline_margins.py ROOT [ROOT ...]      # e.g. runs runs/replicate_s1 (roots that hold cpu/); seconds

For each run root, reads the cached valid summaries of the preset's summarizer (`experiments/valid_card.py` writes
them to <root>/cpu/evaluation/<stage>_valid.json), applies the title router, and prints ROUGE-1/2/L with 95%
bootstrap intervals and the paired bootstrap of ROUGE-L against the title, the first sentence and the first 20
words. It reads no test data and decodes nothing.
"""
import sys
from pathlib import Path
import numpy as np

def main(roots, preset="cpu"):
    from tldr_lab.config import get_preset, summarizer_stage
    from tldr_lab.data import load_tldr
    from tldr_lab.generation import route_titles
    from tldr_lab.evaluation import rouge_scores, paired_bootstrap, bootstrap_ci, baseline_summaries, BASELINES
    from against_sft import cached_valid_preds
    p = get_preset(preset)
    stage = summarizer_stage(p)
    rows = list(load_tldr("valid"))
    refs = [r["summary"] for r in rows]
    base = {k: rouge_scores(baseline_summaries(rows, k), refs) for k in BASELINES}
    fmt = lambda xs: "{:.3f} [{:.3f}, {:.3f}]".format(*bootstrap_ci(list(xs)))
    print(f"{len(rows)} valid posts; the {stage} summaries with the title router (titles of {p.title_router}+ words kept)")
    for root in roots:
        preds = cached_valid_preds(root, p, len(rows))
        s = rouge_scores(route_titles(list(preds), rows, p.title_router), refs)
        margins = ", ".join("{} {:+.4f} [{:+.4f}, {:+.4f}]".format(k.replace("_", " "), *paired_bootstrap(s["rougeL"], base[k]["rougeL"]))
                            for k in BASELINES)
        print(f"{root}: ROUGE-1 {fmt(s['rouge1'])}, ROUGE-2 {fmt(s['rouge2'])}, ROUGE-L {fmt(s['rougeL'])}; ROUGE-L against {margins}")

if __name__ == "__main__":
    if len(sys.argv) < 2: sys.exit(__doc__)
    sys.path.insert(0, str(Path(__file__).parent))
    main(sys.argv[1:])
