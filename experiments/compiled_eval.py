"""Does decoding through `torch.compile` pay for evaluation's batched beam search? (scratch measurement, not a chapter)

    python experiments/compiled_eval.py [STAGE] [N]      # default: sft, the first 256 valid posts; about 1.5 minutes

`11_bench` shows the compiled decoder (`static_decode_step`, `02_model`) beating the eager one at batch 1, where
decoding is bound by per-operator overhead. Evaluation decodes 16 posts × 4 beams = 64 rows at a time, and a
batch's cache length is its longest prompt plus the summary budget, so the shapes vary from batch to batch. This
summarizes the same valid posts with the preset's decoding three times: eager, compiled (compiling as it goes), and
compiled again (warm), and checks that the summaries are the same. Uses runs/<preset>; trains nothing.
"""
import sys, time
import torch._dynamo
from tldr_lab.config import get_preset, cpu_model
from tldr_lab.train import get_stage_model
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr
from tldr_lab.sft import summarize_rows

def main(stage="sft", n="256", preset="cpu"):
    p = get_preset(preset)
    tok, model = get_tokenizer(p), get_stage_model(p, stage).eval()
    rows = list(load_tldr("valid"))[:int(n)]
    run = lambda **kw: summarize_rows(model, tok, rows, p.max_summary_tokens, **p.decoding, **kw)
    t0 = time.time(); eager = run(); t1 = time.time()
    first = run(compile=True); t2 = time.time()
    warm = run(compile=True); t3 = time.time()
    same = sum(a == b == c for a, b, c in zip(eager, first, warm))
    print(f"{cpu_model()}, preset {p.name}, {stage}, {len(rows)} valid posts: eager {t1 - t0:.1f}s, "
          f"compiled {t2 - t1:.1f}s while compiling, {t3 - t2:.1f}s warm; {dict(torch._dynamo.utils.counters['stats'])}; "
          f"identical summaries {same}/{len(rows)}")

if __name__ == "__main__": main(*sys.argv[1:4])
