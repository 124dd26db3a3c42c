"""Reranking the beams with a pretrained sentence encoder: does meaning-level closeness to the post pick better TL;DRs?

    python experiments/minilm_rerank.py [STAGE [N_TRAIN]]      # default: sft, 600 train posts to choose the weight on

The preset picks among each post's 4 beams by `mbr_pick` (04): ROUGE-L agreement with the other beams plus 3x the
ROUGE-L against the title. Both are surface overlap. all-MiniLM-L6-v2 (the offline BERTScore backbone,
`minilm_path`, 08) embeds whole texts (mean-pooled, unit length; Reimers & Gurevych 2019), so a candidate can also be
scored by its cosine to the post's embedding: u(c) = mbr + w * cos(e(c), e(post)). The weight w is chosen on
N_TRAIN random train posts (seed 0; the router's threshold was chosen on train posts too), never on valid; valid
then reports every w with paired bootstrap intervals against the preset's pick and against the title, alone and with
the preset's title router, and the oracle beam (the one closest to the human TL;DR) as the ceiling of any reranker.
Uses runs/<preset>'s model of STAGE (TLDR_LAB_RUNS moves it); trains nothing; caches the beams and writes
runs/<preset>/evaluation/minilm_rerank_<stage>.json.
"""
import sys, json, random, time, functools
from pathlib import Path
import numpy as np, torch
from tldr_lab.config import get_preset, runs_dir, cpu_model
from tldr_lab.train import get_stage_model
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr
from tldr_lab.evaluation import beam_candidates, rouge_scores, paired_bootstrap, minilm_path
from tldr_lab.generation import mbr_utilities, route_titles

WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 12.0, 20.0)

@functools.cache
def minilm():
    "The offline MiniLM tokenizer and encoder, loaded once per process"
    from transformers import AutoTokenizer, AutoModel
    path = str(minilm_path())
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()

@torch.no_grad()
def embed(texts:list[str], batch_size:int=64)->np.ndarray:
    "Unit-length mean-pooled all-MiniLM-L6-v2 embeddings (what sentence-transformers computes for this model)"
    tk, enc = minilm()
    out = []
    for i in range(0, len(texts), batch_size):
        b = tk(texts[i:i + batch_size], padding=True, truncation=True, max_length=256, return_tensors="pt")
        h, m = enc(**b).last_hidden_state, b["attention_mask"].unsqueeze(-1).float()
        out.append(torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1).numpy())
    return np.concatenate(out)

def candidates(p, tok, model, rows, cache:Path):
    "Each post's 4 beams (cached in `cache`), the preset's MBR utility of each, and each beam's cosine to its post"
    if cache.exists(): cands = json.loads(cache.read_text())
    else:
        cands, _ = beam_candidates(model, tok, rows, n=p.decoding["num_beams"], max_new_tokens=p.max_summary_tokens, **p.decoding)
        cache.write_text(json.dumps(cands))
    mbr = np.array([mbr_utilities(c, [r["title"]], p.decoding["title_mbr"]) for c, r in zip(cands, rows)])
    posts = embed([r["post"] for r in rows])
    beams = embed([b for c in cands for b in c]).reshape(len(rows), len(cands[0]), -1)
    return cands, mbr, np.einsum("nkd,nd->nk", beams, posts)

def picks(cands, mbr, cos, w): return [c[int(np.argmax(u + w * s))] for c, u, s in zip(cands, mbr, cos)]

def main(stage="sft", n_train=600, preset="cpu"):
    p = get_preset(preset)
    tok, model, ev = get_tokenizer(p), get_stage_model(p, stage), runs_dir(p, "evaluation")
    train = list(load_tldr("train"))
    train = [train[i] for i in sorted(random.Random(0).sample(range(len(train)), n_train))]
    valid = list(load_tldr("valid"))
    rl = lambda preds, rows: np.array(rouge_scores(preds, [r["summary"] for r in rows])["rougeL"])
    print(f"preset {p.name} on {cpu_model()}; the {stage} model")
    t0 = time.time()
    tr = candidates(p, tok, model, train, ev/f"minilm_{stage}_train{n_train}_beams.json")
    on_train = {w: rl(picks(*tr, w), train).mean() for w in WEIGHTS}
    best = max(WEIGHTS, key=on_train.get)
    print(f"train ({n_train} posts, {time.time() - t0:.0f}s): " + ", ".join(f"w={w:g} {v:.4f}" for w, v in on_train.items()) + f"; chosen w={best:g}")
    va = candidates(p, tok, model, valid, ev/f"minilm_{stage}_valid_beams.json")
    title = rl([r["title"] for r in valid], valid)
    preset_pick = rl(picks(*va, 0.0), valid)
    oracle = rl([b for c in va[0] for b in c], [r for c, r in zip(va[0], valid) for _ in c]).reshape(len(valid), -1).max(1)
    fmt = lambda d: "{:+.4f} [{:+.4f}, {:+.4f}]".format(*d)
    out = dict(cpu=cpu_model(), stage=stage, n_train=n_train, train=on_train, chosen=best, title=float(title.mean()),
               preset=float(preset_pick.mean()), oracle=float(oracle.mean()), valid={})
    print(f"valid ({len(valid)} posts): title {title.mean():.4f}; the preset's pick {preset_pick.mean():.4f}; oracle beam {oracle.mean():.4f}")
    for w in WEIGHTS:
        preds = picks(*va, w)
        s, routed = rl(preds, valid), rl(route_titles(list(preds), valid, p.title_router), valid)
        d = dict(rougeL=float(s.mean()), vs_preset=paired_bootstrap(s, preset_pick), vs_title=paired_bootstrap(s, title),
                 routed=float(routed.mean()), routed_vs_title=paired_bootstrap(routed, title))
        out["valid"][w] = {k: v if isinstance(v, float) else list(map(float, v)) for k, v in d.items()}
        print(f"  w={w:<4g}{'*' if w == best else ' '} {s.mean():.4f}  - preset {fmt(d['vs_preset'])}  - title {fmt(d['vs_title'])}"
              f"  | router {routed.mean():.4f}, - title {fmt(d['routed_vs_title'])}")
    (ev/f"minilm_rerank_{stage}.json").write_text(json.dumps(out, indent=1, default=float))

if __name__ == "__main__": main(*sys.argv[1:2], *(int(a) for a in sys.argv[2:3]))
