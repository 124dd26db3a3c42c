"""Does the cpu preset pretrain as well with 3 heads of 64 as with 6 heads of 32? (issue 8, scratch measurement, not a chapter)

    python experiments/head_shape.py [--minutes M] [--resume] [SHAPE ...]   # SHAPE: 6x32_kv3 (the preset), 3x64_kv1, 3x64_kv3; default: the first two, 20 min each

--resume finishes a shape's interrupted run from its last checkpoint (or only evaluates it, when its training had ended).

`experiments/mfu_levers.py heads` found the training step with 3 query heads of 64 and one K/V head (MQA) about 10%
faster in bf16 than the preset's 6 heads of 32 with 3 K/V heads, at the same width: attention's batched matmuls are
less thin and there are half as many score matrices to softmax. A faster step means more tokens in the stage's
fixed minutes, but fewer, wider heads and a single K/V head may learn less per token. This pretrains each shape
with the preset's own stage config (its minutes, learning rate, batch, compile, copy head, seed) one after the
other and prints tokens seen, tokens/s and the held-out Reddit and WikiText-2 bits per byte (valid splits). One run
per shape, in sequence on a shared VM, so a gap of a few thousandths of a bit is within noise. It writes under
runs/head_shape/, never runs/cpu/: nothing downstream picks these models up.
"""
import sys, json
from dataclasses import replace
from tldr_lab.config import get_preset, runs_dir
from tldr_lab.train import pretrain, model_config

SHAPES = {"6x32_kv3": dict(n_heads=6, n_kv_heads=3), "3x64_kv1": dict(n_heads=3, n_kv_heads=1), "3x64_kv3": dict(n_heads=3, n_kv_heads=3)}

def main(shapes, minutes=None, resume=False):
    p = get_preset("cpu")
    cfg = replace(p.pretrain, minutes=minutes) if minutes else p.pretrain
    for name in shapes:
        s = pretrain(p, cfg=cfg, model_cfg=replace(model_config(p), **SHAPES[name]), out_dir=runs_dir(p).parent/"head_shape"/name,
                     force=not resume, resume=resume, progress=False)
        print(json.dumps(dict(shape=name, params=s["params"], steps=s["steps"], tokens=s["tokens_seen"], tok_s=round(s["tokens_seen"] / s["train_seconds"]),
                              reddit_bpb=round(s["reddit"]["bpb"], 4), wikitext2_bpb=round(s["wikitext2"]["bpb"], 4))), flush=True)

if __name__ == "__main__":
    args = sys.argv[1:]
    minutes = float(args[args.index("--minutes") + 1]) if "--minutes" in args else None
    main([a for a in args if a in SHAPES] or ["6x32_kv3", "3x64_kv1"], minutes, "--resume" in args)
