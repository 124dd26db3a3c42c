"""A reranker trained to predict which of the SFT model's beams scores higher ROUGE-L, scored on `valid` (scratch, not a chapter).

    python experiments/rouge_reranker.py [N_TRAIN_POSTS]      # default: 3000

The SFT model's 4 beams hold better summaries than the one the preset picks: on valid the best of the 4 (an oracle
that reads the human TL;DR) scores ROUGE-L ~0.196 against the preset's pick ~0.175. Discriminative rerankers that
learn the metric from training candidates (Lee et al. 2021 for translation; SummaReranker, Ravaut et al. 2022, for
summarization) close part of such a gap. Here:

1. the SFT model writes 4 beams (the preset's decoding) for train posts 0..N-1; each beam gets its ROUGE-L against
   that post's human TL;DR (train split only);
2. a `RewardModel` (09: the SFT body plus a scalar head) learns, with the Bradley-Terry loss over every pair of a
   post's beams whose ROUGE-L differs by at least 0.02, to score the better beam higher; the last 200 posts are
   held out for its pairwise accuracy;
3. on all valid posts it picks one of the 4 beams; that pick, and the pick plus the preset's title-evidence MBR
   utility (per-post z-scores summed), are compared with paired bootstrap intervals against the preset's summaries
   and the title baseline.

Uses runs/<preset> (candidates and the reranker land in runs/<preset>/rerank/); changes no stage.
"""
import sys, json, time, math, warnings
from dataclasses import replace
import numpy as np
import torch, torch.nn.functional as F
from tldr_lab.config import get_preset, runs_dir, pick_device
from tldr_lab.train import get_stage_model, stage_stamp, Trainer
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr, prompt_ids
from tldr_lab.evaluation import beam_candidates, rouge_scores, paired_bootstrap
from tldr_lab.generation import mbr_pick, mbr_utilities
from tldr_lab.verifier import RewardModel

MIN_GAP = 0.02  # pairs closer than this in ROUGE-L teach nothing (as `metric_pairs`, 07)

def candidates(p, model, tok, rows, path):
    "The preset's 4 beams of each row, cached in `path`"
    if path.exists(): return json.loads(path.read_text())
    t0 = time.time()
    c, _ = beam_candidates(model, tok, rows, n=4, max_new_tokens=p.max_summary_tokens, **{**p.decoding, "num_beams": 4})
    print(f"  beams of {len(rows)} posts in {time.time() - t0:.0f}s", flush=True)
    path.write_text(json.dumps(c)); return c

def encode_group(tok, row, cands, ctx, max_summary):
    "Prompt + each candidate + end-of-text: the sequences the reranker reads (one shared prompt, as in generation)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "post ... too long: its middle was cut", once per long post
        prompt = prompt_ids(tok, row, ctx - max_summary)
    return [prompt + tok.encode(" " + c, add_special_tokens=False)[:max_summary - 1] + [tok.eos_token_id] for c in cands]

def collate(groups, pad_id):
    "Posts' candidate sequences, right-padded, their lengths and their ROUGE-L (B, 4)"
    seqs = [s for g in groups for s in g["seqs"]]
    ids = torch.full((len(seqs), max(map(len, seqs))), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs): ids[i, :len(s)] = torch.tensor(s)
    return dict(input_ids=ids, lengths=torch.tensor([len(s) for s in seqs]), rouge=torch.tensor([g["rouge"] for g in groups]))

def pair_terms(r, y):
    "Bradley-Terry log-likelihood terms of every pair (i better than j by MIN_GAP) within each post; r, y (B, 4)"
    better = (y[:, :, None] - y[:, None, :]) >= MIN_GAP
    return F.logsigmoid(r[:, :, None] - r[:, None, :])[better], better

def loss_fn(rm, b):
    r = rm(b["input_ids"], b["lengths"]).view(b["rouge"].shape)
    ll, better = pair_terms(r, b["rouge"])
    if not better.any(): return r.sum() * 0, {}  # a batch without a usable pair
    return -ll.mean(), dict(acc=(ll > math.log(0.5)).float().mean().item())

@torch.no_grad()
def scores(rm, groups, pad_id, bs=8):
    rm.eval(); dev = next(rm.parameters()).device; out = []
    for i in range(0, len(groups), bs):
        b = collate(groups[i:i + bs], pad_id)
        out.append(rm(b["input_ids"].to(dev), b["lengths"].to(dev)).view(-1, 4).float().cpu())
    return torch.cat(out).numpy()

def pair_accuracy(s, groups):
    ll, better = pair_terms(torch.tensor(s), torch.tensor([g["rouge"] for g in groups]))
    return float((ll > math.log(0.5)).float().mean()), int(better.sum())

