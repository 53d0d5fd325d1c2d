"""End-to-end browser test in JupyterLab 4 (and once in Notebook 7): the project's Jupyter environment
(install/venv.sh) serves copies of the notebooks, headless Chromium driven by chromedriver through Selenium works
them as a person would (menus, toolbar, keys), and every step leaves a screenshot.

What it does and checks, in this order, in one JupyterLab server:
  1. A scratch notebook, opened with a fresh kernel: the first Tab after the kernel starts shows the completion
     popup; contextual help (Help > Show Contextual Help) for a type with the cursor inside its name and for a
     method; a thread's late line under its own cell, not under the cell running then; a progress bar updated in
     place (one output whose <progress> value grows); the stdin box (a Scanner reading System.in); the ■ button
     interrupting an endless loop; Kernel > Restart Kernel... (a new Java process, counts from 1 again).
     Then the visual debugger in a notebook of one cell: the bug icon switches it on, a click in the cell's gutter
     sets a breakpoint, the cell run stops there with the Callstack and Variables panels filled, Next steps one
     line, Continue runs the cell to its normal output.
  2. Every notebook in notebooks/ (a copy with its outputs cleared): Run > Run All Cells, then in the page: every
     code cell ran in order, no error output, each chart rendered as an SVG in the page (an inline <svg> with
     content or a decoded SVG image), and the lines and times check_notebooks.py checks for each example of the
     catalogue, taken from the page's notebook model; then File > Save.
  3. The saved notebooks as another machine opens them (a copy this server did not sign, so untrusted) and the
     shipped notebooks with their stored outputs: each chart they hold is rendered as SVG.
  4. Notebook 7 (the same server's /notebooks page): Run All of the notebook with the T1 example, no error
     output, T1's lines and time, charts rendered.

Run with the environment's python (it needs JupyterLab 4, Notebook 7, Selenium; Debian's chromium and
chromium-driver). Environment:
  JUPYTER_PATH              where the kernelspec to use is installed (e.g. PREFIX/share/jupyter)
  THREADBOOK_KERNEL         the kernelspec name (default: threadbook)
  THREADBOOK_SHOTS          the folder for the screenshots (default: kernel/core/target/jupyterlab)
  THREADBOOK_NOTEBOOKS      only these notebooks (comma-separated file names; default: all)
  THREADBOOK_STEPS          only these steps (comma-separated: scratch, debugger, notebooks, untrusted, notebook7;
                            default: all). THREADBOOK_KERNEL=python3 THREADBOOK_STEPS=debugger runs the debugger's
                            steps against ipykernel, to tell a page change from a kernel fault
  THREADBOOK_BROWSER_KEEP   if set, keep the temporary folder (copies, saved notebooks, server and driver logs)

Prints "STEP name" where each step begins, one line per check, "FIGURE ..." lines (time to idle, Run All time per
notebook), and ends with "N passed, M failed"; exits non-zero if any check failed. Everything it starts (the server,
its kernels, chromedriver, Chromium) is stopped before it exits, also when a check fails.
"""
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

from browser_run_all import alive, children_of, free_port, identity, kill_all, wait_gone
import check_notebooks

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[4]
CORE = HERE.parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
KERNEL = os.environ.get("THREADBOOK_KERNEL", "threadbook")
STEPS = [s for s in os.environ.get("THREADBOOK_STEPS", "").split(",") if s]
LANGUAGE = "java"  # the kernelspec's language, read from the server


def wanted_step(name):
    return not STEPS or name in STEPS

KERNEL_START_TIMEOUT = 120  # s: page loaded and the kernel idle (the machine may be loaded)
RUN_ALL_TIMEOUT = 300       # s: Run All until every code cell has finished
T0 = time.monotonic()

passed = 0
failed = 0
figures = []


def log(msg):
    print("[%6.1f s] %s" % (time.monotonic() - T0, msg), flush=True)


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        log("PASS " + name + (" (" + detail + ")" if detail and len(detail) < 200 else ""))
    else:
        failed += 1
        log("FAIL " + name + (": " + detail if detail else ""))
    return ok


def step_start(label):
    """Marks where a step's lines begin: JupyterLabIT reports the failed checks step by step."""
    log("STEP " + label)


def figure(what, seconds):
    figures.append((what, seconds))
    log("FIGURE %s: %.1f s" % (what, seconds))


