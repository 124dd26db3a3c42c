"""Two runs of the recipe on the same valid posts: how far apart are their summaries? (scratch measurement, not a chapter)

    python experiments/seed_pair.py RUNS_A RUNS_B      # e.g. runs runs/replicate_s1 (roots that hold cpu/), seconds

Reads each run's cached valid summaries of the preset's summarizer (`experiments/valid_card.py` writes them to
<root>/cpu/evaluation/<stage>_valid.json), routes both with the title router, and prints, for the summaries alone and
routed: B − A paired on the same posts (bootstrap interval), the share of posts where the two summaries are
identical, and the correlation of their per-post ROUGE-L. It reads no test data and decodes nothing.
"""
import sys
from pathlib import Path
import numpy as np

def main(root_a, root_b, preset="cpu"):
    from tldr_lab.config import get_preset, summarizer_stage
    from tldr_lab.data import load_tldr
    from tldr_lab.generation import route_titles
    from tldr_lab.evaluation import rouge_scores, paired_bootstrap
    from against_sft import cached_valid_preds
    p = get_preset(preset)
    stage = summarizer_stage(p)
    rows = list(load_tldr("valid"))
    refs = [r["summary"] for r in rows]
    preds = {root: cached_valid_preds(root, p, len(rows)) for root in (root_a, root_b)}
    print(f"{len(rows)} valid posts; {stage} summaries of {root_b} against {root_a}")
    for label, route in (("alone", False), ("with the title router", True)):
        a, b = (route_titles(list(preds[r]), rows, p.title_router) if route else preds[r] for r in (root_a, root_b))
        ra, rb = (np.array(rouge_scores(x, refs)["rougeL"]) for x in (a, b))
        d = paired_bootstrap(rb, ra)
        same = np.mean([x.strip() == y.strip() for x, y in zip(a, b)])
        print(f"  {label}: ROUGE-L {ra.mean():.4f} and {rb.mean():.4f}; B - A {d[0]:+.4f} [{d[1]:+.4f}, {d[2]:+.4f}]; "
              f"identical {same:.1%}; per-post correlation {np.corrcoef(ra, rb)[0, 1]:.2f}")

if __name__ == "__main__":
    if len(sys.argv) != 3: sys.exit(__doc__)
    sys.path.insert(0, str(Path(__file__).parent))
    main(*sys.argv[1:])
