"""Notebooks in the page, for jupyterlab_run.py's steps: Run All and its checks, and the charts of stored outputs
drawn trusted and untrusted."""
import re
import time

import check_notebooks
import labkit
from labkit import RUN_ALL_TIMEOUT, charts_per_cell, check, figure, log, source_of, wait_for

def run_all(page, name, expected_cells, ui="lab"):
    label = name if ui == "lab" else "Notebook 7: " + name
    opened = time.monotonic()
    page.open(name, ui)
    page.wait_idle()
    idle = time.monotonic() - opened
    figure("%s: time to idle (%s)" % (label, "JupyterLab" if ui == "lab" else "Notebook 7"), idle)
    kernel_name = page.kernel_name()
    check("%s: the page runs the Threadbook kernel" % label, "Threadbook" in (kernel_name or ""), repr(kernel_name))
    cells = page.model()["cells"]
    if len(cells) != expected_cells or any(c.get("outputs") for c in cells):
        raise RuntimeError("the page shows %d cells (the copy has %d), some with outputs" % (len(cells), expected_cells))

    page.menu("Run", "runmenu:run-all")
    started = time.monotonic()
    quiet = []

    def finished():
        # One script per poll, once a second: the browser's work competes with the notebook's timed cells. Done
        # when every cell ran, or when Run All stopped at a cell's error (JupyterLab then aborts the cells after it,
        # which keep no count): the checks below then name what did not run and the error.
        state = page.js(page.PANEL + """
            var k = p.sessionContext.session && p.sessionContext.session.kernel;
            var code = p.content.widgets.filter(function (w) { return w.model.type === 'code'; });
            return {status: k ? k.status : 'none',
                    queued: code.filter(function (w) {
                      var e = w.node.querySelector('.jp-InputPrompt'); return e && e.textContent.indexOf('*') >= 0; }).length,
                    uncounted: code.filter(function (w) { return w.model.executionCount === null; }).length,
                    errors: code.filter(function (w) {
                      return w.model.outputs.toJSON().some(function (o) { return o.output_type === 'error'; }); }).length};""")
        if state["status"] == "dead":
            raise RuntimeError("the kernel died")
        quiet.append(state["queued"] == 0 and state["status"] == "idle" and (state["uncounted"] == 0 or state["errors"] > 0))
        return len(quiet) >= 2 and quiet[-1] and quiet[-2]
    try:
        wait_for("every code cell to finish", RUN_ALL_TIMEOUT, finished, poll=1.0)
    except TimeoutError:
        # Which cells hold it up, and what the others showed: the failure must name the cell, not only the wait.
        stuck, prompts = page.model(), page.prompts()
        for i, c in enumerate(stuck["cells"]):
            if c["cell_type"] == "code":
                log("  cell %d [%s] %-40s prompt %r, outputs %s" % (
                    i, c["execution_count"], source_of(c).split("\n", 1)[0][:40], prompts[i],
                    [o["output_type"] + (":" + o.get("ename", "") if o["output_type"] == "error" else "")
                     for o in c["outputs"]]))
        raise
    took = time.monotonic() - started
    time.sleep(1.0)  # a last moment for lines a cell's threads print late
    figure("%s: Run All (%s)" % (label, "JupyterLab" if ui == "lab" else "Notebook 7"), took)
    nb = page.model()
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    check("%s: every code cell ran, in order" % label, counts == list(range(1, len(code) + 1)), str(counts))
    errors = [(c["execution_count"], o.get("ename"), o.get("evalue")) for c in code for o in c["outputs"]
              if o["output_type"] == "error"]
    check("%s: no error output" % label, not errors, repr(errors)[:2000])
    expected = charts_per_cell(nb)
    rendered = page.rendered_charts()
    check("%s: each chart is rendered as SVG in the page" % label,
          all(r >= e for r, e in zip(rendered, expected)) and len(rendered) == len(expected),
          "%d chart(s) in the outputs, %d rendered; per cell %s"
          % (sum(expected), sum(min(r, e) for r, e in zip(rendered, expected)),
             [(i, e, r) for i, (e, r) in enumerate(zip(expected, rendered)) if e or r]))
    for c in code:
        first = source_of(c).split("\n", 1)[0]
        text = " | ".join("".join(o.get("text", "")) if o["output_type"] == "stream" else o["output_type"]
                          for o in c["outputs"])
        log("  [%s] %-50s -> %s" % (c["execution_count"], first[:50], text.strip().replace("\n", " / ")[:140]))
    return nb, took


