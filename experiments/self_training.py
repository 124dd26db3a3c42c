"""Self-training on the SFT model's own best beams (RAFT, Dong et al. 2023; ReST, Gulcehre et al. 2023), scored on `valid`.

    python experiments/self_training.py [N_POSTS [LR [SEED [TARGET]]]]      # default: 2000 random train posts (seed 0), peak lr 3e-4, oracle

The oracle beam (of each post's 4 beams, the one with the best ROUGE-L against the human TL;DR) scores 0.198 on valid
against the preset's pick's 0.175 (`experiments/minilm_rerank.py`): the better summary is often among the beams, but
no reranker finds it. Here the model is taught to write it instead: for N_POSTS random train posts (seed 0), the SFT
model's 4 beams (the preset's decoding), the best by ROUGE-L against the post's own TL;DR (train references only)
becomes the post's target, and the SFT model is fine-tuned one more epoch on those pairs (the lab's SFT loop, label
masking, cosine from LR to LR/10). This differs from `07`'s DPO on ROUGE-ranked beams (`experiments/rouge_dpo.py`):
a likelihood step towards the best beam, no push away from the worst. TARGET=pick is the control: the same
fine-tuning on the beam the preset itself picks (no reference involved), to tell learning from the metric apart
from plain self-distillation, which sharpens the model on its own outputs. Valid reports the result with the preset's
decoding (4 beams, title-evidence pick) and with its title router, paired bootstrap intervals against the SFT model
and against the title. Uses runs/<preset>'s SFT model (TLDR_LAB_RUNS moves it; it is not changed); caches the beams
and writes runs/<preset>/self_training/.
"""
import sys, json, random, time, math
from dataclasses import replace
import numpy as np, torch, torch.nn.functional as F
from tldr_lab.config import get_preset, runs_dir, cpu_model, pick_device
from tldr_lab.train import get_stage_model, Trainer, lm_loss
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr, sft_dataset
from tldr_lab.evaluation import beam_candidates, rouge_scores, paired_bootstrap
from tldr_lab.generation import route_titles, mbr_utilities
from tldr_lab.sft import sft_batches, sft_loss_on, summarize_rows

def oracle_rows(rows, cands):
    "Each row with its summary replaced by its best beam by ROUGE-L against that summary, and the beams' scores"
    flat = rouge_scores([b for c in cands for b in c], [r["summary"] for r, c in zip(rows, cands) for _ in c])["rougeL"]
    scores = np.array(flat).reshape(len(rows), -1)
    return [{**r, "summary": c[int(np.argmax(s))]} for r, c, s in zip(rows, cands, scores)], scores

