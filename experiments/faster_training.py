"""The cpu pipeline's pretraining and SFT re-run with `02_model`'s blocked attention kernel (scratch measurement, not a chapter).

    python experiments/faster_training.py      # about 40 minutes on 2 cores

Issue 10 says every percent of tokens/s is more data seen. The lab's models in runs/cpu were trained (2026-12-03
morning) with SDPA; the blocked kernel makes the training step faster (`11_bench`). This re-runs `tldr-lab pretrain`
and `tldr-lab sft` with the same preset, minutes, tokenizer and token stream (copied from runs/cpu) into
runs/kernel_rerun/cpu (`TLDR_LAB_RUNS`), so the only change is the speed of the step. Then it scores the new SFT
model on all valid posts with the preset's decoding, alone and with the title router, against the lab's SFT model
(its cached valid summaries, runs/cpu/evaluation/sft_valid.json) and the title baseline: paired bootstrap on the same
posts. It reads no test data. Run it on an otherwise idle machine: the stages have a time budget, so anything else
running takes tokens away from them.
"""
import os, sys, json, shutil, subprocess, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NEW = ROOT/"runs"/"kernel_rerun"

def train():
    "Pretrain and SFT into runs/kernel_rerun/cpu with runs/cpu's tokenizer and token stream"
    for sub in ("tokenizer", "data"):
        if not (NEW/"cpu"/sub).exists(): shutil.copytree(ROOT/"runs"/"cpu"/sub, NEW/"cpu"/sub)
    env = {**os.environ, "TLDR_LAB_RUNS": str(NEW)}
    for stage in ("pretrain", "sft"):
        t0 = time.time()
        subprocess.run(["tldr-lab", stage, "--preset", "cpu"], env=env, check=True, cwd=ROOT)
        print(f"{stage}: {(time.time() - t0) / 60:.1f} min", flush=True)

def score():
    "Valid ROUGE-L of the new SFT model (alone and routed) against the lab's SFT model and the title"
    os.environ["TLDR_LAB_RUNS"] = str(NEW)
    from tldr_lab.config import get_preset
    from tldr_lab.data import load_tldr
    from tldr_lab.train import get_stage_model
    from tldr_lab.tokenizer import get_tokenizer
    from tldr_lab.sft import summarize_rows
    from tldr_lab.generation import route_titles
    from tldr_lab.evaluation import rouge_scores, paired_bootstrap
    P = get_preset("cpu")
    old = json.loads((ROOT/"runs"/"cpu"/"evaluation"/"sft_valid.json").read_text())  # the lab's SFT model, SDPA-trained
    by_id = {r["id"]: r for r in load_tldr("valid")}
    rows = [by_id[i] for i in old["ids"]]
    refs = [r["summary"] for r in rows]
    t0 = time.time()
    preds = summarize_rows(get_stage_model(P, "sft"), get_tokenizer(P), rows, max_new_tokens=P.max_summary_tokens, **P.decoding)
    print(f"valid summaries in {time.time() - t0:.0f}s", flush=True)
    rl = lambda ps: np.array(rouge_scores(ps, refs)["rougeL"])
    new, new_routed = rl(preds), rl(route_titles(preds, rows, P.title_router))
    lab, lab_routed = rl(old["preds"]), rl(route_titles(old["preds"], rows, P.title_router))
    title = rl([r["title"] for r in rows])
    res = {}
    for name, a, b in [("new SFT - lab SFT", new, lab), ("new SFT - title", new, title),
                       ("new SFT + router - lab SFT + router", new_routed, lab_routed), ("new SFT + router - title", new_routed, title)]:
        d, lo, hi = paired_bootstrap(a, b)
        res[name] = dict(diff=d, lo=lo, hi=hi)
        print(f"ROUGE-L {name}: {d:+.4f} [{lo:+.4f}, {hi:+.4f}]")
    res.update(new_sft=float(new.mean()), new_routed=float(new_routed.mean()), lab_sft=float(lab.mean()), title=float(title.mean()),
               pretrain=json.loads((NEW/"cpu"/"pretrain"/"summary.json").read_text()),
               sft=json.loads((NEW/"cpu"/"sft"/"summary.json").read_text()))
    print(f"valid ROUGE-L: new SFT {res['new_sft']:.4f} (routed {res['new_routed']:.4f}), lab SFT {res['lab_sft']:.4f}, title {res['title']:.4f}")
    for st in ("pretrain", "sft"):
        s = res[st]; print(f"{st}: {s['steps']} steps, {s['tokens_seen']:,} tokens in {s['train_seconds'] / 60:.1f} min", 
                           {k: s[k] for k in ("reddit", "best_val_loss") if k in s})
    (NEW/"cpu"/"result.json").write_text(json.dumps(res, indent=1))

if __name__ == "__main__":
    if "--score-only" not in sys.argv: train()
    score()
