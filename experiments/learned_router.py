"""A learned title router against the length rule (scratch measurement, not a chapter; needs scikit-learn).

    python experiments/learned_router.py

The preset's title router (`04_generation`, `08_evaluation`) keeps a post's title as its TL;DR when the title has 17
or more words. Could a classifier do better with more evidence? For each of the first 3,000 train posts (the SFT
model's summaries cached by 08, runs/cpu/evaluation/sft_train3000_sft<mtime>.json) the label is whether the title's
ROUGE-L against the human TL;DR beats the summary's; the features are what a deployed router could see: the title's,
post's and summary's lengths (log words), the summary's ROUGE-L against the title, and whether the title is a
question. A logistic regression, weighted by how much each choice matters (|title − summary ROUGE-L|), is
cross-validated on train (5 folds), then fit on all 3,000 and applied once to the 746 valid posts (the lab's SFT
summaries of them, runs/cpu/evaluation/sft_valid.json), beside the length rule. No test data is read.
"""
import json, glob, warnings
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from tldr_lab.data import load_tldr
from tldr_lab.evaluation import rouge_scores, paired_bootstrap
from tldr_lab.generation import title_words
from tldr_lab.config import get_preset
warnings.filterwarnings("ignore")

def features(rows, preds):
    "One row of router features per post: log words of title, post and summary; summary-vs-title ROUGE-L; a question title"
    log_words = lambda xs: np.log1p([len(x.split()) for x in xs])
    return np.c_[log_words([r["title"] for r in rows]), log_words([r["post"] for r in rows]), log_words(preds),
                 rouge_scores(preds, [r["title"] for r in rows])["rougeL"], [r["title"].strip().endswith("?") for r in rows]]

def per_row(rows, preds):
    "ROUGE-L of the title and of the summary against the human TL;DR, per post"
    refs = [r["summary"] for r in rows]
    return np.array(rouge_scores([r["title"] for r in rows], refs)["rougeL"]), np.array(rouge_scores(preds, refs)["rougeL"])

def main():
    N = get_preset("cpu").title_router
    train_rows = list(load_tldr("train", limit=3000))
    train_preds = json.loads(open(sorted(glob.glob("runs/cpu/evaluation/sft_train3000_sft*.json"))[-1]).read())
    valid = json.loads(open("runs/cpu/evaluation/sft_valid.json").read())
    by_id = {r["id"]: r for r in load_tldr("valid")}
    valid_rows, valid_preds = [by_id[i] for i in valid["ids"]], valid["preds"]
    Xt, Xv = features(train_rows, train_preds), features(valid_rows, valid_preds)
    (tt, mt), (tv, mv) = per_row(train_rows, train_preds), per_row(valid_rows, valid_preds)
    yt, wt = (tt > mt).astype(int), np.abs(tt - mt) + 1e-3
    rule_t = np.array([title_words(r) >= N for r in train_rows]); rule_v = np.array([title_words(r) >= N for r in valid_rows])
    cv = np.zeros(len(yt), bool)
    for fit, held in KFold(5, shuffle=True, random_state=0).split(Xt):
        cv[held] = LogisticRegression().fit(Xt[fit], yt[fit], sample_weight=wt[fit]).predict(Xt[held]).astype(bool)
    learned_v = LogisticRegression().fit(Xt, yt, sample_weight=wt).predict(Xv).astype(bool)
    print(f"train, 3,000 posts (5-fold CV): summary alone {mt.mean():.4f}, length rule N = {N} {np.where(rule_t, tt, mt).mean():.4f}, "
          f"learned {np.where(cv, tt, mt).mean():.4f}, oracle {np.maximum(tt, mt).mean():.4f}")
    routed_rule, routed_learned = np.where(rule_v, tv, mv), np.where(learned_v, tv, mv)
    print(f"valid, 746 posts: summary alone {mv.mean():.4f}, length rule {routed_rule.mean():.4f} ({rule_v.sum()} routed), "
          f"learned {routed_learned.mean():.4f} ({learned_v.sum()} routed)")
    d, lo, hi = paired_bootstrap(routed_learned, routed_rule)
    print(f"valid ROUGE-L, learned router - length rule: {d:+.4f} [{lo:+.4f}, {hi:+.4f}]")

if __name__ == "__main__": main()
