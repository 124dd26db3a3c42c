"""Does task-like pretraining help the summaries? The cpu preset trained twice, once with reddit_posts documents in
the prompt's layout (title first) and once with the title *after* the post (`Preset.pretrain_title_last`, PEGASUS-style),
each for the preset's own time budgets; then valid ROUGE with the preset's decoding, paired against the title baseline
and against each other. Valid only: the test split is not scored here (nothing is adopted from this script).

    TLDR_LAB_RUNS=/tmp/layout_std   python experiments/pretrain_layout.py standard
    TLDR_LAB_RUNS=/tmp/layout_tlast python experiments/pretrain_layout.py title_last
    python experiments/pretrain_layout.py compare /tmp/layout_std/cpu/layout_standard.json /tmp/layout_tlast/cpu/layout_title_last.json

Run the two trainings one after the other, never side by side: the stages are time-budgeted, so sharing the two cores
would halve what each one sees.
"""
import json, sys, time
from dataclasses import replace
from pathlib import Path
import numpy as np
from tldr_lab.config import get_preset, runs_dir, pick_device
from tldr_lab.data import load_tldr
from tldr_lab.tokenizer import tokenizer_stage
from tldr_lab.train import pretrain
from tldr_lab.sft import sft
from tldr_lab.evaluation import eval_stage, evaluate_summaries, baseline_summaries, paired_bootstrap, rouge_scores

def train_and_score(variant:str)->dict:
    p = replace(get_preset("cpu"), pretrain_title_last=variant == "title_last")
    t0 = time.time()
    tokenizer_stage(p.name)
    pre = pretrain(p, progress=False)
    s = sft(p, progress=False)
    r = eval_stage(p, "sft", split="valid", bertscore=False)
    rows = list(load_tldr("valid"))
    title = evaluate_summaries(baseline_summaries(rows, "title"), rows, bertscore=False)
    rl, rl_title = [x["rougeL"] for x in r["per_row"]], [x["rougeL"] for x in title["per_row"]]
    out = dict(variant=variant, device=str(pick_device(verbose=False)[0]), wall_minutes=round((time.time() - t0) / 60, 1),
               pretrain_tokens_seen=pre["tokens_seen"], pretrain_steps=pre["steps"], sft_steps=s["steps"], sft_best_val_loss=s["best_val_loss"],
               rouge1=r["rouge1"], rouge2=r["rouge2"], rougeL=r["rougeL"], rougeL_title=title["rougeL"], gen_words=r["gen_words"],
               vs_title=paired_bootstrap(rl, rl_title), ids=r["ids"], per_row_rougeL=rl)
    (runs_dir(p)/f"layout_{variant}.json").write_text(json.dumps(out))
    return out

if __name__ == "__main__":
    if sys.argv[1] == "compare":
        a, b = (json.load(open(f)) for f in sys.argv[2:4])
        assert a["ids"] == b["ids"], "the two runs scored different rows"
        for r in (a, b): print(f"{r['variant']:>10}: pretrain {r['pretrain_tokens_seen']/1e6:.2f}M tokens, SFT {r['sft_steps']} steps, "
                               f"best valid loss {r['sft_best_val_loss']:.3f}; valid R1/R2/RL {r['rouge1']:.3f}/{r['rouge2']:.3f}/{r['rougeL']:.4f}, "
                               f"- title {r['vs_title'][0]:+.4f} [{r['vs_title'][1]:+.4f}, {r['vs_title'][2]:+.4f}]")
        d = paired_bootstrap(b["per_row_rougeL"], a["per_row_rougeL"])
        print(f"{b['variant']} - {a['variant']}: ROUGE-L {d[0]:+.4f} [{d[1]:+.4f}, {d[2]:+.4f}] (paired bootstrap, {len(a['ids'])} valid posts)")
        rows = {r["id"]: r for r in load_tldr("valid")}
        rows = [rows[i] for i in a["ids"]]
        titles = baseline_summaries(rows, "title")
        rl_title = np.array(rouge_scores(titles, [row["summary"] for row in rows])["rougeL"])  # the same for both runs
        opens = lambda text, r: text.lower().split()[:3] == r["title"].lower().split()[:3]  # the same first three words as the title
        print(f"human TL;DRs: {np.mean([opens(r['summary'], r) for r in rows]):.1%} open with the title's first three words")
        for f, r in zip(sys.argv[2:4], (a, b)):
            preds = json.load(open(Path(f).parent/"evaluation"/"sft_valid.json"))["preds"]  # what eval_stage saved beside it
            o = np.array([opens(t, row) for t, row in zip(preds, rows)])
            rl = np.array(r["per_row_rougeL"])
            print(f"{r['variant']:>10}: {o.mean():.1%} of SFT summaries open with the title's first three words; ROUGE-L(summary, title) "
                  f"{np.mean(rouge_scores(preds, titles)['rougeL']):.3f}; ROUGE-L SFT vs title on those {rl[o].mean():.3f} vs {rl_title[o].mean():.3f}, "
                  f"on the others {rl[~o].mean():.3f} vs {rl_title[~o].mean():.3f}")
    else:
        r = train_and_score(sys.argv[1])
        print(json.dumps({k: v for k, v in r.items() if k not in ("ids", "per_row_rougeL")}))
