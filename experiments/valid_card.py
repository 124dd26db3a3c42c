"""Issue 10's numbers for one run of `tldr-lab run`: every stage and baseline on all valid posts, with intervals.

    python experiments/valid_card.py [PRESET]      # default: cpu; about 2 minutes a stage on 2 cores

`tldr-lab run` reports the test split once (the report card). Issue 10 asks for the chosen stage on `valid` against
the three baselines: ROUGE-1/2/L with 95% bootstrap intervals, and the paired bootstrap of ROUGE-L against the
title. This scores SFT, the self-distilled model (where the preset has one, `05_sft`), DPO and the preset's summarizer
(its stage, then the title router of `04_generation`) on the 746 valid posts with the
preset's decoding, beside the first sentence, the first 20 words and the title, and prints ten random valid
examples (seed 0) of the routed summarizer beside their references and titles, and the power of the comparison:
the smallest true margin over the title that an interval on this many posts detects 80% of the time. It reads no test data and trains
nothing: run it after `tldr-lab run --preset PRESET`. The summaries are cached as runs/<preset>/evaluation/<stage>_valid.json
(`eval_stage`), the numbers written to runs/<preset>/evaluation/valid_card.json.
"""
import sys, json, random, textwrap
import numpy as np
from tldr_lab.config import get_preset, runs_dir, cpu_model, summarizer_stage, preset_has_stage, STAGE_NAMES as names  # the report card's names of the stages
from tldr_lab.data import load_tldr
from tldr_lab.evaluation import eval_stage, evaluate_summaries, baseline_summaries, paired_bootstrap, BASELINES
from tldr_lab.generation import route_titles

def main(preset="cpu"):
    p = get_preset(preset)
    rows = list(load_tldr("valid"))
    res = {f"baseline: {k.replace('_', ' ')}": evaluate_summaries(baseline_summaries(rows, k), rows) for k in BASELINES}
    preds = {}
    for st in ("sft", "distill", "dpo"):
        if not preset_has_stage(p, st): continue
        r = eval_stage(p, st, rows=rows)
        res[names[st]], preds[st] = r, r["preds"]
    summ = names[summarizer_stage(p)]  # the preset's summarizer: this stage's summaries, then the title router
    routed = route_titles(list(preds[summarizer_stage(p)]), rows, p.title_router)
    res[f"{summ} + title router"] = evaluate_summaries(routed, rows)
    title_rl = [x["rougeL"] for x in res["baseline: title"]["per_row"]]
    print(f"preset {p.name} on {cpu_model()}: {len(rows)} valid posts; ROUGE F-measures, 95% bootstrap intervals")
    print(f"{'system':44s} {'ROUGE-1':>22s} {'ROUGE-2':>22s} {'ROUGE-L':>22s} {'BERTScore':>9s} {'words':>5s}  ROUGE-L - title")
    fmt = lambda r, k: f"{r[k]:.3f} [{r['ci'][k][0]:.3f}, {r['ci'][k][1]:.3f}]"
    for name, r in res.items():
        d = "" if name == "baseline: title" else "{:+.4f} [{:+.4f}, {:+.4f}]".format(*paired_bootstrap([x["rougeL"] for x in r["per_row"]], title_rl))
        r["rougeL_minus_title"] = d
        print(f"{name:44s} {fmt(r, 'rouge1'):>22s} {fmt(r, 'rouge2'):>22s} {fmt(r, 'rougeL'):>22s} {r['bertscore_f1']:9.3f} {r['gen_words']:5.1f}  {d}")
    sft_rl = [x["rougeL"] for x in res["SFT"]["per_row"]]
    routed_rl = [x["rougeL"] for x in res[f"{summ} + title router"]["per_row"]]
    print(f"{summ} + title router - SFT: " + "{:+.4f} [{:+.4f}, {:+.4f}]".format(*paired_bootstrap(routed_rl, sft_rl)))
    compared = [("SFT", sft_rl)]  # each system's per-post ROUGE-L, for the power lines
    if "distill" in preds:
        d_rl = [x["rougeL"] for x in res[names["distill"]]["per_row"]]
        print("self-distilled - SFT: {:+.4f} [{:+.4f}, {:+.4f}]".format(*paired_bootstrap(d_rl, sft_rl)))
        compared.append((names["distill"], d_rl))
    compared.append((f"{summ} + title router", routed_rl))
    power = {}
    for name, x in compared:
        # a paired 95% interval clears 0 when the mean difference exceeds 1.96 standard errors; a true margin of
        # (1.96 + 0.84) standard errors gets there in 80% of valid sets of this size (a normal approximation)
        d = np.array(x) - np.array(title_rl)
        power[name] = float((1.96 + 0.8416) * d.std(ddof=1) / np.sqrt(len(d)))
        print(f"{name}: per-post ROUGE-L - title has sd {d.std(ddof=1):.4f}; the true margin that {len(d)} posts "
              f"detect 80% of the time (interval clear of 0) is {power[name]:.4f}")
    for st in preds:
        opens = np.mean([s.lower().split()[:3] == r["title"].lower().split()[:3] for s, r in zip(preds[st], rows)])
        print(f"{names[st]} summaries that open with the title's first three words: {opens:.0%}")
    for i in sorted(random.Random(0).sample(range(len(rows)), 10)):
        w = lambda s: textwrap.shorten(s, 220)
        print(f"\n[{i}] title:     {w(rows[i]['title'])}\n     reference: {w(rows[i]['summary'])}\n     ours:      {w(routed[i])}")
    out = {k: {kk: vv for kk, vv in v.items() if kk not in ("per_row", "preds")} for k, v in res.items()}
    (runs_dir(p, "evaluation")/"valid_card.json").write_text(json.dumps(dict(cpu=cpu_model(), results=out, margin_detected_80pct=power), indent=1))

if __name__ == "__main__": main(*sys.argv[1:2])