def wait_for(what, timeout, condition, poll=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    raise TimeoutError("timed out after %d s waiting for %s" % (timeout, what))


# --- notebooks -------------------------------------------------------------------------------------------

def read_json(path):
    for attempt in range(5):  # `install.sh --execute` may be saving it right now: read it again then
        try:
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        except json.JSONDecodeError:
            if attempt == 4:
                raise
            time.sleep(0.5)


def write_json(nb, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")


def with_kernel(nb):
    spec = nb.setdefault("metadata", {}).setdefault("kernelspec", {})
    spec.update(name=KERNEL, language=LANGUAGE, display_name=spec.get("display_name", "Java (Threadbook)"))
    return nb


def cleared(nb):
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def source_of(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def code_cell(source):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


def is_chart(output):
    data = output.get("data", {})
    html = data.get("text/html", "")
    html = "".join(html) if isinstance(html, list) else html
    return "image/svg+xml" in data or "<svg" in html


def charts_per_cell(nb):
    return [sum(1 for o in c.get("outputs", []) if is_chart(o)) if c.get("cell_type") == "code" else 0
            for c in nb["cells"]]


# The scratch notebook of step 1; each cell is found by its index below.
COMPLETE, INSPECT, LATE, NEXT, PROGRESS, STDIN, LOOP, PID = range(8)
SCRATCH = [
    "Str",
    'String greeting = "hello";\ngreeting.length()',
    'new Thread(() -> {\n    try { Thread.sleep(1500); } catch (InterruptedException e) { }\n'
    '    System.out.println("late line, under the cell that started the thread");\n}).start();\n'
    'System.out.println("this cell returned");',
    'Thread.sleep(3000);\nSystem.out.println("the next cell waited 3 s");',
    'Progress bar = Progress.start("steps", 20);\nfor (int i = 0; i < 20; i++) { Thread.sleep(150); bar.step(); }\n'
    'bar.done();',
    'Scanner in = new Scanner(System.in);\nSystem.out.print("Your name? ");\nString name = in.nextLine();\n'
    'System.out.println("Hello, " + name + "!");',
    "long spins = 0;\nwhile (true) { spins++; }",
    "ProcessHandle.current().pid()",
]


# --- the page --------------------------------------------------------------------------------------------

class Page:
    """The browser on one JupyterLab (or Notebook 7) server; reads state through window.jupyterapp (the server
    runs with expose_app_in_browser) and acts through the page's menus, buttons and keys."""

    def __init__(self, driver, base, shots):
        self.driver = driver
        self.base = base
        self.shots = shots
        self.step = 0

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def load(self, url):
        """Loads JupyterLab (or Notebook 7) itself; returns the seconds it took until the app was ready."""
        started = time.monotonic()
        self.driver.get(url)
        wait_for("the app to load", 180, lambda: self.js(
            "return !!(window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open')"
            " && document.querySelector('.lm-MenuBar-item'));"), poll=0.5)
        return time.monotonic() - started

    def open(self, path, ui="lab", on_open=None):
        """Opens a notebook: in JupyterLab, in the app already loaded (as a double click in the file browser
        does); in Notebook 7, its own page. on_open (JupyterLab only): the body of a JavaScript function of the
        notebook's panel, run as soon as the panel exists, before its kernel is there."""
        self.path = path
        if ui == "lab":
            self.js("""
                var path = arguments[0], hook = arguments[1] ? new Function('panel', arguments[1]) : null;
                window.jupyterapp.commands.execute('docmanager:open', {path: path, factory: 'Notebook'}).then(function (w) {
                  var p = w && w.sessionContext ? w : Array.from(window.jupyterapp.shell.widgets('main')).find(function (x) {
                    return x.context && x.context.path === path; });
                  if (hook && p) { hook(p); } });""", path, on_open)
        else:
            self.load("%s/notebooks/%s" % (self.base, path))
        wait_for("the notebook %s" % path, 90, lambda: self.js("""
            var p = window.jupyterapp.shell.currentWidget;
            return !!(p && p.context && p.context.path === arguments[0] && p.context.isReady && p.content
                      && p.content.widgets.length > 0);""", path))

    def close(self):
        """Closes the notebook's tab (its kernel is shut down by the caller)."""
        self.js(self.PANEL + "if (p && p.context) { p.context.model.dirty = false; p.dispose(); }")

    path = None

    @property
    def PANEL(self):
        """JavaScript that sets p to the open notebook's panel (not the current widget: Contextual Help takes that)."""
        return ("var p = Array.from(window.jupyterapp.shell.widgets('main')).find(function (w) {"
                " return w.context && w.context.path === %s; }) || window.jupyterapp.shell.currentWidget;" % json.dumps(self.path))

    def kernel_status(self):
        return self.js(self.PANEL + """
            var k = p.sessionContext.session && p.sessionContext.session.kernel;
            return k ? k.status + '/' + k.connectionStatus : 'none';""")

    def kernel_name(self):
        return self.js(self.PANEL + "return p.sessionContext.kernelDisplayName;")

    def wait_idle(self, timeout=KERNEL_START_TIMEOUT):
        def idle():
            s = self.kernel_status()
            if s.startswith("dead"):
                raise RuntimeError("the kernel died")
            return s == "idle/connected"
        wait_for("the kernel to be idle", timeout, idle)

    def model(self):
        return self.js(self.PANEL + "return p.content.model.toJSON();")

    def prompts(self):
        return self.js(self.PANEL + """
            return p.content.widgets.map(function (w) {
              var e = w.node.querySelector('.jp-InputPrompt'); return e ? e.textContent.trim() : ''; });""")

    def counts(self):
        return self.js(self.PANEL + """
            return p.content.widgets.map(function (w) {
              return w.model.type === 'code' ? w.model.executionCount : -1; });""")

    def cell_text(self, index):
        return self.js(self.PANEL + """
            var w = p.content.widgets[arguments[0]];
            var o = w.node.querySelector('.jp-OutputArea'); return o ? o.innerText : '';""", index)

    def outputs(self, index):
        return self.js(self.PANEL + "return p.content.widgets[arguments[0]].model.outputs.toJSON();", index)

    def rendered_charts(self, png_too=False):
        """Per cell, the charts the page shows: inline <svg> elements with content and a size, and SVG images
        that decoded (JupyterLab renders image/svg+xml as an <img>); with png_too, decoded PNG images too (what an
        untrusted notebook may show instead: JupyterLab draws no SVG output of an untrusted notebook)."""
        return self.js(self.PANEL + """
            var pngToo = arguments[0];
            return p.content.widgets.map(function (w) {
              var area = w.node.querySelector('.jp-OutputArea'); if (!area) return 0;
              var inline = Array.from(area.querySelectorAll('.jp-OutputArea-output svg')).filter(function (s) {
                var r = s.getBoundingClientRect();
                return !s.closest('[data-icon]') && s.querySelectorAll('rect, path, line, text, polyline, circle').length > 0
                       && r.width > 20 && r.height > 20;
              }).length;
              var images = Array.from(area.querySelectorAll(
                  '.jp-OutputArea-output.jp-RenderedSVG img, .jp-OutputArea-output img[src^="data:image/svg"]'
                  + (pngToo ? ', .jp-OutputArea-output.jp-RenderedImage img, .jp-OutputArea-output img[src^="data:image/png"]' : '')
                  )).filter(function (i) { return i.complete && i.naturalWidth > 20; }).length;
              return inline + images; });""", png_too)

    def menu(self, title, command):
        """Opens a menu of the menu bar by its title and clicks the item that runs the command."""
        from selenium.webdriver.common.by import By
        bar = [e for e in self.driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item") if e.text.strip() == title]
        if not bar:
            raise RuntimeError("no menu '%s' in the menu bar" % title)
        if not self.js("return !!document.querySelector('.lm-Menu.lm-MenuBar-menu');"):
            bar[0].click()
        try:
            item = wait_for("the menu item %s" % command, 10, lambda: [
                e for e in self.driver.find_elements(By.CSS_SELECTOR, '.lm-Menu-item[data-command="%s"]' % command)
                if e.is_displayed()])
        except TimeoutError:
            raise RuntimeError("the menu %s has no item for %s; it has: %s" % (title, command, self.js(
                "return Array.from(document.querySelectorAll('.lm-Menu-item[data-command]')).map("
                "function (e) { return e.dataset.command; }).join(' ');")))
        log("menu %s > %s" % (title, item[0].text.strip().replace("\n", " ")))
        item[0].click()

    def editor(self, index):
        """Clicks into a cell's editor (edit mode, cursor where it was clicked)."""
        from selenium.webdriver.common.by import By
        self.js(self.PANEL + "p.content.widgets[arguments[0]].node.scrollIntoView({block: 'center'});", index)
        cells = self.driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")
        content = cells[index].find_element(By.CSS_SELECTOR, ".cm-content")
        content.click()
        return content

    def keys(self, *keys):
        from selenium.webdriver.common.action_chains import ActionChains
        chain = ActionChains(self.driver)
        for k in keys:
            if isinstance(k, tuple):  # (modifier, key)
                chain.key_down(k[0]).send_keys(k[1]).key_up(k[0])
            else:
                chain.send_keys(k)
        chain.perform()

    def run_cell(self, index):
        """Clicks into the cell and presses Shift+Enter."""
        from selenium.webdriver.common.keys import Keys
        self.editor(index)
        self.keys((Keys.SHIFT, Keys.ENTER))

    def wait_ran(self, index, timeout=60, before=None):
        """Until the cell has an execution count (another than before) and no [*]."""
        def ran():
            c = self.counts()[index]
            return c is not None and c != before and "*" not in self.prompts()[index]
        wait_for("cell %d to finish" % index, timeout, ran)

    def save(self):
        self.menu("File", "docmanager:save")
        wait_for("the notebook to be saved", 30, lambda: self.js(self.PANEL + "return !p.context.model.dirty;"))

    def shot(self, name):
        """A screenshot of the whole notebook: the window made as tall as the notebook's content."""
        self.step += 1
        path = self.shots / ("%02d-%s.png" % (self.step, name))
        try:
            needed = self.js("""
                var s = document.querySelector('.jp-WindowedPanel-outer') || document.querySelector('.jp-Notebook');
                return s ? s.scrollHeight + 260 : 1000;""")
            height = max(900, min(int(needed or 900), 12000))
            self.driver.set_window_size(1400, height)
            if self.js("return window.innerHeight;") < height - 150:
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                            {"width": 1400, "height": height, "deviceScaleFactor": 1, "mobile": False})
            time.sleep(0.5)
            png = self.driver.get_screenshot_as_png()
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            self.driver.set_window_size(1400, 1000)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
            log("screenshot %s (%d bytes)" % (path, len(png)))
        except Exception as e:  # noqa: BLE001 - a missing screenshot is a failure, not the end of the run
            check("screenshot %s" % path.name, False, "%s: %s" % (type(e).__name__, e))


# --- step 1: the scratch notebook --------------------------------------------------------------------------

def scratch_checks(page, folder):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    nb = with_kernel({"cells": [code_cell(s) for s in SCRATCH], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    write_json(nb, folder / "scratch.ipynb")
    opened = time.monotonic()
    page.open("scratch.ipynb")

    # The first Tab, as soon as the kernel is there (its Java session is still starting then).
    wait_for("a kernel", KERNEL_START_TIMEOUT, lambda: not page.kernel_status().startswith(("none", "unknown")))
    page.editor(COMPLETE)
    page.keys((Keys.CONTROL, Keys.END))
    status = page.kernel_status()
    page.keys(Keys.TAB)
    log("first Tab pressed %.1f s after opening, kernel %s" % (time.monotonic() - opened, status))

    def popup():
        items = page.js("""
            var c = document.querySelector('.jp-Completer');
            if (!c || c.classList.contains('lm-mod-hidden')) return null;
            return Array.from(c.querySelectorAll('.jp-Completer-item')).map(function (i) { return i.textContent.trim(); });""")
        return items
    try:
        items = wait_for("the completion popup", 60, popup)
    except TimeoutError:
        items = None
    page.shot("scratch-first-tab")
    source = page.model()["cells"][COMPLETE]["source"]
    source = "".join(source) if isinstance(source, list) else source
    check("first Tab after a fresh start (Str|) shows the completion popup with String",
          bool(items) and any(i.split()[0] == "String" for i in items if i.split()),
          "popup: %s; the cell now holds %r" % (items[:8] if items else items, source))
    page.keys(Keys.ESCAPE)
    page.wait_idle()
    figure("JupyterLab: scratch notebook opened to kernel idle", time.monotonic() - opened)

    # Contextual help, with the cursor inside a type's name (Str|ing) and inside a method's (greeting.len|gth).
    page.menu("Help", "inspector:toggle")
    wait_for("the contextual help panel", 20, lambda: page.js(
        "var i = document.querySelector('.jp-Inspector'); return !!i && i.offsetWidth > 0;"))

    def help_text():
        return page.js("var c = document.querySelector('.jp-Inspector-content'); return c ? c.innerText : '';") or ""

    def help_at(line_moves, right, before=""):
        page.editor(INSPECT)
        page.keys((Keys.CONTROL, Keys.HOME))
        for _ in range(line_moves):
            page.keys(Keys.DOWN)
        page.keys(Keys.HOME)
        for _ in range(right):
            page.keys(Keys.ARROW_RIGHT)
        time.sleep(0.3)
        page.keys(Keys.ARROW_LEFT, Keys.ARROW_RIGHT)  # a cursor move the inspector surely sees
        try:
            return wait_for("contextual help", 30, lambda: (lambda t: t if t.strip() and t != before and "No Documentation" not in t
                                                            and "move the cursor" not in t.lower() else None)(help_text()))
        except TimeoutError:
            return help_text()

    text = help_at(0, 3)
    page.shot("scratch-help-type")
    check("contextual help for a type, the cursor inside its name (Str|ing)",
          "java.lang.String" in text or "class String" in text, repr(text[:300]))
    text = help_at(1, 12, before=text)
    page.shot("scratch-help-method")
    check("contextual help for a method, the cursor inside its name (greeting.len|gth())",
          "length" in text and ("int" in text or "Returns" in text), repr(text[:300]))

    # A thread's late line goes under the cell that started it, not under the cell running when it prints.
    page.run_cell(LATE)
    page.run_cell(NEXT)
    page.wait_ran(NEXT, 60)
    time.sleep(0.5)
    late, nxt = page.cell_text(LATE), page.cell_text(NEXT)
    page.shot("scratch-late-output")
    check("a thread's late line shows under its own cell", "late line, under the cell" in late, repr(late))
    check("...and not under the cell running when it printed", "late line" not in nxt and "waited 3 s" in nxt, repr(nxt))

    # The progress bar is one output, updated in place.
    page.run_cell(PROGRESS)
    seen, most = [], 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = page.js(page.PANEL + """
            var w = p.content.widgets[arguments[0]];
            var bars = w.node.querySelectorAll('.jp-OutputArea progress');
            return {outputs: w.model.outputs.length, bars: bars.length,
                    value: bars.length ? bars[bars.length - 1].value : null,
                    done: w.model.executionCount !== null && !w.node.querySelector('.jp-InputPrompt').textContent.includes('*')};""",
            PROGRESS)
        most = max(most, state["outputs"])
        if state["value"] is not None and (not seen or seen[-1] != state["value"]):
            seen.append(state["value"])
        if state["done"]:
            break
        time.sleep(0.15)
    time.sleep(0.5)
    final = page.js(page.PANEL + """
        var w = p.content.widgets[arguments[0]]; var b = w.node.querySelectorAll('.jp-OutputArea progress');
        return {outputs: w.model.outputs.length, value: b.length ? b[0].value : null, max: b.length ? b[0].max : null};""",
        PROGRESS)
    page.shot("scratch-progress")
    check("the progress bar updated in place: one output, its value growing to the end",
          most == 1 and final["outputs"] == 1 and len(seen) >= 3 and seen == sorted(seen) and final["value"] == final["max"] == 20,
          "values seen %s, at most %d output(s), final %s" % (seen, most, final))

    # stdin: the cell asks, the page shows an input box, the answer reaches the cell.
    page.run_cell(STDIN)
    try:
        box = wait_for("the stdin box", 60, lambda: [e for e in page.driver.find_elements(By.CSS_SELECTOR, ".jp-Stdin-input")
                                                   if e.is_displayed()])
        prompt = page.js("var p = document.querySelector('.jp-Stdin-prompt'); return p ? p.textContent : '';")
        page.shot("scratch-stdin-box")
        box[0].click()
        box[0].send_keys("Ada" + Keys.ENTER)
        page.wait_ran(STDIN, 60)
        out = page.cell_text(STDIN)
        check("stdin: an input box with the cell's prompt, the answer read by the cell",
              "Hello, Ada!" in out and "name" in (prompt + out), "prompt %r, output %r" % (prompt, out))
    except TimeoutError as e:
        check("stdin: an input box appears", False, str(e))
    page.shot("scratch-stdin-answered")

    # ■ stops an endless loop.
    page.run_cell(LOOP)
    time.sleep(3)
    running = "*" in page.prompts()[LOOP]
    buttons = [b for b in page.driver.find_elements(By.CSS_SELECTOR, '.jp-NotebookPanel-toolbar [data-jp-item-name="interrupt"] button, '
                                                    '.jp-NotebookPanel-toolbar [data-jp-item-name="interrupt"] jp-button')
               if b.is_displayed()]
    if not buttons:
        raise RuntimeError("no interrupt (■) button in the notebook's toolbar")
    clicked = time.monotonic()
    buttons[0].click()
    try:
        page.wait_ran(LOOP, 30)
        took = time.monotonic() - clicked
        page.wait_idle(30)
        check("■ interrupts an endless loop", running, "the cell was running, then stopped %.1f s after the click; it shows %r"
              % (took, page.cell_text(LOOP)[:200]))
    except TimeoutError:
        check("■ interrupts an endless loop", False, "the cell still runs 30 s after the click")
    page.shot("scratch-interrupted")

    # Kernel > Restart Kernel...: a new Java process, counting from 1 again.
    def pid():
        return " ".join("".join(o.get("data", {}).get("text/plain", "")) for o in page.outputs(PID)).strip()
    page.run_cell(PID)
    page.wait_ran(PID, 60)
    before = pid()
    page.menu("Kernel", "kernelmenu:restart")
    accept = wait_for("the restart dialog", 20, lambda: [b for b in page.driver.find_elements(
        By.CSS_SELECTOR, ".jp-Dialog .jp-Dialog-button.jp-mod-accept") if b.is_displayed()])
    accept[0].click()
    time.sleep(1)
    page.wait_idle()
    page.run_cell(PID)
    page.wait_ran(PID, 60, before=None)
    after = pid()
    count = page.counts()[PID]
    page.shot("scratch-restarted")
    check("Kernel > Restart Kernel...: a new Java process, counting from 1 again",
          before.isdigit() and after.isdigit() and before != after and count == 1,
          "pid %s before, %s after, execution count %s" % (before, after, count))
    page.save()


# --- step 1b: the visual debugger ---------------------------------------------------------------------------

# The cell the debugger steps through, per kernel language: the Java one for Threadbook; the Python one runs the same
# steps against ipykernel (THREADBOOK_KERNEL=python3), which is how the page's selectors were checked. Line 2 holds
# the breakpoint (inside describe, with its parameter n in view), Next goes to line 3 (kind assigned).
DEBUG_CELLS = {
    "java": 'String describe(int n) {\n    String kind = n % 2 == 0 ? "even" : "odd";\n    return n + " is " + kind;\n}\n'
            'System.out.println(describe(7));',
    "python": 'def describe(n):\n    kind = "even" if n % 2 == 0 else "odd"\n    return f"{n} is {kind}"\n\n'
              'print(describe(7))',
}
DEBUG_LINE = 2
DEBUG_TIMEOUT = 120  # s: JDI sets the breakpoint, the cell runs to it; generous on a loaded machine


def debugger_state(page):
    """What the debugger's side panel shows: the Callstack's frames, the Variables panel's rows (scope trees
    opened as JupyterLab shows them), the Breakpoints panel's lines, and the line highlighted in the cell."""
    return page.js(page.PANEL + r"""
        function texts(sel) { return Array.from(document.querySelectorAll(sel)).filter(function (e) {
            return e.offsetParent !== null; }).map(function (e) { return e.innerText.trim().replace(/\s+/g, ' '); }); }
        var cell = p.content.widgets[0].node;
        var lines = Array.from(cell.querySelectorAll('.cm-line'));
        var lit = lines.map(function (l, i) { return l.classList.contains('jp-DebuggerEditor-highlight') ? i + 1 : 0; })
                       .filter(function (n) { return n > 0; });
        return {frames: texts('.jp-DebuggerCallstack .jp-DebuggerCallstackFrame'),
                variables: texts('.jp-DebuggerVariables-body li, .jp-DebuggerVariables-body [role=treeitem], '
                                 + '.jp-DebuggerVariables-body .jp-DebuggerVariables-name').join(' | '),
                variablesText: (document.querySelector('.jp-DebuggerVariables-body') || {innerText: ''}).innerText,
                breakpoints: texts('.jp-DebuggerBreakpoints .jp-DebuggerBreakpoint'),
                highlighted: lit};""")


def debugger_button(page, title):
    """A button of the Callstack panel's toolbar (Continue, Next, Step In, ...) by the start of its title."""
    from selenium.webdriver.common.by import By
    found = [b for b in page.driver.find_elements(By.CSS_SELECTOR, ".jp-DebuggerCallstack button, .jp-DebuggerCallstack jp-button, "
                                                   ".jp-DebuggerSidebar .jp-Toolbar button, .jp-DebuggerSidebar .jp-Toolbar jp-button")
             if (b.get_attribute("title") or "").startswith(title) and b.is_displayed()]
    if not found:
        titles = [b.get_attribute("title") for b in page.driver.find_elements(
            By.CSS_SELECTOR, ".jp-DebuggerSidebar button, .jp-DebuggerSidebar jp-button")]
        raise RuntimeError("no '%s' button in the debugger's side panel; its buttons: %s" % (title, titles))
    return found[0]


def variable_rows(page):
    """The Variables panel's rows as the tree view shows them: each name with the detail beside it."""
    return page.js("""
        return Array.from(document.querySelectorAll('.jp-DebuggerVariables-body .jp-DebuggerVariables-name'))
          .filter(function (n) { return n.offsetParent !== null; })
          .map(function (n) { var d = n.parentElement.querySelector(':scope > .jp-DebuggerVariables-detail');
                              return [n.textContent.trim(), d ? d.textContent.trim() : '']; });""")


def choose_scope(page, name):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    # The menu sits in the Variables section's title bar, beside its content.
    menus = [e for e in page.driver.find_elements(By.CSS_SELECTOR, '.jp-DebuggerSidebar select[aria-label="Scope"], '
                                                    '.jp-DebuggerSidebar .jp-DebuggerVariables-toolbar select') if e.is_displayed()]
    if not menus:
        raise RuntimeError("no scope menu in the Variables panel")
    menu = Select(menus[0])
    options = [o.text for o in menu.options]
    if name not in options:
        return options
    menu.select_by_visible_text(name)
    return options


def thread_scope_checks(page):
    """The scope Thread of the stopped thread, as a student reads it in the tree view: its state and the locks it
    holds, each row with its text beside the name (JupyterLab's tree shows a row's value only for some types)."""
    options = choose_scope(page, "Thread")
    try:
        wait_for("the Thread scope's rows", 30, lambda: any(n == "state" for n, _ in variable_rows(page)))
    except TimeoutError:
        pass
    rows = variable_rows(page)
    page.shot("debugger-thread-scope")
    shown = dict(rows)
    check("debugger: the Variables panel's scope Thread shows the stopped thread's state and the locks it holds",
          "Thread" in options and shown.get("state", "") != "" and "holds" in shown and shown["holds"] != "",
          "scopes %s; rows %s" % (options, rows))
    choose_scope(page, "Locals")


# Counts the notebook's debug_requests that are not done (panel.debugRequestsInFlight()): done is a debug_reply and the
# kernel's idle status for the request, which is when JupyterLab's future for it resolves. JupyterLab attaches its debugger to
# a notebook in overlapping updates (when the notebook gets the focus, when its kernel arrives), and each one sets the debug
# session's connection, which sends a debugInfo request and makes the next requests wait for its reply. But the reply resolves
# whichever wait the latest connection set made (@jupyterlab/debugger's session.ts, `this._ready.resolve()`): a click on the
# bug icon while an update is in flight can leave the click's own requests waiting forever, and the side panel stays on "-".
# Every such update waits for a request to be done between its steps, so none is in flight once every request is done.
DEBUG_REQUESTS_HOOK = """
    var requests = new Map();  // msg_id -> what was seen of it: the request, its reply, its idle (in any order)
    panel.debugRequestsInFlight = function () {
      return Array.from(requests.values()).filter(function (r) { return r.sent && !(r.reply && r.idle); }).length; };
    function seen(id, what) { var r = requests.get(id) || {}; r[what] = true; requests.set(id, r); }
    function watch(session) {
      if (!session || session.threadbookWatched) { return; }
      session.threadbookWatched = true;
      session.anyMessage.connect(function (_, args) {
        var m = args.msg, type = m.header.msg_type, parent = m.parent_header || {};
        if (args.direction === 'send' && type === 'debug_request') {
          seen(m.header.msg_id, 'sent');
        } else if (args.direction === 'recv' && type === 'debug_reply') {
          seen(parent.msg_id, 'reply');
        } else if (args.direction === 'recv' && type === 'status' && parent.msg_type === 'debug_request'
                   && m.content.execution_state === 'idle') {
          seen(parent.msg_id, 'idle');
        }
      });
    }
    watch(panel.sessionContext.session);
    panel.sessionContext.sessionChanged.connect(function (_, change) { watch(change.newValue); });"""


def debugger_checks(page, folder, language):
    from selenium.webdriver.common.by import By

    code = DEBUG_CELLS[language]
    nb = with_kernel({"cells": [code_cell(code)], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    write_json(nb, folder / "debugger.ipynb")
    # The steps before leave a Launcher and Contextual Help open: beside them the notebook's toolbar is too narrow
    # and hides the bug icon in its "..." menu. The notebook gets the main area to itself.
    page.js("Array.from(window.jupyterapp.shell.widgets('main')).forEach(function (w) {"
            " if (w.context) { w.context.model.dirty = false; } w.close(); });")
    page.open("debugger.ipynb", on_open=DEBUG_REQUESTS_HOOK)
    page.wait_idle()

    # The bug icon in the notebook's toolbar: enabled only for a kernel that says it can debug.
    def bug():
        b = [e for e in page.driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel-toolbar .jp-DebuggerBugButton")
             if e.is_displayed()]
        return b[0] if b else None
    button = wait_for("the bug icon in the notebook's toolbar", 30, bug)

    def enabled():
        b = bug()
        inner = b.find_elements(By.CSS_SELECTOR, "button, jp-button")
        target = inner[0] if inner else b
        return not (target.get_attribute("disabled") or target.get_attribute("aria-disabled") == "true")
    try:
        wait_for("the bug icon to be enabled", 30, enabled)
    except TimeoutError:
        pass
    if not check("debugger: the bug icon is enabled (the kernel supports debugging)", enabled(),
                 "it says %r" % (button.get_attribute("title") or button.text)):
        page.shot("debugger-no-bug-icon")
        return

    def in_flight():
        return page.js(page.PANEL + "return p.debugRequestsInFlight ? p.debugRequestsInFlight() : -1;")
    # The icon is enabled before JupyterLab's last update of the notebook's debug session ends (DEBUG_REQUESTS_HOOK).
    settling, at_enabled = time.monotonic(), in_flight()
    try:
        wait_for("JupyterLab's debugger to be done attaching to the notebook", 60, lambda: in_flight() == 0, poll=0.05)
    except TimeoutError as e:
        raise RuntimeError("%s: %s debug_request(s) not done (-1: none counted)" % (e, in_flight()))
    log("debugger: %d debug_request(s) in flight when the bug icon was enabled, all done %.2f s later"
        % (at_enabled, time.monotonic() - settling))
    clickable = button.find_elements(By.CSS_SELECTOR, "button, jp-button")
    (clickable[0] if clickable else button).click()

    def sidebar():
        # Open, and attached to this notebook: its title names the notebook ("-" when it debugs nothing).
        return page.js("var s = document.querySelector('.jp-DebuggerSidebar');"
                       " return !!s && s.offsetWidth > 0 && s.textContent.toLowerCase().indexOf('debugger.ipynb') >= 0;")
    try:
        wait_for("the debugger's side panel", 30, sidebar)
    except TimeoutError:
        page.js("window.jupyterapp.commands.execute('debugger:show-panel');")
        try:
            wait_for("the debugger's side panel (opened by its command)", 30, sidebar)
        except TimeoutError as e:
            raise RuntimeError("%s; it shows %r; debug_requests of the notebook not done: %s" % (e, page.js(
                "var s = document.querySelector('.jp-DebuggerSidebar'); return s ? s.innerText.slice(0, 80) : null;"),
                in_flight()))
    page.shot("debugger-enabled")
    check("debugger: the bug icon switches the debugger on and its side panel opens", sidebar())

    # A click in the cell's breakpoint gutter, on line DEBUG_LINE.
    page.js(page.PANEL + "p.content.widgets[0].node.scrollIntoView({block: 'center'});")
    cell = page.driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")[0]

    def gutter_beside_line():
        # The side panel just opened: the page may still be laying out, so both are found again each time.
        lines = cell.find_elements(By.CSS_SELECTOR, ".cm-line")
        if len(lines) < DEBUG_LINE:
            return None
        line = lines[DEBUG_LINE - 1].rect
        return [g for g in cell.find_elements(By.CSS_SELECTOR, ".cm-breakpoint-gutter .cm-gutterElement")
                if g.is_displayed() and g.rect["height"] > 0 and abs(g.rect["y"] - line["y"]) < max(4, line["height"] / 2)]
    try:
        gutter = wait_for("the breakpoint gutter beside line %d" % DEBUG_LINE, 30, gutter_beside_line, poll=0.5)
    except TimeoutError:
        raise RuntimeError("no breakpoint gutter beside line %d of the cell; the cell's gutters: %s" % (DEBUG_LINE, [
            g.get_attribute("class") for g in cell.find_elements(By.CSS_SELECTOR, ".cm-gutter")]))
    gutter[0].click()
    try:
        wait_for("the breakpoint in the Breakpoints panel", 30, lambda: debugger_state(page)["breakpoints"])
    except TimeoutError:
        pass
    state = debugger_state(page)
    # CodeMirror keeps an invisible copy of a gutter marker to size the gutter: only the visible dots count.
    marked = page.js(page.PANEL + """
        return Array.from(p.content.widgets[0].node.querySelectorAll('.cm-breakpoint-gutter .cm-breakpoint-icon'))
            .filter(function (i) { return getComputedStyle(i).visibility !== 'hidden' && i.getClientRects().length > 0; })
            .length;""")
    check("debugger: a click in the gutter sets a breakpoint on line %d (a red dot, listed in Breakpoints)" % DEBUG_LINE,
          marked == 1 and any(b.endswith(str(DEBUG_LINE)) or (" %d" % DEBUG_LINE) in b for b in state["breakpoints"]),
          "%d dot(s); Breakpoints panel: %s" % (marked, state["breakpoints"]))

    # Run the cell: it stops on the breakpoint; Callstack and Variables fill.
    page.run_cell(0)
    try:
        wait_for("the cell to stop on the breakpoint", DEBUG_TIMEOUT, lambda: debugger_state(page)["frames"])
        wait_for("the Variables panel", 30, lambda: "7" in debugger_state(page)["variablesText"])
    except TimeoutError:
        pass
    state = debugger_state(page)
    page.shot("debugger-stopped")
    log("debugger stopped: %s" % json.dumps(state)[:1500])
    check("debugger: the cell stops on line %d, the Callstack shows describe on top" % DEBUG_LINE,
          bool(state["frames"]) and "describe" in state["frames"][0] and state["highlighted"] == [DEBUG_LINE],
          "frames %s, highlighted line(s) %s" % (state["frames"], state["highlighted"]))
    check("debugger: the Variables panel shows describe's parameter n = 7",
          re.search(r"\bn\b[\s\S]*\b7\b", state["variablesText"]) is not None, repr(state["variablesText"][:400]))
    check("debugger: the cell is still running while it is stopped", "*" in page.prompts()[0], repr(page.prompts()))
    if language == "java":
        thread_scope_checks(page)

    # Next: line DEBUG_LINE + 1, kind assigned.
    debugger_button(page, "Next").click()
    try:
        wait_for("the step to line %d" % (DEBUG_LINE + 1), DEBUG_TIMEOUT,
                 lambda: debugger_state(page)["highlighted"] == [DEBUG_LINE + 1] and "odd" in debugger_state(page)["variablesText"])
    except TimeoutError:
        pass
    state = debugger_state(page)
    page.shot("debugger-next")
    check("debugger: Next steps to line %d, the Variables panel shows kind = odd" % (DEBUG_LINE + 1),
          state["highlighted"] == [DEBUG_LINE + 1] and "kind" in state["variablesText"] and "odd" in state["variablesText"],
          "highlighted %s, frames %s, variables %r" % (state["highlighted"], state["frames"], state["variablesText"][:300]))

    # Continue: the cell finishes with its normal output; the Callstack empties.
    debugger_button(page, "Continue").click()
    try:
        page.wait_ran(0, DEBUG_TIMEOUT)
        wait_for("the Callstack to empty", 30, lambda: not debugger_state(page)["frames"])
    except TimeoutError:
        pass
    state = debugger_state(page)
    out = page.cell_text(0)
    page.shot("debugger-continued")
    check("debugger: Continue runs the cell to its end, with its normal output",
          out.strip() == "7 is odd" and "*" not in page.prompts()[0] and not state["frames"],
          "output %r, prompt %r, frames left %s" % (out, page.prompts()[0], state["frames"]))
    # The debugger off again, as a student leaves it: the next step's notebooks run without it.
    button = bug()
    clickable = button.find_elements(By.CSS_SELECTOR, "button, jp-button")
    (clickable[0] if clickable else button).click()


# --- step 2: Run All of every notebook ---------------------------------------------------------------------

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
        # One script per poll, once a second: the browser's work competes with the notebook's timed cells.
        state = page.js(page.PANEL + """
            var k = p.sessionContext.session && p.sessionContext.session.kernel;
            var code = p.content.widgets.filter(function (w) { return w.model.type === 'code'; });
            return {status: k ? k.status : 'none',
                    pending: code.filter(function (w) {
                      var e = w.node.querySelector('.jp-InputPrompt');
                      return w.model.executionCount === null || (e && e.textContent.indexOf('*') >= 0); }).length};""")
        if state["status"] == "dead":
            raise RuntimeError("the kernel died")
        quiet.append(state["pending"] == 0 and state["status"] == "idle")
        return len(quiet) >= 2 and quiet[-1] and quiet[-2]
    wait_for("every code cell to finish", RUN_ALL_TIMEOUT, finished, poll=1.0)
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
    """check_notebooks.py's checks of each example, on what the page ran; its counts join ours."""
    import nbformat
    before_p, before_f = check_notebooks.passed, check_notebooks.failed
    found = check_notebooks.check_examples(nbformat.from_dict(nb))
    global passed, failed
    passed += check_notebooks.passed - before_p
    failed += check_notebooks.failed - before_f
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


# --- step 3: charts in notebooks this server did not sign ------------------------------------------------

def untrusted_charts(page, name, label):
    page.open(name)
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


def shutdown_kernels(base, token):
    request = urllib.request.Request("%s/api/sessions" % base, headers={"Authorization": "token " + token})
    with urllib.request.urlopen(request, timeout=10) as r:
        sessions = json.load(r)
    for s in sessions:
        urllib.request.urlopen(urllib.request.Request("%s/api/sessions/%s" % (base, s["id"]), method="DELETE",
                                                      headers={"Authorization": "token " + token}), timeout=30).close()


# --- main --------------------------------------------------------------------------------------------------

def lab_settings(folder):
    """User settings of this run's JupyterLab: no news or update checks (no network here), no extension manager,
    every cell in the page (the windowed notebook leaves cells far from view out of the page)."""
    settings = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, value in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


def main():
    shots = Path(os.environ.get("THREADBOOK_SHOTS", CORE / "target" / "jupyterlab"))
    shutil.rmtree(shots, ignore_errors=True)  # the screenshots kept are this run's
    shots.mkdir(parents=True)
    wanted = [n for n in os.environ.get("THREADBOOK_NOTEBOOKS", "").split(",") if n]
    work = Path(tempfile.mkdtemp(prefix="threadbook-lab-"))
    served, profile, cfg, data, runtime, settings = (
        work / d for d in ("served", "chromium-profile", "jupyter-config", "jupyter-data", "jupyter-runtime", "lab-settings"))
    for d in (served, profile, cfg, data, runtime, settings):
        d.mkdir()
    lab_settings(settings)
    server = driver = service = None
    server_log_path, driver_log_path = work / "jupyterlab.log", work / "chromedriver.log"
    tracked = set()

    def track():
        for p in (server, getattr(service, "process", None)):
            if p is not None and p.poll() is None:
                for pid in [p.pid] + children_of(p.pid):
                    ident = identity(pid)
                    if ident is not None:
                        tracked.add((pid, ident[1]))

    try:
        import jupyterlab
        import notebook
        log("JupyterLab %s, Notebook %s, Python %s; kernel %s (JUPYTER_PATH=%s)"
            % (jupyterlab.__version__, notebook.__version__, sys.version.split()[0], KERNEL, os.environ.get("JUPYTER_PATH", "")))
        originals = sorted((REPO / "notebooks").glob("*.ipynb"))
        if wanted:
            originals = [p for p in originals if p.name in wanted]
        if not originals:
            raise RuntimeError("no notebooks in %s" % (REPO / "notebooks"))
        runs = []
        for original in originals:
            nb = with_kernel(read_json(original))
            write_json(with_kernel(json.loads(json.dumps(nb))), served / ("shipped-" + original.name))
            write_json(cleared(nb), served / original.name)
            runs.append((original.name, len(nb["cells"])))

        token = secrets.token_hex(24)
        port = free_port()
        # Fresh Jupyter folders (config, data with its trust database, runtime, lab settings and workspaces): the
        # user's own stay out. The token travels in the environment, not on a command line other users can read.
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(cfg), JUPYTER_DATA_DIR=str(data), JUPYTER_RUNTIME_DIR=str(runtime),
                   JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"),
                   JUPYTER_TOKEN=token, PYTHONUNBUFFERED="1")
        server_log = open(server_log_path, "w")
        started = time.monotonic()
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", "--port=%d" % port,
             "--ServerApp.port_retries=0", "--ServerApp.root_dir=%s" % served, "--allow-root",
             "--LabApp.expose_app_in_browser=True", "--JupyterNotebookApp.expose_app_in_browser=True",
             "--LabApp.news_url=", "--ServerApp.open_browser=False"],
            cwd=str(served), env=env, stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        base = "http://127.0.0.1:%d" % port

        def server_up():
            if server.poll() is not None:
                raise RuntimeError("JupyterLab exited with %s:\n%s" % (server.returncode, server_log_path.read_text()))
            try:
                req = urllib.request.Request("%s/api/status" % base, headers={"Authorization": "token " + token})
                with urllib.request.urlopen(req, timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False
        wait_for("the JupyterLab server", 90, server_up)
        figure("JupyterLab server start", time.monotonic() - started)
        req = urllib.request.Request("%s/api/kernelspecs" % base, headers={"Authorization": "token " + token})
        with urllib.request.urlopen(req, timeout=10) as r:
            specs = json.load(r)["kernelspecs"]
        if not check("the JupyterLab server knows the kernelspec '%s'" % KERNEL, KERNEL in specs,
                     "it knows only %s; is JUPYTER_PATH set?" % sorted(specs)):
            raise RuntimeError("kernelspec missing")
        global LANGUAGE
        LANGUAGE = specs[KERNEL]["spec"]["language"]
        check("the kernelspec says the kernel can debug (metadata.debugger, which JupyterLab's bug icon needs)",
              specs[KERNEL]["spec"].get("metadata", {}).get("debugger") is True, json.dumps(specs[KERNEL]["spec"])[:500])

        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--window-size=1400,1000", "--lang=en-US", "--user-data-dir=%s" % profile):
            options.add_argument(arg)
        service = Service(executable_path=CHROMEDRIVER, log_output=str(driver_log_path))
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_page_load_timeout(90)
        track()
        log("Chromium %s started headless" % driver.capabilities.get("browserVersion", "?"))
        page = Page(driver, base, shots)
        # The token becomes a cookie; the URLs below need none. ?reset: no workspace restored.
        figure("JupyterLab page load until the app is ready", page.load("%s/lab?reset&token=%s" % (base, token)))

        steps = []
        if wanted_step("scratch"):
            steps.append(("scratch notebook", lambda: scratch_checks(page, served)))
        if wanted_step("debugger"):
            steps.append(("debugger", lambda: debugger_checks(page, served, LANGUAGE)))
        seen = set()
        t1_name = None
        for name, ncells in (runs if wanted_step("notebooks") else []):
            def one(name=name, ncells=ncells):
                nonlocal t1_name
                nb, _ = run_all(page, name, ncells)
                page.shot(name.replace(".ipynb", "") + "-run-all")
                seen.update(example_checks(nb, name))
                if any(is_t1(c) for c in nb["cells"]):
                    t1_checks_in_page(page, nb, name)
                    t1_name = t1_name or name
                page.save()
                saved = read_json(served / name)
                check("%s: saved by JupyterLab with its outputs" % name,
                      sum(len(c.get("outputs", [])) for c in saved["cells"]) == sum(len(c["outputs"]) for c in nb["cells"] if c["cell_type"] == "code"))
                # The saved file as another machine sees it: this server's signature no longer matches it.
                saved.setdefault("metadata", {})["threadbook_test"] = "a copy this server did not sign"
                write_json(saved, served / ("saved-" + name))
            steps.append((name, one))
        for label, step in steps:
            step_start(label)
            try:
                step()
            except Exception as e:  # noqa: BLE001 - a broken step is one more failure; the next step still runs
                check("%s: the step itself" % label, False, "%s: %s" % (type(e).__name__, e))
                traceback.print_exc(file=sys.stdout)
                page.shot(label.replace(".ipynb", "").replace(" ", "-") + "-broken")
            finally:
                track()
                try:
                    page.close()
                    shutdown_kernels(base, token)
                except Exception as e:  # noqa: BLE001
                    log("could not shut the kernels down: %s" % e)

        if wanted_step("notebooks"):
            step_start("the catalogue")
        if not wanted_step("notebooks"):
            pass
        elif wanted:
            check("every catalogue id was checked", True, "only %s run" % ", ".join(wanted))
        else:
            missing = [i for i in check_notebooks.IDS if i not in seen]
            check("every catalogue id has a section in a notebook, and was checked in JupyterLab", not missing,
                  "missing: " + ", ".join(missing))

        total = 0
        if wanted_step("untrusted"):
            step_start("untrusted notebooks")
        for name, _ in (runs if wanted_step("untrusted") else []):
            for prefix, what in (("saved-", "saved by JupyterLab"), ("shipped-", "shipped, stored outputs")):
                if (served / (prefix + name)).exists():
                    try:
                        total += untrusted_charts(page, prefix + name, "%s (%s)" % (name, what))
                    except Exception as e:  # noqa: BLE001
                        check("%s (%s): opened untrusted" % (name, what), False, "%s: %s" % (type(e).__name__, e))
                        traceback.print_exc(file=sys.stdout)
                    finally:
                        page.close()
                        shutdown_kernels(base, token)
        if wanted_step("untrusted"):
            check("the notebooks hold charts to look at", total > 0, "%d chart outputs" % total)

        # Notebook 7: the notebook with T1, Run All once.
        if wanted_step("notebook7") and wanted_step("notebooks"):
            step_start("Notebook 7")
        if not wanted_step("notebook7") or not wanted_step("notebooks"):
            pass
        elif t1_name:
            nb7 = "notebook7-" + t1_name
            shutil.copy(served / ("shipped-" + t1_name), served / nb7)
            write_json(cleared(read_json(served / nb7)), served / nb7)
            try:
                nb, _ = run_all(page, nb7, len(read_json(served / nb7)["cells"]), ui="notebook")
                page.shot("notebook7-run-all")
                t1_checks_in_page(page, nb, "Notebook 7: " + t1_name)
                page.save()
            except Exception as e:  # noqa: BLE001
                check("Notebook 7: Run All", False, "%s: %s" % (type(e).__name__, e))
                traceback.print_exc(file=sys.stdout)
                page.shot("notebook7-broken")
            finally:
                shutdown_kernels(base, token)
        else:
            check("a notebook holds T1, for Notebook 7's Run All", False)
    except Exception as e:  # noqa: BLE001 - anything that breaks the run is one more failure, reported
        check("the run itself", False, "%s: %s" % (type(e).__name__, e))
        traceback.print_exc(file=sys.stdout)
    finally:
        shutdown(server, driver, service, tracked, track)
        if failed:
            for name, path in (("JupyterLab log", server_log_path), ("chromedriver log", driver_log_path)):
                if path.exists():
                    print("----- %s (last 4000 characters) -----\n%s" % (name, path.read_text(errors="replace")[-4000:]),
                          flush=True)
        if os.environ.get("THREADBOOK_BROWSER_KEEP"):
            log("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    for what, seconds in figures:
        print("FIGURE %-60s %6.1f s" % (what, seconds))
    log("done in %.1f s" % (time.monotonic() - T0))
    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


def shutdown(server, driver, service, tracked, track):
    """Stops Chromium and chromedriver, then the server (which shuts its kernels down), then kills anything
    started here that is still alive."""
    try:
        track()
    except Exception:  # noqa: BLE001
        pass
    if driver is not None:
        try:
            driver.quit()
        except Exception as e:  # noqa: BLE001
            log("driver.quit: %s" % e)
    elif service is not None:
        try:
            service.stop()
        except Exception:  # noqa: BLE001
            pass
    if server is not None and server.poll() is None:
        server.send_signal(signal.SIGTERM)  # jupyter_server shuts its kernels down on SIGTERM
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            log("JupyterLab did not stop in 30 s; killing it")
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
    left = [p for p in tracked if alive(p)]
    if left and not wait_gone(left, 10):
        left = [p for p in left if alive(p)]
        log("killing %d process(es) still alive: %s" % (len(left), [p[0] for p in left]))
        kill_all(left)
        wait_gone(left, 5)
    log("shut down: JupyterLab, kernels, chromedriver and Chromium (%d processes tracked)" % len(tracked))


if __name__ == "__main__":
    sys.exit(main())
