"""Each notebook in notebooks/ through jupytext to a Java script and back, with jupytext's own command line:
`jupytext --to script` must write a .java file (language_info.file_extension), in the percent format with
`// %%` cell markers, and `jupytext --to ipynb` must give back every cell: its type, its source (magics such as
%%timeline included) and its tags (nbval's and papermill's). Writes only into the folder given.

    python jupytext_round_trip.py WORKDIR

Prints one line per notebook and ends with "N passed, M failed"; exits 1 if any failed.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[5] / "notebooks"


def cells(nb):
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def main(work):
    work = Path(work)
    back = work / "back"
    back.mkdir()
    originals = sorted(NOTEBOOKS.glob("*.ipynb"))
    for original in originals:
        shutil.copy(original, work / original.name)
    # Two jupytext commands for all the notebooks: a start of jupytext takes seconds on a loaded machine.
    r = subprocess.run([sys.executable, "-m", "jupytext", "--to", "script"] + [str(work / o.name) for o in originals],
                       capture_output=True, text=True)
    if r.returncode == 0:
        for original in originals:
            script = (work / original.name).with_suffix(".java")
            if script.exists():
                shutil.copy(script, back / script.name)
        r = subprocess.run([sys.executable, "-m", "jupytext", "--to", "ipynb"] + [str(p) for p in sorted(back.glob("*.java"))],
                           capture_output=True, text=True)
    print((r.stdout + r.stderr).strip())
    passed = failed = 0
    for original in originals:
        script = (work / original.name).with_suffix(".java")
        returned = back / original.name
        problem = ""
        if not script.exists():
            problem = "jupytext --to script wrote no " + script.name
        elif not returned.exists():
            problem = "jupytext --to ipynb did not read %s back" % script.name
        else:
            text = script.read_text(encoding="utf-8")
            want, got = cells(nbformat.read(str(original), 4)), cells(nbformat.read(str(returned), 4))
            if "\n// %%" not in text:
                problem = "no '// %%' cell markers in " + script.name
            elif want != got:
                diff = [(i, w, g) for i, (w, g) in enumerate(zip(want, got)) if w != g][:1]
                problem = "cells differ after the round trip: %d cells, then %d; first difference %r" % (
                    len(want), len(got), diff)
        if problem:
            failed += 1
            print("FAIL %s: %s" % (original.name, problem))
        else:
            passed += 1
            print("ok   %s -> %s -> ipynb: %d cells kept" % (original.name, script.name, len(want)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
