"""A pytest plugin for nbval's run: saves each notebook as nbval ran it, with the outputs the kernel sent this time,
so that check_notebooks.py --executed can check the examples' lines and measurements on that run instead of running
every notebook once more.

    NBVAL_OUTPUTS=DIR python -m pytest -p nbval_outputs --nbval ... notebooks/*.ipynb

(this folder on PYTHONPATH). Writes DIR/NAME.ipynb for each notebook nbval collected: its cells, each code cell with
the outputs of this run (none for a cell that did not run) and the execution count it ran with. It reads what nbval
keeps of each cell's run (IPyNbCell.test_outputs, nbval 0.11); a cell that ran without it fails the run, so a new
nbval that keeps it elsewhere is found at once.
"""
import os
from pathlib import Path

import nbformat
import pytest

_runs = {}  # notebook path -> {cell index: outputs}
_missing = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    yield
    if call.when != "call" or not hasattr(item, "cell_num"):
        return
    outputs = getattr(item, "test_outputs", None)
    if outputs is None:
        if not getattr(item, "options", {}).get("skip"):
            _missing.append(item.nodeid)
        return
    _runs.setdefault(str(item.parent.fspath), {})[item.cell_num] = outputs


def pytest_sessionfinish(session, exitstatus):
    folder = os.environ.get("NBVAL_OUTPUTS")
    if not folder:
        return
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for path, cells in _runs.items():
        nb = nbformat.read(path, as_version=4)
        count = 0
        for index, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            if index in cells:
                count += 1
                cell.outputs = [nbformat.from_dict(dict(o)) for o in cells[index]]
                cell.execution_count = count
            else:
                cell.outputs = []
                cell.execution_count = None
        nbformat.write(nb, str(folder / Path(path).name))
    if _missing:
        (folder / "MISSING").write_text("no outputs kept by nbval for: %s\n" % ", ".join(_missing))
