"""Re-run notebooks in place with a real preset, so that their committed outputs are current.

    python .ci/refresh_outputs.py nbs/04_generation.ipynb [more notebooks ...] [--preset cpu] [--dry-run]

Why not `jupyter nbconvert --execute --inplace`: it runs every cell, including nbdev's `#| eval: false` cells (06's
Colab-only peft install needs the hub and fails offline). This runs each notebook top to bottom in a fresh kernel
the way `nbdev_test` would, except that it uses the preset named here (`IN_TEST` is removed from the kernel's
environment; `TLDR_LAB_PRESET` is set only for a preset other than the hardware cells' `cpu`), leaves
`#| eval: false` cells unexecuted with empty outputs, drops ipywidgets progress bars (their
outputs render as 'Loading widget...' on GitHub), writes the notebook back and runs `nbdev_clean` on it.
A notebook that fails is left untouched and the script exits non-zero.
"""
import argparse, os, re, subprocess, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

SKIP = re.compile(r"^\s*#\|\s*eval\s*:\s*false\s*$", re.M)  # nbdev's directive; nbdev_test skips these cells too
WIDGET = "application/vnd.jupyter.widget-view+json"

def skipped(cell) -> bool:
    "Whether nbdev would leave this cell unexecuted"
    return cell.cell_type == "code" and bool(SKIP.search(cell.source))

def without_widgets(outputs: list) -> list:
    "Outputs minus ipywidgets views (progress bars); a display that was only a widget disappears"
    keep = []
    for o in outputs:
        data = o.get("data", {})
        if WIDGET in data:
            data.pop(WIDGET)
            if not set(data) - {"text/plain"}: continue  # nothing left but the widget's plain-text repr
        keep.append(o)
    return keep

def refresh(path: Path, preset: str, dry_run: bool = False) -> float:
    "Execute `path` in place (see module docstring); returns wall seconds"
    nb = nbformat.read(path, as_version=4)
    stash = {i: c.source for i, c in enumerate(nb.cells) if skipped(c)}
    for i in stash: nb.cells[i].source = ""
    if dry_run:
        print(f"{path}: would run {sum(c.cell_type == 'code' for c in nb.cells) - len(stash)} code cells, skip {sorted(stash)}")
        return 0.0
    env = {k: v for k, v in os.environ.items() if k not in ("IN_TEST", "TLDR_LAB_PRESET")}
    # every hardware cell says "cpu", so cpu needs no override; TLDR_LAB_PRESET would also win over the preset names a
    # notebook passes explicitly (10_cli's "test"), so it is set only for another preset
    if preset != "cpu": env["TLDR_LAB_PRESET"] = preset
    t0 = time.time()
    client = NotebookClient(nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    old = os.environ.copy()
    os.environ.clear(); os.environ.update(env)  # the kernel inherits this process's environment
    try: client.execute()
    finally: os.environ.clear(); os.environ.update(old)
    for i, src in stash.items():
        nb.cells[i].source, nb.cells[i].outputs, nb.cells[i].execution_count = src, [], None
    for c in nb.cells:
        if c.cell_type == "code": c.outputs = without_widgets(c.outputs)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    subprocess.run(["nbdev_clean", "--fname", str(path)], check=True)
    return time.time() - t0

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--preset", default="cpu", help="preset the notebooks run with (default: cpu, the committed outputs' preset)")
    ap.add_argument("--dry-run", action="store_true", help="only say which cells would run and which are skipped")
    a = ap.parse_args(argv)
    for p in a.notebooks:
        if not p.exists(): sys.exit(f"no such notebook: {p}")
    for p in a.notebooks:
        secs = refresh(p, a.preset, a.dry_run)
        if not a.dry_run: print(f"{p}: re-run with preset {a.preset} in {secs / 60:.1f} min", flush=True)

if __name__ == "__main__": main()
