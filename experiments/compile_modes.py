"""Does a `torch.compile` mode buy training speed on this CPU? (scratch measurement for issue 8, not a chapter)

    python experiments/compile_modes.py [--reps N] [MODE ...]   # default: default max-autotune-no-cudagraphs, 5 reps

`11_bench`'s training race compiles the lab's model with `torch.compile`'s default mode. This compiles the same model
(the bench's seeded weights, no copy head) once per MODE and races one AdamW step of each against 🤗's eager
`LlamaForCausalLM` twin on the same batch (the preset's 16 × 384 tokens), interleaved round by round
(`interleaved_median`), and prints tokens/s and the ratio to 🤗. The compiled models share one set of weights (each
step has its own AdamW), as the bench's variants do. Run it on an otherwise idle machine.
"""
import sys, time
import torch
from tldr_lab.config import get_preset
from tldr_lab.bench import bench_model, _random_batch, train_step_fn, own_loss, hf_own_loss, interleaved_median, warmed
from tldr_lab.model import to_hf

def main(modes, reps=5):
    p = get_preset("cpu")
    model = bench_model(p)
    hf = to_hf(model)
    B, T = p.pretrain.batch_size, model.cfg.ctx_len
    batch = _random_batch(model, B, T, 0)
    fns = dict(hf=train_step_fn(hf, batch, loss_of=hf_own_loss))
    for mode in modes:
        t0 = time.time()
        fwd = torch.compile(model, mode=None if mode == "default" else mode)
        fns[mode] = warmed(train_step_fn(model, batch, loss_of=lambda m, x, y, fwd=fwd: own_loss(fwd, x, y)))
        print(mode, "compiled in", round(time.time() - t0), "s", flush=True)
    secs = interleaved_median(fns, reps)
    for k, v in secs.items(): print(k, round(B * T / v), "tok/s", round(secs["hf"] / v, 3), "x hf")

if __name__ == "__main__":
    args, reps = sys.argv[1:], 5
    if args[:1] == ["--reps"]: reps, args = int(args[1]), args[2:]
    main(args or ["default", "max-autotune-no-cudagraphs"], reps)
