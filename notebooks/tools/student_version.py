#!/usr/bin/env python3
"""Writes the students' copy of the course notebooks: every line between "// BEGIN SOLUTION" and
"// END SOLUTION" (the markers included) becomes "// YOUR CODE HERE", with the indentation of the marker, and the
outputs are cleared. The notebooks in notebooks/ keep their reference solutions.

    python3 notebooks/tools/student_version.py OUTDIR

For a course graded with nbgrader, make its source folder with nbgrader_source.py instead: nbgrader then makes
the students' version itself (notebooks/README.md).

Standard library only. Exits 1 if a BEGIN has no END.
"""
import json
import sys
from pathlib import Path

BEGIN, END, STUB = "BEGIN SOLUTION", "END SOLUTION", "// YOUR CODE HERE"


def strip_solution(source):
    """The cell's text with each solution region replaced by the stub; (text, how many regions)."""
    out, inside, regions = [], False, 0
    for line in source.split("\n"):
        if not inside and line.strip() == "// " + BEGIN:
            inside, regions = True, regions + 1
            out.append(line[: len(line) - len(line.lstrip())] + STUB)
        elif inside and line.strip() == "// " + END:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("a '// BEGIN SOLUTION' has no '// END SOLUTION'")
    return "\n".join(out), regions


def student_notebook(nb):
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        text, _ = strip_solution(source)
        cell["source"] = text.splitlines(keepends=True)
        cell["outputs"] = []
        cell["execution_count"] = None
    return nb


def main(argv):
    if len(argv) < 2 or argv[1].startswith("-"):
        print(__doc__)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    here = Path(__file__).resolve().parents[1]
    for path in sorted(here.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        try:
            student_notebook(nb)
        except ValueError as e:
            print("%s: %s" % (path.name, e))
            return 1
        (out / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print("wrote " + str(out / path.name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