def main(n_train=3000, preset="cpu", n_hold=200):
    p = get_preset(preset)
    dev, amp = pick_device(verbose=False)
    out = runs_dir(p, "rerank"); out.mkdir(parents=True, exist_ok=True)
    tok, sft_m = get_tokenizer(p), get_stage_model(p, "sft").eval()
    ctx, ms, pad = sft_m.cfg.ctx_len, p.max_summary_tokens, tok.pad_token_id
    train_rows, vrows = list(load_tldr("train").select(range(n_train))), list(load_tldr("valid"))
    stamp = stage_stamp(p, "sft")  # a retrained SFT model gets new beams (as mbr_samples.py)
    tc = candidates(p, sft_m, tok, train_rows, out/f"train_cands_{n_train}_sft{stamp}.json")
    vc = candidates(p, sft_m, tok, vrows, out/f"valid_cands_sft{stamp}.json")
    def groups(rows, cs):
        y = np.array(rouge_scores([c for g in cs for c in g], [r["summary"] for r in rows for _ in range(4)])["rougeL"]).reshape(-1, 4)
        return [dict(seqs=encode_group(tok, r, c, ctx, ms), rouge=y[i].tolist()) for i, (r, c) in enumerate(zip(rows, cs))]
    tg, vg = groups(train_rows, tc), groups(vrows, vc)
    fit, hold = tg[:-n_hold], tg[-n_hold:]
    cfg = replace(p.reward, batch_size=4, minutes=6, max_steps=len(fit) // 4, eval_every=100)  # 4 posts = 16 sequences a step, one pass
    rng = np.random.default_rng(0); order = rng.permutation(len(fit))
    get_batch = lambda i: collate([fit[j] for j in order[(i * 4) % len(fit):][:4]] or [fit[0]], pad)
    rm = RewardModel(get_stage_model(p, "sft", dev))
    eval_fn = lambda m: dict(val_loss=-pair_accuracy(scores(m, hold, pad), hold)[0])  # the trainer keeps the lowest: -accuracy
    tr = Trainer(rm, cfg, get_batch, loss_fn, out/"model", eval_fn=eval_fn, device=dev, amp_dtype=amp, progress=False,
                 log_every=20, save_best=False, tokens_per_batch=lambda b: int(b["lengths"].sum()))
    t0 = time.time(); tr.fit()
    acc, npairs = pair_accuracy(scores(rm, hold, pad), hold)
    print(f"reranker: {tr.step} steps on {len(fit)} train posts ({time.time() - t0:.0f}s); held-out train posts: pairwise accuracy {acc:.3f} on {npairs} pairs", flush=True)
    y = np.array([g["rouge"] for g in vg]); s = scores(rm, vg, pad)
    titles = [r["title"] for r in vrows]
    title = np.array(rouge_scores(titles, [r["summary"] for r in vrows])["rougeL"])
    util = np.array([mbr_utilities(c, [t], p.decoding.get("title_mbr", 0)) for c, t in zip(vc, titles)])  # what the preset's pick maximizes
    z = lambda a: (a - a.mean(1, keepdims=True)) / (a.std(1, keepdims=True) + 1e-6)
    rows_i = np.arange(len(vg))
    picks = dict(preset=y[rows_i, [mbr_pick(c, [t], p.decoding.get("title_mbr", 0)) for c, t in zip(vc, titles)]],
                 beam_order=y[:, 0], reranker=y[rows_i, s.argmax(1)], reranker_plus_mbr=y[rows_i, (z(s) + z(util)).argmax(1)], oracle=y.max(1))
    ci = lambda d: f"{d[0]:+.4f} [{d[1]:+.4f}, {d[2]:+.4f}]"
    res = dict(n_train_posts=len(fit), steps=tr.step, heldout_pair_acc=acc, valid_pair_acc=pair_accuracy(s, vg)[0], title=float(title.mean()))
    print(f"valid ({len(vg)} posts): title {title.mean():.4f}; reranker pairwise accuracy {res['valid_pair_acc']:.3f}")
    for k, v in picks.items():
        res[k] = dict(rougeL=float(v.mean()), vs_preset=list(map(float, paired_bootstrap(v, picks["preset"]))), vs_title=list(map(float, paired_bootstrap(v, title))))
        print(f"  {k:<18} {v.mean():.4f}; {ci(res[k]['vs_preset'])} vs preset; {ci(res[k]['vs_title'])} vs title", flush=True)
    (out/"result_valid.json").write_text(json.dumps(res, indent=1))

if __name__ == "__main__": main(*(int(a) for a in sys.argv[1:2]))