def example_checks(nb, label):
    """check_notebooks.py's checks of each example, on what the page ran; its counts join ours. JupyterLabIT runs
    beside other tests: what needs idle cores is reported, not checked (NotebookMeasuresIT checks it)."""
    import nbformat
    check_notebooks.cores_idle = False
    before_p, before_f = check_notebooks.passed, check_notebooks.failed
    found = check_notebooks.check_examples(nbformat.from_dict(nb))
    labkit.passed += check_notebooks.passed - before_p
    labkit.failed += check_notebooks.failed - before_f
    log("%s: the examples' checks (check_notebooks.py) on the page's outputs: %d passed, %d failed (%s)"
        % (label, check_notebooks.passed - before_p, check_notebooks.failed - before_f, ", ".join(sorted(found)) or "none"))
    return found


def is_t1(cell):
    return cell["cell_type"] == "code" and 'task("Task 1")' in source_of(cell) and "All tasks done!" in source_of(cell)


def t1_checks_in_page(page, nb, label):
    """T1's lines and time as the page shows them (the text of the cell's output area)."""
    index = next(i for i, c in enumerate(nb["cells"]) if is_t1(c))
    lines = [l.strip() for l in page.cell_text(index).splitlines() if l.strip()]

    def where(text):
        return next((i for i, l in enumerate(lines) if text in l), None)
    s1, s2, e = where("Start Task 1"), where("Start Task 2"), where("End Task")
    check("%s: T1 in the page: both Start lines before any End, then 'All tasks done!'" % label,
          None not in (s1, s2, e) and max(s1, s2) < e and where("All tasks done!") is not None, repr(lines))
    m = re.search(r"(\d+(?:\.\d+)?) s\b[^\n]*about 2 s, not 4", "\n".join(lines))
    check("%s: T1 in the page: a measured time of about 2 s, not 4" % label,
          m is not None and 1.9 <= float(m.group(1)) < 4.0, repr(lines))


# --- charts of stored outputs, untrusted and trusted ----------------------------------------------------------

def untrusted_charts(page, name, label):
    page.open(name, kernel=False)
    time.sleep(1.0)
    trusted = page.js(page.PANEL + """
        return p.content.widgets.filter(function (w) { return w.model.type === 'code'; })
                .map(function (w) { return w.model.trusted; });""")
    nb = page.model()
    expected = charts_per_cell(nb)
    try:
        wait_for("the charts to render", 20, lambda: all(r >= e for r, e in zip(page.rendered_charts(True), expected)),
                 poll=0.5)
    except TimeoutError:
        pass
    rendered = page.rendered_charts(True)
    shown = [page.cell_text(i)[:120] for i, e in enumerate(expected) if e]
    page.shot(re.sub(r"[^A-Za-z0-9.]+", "-", label.replace(".ipynb", "")).strip("-"))
    check("%s: opened untrusted (as on another machine), each chart is drawn (SVG, or its PNG)" % label,
          not any(trusted) and all(r >= e for r, e in zip(rendered, expected)),
          "%d chart(s), %d rendered; trusted cells: %d; a chart cell shows: %r"
          % (sum(expected), sum(min(r, e) for r, e in zip(rendered, expected)), sum(1 for t in trusted if t), shown[:1]))
    return sum(expected)


def trusted_charts(page, name, label, data_dir):
    """A notebook with stored outputs, signed as this server signs what it saved (so trusted, as on the machine that
    ran it): each chart it holds is drawn as SVG, as after a Run All in this page."""
    import nbformat
    from nbformat.sign import NotebookNotary
    path = page.folder / name
    nb = nbformat.read(str(path), as_version=4)
    # A signature is of the content: a copy that differs, so that the shipped one stays untrusted (step untrusted).
    nb.metadata["threadbook_test"] = "a copy signed as this server signs"
    NotebookNotary(data_dir=str(data_dir)).sign(nb)
    nbformat.write(nb, str(path))
    page.open(name, kernel=False)
    expected = charts_per_cell(page.model())
    try:
        wait_for("the charts to render", 20, lambda: all(r >= e for r, e in zip(page.rendered_charts(), expected)), poll=0.5)
    except TimeoutError:
        pass
    rendered = page.rendered_charts()
    page.shot(re.sub(r"[^A-Za-z0-9.]+", "-", name.replace(".ipynb", "")).strip("-"))
    check("%s: opened trusted, each chart is rendered as SVG in the page" % label,
          all(r >= e for r, e in zip(rendered, expected)) and len(rendered) == len(expected),
          "%d chart(s) in the outputs, %d rendered; per cell %s"
          % (sum(expected), sum(min(r, e) for r, e in zip(rendered, expected)),
             [(i, e, r) for i, (e, r) in enumerate(zip(expected, rendered)) if e or r]))
    return sum(expected)
