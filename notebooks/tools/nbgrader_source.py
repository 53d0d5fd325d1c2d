#!/usr/bin/env python3
"""Makes an nbgrader course folder from the course notebooks: each notebook with exercises becomes an
assignment of its own name, with the notebook as nbgrader's source. The notebooks in notebooks/ are unchanged.

    python3 notebooks/tools/nbgrader_source.py COURSE [--assignment NAME] [NOTEBOOK.ipynb ...]
    python3 notebooks/tools/nbgrader_source.py --check [NOTEBOOK.ipynb ...]

COURSE gets nbgrader_config.py (this folder's; one already there is kept) and source/NAME/NAME.ipynb for each
notebook (default: those in notebooks/ with exercises, 01 to 05); with --assignment, the notebooks all go into
one assignment, source/NAME/. In the copy
  - a code cell with solution markers is an nbgrader "solution" cell: the markers stay, so that
    `nbgrader generate_assignment` replaces only the lines between them (a method's signature around them stays);
  - a cell starting with %%test is a read-only "autograder tests" cell worth 1 point: `nbgrader autograde`
    gives the point when the cell ends without an error, which is when every test in it passed;
  - outputs are cleared.
--check only checks the notebooks: nbgrader reads its markers in any line of any cell, Markdown included, so
a marker outside a solution cell stops generate_assignment or changes the text. Exits 1 on a problem, naming the
notebook and the cell. Standard library only.
"""
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE.parent
BEGIN, END = "BEGIN SOLUTION", "END SOLUTION"
# What nbgrader 0.9 takes as a marker: a case-sensitive substring of a line (ClearSolutions, ClearHiddenTests,
# ClearMarkScheme), and AUTOTEST anywhere in a code cell (InstantiateTests). Only the solution markers are used
# here, and only in solution cells.
MARKERS = (BEGIN, END, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME", "END MARK SCHEME")
AUTOTEST = "AUTOTEST"


def text(cell):
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def solution_regions(source):
    """How many marked regions the code has; ValueError when they are not in BEGIN/END pairs."""
    inside, regions = False, 0
    for line in source.split("\n"):
        if BEGIN in line:
            if inside:
                raise ValueError("a second '// %s' before the '// %s' of the first" % (BEGIN, END))
            inside, regions = True, regions + 1
        elif END in line:
            if not inside:
                raise ValueError("a '// %s' without a '// %s' before it" % (END, BEGIN))
            inside = False
    if inside:
        raise ValueError("a '// %s' has no '// %s'" % (BEGIN, END))
    return regions


def problems(nb):
    """What would stop nbgrader or change a text, one line per cell."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        where = "cell %d (%s)" % (i + 1, cell.get("id", "no id"))
        source = text(cell)
        if cell["cell_type"] != "code":
            for marker in MARKERS:
                if marker in source:
                    found.append("%s: the %s text contains '%s', which nbgrader takes as a marker; reword it"
                                 " (e.g. 'the solution markers')" % (where, cell["cell_type"], marker))
            continue
        for marker in MARKERS[2:] + (AUTOTEST,):
            if marker in source:
                found.append("%s: '%s' is an nbgrader marker these notebooks do not use" % (where, marker))
        try:
            solution_regions(source)
        except ValueError as e:
            found.append("%s: %s" % (where, e))
    return found


def nbgrader_source(nb):
    """The notebook as nbgrader's source (nb is changed in place and returned)."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = text(cell)
        solution = solution_regions(source) > 0
        graded = source.startswith("%%test")
        if solution or graded:
            cell["metadata"]["nbgrader"] = {
                "grade": graded, "solution": solution, "locked": graded, "task": False,
                "grade_id": cell["id"], "schema_version": 3, **({"points": 1} if graded else {})}
        cell["outputs"] = []
        cell["execution_count"] = None
    return nb


def has_exercises(nb):
    return any(c["cell_type"] == "code" and BEGIN in text(c) for c in nb["cells"])


def main(argv):
    args = argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if args else 2
    check = args[0] == "--check"
    course = None if check else Path(args[0])
    args = args[1:]
    assignment = None
    if not check and args[:1] == ["--assignment"]:
        if len(args) < 2:
            print("--assignment needs a name, e.g. --assignment week1", file=sys.stderr)
            return 2
        assignment, args = args[1], args[2:]
    paths = [Path(p) for p in args]
    if not paths:
        paths = [p for p in sorted(NOTEBOOKS.glob("*.ipynb"))
                 if has_exercises(json.loads(p.read_text(encoding="utf-8")))]
    failed = False
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        found = problems(nb)
        for problem in found:
            print("%s: %s" % (path.name, problem), file=sys.stderr)
        failed |= bool(found)
        if check or found:
            continue
        target = course / "source" / (assignment or path.stem) / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nbgrader_source(nb), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print("wrote " + str(target))
    if course is not None and not failed:
        config = course / "nbgrader_config.py"
        if config.exists():
            print("kept " + str(config))
        else:
            shutil.copyfile(HERE / "nbgrader_config.py", config)
            print("wrote " + str(config))
    if failed:
        print("nbgrader cannot use these notebooks as they are (see above).", file=sys.stderr)
    elif check:
        print("%d notebooks checked: nbgrader's markers only in solution cells, in pairs" % len(paths))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
