"""A wider, deeper model for the same minutes, on a machine fast enough to afford it (scratch measurement, not a chapter).

    python experiments/bigger_model.py [D_MODEL N_LAYERS [SEED]]      # default: 256 6 0; about 35 minutes on 2 cores

The `cpu` preset's shape (d_model 192, 4 layers, 2.45M parameters) was sized on an AMD EPYC VM. On a VM that trains
about three times as fast (Intel Xeon with AMX-BF16, 2026-12-05) the preset's run leaves a third of its hour unused:
SFT stops at its 2 epochs. This trains the preset's recipe (same tokenizer and token stream, copied from runs/cpu;
same minutes, epochs, learning rates; head_dim 32 and the same query/KV head ratio) on a bigger model into
runs/bigger/cpu (`TLDR_LAB_RUNS`), then scores its SFT model on all valid posts with the preset's decoding, alone and
with the title router, paired against runs/cpu's SFT model (its cached valid summaries from
`experiments/valid_card.py`) and the title. SEED > 0 is a replicate: the two stages' `seed` (initialization,
data order) is SEED, into runs/bigger_s<SEED>/cpu. It reads no test data. Run it on an otherwise idle machine: the stages
have a time budget.
"""
import os, sys, json, shutil, time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 0
NEW = ROOT/"runs"/("bigger" if SEED == 0 else f"bigger_s{SEED}")
os.environ["TLDR_LAB_RUNS"] = str(NEW)  # before tldr_lab reads it: every stage below writes under runs/bigger/cpu
import numpy as np
from tldr_lab.config import get_preset, cpu_model
from tldr_lab.data import load_tldr
from tldr_lab.train import pretrain, get_stage_model
from tldr_lab.sft import sft, summarize_rows
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.generation import route_titles
from tldr_lab.evaluation import rouge_scores, paired_bootstrap

def main(d_model="256", n_layers="6"):
    d, L = int(d_model), int(n_layers)
    base = get_preset("cpu")
    p = replace(base, d_model=d, n_layers=L, n_heads=d // 32, n_kv_heads=d // 64,  # head_dim 32, 2 query heads per KV head
                pretrain=replace(base.pretrain, seed=SEED), sft=replace(base.sft, seed=SEED))  # a replicate: initialization, data order
    for sub in ("tokenizer", "data"):
        if not (NEW/"cpu"/sub).exists(): shutil.copytree(ROOT/"runs"/"cpu"/sub, NEW/"cpu"/sub)
    t0 = time.time(); pre = pretrain(p, progress=False); t1 = time.time(); s = sft(p, progress=False); t2 = time.time()
    print(f"{cpu_model()}: d_model {d}, {L} layers, {pre['params'] / 1e6:.2f}M parameters; pretrain {(t1 - t0) / 60:.1f} min, "
          f"{pre['tokens_seen'] / 1e6:.1f}M tokens, {pre['reddit']['bpb']:.3f} bits/byte; SFT {(t2 - t1) / 60:.1f} min, "
          f"{s['steps']} steps ({s['epochs']} epochs), best valid loss {s['best_val_loss']:.3f}", flush=True)
    old = json.loads((ROOT/"runs"/"cpu"/"evaluation"/"sft_valid.json").read_text())  # the preset's SFT model of the same run
    by_id = {r["id"]: r for r in load_tldr("valid")}
    rows = [by_id[i] for i in old["ids"]]
    refs = [r["summary"] for r in rows]
    t3 = time.time()
    preds = summarize_rows(get_stage_model(p, "sft"), get_tokenizer(p), rows, max_new_tokens=p.max_summary_tokens, **p.decoding)
    print(f"{len(rows)} valid summaries in {time.time() - t3:.0f}s", flush=True)
    rl = lambda ps: np.array(rouge_scores(ps, refs)["rougeL"])
    new, lab, title = rl(preds), rl(old["preds"]), rl([r["title"].strip() for r in rows])
    new_r, lab_r = rl(route_titles(list(preds), rows, p.title_router)), rl(route_titles(list(old["preds"]), rows, p.title_router))
    res = dict(d_model=d, n_layers=L, pretrain=pre, sft=s, bigger_sft=float(new.mean()), bigger_routed=float(new_r.mean()),
               preset_sft=float(lab.mean()), preset_routed=float(lab_r.mean()), title=float(title.mean()))
    for name, a, b in [("bigger SFT - preset SFT", new, lab), ("bigger SFT - title", new, title),
                       ("bigger + router - preset + router", new_r, lab_r), ("bigger + router - title", new_r, title)]:
        res[name] = paired_bootstrap(a, b)
        print(f"ROUGE-L {name}: {res[name][0]:+.4f} [{res[name][1]:+.4f}, {res[name][2]:+.4f}]")
    print(f"valid ROUGE-L: bigger SFT {new.mean():.4f} (routed {new_r.mean():.4f}), preset SFT {lab.mean():.4f} "
          f"(routed {lab_r.mean():.4f}), title {title.mean():.4f}")
    (NEW/"cpu"/"result.json").write_text(json.dumps(res, indent=1, default=str))

if __name__ == "__main__": main(*sys.argv[1:3])
