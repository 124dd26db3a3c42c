"""The prompt boost on the post's words only, not the title's: does the SFT model restate the title less, and score better?

    python experiments/boost_scope.py [STAGE]      # default: sft

The SFT model's summaries restate the title (README, "Where the lab stands": about half open with its first three
words). The preset's prompt boost (+2.0 on the logits, `04_generation`) nudges every word of the title *and* the post
(`post_token_ids`). Here the boost goes to the post's words alone (a title word that also occurs in the post is still
boosted). Both systems decode the 746 valid posts with the preset's other options (4 beams, no repeated trigram in the
output, reranking with the title), with and without the title router (17 words); ROUGE-L with the stemmer, paired
bootstrap intervals against the preset and against the title. Uses runs/<preset>; trains nothing.
"""
import sys, time
import numpy as np
from tldr_lab.config import get_preset
from tldr_lab.train import get_stage_model
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr
from tldr_lab.evaluation import rouge_scores, paired_bootstrap
import tldr_lab.generation as G
from tldr_lab.generation import route_titles
from tldr_lab.sft import summarize_rows

def post_only_ids(tok, row:dict)->set[int]:
    "The ids of the post's words alone: what the variant's prompt boost nudges"
    return set(tok.encode(f" {row['post']}", add_special_tokens=False))

def main(stage="sft", preset="cpu"):
    p = get_preset(preset)
    tok, model = get_tokenizer(p), get_stage_model(p, stage).eval()
    rows = list(load_tldr("valid"))
    refs, titles = [r["summary"] for r in rows], [r["title"].strip() for r in rows]
    rl = lambda preds: np.array(rouge_scores(preds, refs)["rougeL"])
    t0 = time.time(); base = summarize_rows(model, tok, rows, p.max_summary_tokens, **p.decoding); t1 = time.time()
    plain, G.post_token_ids = G.post_token_ids, post_only_ids  # what `summarize` asks for its boost ids
    try: variant = summarize_rows(model, tok, rows, p.max_summary_tokens, **p.decoding)
    finally: G.post_token_ids = plain
    t2 = time.time()
    print(f"preset {p.name}, {stage}, {len(rows)} valid posts: preset decoding {t1 - t0:.0f}s, post-only boost {t2 - t1:.0f}s")
    title, ref_base = rl(titles), rl(base)
    opens = lambda preds: np.mean([s.lower().split()[:3] == t.lower().split()[:3] for s, t in zip(preds, titles)])
    for name, preds in [("preset", base), ("post-only boost", variant)]:
        for routed in (False, True):
            out = route_titles(list(preds), rows, p.title_router) if routed else preds
            x = rl(out)
            print(f"{name + (' + router' if routed else ''):26s} ROUGE-L {x.mean():.4f}, {np.mean([len(s.split()) for s in out]):.1f} words, "
                  f"opens with the title's first 3 words {opens(out):.0%}; - title {np.round(paired_bootstrap(x, title), 4)}; "
                  f"- preset{' + router' if routed else ''} {np.round(paired_bootstrap(x, rl(route_titles(list(base), rows, p.title_router)) if routed else ref_base), 4)}")

if __name__ == "__main__": main(*sys.argv[1:2])
