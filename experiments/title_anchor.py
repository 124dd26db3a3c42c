"""Title-anchored decoding on `valid`, for one trained stage (scratch measurement, not a chapter).

    python experiments/title_anchor.py [STAGE]      # default: sft

The SFT model restates the post's title (README, "Where the lab stands"), and the title alone is the baseline to beat.
So: does the model add anything *after* the title? Each post's title (its first 24 tokens) is forced as the start of
the summary, the model continues for up to 24 tokens with the preset's beam options (`beam_candidates`, 08: 4 beams, no
repeated trigram in the output, prompt boost 2.0), and three systems are scored (ROUGE-L, stemmer on) with paired bootstrap intervals
against the title and against the preset's own summaries (`summarize_rows`, 05):
the title plus the top beam's continuation, the title plus the continuation that `mbr_pick` (04) picks with the
title as evidence (weight 3, as the preset), and the continuation alone; then each system's ROUGE-L by the
length of the post's title (08's groups). Uses runs/<preset>; trains nothing.
"""
import sys, time, random
import numpy as np
from tldr_lab.config import get_preset
from tldr_lab.train import get_stage_model
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr, encode_prompt
from tldr_lab.evaluation import rouge_scores, paired_bootstrap, beam_candidates
import tldr_lab.generation as G
from tldr_lab.generation import mbr_pick
from tldr_lab.sft import summarize_rows

def anchored_candidates(model, tok, rows, decoding:dict, new_tokens=24, title_tokens=24, num_beams=4):
    "The `num_beams` best continuations of each row's prompt + its title, best first (08's `beam_candidates` on those prompts)"
    enc = lambda s: tok.encode(s, add_special_tokens=False)
    def anchored(tok, row, max_len):
        t = enc(" " + row["title"].strip())[:title_tokens]
        return encode_prompt(tok, row, max_len - len(t))[0] + t
    plain, G.prompt_ids = G.prompt_ids, anchored  # what every summarizer's prompts go through (as experiments/truncation.py)
    try: return beam_candidates(model, tok, rows, n=num_beams, max_new_tokens=new_tokens, **decoding)[0]
    finally: G.prompt_ids = plain

def main(stage="sft", preset="cpu"):
    p = get_preset(preset)
    tok, model = get_tokenizer(p), get_stage_model(p, stage).eval()
    rows = list(load_tldr("valid"))
    refs, titles = [r["summary"] for r in rows], [r["title"].strip() for r in rows]
    rl = lambda preds: np.array(rouge_scores(preds, refs)["rougeL"])
    t0 = time.time(); preset_out = summarize_rows(model, tok, rows, p.max_summary_tokens, **p.decoding); t1 = time.time()
    cands = anchored_candidates(model, tok, rows, p.decoding); t2 = time.time()
    print(f"preset {p.name}, {stage}, {len(rows)} valid posts: preset decoding {t1 - t0:.0f}s, anchored beams {t2 - t1:.0f}s")
    systems = {"preset": preset_out,
               "title + continuation": [f"{t} {c[0]}".strip() for t, c in zip(titles, cands)],
               "title + continuation, MBR pick": [f"{t} {c[mbr_pick([f'{t} {x}' for x in c], [t], 3.0)]}".strip() for t, c in zip(titles, cands)],
               "continuation alone": [c[0] for c in cands]}
    title, base = rl(titles), rl(preset_out)
    words = np.array([len(t.split()) for t in titles])
    groups = [(1, 4), (5, 7), (8, 11), (12, 19), (20, 999)]  # title length in words, as 08's breakdown
    by_len = {"title": [title[(words >= lo) & (words <= hi)].mean() for lo, hi in groups]}
    for name, preds in systems.items():
        x = rl(preds)
        by_len[name] = [x[(words >= lo) & (words <= hi)].mean() for lo, hi in groups]
        print(f"{name:32s} ROUGE-L {x.mean():.4f}, {np.mean([len(s.split()) for s in preds]):.1f} words; "
              f"- title {np.round(paired_bootstrap(x, title), 4)}; - preset {np.round(paired_bootstrap(x, base), 4)}")
    print("ROUGE-L by words in the title (posts): " + ", ".join(f"{lo}-{hi if hi < 999 else ''} ({((words >= lo) & (words <= hi)).sum()})" for lo, hi in groups))
    for name, v in by_len.items(): print(f"  {name:32s} " + "  ".join(f"{m:.3f}" for m in v))
    for i in random.Random(0).sample(range(len(rows)), 4):
        print(f"TITLE: {titles[i]}\n  REFERENCE: {refs[i]}\n  ANCHORED:  {systems['title + continuation'][i]}\n  PRESET:    {preset_out[i]}")

if __name__ == "__main__": main(*sys.argv[1:2])