def main(n_posts=2000, lr=3e-4, seed=0, target="oracle", preset="cpu"):
    p = get_preset(preset)
    dev, amp = pick_device(verbose=False)
    out = runs_dir(p, "self_training")
    tok, model = get_tokenizer(p), get_stage_model(p, "sft", dev)
    train = list(load_tldr("train"))
    rows = [train[i] for i in sorted(random.Random(seed).sample(range(len(train)), n_posts))]
    print(f"preset {p.name} on {cpu_model()}; {n_posts} train posts (seed {seed}), lr {lr:g}, targets: {target}", flush=True)
    t0, cache = time.time(), out/f"beams_train{n_posts}_s{seed}.json"
    if cache.exists(): cands = json.loads(cache.read_text())
    else:
        cands, _ = beam_candidates(model, tok, rows, n=p.decoding["num_beams"], max_new_tokens=p.max_summary_tokens, **p.decoding)
        cache.write_text(json.dumps(cands))
    targets, scores = oracle_rows(rows, cands)
    if target == "pick":  # the control: the preset's own choice among the beams, blind to the reference
        pick = [c[int(np.argmax(mbr_utilities(c, [r["title"]], p.decoding["title_mbr"])))] for c, r in zip(cands, rows)]
        targets = [{**r, "summary": b} for r, b in zip(rows, pick)]
    elif target != "oracle": raise ValueError(f"TARGET is oracle or pick, not {target!r}")
    print(f"beams ({time.time() - t0:.0f}s): first beam {scores[:, 0].mean():.4f}, oracle {scores.max(1).mean():.4f} ROUGE-L on these train posts", flush=True)

    vrows = list(load_tldr("valid"))
    refs = [r["summary"] for r in vrows]
    rl = lambda preds: np.array(rouge_scores(preds, refs)["rougeL"])
    decode = lambda m: summarize_rows(m.eval(), tok, vrows, max_new_tokens=p.max_summary_tokens, **p.decoding)
    t0 = time.time()
    base_preds = decode(model)
    title, base = rl([r["title"] for r in vrows]), rl(base_preds)
    base_routed = rl(route_titles(base_preds, vrows, p.title_router))
    print(f"valid ({len(vrows)} posts, {time.time() - t0:.0f}s): title {title.mean():.4f}; SFT {base.mean():.4f}, routed {base_routed.mean():.4f}", flush=True)

    data = sft_dataset(tok, targets, model.cfg.ctx_len, p.max_summary_tokens)
    valid = sft_dataset(tok, vrows[:256], model.cfg.ctx_len, p.max_summary_tokens)
    get_batch = sft_batches(data, p.sft.batch_size, tok.pad_token_id, seed=seed + 1)
    cfg = replace(p.sft, lr=lr, warmup=10, minutes=0, epochs=1, max_steps=get_batch.steps_per_epoch, eval_every=get_batch.steps_per_epoch)
    init_loss = sft_loss_on(model.eval(), valid, tok.pad_token_id)
    tr = Trainer(model, cfg, get_batch, lm_loss, out/"run", eval_fn=lambda m: dict(val_loss=sft_loss_on(m, valid, tok.pad_token_id)),
                 device=dev, amp_dtype=amp, progress=False, save_best=False, tokens_per_batch=lambda b: int(b["attention_mask"].sum()))
    tr.fit()
    print(f"self-training: {tr.step} steps in {tr.elapsed:.0f}s; loss on 256 valid human TL;DRs {init_loss:.3f} -> {tr.best:.3f}", flush=True)

    preds = decode(tr.model)
    s, routed = rl(preds), rl(route_titles(preds, vrows, p.title_router))
    fmt = lambda d: "{:+.4f} [{:+.4f}, {:+.4f}]".format(*d)
    res = dict(cpu=cpu_model(), n_posts=n_posts, lr=lr, seed=seed, target=target, steps=tr.step, train_seconds=tr.elapsed, oracle_train=float(scores.max(1).mean()),
               first_beam_train=float(scores[:, 0].mean()), val_loss_before=init_loss, val_loss_after=tr.best,
               title=float(title.mean()), sft=float(base.mean()), sft_routed=float(base_routed.mean()),
               self_trained=float(s.mean()), self_trained_routed=float(routed.mean()),
               vs_sft=paired_bootstrap(s, base), vs_title=paired_bootstrap(s, title),
               routed_vs_sft_routed=paired_bootstrap(routed, base_routed), routed_vs_title=paired_bootstrap(routed, title),
               words=float(np.mean([len(x.split()) for x in preds])), sft_words=float(np.mean([len(x.split()) for x in base_preds])))
    print(f"self-trained {s.mean():.4f}: {fmt(res['vs_sft'])} vs SFT, {fmt(res['vs_title'])} vs title; "
          f"routed {routed.mean():.4f}: {fmt(res['routed_vs_sft_routed'])} vs SFT routed, {fmt(res['routed_vs_title'])} vs title; "
          f"{res['words']:.1f} words (SFT {res['sft_words']:.1f})")
    (out/f"result_n{n_posts}_lr{lr:g}_s{seed}{'' if target == 'oracle' else '_' + target}.json").write_text(json.dumps(res, indent=1, default=float))
    (out/f"preds_n{n_posts}_lr{lr:g}_s{seed}{'' if target == 'oracle' else '_' + target}.json").write_text(json.dumps(dict(sft=base_preds, self_trained=preds)))

if __name__ == "__main__": main(*(int(a) for a in sys.argv[1:2]), *(float(a) for a in sys.argv[2:3]), *(int(a) for a in sys.argv[3:4]), *sys.argv[4:5])
