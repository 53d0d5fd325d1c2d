"""A subshell console in JupyterLab 4.6 (headless Chromium through Selenium), as a student uses it: a notebook's
cell counts in a loop; right-click in the notebook > "New Subshell Console for Notebook"; in the console,
`counter.get()` answers while the notebook's cell still runs ([*]); `stop.set(true);` typed in the console ends
the notebook's cell. Reuses jupyterlab_run.py's page driver; one screenshot per state in THREADBOOK_SHOTS.

Environment: JUPYTER_PATH and THREADBOOK_KERNEL name the installed kernelspec. Prints one line per check and
ends with "N passed, M failed"; exits non-zero if any failed.
"""
import os
import sys
import time
from pathlib import Path

import jupyterlab_run as lab
import labkit as kit  # the checks, their counts and the page driver
from launcher import Lab

NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "AtomicLong counter = new AtomicLong();\nAtomicBoolean stop = new AtomicBoolean();"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "while (!stop.get()) { counter.incrementAndGet(); Thread.sleep(1); }\n\"stopped at \" + counter.get()"},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}

CONSOLE = ("var c = Array.from(window.jupyterapp.shell.widgets('main')).find(function (w) {"
           " return w.console && w.console.sessionContext; });")


def console_outputs(page):
    return page.js(CONSOLE + """
        if (!c) { return null; }
        return Array.from(c.node.querySelectorAll('.jp-CodeConsole-content .jp-Cell')).map(function (cell) {
          var o = cell.querySelector('.jp-OutputArea-output'); return o ? o.innerText.trim() : ''; });""")


def console_run(page, code):
    """Types code into the console's prompt and presses Shift+Enter; returns the new cell's output text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    before = len(console_outputs(page) or [])
    prompt = page.driver.find_element(By.CSS_SELECTOR, ".jp-CodeConsole-promptCell .cm-content")
    prompt.click()
    page.keys(code, (Keys.SHIFT, Keys.ENTER))
    started = time.monotonic()
    text = lab.wait_for("the console's answer to %s" % code, 60, lambda: (
        lambda outs: outs[before] if outs and len(outs) > before and outs[before] else None)(console_outputs(page)))
    return text, time.monotonic() - started


def checks(page, served):
    lab.write_json(lab.with_kernel(NOTEBOOK), served / "subshell.ipynb")
    page.open("subshell.ipynb")
    page.wait_idle()
    page.run_cell(0)
    page.wait_ran(0)
    page.run_cell(1)
    lab.wait_for("the notebook's loop to run", 60, lambda: "*" in page.prompts()[1])
    supports = page.js(page.PANEL + "return p.sessionContext.session.kernel.supportsSubshells;")
    lab.check("JupyterLab sees the kernel's subshell support (kernel_info's 'kernel subshells')", supports is True, str(supports))

    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    notebook = page.driver.find_element(By.CSS_SELECTOR, ".jp-Notebook")
    ActionChains(page.driver).context_click(notebook).perform()
    item = lab.wait_for("the context menu's subshell console item", 10, lambda: [
        e for e in page.driver.find_elements(By.CSS_SELECTOR, '.lm-Menu-item[data-command="notebook:create-subshell-console"]')
        if e.is_displayed()])
    lab.log("context menu > %s" % item[0].text.strip())
    item[0].click()
    # The console's kernel_info is answered while the notebook's cell runs, and the server does not "nudge" a busy
    # kernel's new connection: its idle can go out before the console's iopub subscription is through, and the
    # console makes its subshell only after that idle (the kernel publishes it again for a new subscriber). Not
    # the console's kernel status: JupyterLab takes it from any status message on iopub, the notebook's included.
    # What the student needs is the subshell, and the answer to what they type.
    subshell = lab.wait_for("the subshell console and its subshell", 90, lambda: page.js(CONSOLE + """
        var k = c && c.console.sessionContext.session && c.console.sessionContext.session.kernel;
        return k && k.subshellId ? k.subshellId : null;"""))
    lab.check("the console runs in a subshell of the notebook's kernel", bool(subshell), str(subshell))

    first, seconds = console_run(page, "counter.get()")
    lab.check("the console reads the counter while the notebook's cell runs", first.isdigit() and int(first) > 0, first)
    second, seconds = console_run(page, "counter.get()")
    lab.check("and again: the count went on", second.isdigit() and int(second) > int(first), "%s then %s" % (first, second))
    lab.figure("subshell console answer while the notebook's cell runs", seconds)
    lab.check("the notebook's cell is still running ([*])", "*" in page.prompts()[1], str(page.prompts()))
    page.shot("subshell-console-while-the-cell-runs")

    from selenium.webdriver.common.keys import Keys  # a statement has no output: console_run would wait for one
    page.driver.find_element(By.CSS_SELECTOR, ".jp-CodeConsole-promptCell .cm-content").click()
    page.keys("stop.set(true);", (Keys.SHIFT, Keys.ENTER))
    page.wait_ran(1)
    text = page.js(page.PANEL + "return p.content.widgets[1].outputArea.node.innerText;")
    lab.check("the console's `stop.set(true);` ended the notebook's cell", "stopped at" in text, text)
    page.shot("notebook-cell-ended-from-the-console")


def main():
    shots = Path(os.environ.get("THREADBOOK_SHOTS", lab.CORE / "target" / "jupyterlab-subshell"))
    shots.mkdir(parents=True, exist_ok=True)
    launched = Lab("threadbook-subshell-lab-")
    try:
        launched.start_jupyterlab()
        launched.start_browser()
        page = launched.page(shots)
        page.load("%s/lab?reset&token=%s" % (launched.base, launched.token))
        checks(page, launched.served)
    except Exception as e:  # noqa: BLE001 - reported as a failed check, then everything is stopped
        import traceback
        lab.check("the subshell console run", False, "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc()))
        try:
            if launched.driver is not None:
                page.shot("failure")
        except Exception:  # noqa: BLE001
            pass
    finally:
        launched.close()
    print("%d passed, %d failed" % (kit.passed, kit.failed))
    for f in kit.figures:
        print("FIGURE", f)
    return 0 if kit.failed == 0 and kit.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
