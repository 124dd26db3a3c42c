"""SFT and valid ROUGE-L from `experiments/head_shape.py`'s pretrained models (issue 8, scratch measurement, not a chapter)

    python experiments/head_shape_sft.py [SHAPE ...]   # default: 6x32_kv3 3x64_kv1; run head_shape.py first

For each shape this builds a runs root of its own, runs/head_shape/<SHAPE>_root/cpu, whose tokenizer and data are links
to runs/cpu's (the same seed-0 tokenizer and streams) and whose pretrain stage is a link to the shape's pretraining in
runs/head_shape/<SHAPE>; it then runs the preset's SFT stage there (`sft`, its 11 minutes / 2 epochs) and scores it on
all 746 valid posts with the preset's decoding (`eval_stage`, no title router), and at the end prints the paired
bootstrap of ROUGE-L between the shapes, post by post. It reads no test data. Run `tldr-lab run --preset cpu` first
(for runs/cpu's tokenizer and data).
"""
import os, sys, json
from pathlib import Path
from tldr_lab.config import get_preset

def root_of(shape): return Path("runs")/"head_shape"/f"{shape}_root"

def build(shape):
    cpu = root_of(shape)/"cpu"; cpu.mkdir(parents=True, exist_ok=True)
    for name, target in (("tokenizer", Path("runs/cpu/tokenizer")), ("data", Path("runs/cpu/data")), ("pretrain", Path("runs/head_shape")/shape)):
        link = cpu/name
        if not link.exists(): link.symlink_to(target.resolve(), target_is_directory=True)

def run(shape):
    os.environ["TLDR_LAB_RUNS"] = str(root_of(shape).resolve())  # read at every runs_dir call
    from tldr_lab.sft import sft
    from tldr_lab.evaluation import eval_stage
    s = sft("cpu", progress=False)
    r = eval_stage("cpu", "sft", split="valid", bertscore=False)
    print(json.dumps(dict(shape=shape, sft=s, rougeL=r["rougeL"])), flush=True)
    return r

if __name__ == "__main__":
    shapes = sys.argv[1:] or ["6x32_kv3", "3x64_kv1"]
    res = {}
    for sh in shapes: build(sh); res[sh] = run(sh)
    if len(shapes) == 2:
        from tldr_lab.evaluation import paired_bootstrap, rouge_scores
        from tldr_lab.generation import route_titles
        from tldr_lab.data import load_tldr
        rows, p = list(load_tldr("valid")), get_preset("cpu")
        refs = [r["summary"] for r in rows]
        for routed in (False, True):
            rl = [rouge_scores(route_titles(res[sh]["preds"], rows, p.title_router) if routed else res[sh]["preds"], refs)["rougeL"] for sh in shapes]
            d, lo, hi = paired_bootstrap(rl[1], rl[0])
            print(f"ROUGE-L{' with the title router' if routed else ''}: {shapes[0]} {sum(rl[0]) / len(rows):.4f}, {shapes[1]} {sum(rl[1]) / len(rows):.4f}, "
                  f"difference {d:+.4f} [{lo:+.4f}, {hi:+.4f}] over {len(rows)} valid posts")
