"""End-to-end browser test: notebooks/00-start-here.ipynb in real Jupyter Notebook (classic 6.x), in
headless Chromium driven by chromedriver through Selenium, run with Cell > Run All clicked as a person would,
its outputs checked in the page and a screenshot kept.

The checks, in the page's DOM: every code cell ran, in order, and no cell shows an error (.output_error); the
start notebook's first cell shows "Hello from Java" (and, if the notebook has that cell, a thread's late line
shows under its own cell); the T1 cell (two threads: "Start Task 1" and "Start Task 2" before any "End Task",
"All tasks done!" and a measured time "about 2 s, not 4"). The T1 cell is found by its source, not its index; if
the start notebook no longer holds it, the notebook next to it that does (01-threads) is run too, in a second tab,
with its own screenshot next to the first (run-all-01-threads.png beside run-all.png).

Run with Debian's /usr/bin/python3 (it needs Debian's jupyter-notebook, chromium, chromium-driver and
python3-selenium). Environment:
  JUPYTER_PATH            where the kernelspec to use is installed (e.g. PREFIX/share/jupyter)
  THREADBOOK_KERNEL       the kernelspec name (default: threadbook)
  THREADBOOK_SCREENSHOT   where to save the screenshot (default: kernel/core/target/browser/run-all.png)
  THREADBOOK_NOTEBOOK     the notebook to run (default: the repository's notebooks/00-start-here.ipynb)
  THREADBOOK_BROWSER_KEEP if set, keep the temporary folder (the copies, the server's and chromedriver's logs)

The repository's notebooks are never touched: temporary copies, with their outputs cleared (so what the page shows
was produced by this run) and their kernelspec set to THREADBOOK_KERNEL, are what Notebook serves. Prints one line
per check and ends with "N passed, M failed"; exits non-zero if any check failed. Everything it starts (the
notebook server, its kernels, chromedriver, Chromium) is stopped before it exits, also when a check fails or
something breaks.
"""
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path

import labkit
from labkit import CORE, REPO, T0, check, cleared, log, read_json, source_of, wait_for, with_kernel, write_json
from launcher import Lab

KERNEL_START_TIMEOUT = 90   # s: page loaded and the kernel idle
RUN_TIMEOUT = 120           # s: Run All until every code cell has finished


def prepare_copy(original, folder):
    """Copies the notebook into folder with its outputs and execution counts cleared and its kernelspec set."""
    nb = with_kernel(cleared(read_json(original)))
    copy = folder / original.name
    write_json(nb, copy)
    return copy, nb


# --- the page --------------------------------------------------------------------------------------------

# What a code cell shows in the page: its prompt, its source (CodeMirror's lines) and the text of its outputs.
CELLS_JS = """
return Array.from(document.querySelectorAll('#notebook-container > .cell')).map(function (c) {
  var prompt = c.querySelector('.input_prompt');
  var lines = Array.from(c.querySelectorAll('.input_area .CodeMirror-line')).map(function (l) { return l.textContent; });
  var outs = Array.from(c.querySelectorAll('.output_area')).map(function (o) {
    return {cls: o.querySelector('.output_subarea') ? o.querySelector('.output_subarea').className : '',
            text: o.innerText};
  });
  return {code: c.classList.contains('code_cell'), prompt: prompt ? prompt.textContent.replace(/\\u00a0/g, ' ') : '',
          source: lines.join('\\n'), outputs: outs};
});
"""


def page_cells(driver):
    return driver.execute_script(CELLS_JS)


def kernel_state(driver):
    return driver.execute_script(
        "var i = document.getElementById('kernel_indicator_icon'); return i ? i.className : '';")


def prompt_number(prompt):
    m = re.search(r"\[\s*(\d+)\s*\]", prompt)
    return int(m.group(1)) if m else None


def full_page_screenshot(driver, path):
    """Makes the window tall enough for the whole notebook (Notebook scrolls #site, not the body) and saves it."""
    driver.execute_script("var s = document.getElementById('site'); if (s) s.scrollTop = 0;")
    needed = driver.execute_script("""
      var h = document.getElementById('header'), s = document.getElementById('site');
      return (h ? h.offsetHeight : 0) + (s ? s.scrollHeight : document.body.scrollHeight) + 40;""")
    needed = max(800, min(int(needed), 12000))
    width = 1280
    driver.set_window_size(width, needed)
    time.sleep(0.3)
    inner = driver.execute_script("return window.innerHeight;")
    if inner < needed:  # the window manager (or headless screen) kept it smaller: size the viewport itself
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": needed, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_script("window.dispatchEvent(new Event('resize'));")
    time.sleep(0.5)
    driver.execute_script("var s = document.getElementById('site'); if (s) s.scrollTop = 0;")
    path.parent.mkdir(parents=True, exist_ok=True)
    png = driver.get_screenshot_as_png()
    with open(path, "wb") as f:
        f.write(png)
    return len(png)


