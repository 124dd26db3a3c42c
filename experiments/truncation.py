"""Which part of a too-long post to keep, on `valid`, for one trained SFT model (scratch measurement, not a chapter).

    python experiments/truncation.py [KEEP_END ...]      # default: 0 0.25 0.4 0.5 0.6

The prompt budget (context minus the summary budget) cuts most posts (59% of valid at the cpu preset). For each
share `keep_end` of the post's room kept from its END (`encode_prompt`, 01: 0 = the plain cut from the end), it
summarizes all valid posts with the preset's decoding (`summarize_rows`, 05: beams, then the title-evidence pick) and
scores ROUGE-L (stemmer on) with paired bootstrap intervals against the title and against the first share given.
Only the evaluation prompts change: the model keeps whatever truncation it was trained with (say which in your
notes). Uses runs/<preset>.
"""
import sys, time, json
import numpy as np
import tldr_lab.generation as G
from tldr_lab.config import get_preset, runs_dir
from tldr_lab.train import get_stage_model
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr, encode_prompt
from tldr_lab.evaluation import rouge_scores, paired_bootstrap
from tldr_lab.sft import summarize_rows

def main(shares=(0.0, 0.25, 0.4, 0.5, 0.6), preset="cpu"):
    p = get_preset(preset)
    tok, model = get_tokenizer(p), get_stage_model(p, "sft")
    rows = list(load_tldr("valid"))
    refs, titles = [r["summary"] for r in rows], [r["title"] for r in rows]
    rl = lambda preds: np.array(rouge_scores(preds, refs)["rougeL"])
    title, base, out = rl(titles), None, {}
    print(f"preset {p.name}, {len(rows)} valid posts; title ROUGE-L {title.mean():.4f}")
    for k in shares:
        G.prompt_ids = lambda tok, row, n, k=k: encode_prompt(tok, row, n, keep_end=k)[0]  # what every summarizer's prompts go through
        t0 = time.time()
        s = rl(summarize_rows(model, tok, rows, p.max_summary_tokens, **p.decoding))  # the preset's summaries (08 tests they equal beams + mbr_pick)
        base = s if base is None else base
        vs_title, vs_base = paired_bootstrap(s, title), paired_bootstrap(s, base)
        print(f"keep_end {k:g} ({time.time() - t0:.0f}s): {s.mean():.4f}; - title {np.round(vs_title, 4)}; - keep_end {shares[0]:g} {np.round(vs_base, 4)}", flush=True)
        out[f"keep_end{k:g}"] = dict(rougeL=float(s.mean()), vs_title=list(map(float, vs_title)), vs_first=list(map(float, vs_base)))
    (runs_dir(p, "evaluation")/"truncation_valid.json").write_text(json.dumps(out, indent=1))

if __name__ == "__main__": main(tuple(float(a) for a in sys.argv[1:]) or (0.0, 0.25, 0.4, 0.5, 0.6))
