"""The cpu preset's run from nothing again, with every stage seeded SEED instead of 0 (scratch measurement, not a chapter).

    python experiments/replicate.py SEED      # about 50 minutes on 2 cores; then its valid numbers:
    TLDR_LAB_RUNS=runs/replicate_s<SEED> python experiments/valid_card.py

Issue 10 asks one run of `tldr-lab run --preset cpu` to beat the title on valid by a margin outside the paired
bootstrap interval. The lab's runs so far differ in more than their luck: other VMs, other code, other presets. This
repeats the preset's own pipeline (`run_pipeline`, the code behind `tldr-lab run`) with the same code on the same
machine, changing only each stage config's `seed` (the model's initialization, the data order): the difference
between it and runs/cpu is what a learner's run of the recipe can expect from chance. Everything it builds, the
tokenizer included, goes to runs/replicate_s<SEED>/cpu (`TLDR_LAB_RUNS`), and its report card scores test once, as
`tldr-lab run` does. `tldr-lab run --preset cpu --seed SEED` is the same run from the shell. Run it on an otherwise
idle machine: the stages have time budgets.
"""
import os, sys, time

SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 1
from tldr_lab.config import cpu_model
from tldr_lab.cli import run_pipeline, replicate_plan  # `tldr-lab run --seed`'s plan: the seeded preset and runs/replicate_s<SEED>

if __name__ == "__main__":
    os.environ.pop("TLDR_LAB_RUNS", None)  # always runs/replicate_s<SEED>, as before, even where the shell names another folder
    p, root = replicate_plan("cpu", SEED)
    os.environ["TLDR_LAB_RUNS"] = str(root)
    t0 = time.time()
    report = run_pipeline(p, progress=False)
    print(f"{cpu_model()}: seed {SEED}, {(time.time() - t0) / 60:.1f} min -> {report}")
    print(report.read_text())
