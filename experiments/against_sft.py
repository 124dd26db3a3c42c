"""Shared by `sft_seeds.py` and `long_context.py`: a new SFT model's valid summaries scored against the title and
against runs/<preset>'s own SFT model (its cached valid summaries, written by `experiments/valid_card.py`); and, for
`seed_pair.py` and `baseline_margins.py`, any run's cached valid summaries."""
import json
from pathlib import Path
import numpy as np
from tldr_lab.config import cpu_model
from tldr_lab.data import load_tldr
from tldr_lab.generation import route_titles
from tldr_lab.evaluation import rouge_scores, paired_bootstrap, eval_file

def cached_valid_preds(root, p, n_rows:int)->list[str]:
    "The valid summaries of `p`'s summarizer cached under a runs root (<root>/<preset>/evaluation/<stage>_valid.json)"
    from tldr_lab.config import summarizer_stage
    f = Path(root)/p.name/"evaluation"/f"{summarizer_stage(p)}_valid.json"
    if not f.exists(): raise FileNotFoundError(f"{f}: run `TLDR_LAB_RUNS={root} python experiments/valid_card.py` first")
    preds = json.loads(f.read_text())["preds"]
    if len(preds) != n_rows: raise ValueError(f"{f}: {len(preds)} summaries for {n_rows} valid posts")
    return preds

ci = lambda d: "{:+.4f} [{:+.4f}, {:+.4f}]".format(*d)

class AgainstSFT:
    "The valid posts, the title's and runs/<preset> SFT's per-post ROUGE-L (alone and with the title router); prints them"
    def __init__(self, p):
        self.p, self.rows = p, list(load_tldr("valid"))
        self.refs = [r["summary"] for r in self.rows]
        self.title = self.rl([r["title"] for r in self.rows])
        base_file = eval_file(p, "sft", "valid")
        if not base_file.exists(): raise FileNotFoundError(f"{base_file}: run experiments/valid_card.py cpu first")
        base = json.loads(base_file.read_text())["preds"]
        self.base_sft, self.base_routed = self.rl(base), self.rl(self.routed(base))
        print(f"{cpu_model()}; {len(self.rows)} valid posts; title ROUGE-L {self.title.mean():.4f}; runs/cpu SFT {self.base_sft.mean():.4f}, "
              f"with the router {self.base_routed.mean():.4f}: {ci(paired_bootstrap(self.base_routed, self.title))} vs title", flush=True)

    def rl(self, preds)->np.ndarray: return np.array(rouge_scores(preds, self.refs)["rougeL"])
    def routed(self, preds)->list[str]: return route_titles(list(preds), self.rows, self.p.title_router)

    def report(self, preds):
        "Two lines: the summaries alone and with the title router, each paired against the title and against runs/cpu's"
        x, xr = self.rl(preds), self.rl(self.routed(preds))
        print(f"   SFT {x.mean():.4f}: {ci(paired_bootstrap(x, self.title))} vs title, {ci(paired_bootstrap(x, self.base_sft))} vs runs/cpu SFT", flush=True)
        print(f"   with the router {xr.mean():.4f}: {ci(paired_bootstrap(xr, self.title))} vs title, {ci(paired_bootstrap(xr, self.base_routed))} vs runs/cpu's", flush=True)
