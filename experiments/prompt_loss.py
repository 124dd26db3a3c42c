"""SFT with a share of the loss on the prompt's tokens, scored on `valid` (scratch measurement, not a chapter).

    python experiments/prompt_loss.py [WEIGHT ...]      # default: 0 0.1

The lab's SFT masks the prompt: of the ~380 tokens of a training example only the ~27 of the TL;DR carry loss, so
93% of each forward pass teaches nothing. Shi et al. 2024 (*Instruction Tuning With Loss Over Instructions*) find
that keeping a weighted loss on the instruction helps most when instructions are long, outputs short and examples
few: this task. For each WEIGHT w, SFT starts from the pretrained model and runs exactly as many steps as the preset's
SFT did (runs/<preset>/sft/summary.json; same data order and seed, no time limit), with the loss

    L = -( sum over TL;DR tokens of log p + w * sum over prompt tokens of log p ) / (number of TL;DR tokens)

(w = 0 is the lab's SFT, re-run here as the control). Each model is scored with the preset's decoding on all valid
posts (ROUGE-L, stemmer on), with paired bootstrap intervals against the w = 0 run and against the title baseline,
and its masked valid loss (TL;DR tokens only, as the SFT stage reports). Models land in
runs/<preset>/sft_prompt_loss/<w>; the SFT stage is not changed.
"""
import sys, json, time
from dataclasses import replace
import numpy as np
import torch, torch.nn.functional as F
import tldr_lab.sft as S
from tldr_lab.config import get_preset, runs_dir
from tldr_lab.train import load_model
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr
from tldr_lab.evaluation import rouge_scores, paired_bootstrap

def prompt_weighted_loss(w:float):
    "`lm_loss` (03) with the prompt's tokens kept at weight `w`, normalized by the TL;DR tokens"
    def loss_fn(model, batch):
        x, real = batch["input_ids"], batch["attention_mask"].bool()
        y_summary = F.pad(batch["labels"][:, 1:], (0, 1), value=-100)  # what the lab's SFT trains on
        y_all = F.pad(x[:, 1:].masked_fill(~real[:, 1:], -100), (0, 1), value=-100)  # every real next token
        logp = model(x, targets=y_all if w else y_summary)
        is_summary = y_summary != -100
        weight = torch.where(is_summary, 1.0, w) * (y_all != -100)
        return -(logp * weight).sum() / is_summary.sum().clamp(min=1), {}
    return loss_fn

def main(weights=(0.0, 0.1), preset="cpu"):
    p = get_preset(preset)
    steps = json.loads((runs_dir(p, "sft")/"summary.json").read_text())["steps"]
    tok, vrows = get_tokenizer(p), list(load_tldr("valid"))
    refs = [r["summary"] for r in vrows]
    title = np.array(rouge_scores([r["title"] for r in vrows], refs)["rougeL"])
    ci = lambda d: f"{d[0]:+.4f} [{d[1]:+.4f}, {d[2]:+.4f}]"
    print(f"preset {p.name}: {steps} SFT steps each; {len(vrows)} valid posts, title ROUGE-L {title.mean():.4f}", flush=True)
    plain, first = S.lm_loss, None
    for w in weights:
        out = runs_dir(p, f"sft_prompt_loss/{w:g}")
        S.lm_loss = prompt_weighted_loss(w)  # what `sft` hands the trainer
        try: st = S.sft(p, out_dir=out, force=True, progress=False, cfg=replace(p.sft, minutes=0, max_steps=steps, epochs=1e9))
        finally: S.lm_loss = plain
        model = load_model(out/"best").eval()
        t0 = time.time()
        x = np.array(rouge_scores(S.summarize_rows(model, tok, vrows, p.max_summary_tokens, **p.decoding), refs)["rougeL"])
        first = x if first is None else first
        print(f"w {w:g}: {st['steps']} steps in {st['train_seconds'] / 60:.1f} min, valid loss (TL;DR tokens) {st['best_val_loss']:.4f}; "
              f"ROUGE-L {x.mean():.4f} ({time.time() - t0:.0f}s), {ci(paired_bootstrap(x, first))} vs w {weights[0]:g}, "
              f"{ci(paired_bootstrap(x, title))} vs title", flush=True)

if __name__ == "__main__": main(tuple(float(a) for a in sys.argv[1:]) or (0.0, 0.1))
