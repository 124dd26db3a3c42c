"""MBR with sampled pseudo-references on `valid`, for one trained SFT model (scratch measurement, not a chapter).

    python experiments/mbr_samples.py [N_SAMPLES] [TEMPERATURE]      # default: 16 1.0

Decodes all valid posts with the preset's beams (`beam_candidates`, 08) and draws N sampled summaries per post
(`sampled_candidates`, 08: same prompt boost and trigram ban, top-p 0.95), then scores with paired bootstrap intervals (ROUGE-L, stemmer on):
the beams' order, the preset's pick (beams, title as evidence), and MBR whose pseudo-references are the samples
(Freitag et al. 2022), with and without the title, over the beams or over beams + samples. Caches the candidates
in runs/<preset>/evaluation/ (keyed by the SFT checkpoint's time) so that reruns only rescore.
"""
import sys, time, json
import numpy as np
from tldr_lab.config import get_preset, runs_dir
from tldr_lab.train import get_stage_model, stage_stamp
from tldr_lab.tokenizer import get_tokenizer
from tldr_lab.data import load_tldr
from tldr_lab.evaluation import beam_candidates, sampled_candidates, rouge_scores, paired_bootstrap
from tldr_lab.generation import mbr_pick

def main(n=16, temperature=1.0, preset="cpu"):
    p = get_preset(preset)
    tok, model = get_tokenizer(p), get_stage_model(p, "sft")
    rows = list(load_tldr("valid"))
    refs, titles = [r["summary"] for r in rows], [r["title"] for r in rows]
    rl = lambda preds: np.array(rouge_scores(preds, refs)["rougeL"])
    stamp = stage_stamp(p, "sft")  # a retrained SFT model gets new candidates
    cache = runs_dir(p, "evaluation")/f"mbr_cands_valid_n{n}_t{temperature:g}_sft{stamp}.json"
    if cache.exists(): c = json.loads(cache.read_text()); beams, samp = c["beams"], c["samples"]
    else:
        t0 = time.time(); beams, _ = beam_candidates(model, tok, rows, n=p.decoding["num_beams"], max_new_tokens=p.max_summary_tokens, **p.decoding)
        t1 = time.time(); samp = sampled_candidates(model, tok, rows, n, p.max_summary_tokens, temperature=temperature, **p.decoding)
        print(f"beams {t1 - t0:.0f}s, {n} samples/post {time.time() - t1:.0f}s")
        cache.write_text(json.dumps(dict(beams=beams, samples=samp)))
    title = rl(titles); order = rl([b[0] for b in beams])
    print(f"title {title.mean():.4f}; beams' order {order.mean():.4f}")
    def report(name, picks):
        s = rl(picks); print(f"{name:44s} {s.mean():.4f}  - title {np.round(paired_bootstrap(s, title), 4)}  - order {np.round(paired_bootstrap(s, order), 4)}  words {np.mean([len(x.split()) for x in picks]):.1f}")
        return s
    report("preset (beams, title w=3)", [b[mbr_pick(b, [t], 3.0)] for b, t in zip(beams, titles)])
    report("sample MBR over samples", [s[mbr_pick(s)] for s in samp])
    for w in (0.0, 0.5, 1.0, 2.0):
        report(f"beams, samples as refs, title w={w:g}", [b[mbr_pick(b, [t], w, pseudo_refs=s)] for b, s, t in zip(beams, samp, titles)])
        report(f"beams+samples, all as refs, title w={w:g}", [(b + s)[mbr_pick(b + s, [t], w, pseudo_refs=b + s)] for b, s, t in zip(beams, samp, titles)])

if __name__ == "__main__":
    a = sys.argv[1:]
    main(int(a[0]) if a else 16, float(a[1]) if len(a) > 1 else 1.0)
