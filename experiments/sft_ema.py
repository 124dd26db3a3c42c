"""Does an exponential moving average of the SFT weights write better summaries? (scratch measurement, not a chapter)

    python experiments/sft_ema.py      # about 25 minutes on 2 cores: the preset's 11-minute SFT, then 4 decodes of valid

Polyak averaging (Polyak & Juditsky 1992) and its exponential form, the EMA of the weights that many recipes keep
beside the trained ones, often evaluate better than the last iterate at no training cost: the average sits nearer
the middle of the basin that SGD's noise bounces around in. This repeats the preset's SFT stage from runs/cpu's
pretrained model (same settings, time budget and data order, seed 0) and keeps, beside the weights being trained,
three EMAs of them, updated at every logged step (every 10 optimizer steps) with decays 0.8, 0.9 and 0.95 per
update: horizons of about 50, 100 and 200 steps, a sixteenth to a quarter of the run. The trainer's own `best/`
model (best valid loss at its evaluations) is the control, paired on the same posts. Each model is scored with the
preset's decoding on all valid posts, alone and with the title router, against the title and against runs/cpu's
SFT model (its cached valid summaries, `experiments/valid_card.py`). It reads no test data. Run it on an otherwise
idle machine: the stage has a time budget.
"""
import sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parents[1]
DECAYS = (0.8, 0.9, 0.95)  # per update (every 10 steps)

class WeightEMA:
    "Trainer callback: EMAs of the model's floating-point weights, one per decay, updated at every logged record"
    def __init__(self, decays): self.decays, self.avgs, self.updates = decays, None, 0
    def __call__(self, tr, rec):
        sd = {k: v.detach().float().clone() for k, v in tr.model.state_dict().items() if v.is_floating_point()}
        if self.avgs is None: self.avgs = {d: {k: v.clone() for k, v in sd.items()} for d in self.decays}
        else:
            for d, avg in self.avgs.items():
                for k, v in sd.items(): avg[k].mul_(d).add_(v, alpha=1 - d)
        self.updates += 1

def main():
    from tldr_lab.config import get_preset
    from tldr_lab.train import load_model, save_model
    from tldr_lab.sft import sft, summarize_rows, sft_dataset, sft_loss_on
    from tldr_lab.data import load_tldr
    from tldr_lab.tokenizer import get_tokenizer
    from tldr_lab.evaluation import paired_bootstrap
    from against_sft import AgainstSFT, ci
    p = get_preset("cpu")
    tok = get_tokenizer(p)
    valid = AgainstSFT(p)
    out = ROOT/"runs"/"sft_ema"
    ema = WeightEMA(DECAYS)
    st = sft(p, out_dir=out, progress=False, callbacks=[ema], force=True)
    print(f"SFT: {st['steps']} steps ({st['epochs']} epochs) in {st['train_seconds'] / 60:.1f} min, best valid loss {st['best_val_loss']:.4f}; "
          f"{ema.updates} EMA updates", flush=True)
    models = {"best": load_model(out/"best").eval()}
    for d, avg in ema.avgs.items():
        m = load_model(out/"best").eval()
        m.load_state_dict({**m.state_dict(), **avg})
        save_model(m, out/f"ema_{d}")
        models[f"ema {d}"] = m
    vloss_rows = sft_dataset(tok, load_tldr("valid", limit=256), models["best"].cfg.ctx_len, p.max_summary_tokens)
    per_post = {}
    for name, m in models.items():
        with torch.no_grad(): vl = sft_loss_on(m, vloss_rows, tok.pad_token_id)
        t0 = time.time()
        preds = summarize_rows(m, tok, valid.rows, max_new_tokens=p.max_summary_tokens, **p.decoding)
        per_post[name] = valid.rl(preds)
        print(f"{name}: valid loss (the trainer's 256 posts) {vl:.4f}; decoded in {time.time() - t0:.0f}s", flush=True)
        valid.report(preds)
        if name != "best": print(f"   against this run's best/: {ci(paired_bootstrap(per_post[name], per_post['best']))}", flush=True)

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
