"""Beam width x title reranking on `valid`, for one trained SFT model (scratch measurement, not a chapter).

    python experiments/title_rerank.py [NUM_BEAMS ...]      # default: 4 8

For each beam width it decodes all valid posts once with the preset's other options, keeps every finished beam
(`beam_candidates`, 08), and scores, with paired bootstrap intervals (ROUGE-L, stemmer on):
the beams' own order, and the `mbr_pick` (04) with the post's title as evidence at several weights, against the
beams' order and against the title baseline. Uses runs/<preset> (TLDR_LAB_RUNS moves it); trains nothing that exists.
"""
import sys, time, json
import numpy as np
from tldr_lab.config import get_preset, runs_dir
from tldr_lab.train import get_stage_model
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr
from tldr_lab.evaluation import beam_candidates, rouge_scores, paired_bootstrap
from tldr_lab.generation import mbr_pick

def main(widths=(4, 8), weights=(0.0, 1.0, 3.0), preset="cpu"):
    p = get_preset(preset)
    tok, model = get_tokenizer(p), get_stage_model(p, "sft")
    rows = list(load_tldr("valid"))
    refs, titles = [r["summary"] for r in rows], [r["title"] for r in rows]
    rl = lambda preds: np.array(rouge_scores(preds, refs)["rougeL"])
    title = rl(titles)
    out = {"title": float(title.mean()), "n": len(rows)}
    print(f"preset {p.name}, {len(rows)} valid posts; title ROUGE-L {title.mean():.4f}")
    for k in widths:
        t0 = time.time()
        cands, _ = beam_candidates(model, tok, rows, n=k, max_new_tokens=p.max_summary_tokens, **{**p.decoding, "num_beams": k})
        secs = time.time() - t0
        order = rl([c[0] for c in cands])
        print(f"{k} beams ({secs:.0f}s): the beams' order {order.mean():.4f}, - title {np.round(paired_bootstrap(order, title), 4)}")
        out[f"beams{k}_order"] = float(order.mean())
        for w in weights:
            pick = rl([c[mbr_pick(c, [t] if w else [], w)] for c, t in zip(cands, titles)])
            vs_order, vs_title = paired_bootstrap(pick, order), paired_bootstrap(pick, title)
            print(f"  MBR, title weight {w:g}: {pick.mean():.4f}; - order {np.round(vs_order, 4)}; - title {np.round(vs_title, 4)}")
            out[f"beams{k}_title{w:g}"] = dict(rougeL=float(pick.mean()), vs_order=list(map(float, vs_order)), vs_title=list(map(float, vs_title)))
    (runs_dir(p, "evaluation")/"title_rerank_valid.json").write_text(json.dumps(out, indent=1))

if __name__ == "__main__": main(tuple(int(a) for a in sys.argv[1:]) or (4, 8))
