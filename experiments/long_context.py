"""Does the SFT model write better summaries when it sees the whole post? (scratch measurement, not a chapter)

    python experiments/long_context.py CTX [MINUTES]   # e.g. 768 11: about 20 minutes on 2 cores

The cpu preset's context is 384 tokens, so a prompt keeps at most 352 (384 minus the 32-token summary budget): 59% of
the valid prompts are cut (their median is 411 tokens; 12% are longer than 736). The end of a post, often where its
author says what happened or what they ask, is lost for most posts. `experiments/truncation.py` tried keeping the
post's tail too (+0.0018 [-0.0018, +0.0055]); this gives the model the room instead.

It starts from runs/cpu's pretrained model (trained on 384-token blocks; RoPE's tables grow on demand, so positions
past 383 are new to it and SFT has to learn them), sets its context to CTX and runs the preset's SFT stage with the
preset's settings (its minutes, or MINUTES) into runs/long_context/ctx<CTX>_m<MINUTES>/. The model is then scored
with the preset's decoding on all valid posts twice: with CTX-token prompts and with the preset's 384 (what seeing
more of the post adds, with the weights held fixed), alone and with the title router, paired against the title and
against runs/cpu's own SFT model (its cached valid summaries, written by `experiments/valid_card.py`). It reads no
test data. Run it on an otherwise idle machine: the stage has a time budget.
"""
import sys, json, time
from dataclasses import replace
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

def main(ctx:int, minutes:float|None=None):
    from tldr_lab.config import get_preset, pick_device
    from tldr_lab.train import load_model, get_stage_model
    from tldr_lab.sft import sft, summarize_rows
    from tldr_lab.tokenizer import get_tokenizer
    from against_sft import AgainstSFT
    p = get_preset("cpu")
    minutes = minutes or p.sft.minutes
    valid = AgainstSFT(p)
    out = ROOT/"runs"/"long_context"/f"ctx{ctx}_m{minutes:g}"
    dev, _ = pick_device(verbose=False)
    model = get_stage_model(p, "pretrain", dev, build=False)
    model.cfg.ctx_len = ctx  # SFT's examples (and the saved config) take the model's context
    st = sft(p, cfg=replace(p.sft, minutes=minutes), model=model, out_dir=out, progress=False)  # reuses a finished run
    print(f"ctx {ctx}: {st['steps']} steps ({st['epochs']} epochs) in {st['train_seconds'] / 60:.1f} min, best valid loss "
          f"{st['best_val_loss']:.3f} (on {ctx}-token examples: not comparable with the preset's)", flush=True)
    model = load_model(out/"best").eval()
    tok = get_tokenizer(p)
    for prompt_ctx in (ctx, p.ctx_len):
        t0 = time.time()
        f = out/f"valid_preds_ctx{prompt_ctx}.json"
        if f.exists(): preds = json.loads(f.read_text())
        else:
            preds = summarize_rows(model, tok, valid.rows, max_new_tokens=p.max_summary_tokens, ctx_len=prompt_ctx, **p.decoding)
            f.write_text(json.dumps(preds))
        print(f"prompts of up to {prompt_ctx - p.max_summary_tokens} tokens (decoded in {time.time() - t0:.0f}s), "
              f"{np.mean([len(s.split()) for s in preds]):.1f} words:", flush=True)
        valid.report(preds)

if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else None)