# --- main ------------------------------------------------------------------------------------------------

def is_t1(cell):
    src = source_of(cell)
    return cell.get("cell_type") == "code" and ('task("Task 1")' in src or "Start Task" in src)


def find_t1(original, start_nb):
    """The notebook holding the T1 cell (two threads, "about 2 s, not 4"): the start notebook if it does, else the
    first of its folder's notebooks that does (the course has moved it between notebooks before)."""
    if any(is_t1(c) for c in start_nb["cells"]):
        return original
    for other in sorted(original.parent.glob("*.ipynb")):
        if other != original:
            try:
                with open(other, encoding="utf-8") as f:
                    if any(is_t1(c) for c in json.load(f)["cells"]):
                        return other
            except (OSError, ValueError, KeyError):
                continue
    return None


def run_all_in_page(driver, url, nb, label):
    """Opens a notebook's page, waits for its kernel, clicks Cell > Run All and waits until every code cell has
    finished. Returns what the page shows of each cell."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    log("%s: opened %s" % (label, url.split("?")[0]))
    wait_for("the notebook page", 60,
             lambda: driver.execute_script("return !!document.querySelector('#notebook-container .cell');"))
    wait_for("the kernel to be idle", KERNEL_START_TIMEOUT, lambda: "kernel_idle_icon" in kernel_state(driver))
    kernel_name = driver.execute_script(
        "var n = document.querySelector('#kernel_indicator .kernel_indicator_name'); return n ? n.textContent : '';")
    log("%s: kernel idle; the page says the kernel is '%s'" % (label, kernel_name))
    check("%s: the page runs the Threadbook kernel" % label, "Threadbook" in kernel_name, repr(kernel_name))

    before = page_cells(driver)
    if len(before) != len(nb["cells"]):
        raise RuntimeError("the page shows %d cells, the notebook has %d" % (len(before), len(nb["cells"])))
    leftover = [c for c in before if c["code"] and (c["outputs"] or prompt_number(c["prompt"]) is not None)]
    if leftover:
        raise RuntimeError("the copy was not cleared: %s" % leftover)

    # Run All, by the menu, as a person would.
    wait = WebDriverWait(driver, 20)
    wait.until(EC.element_to_be_clickable((By.ID, "celllink"))).click()
    run_all = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#run_all_cells > a")))
    log("%s: Cell menu open; clicking '%s'" % (label, run_all.text.strip()))
    started = time.monotonic()
    run_all.click()

    # Run All marks every code cell In [*] at once; each gets its number when it has run (or loses the * if the
    # kernel aborts it after an earlier error). Done: no * left and the kernel idle, seen twice in a row.
    quiet = []

    def finished():
        state = kernel_state(driver)
        if "kernel_dead_icon" in state:
            raise RuntimeError("the kernel died")
        prompts = "".join(c["prompt"] for c in page_cells(driver) if c["code"])
        quiet.append("*" not in prompts and "kernel_idle_icon" in state)
        return len(quiet) >= 2 and quiet[-1] and quiet[-2]
    wait_for("every code cell to finish", RUN_TIMEOUT, finished, poll=0.25)
    cells = page_cells(driver)
    log("%s: Run All finished in %.1f s" % (label, time.monotonic() - started))
    for c in cells:
        if c["code"]:
            first = c["source"].split("\n", 1)[0]
            log("  %-9s %-50s -> %s" % (c["prompt"].strip(), first[:50],
                                         " | ".join(o["text"].strip().replace("\n", " / ") for o in c["outputs"])[:150]))
    code = [c for c in cells if c["code"]]
    numbers = [prompt_number(c["prompt"]) for c in code]
    check("%s: every code cell ran, in order" % label, numbers == list(range(1, len(code) + 1)), str(numbers))
    errors = driver.find_elements(By.CSS_SELECTOR, ".output_error")
    check("%s: no error output (.output_error)" % label, not errors,
          " | ".join(e.text for e in errors)[:2000])
    return cells


def check_start(driver, cells, nb, label):
    code = [c for c in cells if c["code"]]
    first_out = "\n".join(o["text"] for o in code[0]["outputs"]) if code else ""
    check("%s: the first cell shows 'Hello from Java'" % label, "Hello from Java" in first_out, repr(first_out))
    # "Output follows the thread": a line a thread prints after its cell ended is shown under that cell, which only
    # a live frontend shows (a batch run stops listening when the cell ends). Checked if the notebook has it.
    late = "printed 0.5 s after its cell ended"
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "code" and late in source_of(cell):
            def shown():
                return late in "\n".join(o["text"] for o in page_cells(driver)[i]["outputs"])
            try:
                wait_for("the thread's late line under its cell", 30, shown, poll=0.25)
            except TimeoutError:
                pass  # reported below, with what the cell shows
            out = "\n".join(o["text"] for o in page_cells(driver)[i]["outputs"])
            check("%s: a thread's late line shows under its own cell" % label, late in out, repr(out))
            break


def check_t1(cells, nb, label):
    index = next(i for i, c in enumerate(nb["cells"]) if is_t1(c))
    if "Task 1" not in cells[index]["source"]:
        raise RuntimeError("cell %d of the page is not the T1 cell:\n%s" % (index, cells[index]["source"]))
    out = "\n".join(o["text"] for o in cells[index]["outputs"])
    lines = [l.strip() for l in out.splitlines() if l.strip()]

    def where(text):
        return next((i for i, l in enumerate(lines) if text in l), None)
    s1, s2, e = where("Start Task 1"), where("Start Task 2"), where("End Task")
    check("%s: T1 shows 'Start Task 1' and 'Start Task 2' before any 'End Task'" % label,
          None not in (s1, s2, e) and max(s1, s2) < e, repr(lines))
    check("%s: T1 shows 'All tasks done!'" % label, where("All tasks done!") is not None, repr(lines))
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*s\b[^\n]*about 2 s, not 4", out)
    seconds = float(m.group(1).replace(",", ".")) if m else None
    check("%s: T1 shows a measured time 'about 2 s, not 4' (%s s)" % (label, m.group(1) if m else "?"),
          seconds is not None and 1.9 <= seconds < 4.0, repr(lines))


def main():
    kernel = labkit.KERNEL
    original = Path(os.environ.get("THREADBOOK_NOTEBOOK", REPO / "notebooks" / "00-start-here.ipynb"))
    shot = Path(os.environ.get("THREADBOOK_SCREENSHOT", CORE / "target" / "browser" / "run-all.png"))
    lab = Lab("threadbook-browser-")
    try:
        log("kernel: %s (JUPYTER_PATH=%s)" % (kernel, os.environ.get("JUPYTER_PATH", "")))
        # The notebooks to run: the start notebook, and the one holding T1 if that is another one.
        runs = []  # (label, copy, nb, screenshot)
        copy, nb = prepare_copy(original, lab.served)
        runs.append((original.stem, copy, nb, shot))
        t1_notebook = find_t1(original, nb)
        if not check("a notebook next to %s holds the T1 cell (task(\"Task 1\") / \"Start Task\")"
                     % original.name, t1_notebook is not None):
            t1_notebook = None
        elif t1_notebook != original:
            t1_copy, t1_nb = prepare_copy(t1_notebook, lab.served)
            runs.append((t1_notebook.stem, t1_copy, t1_nb, shot.with_name("%s-%s%s" % (shot.stem, t1_notebook.stem, shot.suffix))))
        for label, c, n, _ in runs:
            log("%s: copied, outputs cleared, to %s (%d cells, %d code%s)"
                % (label, c, len(n["cells"]), sum(1 for x in n["cells"] if x.get("cell_type") == "code"),
                   "; T1 is cell %d" % next(i for i, x in enumerate(n["cells"]) if is_t1(x))
                   if any(is_t1(x) for x in n["cells"]) else ""))

        lab.start_notebook6()
        specs = lab.api("kernelspecs")["kernelspecs"]
        if not check("the notebook server knows the kernelspec '%s'" % kernel, kernel in specs,
                     "it knows only %s; is JUPYTER_PATH set?" % sorted(specs)):
            raise RuntimeError("kernelspec missing")
        driver = lab.start_browser(width=1280)

        for n, (label, copy, nb, png) in enumerate(runs):
            if n:
                # A tab of its own: leaving a notebook with unsaved outputs would raise a "Leave site?" dialog.
                driver.switch_to.new_window("tab")
            try:
                cells = run_all_in_page(driver, "%s/notebooks/%s?token=%s" % (lab.base, copy.name, lab.token), nb, label)
                lab.track()
                if n == 0:
                    check_start(driver, cells, nb, label)
                if any(is_t1(c) for c in nb["cells"]):
                    check_t1(cells, nb, label)
            except Exception as e:  # noqa: BLE001 - a broken run is one more failure; the next notebook still runs
                check("%s: the run itself" % label, False, "%s: %s" % (type(e).__name__, e))
                traceback.print_exc(file=sys.stdout)
            finally:
                try:
                    lab.track()
                    size = full_page_screenshot(driver, png)
                    check("%s: screenshot saved: %s (%d bytes)" % (label, png, size), size > 0)
                except Exception as e:  # noqa: BLE001
                    check("%s: screenshot saved" % label, False, "%s: %s" % (type(e).__name__, e))
    except Exception as e:  # noqa: BLE001 - anything that breaks the run is one more failure, reported
        check("the run itself", False, "%s: %s" % (type(e).__name__, e))
        traceback.print_exc(file=sys.stdout)
    finally:
        lab.close()
    log("done in %.1f s" % (time.monotonic() - T0))
    print("%d passed, %d failed" % (labkit.passed, labkit.failed), flush=True)
    return 1 if labkit.failed else 0


if __name__ == "__main__":
    sys.exit(main())
