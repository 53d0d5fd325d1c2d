"""What jupyterlab_run.py's steps share: the check counts and log lines, the notebooks' files, and the page (the
browser on one JupyterLab or Notebook 7 server)."""
import json
import os
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[4]
CORE = HERE.parents[2]
KERNEL = os.environ.get("THREADBOOK_KERNEL", "threadbook")
LANGUAGE = "java"  # the kernelspec's language, read from the server

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


def shutdown_kernels(base, token):
    request = urllib.request.Request("%s/api/sessions" % base, headers={"Authorization": "token " + token})
    with urllib.request.urlopen(request, timeout=10) as r:
        sessions = json.load(r)
    for s in sessions:
        urllib.request.urlopen(urllib.request.Request("%s/api/sessions/%s" % (base, s["id"]), method="DELETE",
                                                      headers={"Authorization": "token " + token}), timeout=30).close()


class Page:
    """The browser on one JupyterLab (or Notebook 7) server; reads state through window.jupyterapp (the server
    runs with expose_app_in_browser) and acts through the page's menus, buttons and keys."""

    def __init__(self, driver, base, token, shots):
        self.driver = driver
        self.base = base
        self.token = token
        self.shots = shots
        self.step = 0

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def load(self, url):
        """Loads JupyterLab (or Notebook 7) itself; returns the seconds it took until the app was ready."""
        started = time.monotonic()
        self.lab = "/lab" in url
        self.driver.get(url)
        wait_for("the app to load", 180, lambda: self.js(
            "return !!(window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open')"
            " && document.querySelector('.lm-MenuBar-item'));"), poll=0.5)
        return time.monotonic() - started

    def open(self, path, ui="lab", on_open=None, kernel=True):
        """Opens a notebook: in JupyterLab, in the app already loaded (as a double click in the file browser
        does); in Notebook 7, its own page. on_open (JupyterLab only): the body of a JavaScript function of the
        notebook's panel, run as soon as the panel exists, before its kernel is there. kernel=False (JupyterLab
        only): with no kernel, to look at stored outputs (a kernel's start costs seconds and draws nothing)."""
        self.path = path
        if ui == "lab":
            self.js("""
                var path = arguments[0], hook = arguments[1] ? new Function('panel', arguments[1]) : null;
                var args = {path: path, factory: 'Notebook'};
                if (!arguments[2]) { args.kernelPreference = {shouldStart: false}; }
                window.jupyterapp.commands.execute('docmanager:open', args).then(function (w) {
                  var p = w && w.sessionContext ? w : Array.from(window.jupyterapp.shell.widgets('main')).find(function (x) {
                    return x.context && x.context.path === path; });
                  if (hook && p) { hook(p); } });""", path, on_open, kernel)
        else:
            self.load("%s/notebooks/%s" % (self.base, path))
        wait_for("the notebook %s" % path, 90, lambda: self.js("""
            var p = window.jupyterapp.shell.currentWidget;
            return !!(p && p.context && p.context.path === arguments[0] && p.context.isReady && p.content
                      && p.content.widgets.length > 0);""", path))

    def close(self):
        """Closes the notebook's tab (its kernel is shut down by the caller)."""
        if self.path is None:
            return
        self.js(self.PANEL + "if (p && p.context) { p.context.model.dirty = false; p.dispose(); }")
        self.path = None

    def leave(self):
        """Closes the notebook's tab and shuts down every kernel of the server: the next step starts clean."""
        try:
            self.close()
        finally:
            shutdown_kernels(self.base, self.token)

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
